#include "wellness/json_input.hpp"

#include <catch2/catch.hpp>
#include <string>

using wellness::JsonInputError;
using wellness::JsonLimits;
using wellness::parse_json_input;

namespace {

std::string nested_arrays(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

void require_refused(std::string_view text, JsonInputError expected,
                     const JsonLimits& limits = {}) {
    const auto result = parse_json_input(text, limits);
    CHECK_FALSE(result.value.has_value());
    CHECK(result.error == expected);
    CHECK_FALSE(result.message.empty());
}

} // namespace

TEST_CASE("Well-formed JSON is parsed into a value", "[json]") {
    const auto result = parse_json_input(R"({"name": "Café ☕", "n": [1, 2.5, true, null]})");
    REQUIRE(result.value.has_value());
    CHECK(result.error == JsonInputError::none);
    CHECK(result.message.empty());
    CHECK((*result.value)["name"] == "Café ☕");
    CHECK((*result.value)["n"].size() == 4);

    const auto scalar = parse_json_input("  42 \n");
    REQUIRE(scalar.value.has_value());
    CHECK(*scalar.value == 42);
}

TEST_CASE("Text longer than the size limit is refused before parsing", "[json]") {
    JsonLimits limits;
    limits.max_bytes = 16;
    const std::string exactly = R"({"a":"12345678"})"; // 16 bytes
    REQUIRE(exactly.size() == 16);
    CHECK(parse_json_input(exactly, limits).value.has_value());
    require_refused(R"({"a":"123456789"})", JsonInputError::too_large, limits);
    // Refused by size even though it is not JSON at all: nothing is looked at.
    require_refused(std::string(17, 'x'), JsonInputError::too_large, limits);
    const auto result = parse_json_input(std::string(17, ' '), limits);
    CHECK(result.message.find("16") != std::string::npos);
}

TEST_CASE("A NUL byte anywhere is refused, inside a string or outside", "[json]") {
    using namespace std::string_literals;
    require_refused("{\"a\":\"x\0y\"}"s, JsonInputError::nul_byte);
    require_refused("{\"a\":1}\0"s, JsonInputError::nul_byte);
    require_refused("\0"s, JsonInputError::nul_byte);
    // The escaped form is a legitimate character, not a NUL byte in the text.
    CHECK(parse_json_input(R"({"a":"x\u0000y"})").value.has_value());
}

TEST_CASE("Text that is not UTF-8 is refused", "[json]") {
    require_refused("{\"a\":\"caf\xE9\"}", JsonInputError::invalid_utf8);          // Latin-1 é
    require_refused("{\"a\":\"\xC3\"}", JsonInputError::invalid_utf8);             // cut short
    require_refused("{\"a\":\"\xC0\xAF\"}", JsonInputError::invalid_utf8);         // overlong '/'
    require_refused("{\"a\":\"\xE0\x80\xAF\"}", JsonInputError::invalid_utf8);     // overlong
    require_refused("{\"a\":\"\xED\xA0\x80\"}", JsonInputError::invalid_utf8);     // surrogate
    require_refused("{\"a\":\"\xF4\x90\x80\x80\"}", JsonInputError::invalid_utf8); // > U+10FFFF
    require_refused("{\"a\":\"\xFF\"}", JsonInputError::invalid_utf8);
    require_refused("{\"a\":1}\x80", JsonInputError::invalid_utf8); // outside a string
    require_refused("\xE2\x82", JsonInputError::invalid_utf8);      // truncated at the end
    // The largest and the multi-byte characters that are valid pass.
    CHECK(parse_json_input("[\"\xF4\x8F\xBF\xBF\", \"\xED\x9F\xBF\", \"ñ€𝄞\"]").value.has_value());
}

TEST_CASE("A bad byte is found wherever it sits in a long text, and named by its place", "[json]") {
    for (std::size_t place = 6; place < 70; ++place) {
        std::string text = "{\"a\":\"" + std::string(70, 'x') + "\"}";
        text[place] = '\xFF';
        INFO("bad byte at " << place);
        const auto result = parse_json_input(text);
        CHECK(result.error == JsonInputError::invalid_utf8);
        CHECK(result.message.find("at byte " + std::to_string(place + 1) + ")") !=
              std::string::npos);
        text[place] = 'x';
        text[place + 1] = '\xC3'; // a lead byte whose continuation is missing
        CHECK(parse_json_input(text).error == JsonInputError::invalid_utf8);
    }
}

TEST_CASE("Nesting deeper than the depth limit is refused", "[json]") {
    JsonLimits limits;
    limits.max_depth = 8;
    CHECK(parse_json_input(nested_arrays(8), limits).value.has_value());
    require_refused(nested_arrays(9), JsonInputError::too_deep, limits);
    require_refused(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}})",
                    JsonInputError::too_deep, limits);
    // The default limit.
    CHECK(parse_json_input(nested_arrays(24)).value.has_value());
    require_refused(nested_arrays(25), JsonInputError::too_deep);
}

TEST_CASE("Hostile nesting far past the limit is refused without exhausting the stack", "[json]") {
    JsonLimits limits;
    limits.max_bytes = 4 * 1024 * 1024;
    require_refused(std::string(1'000'000, '['), JsonInputError::too_deep, limits);
    require_refused(nested_arrays(1'000'000), JsonInputError::too_deep, limits);
}

TEST_CASE("Brackets inside strings do not count towards the depth", "[json]") {
    JsonLimits limits;
    limits.max_depth = 2;
    const auto result =
        parse_json_input(R"({"a":["[[[[{{{{", "\"[[[[", "\\", "]]]]}}}}"]})", limits);
    REQUIRE(result.value.has_value());
    CHECK((*result.value)["a"][0] == "[[[[{{{{");
    CHECK((*result.value)["a"][1] == "\"[[[[");
    // An escaped backslash ends before the quote: the quote closes the string.
    require_refused(R"({"a":["\\", [[1]]]})", JsonInputError::too_deep, limits);
}

TEST_CASE("Malformed JSON and trailing garbage are refused in plain words", "[json]") {
    for (const char* bad :
         {"",          "   ",     "{",           "{\"a\":}",       "{\"a\":1,}",     "[1,2",
          "nul",       "{'a':1}", "{\"a\":1} x", "{\"a\":1}{}",    "[1] [2]",        "01",
          "1.",        "NaN",     "/* c */ {}",  "{\"a\":1} // c", "\"unterminated", "[\"\\x\"]",
          "{\"a\" 1}", "]"}) {
        INFO("text: " << bad);
        const auto result = parse_json_input(bad);
        CHECK_FALSE(result.value.has_value());
        CHECK(result.error == JsonInputError::malformed);
        CHECK_FALSE(result.message.empty());
        // No parser jargon leaks into the message shown to people.
        CHECK(result.message.find("syntax error") == std::string::npos);
        CHECK(result.message.find("[json.exception") == std::string::npos);
    }
}

TEST_CASE("An object that repeats a key is refused", "[json]") {
    require_refused(R"({"a":1,"a":2})", JsonInputError::malformed);
    require_refused(R"([{"x":{"k":1,"k":1}}])", JsonInputError::malformed);
    // The same key in different objects, and in nested ones, is fine.
    CHECK(parse_json_input(R"([{"a":1},{"a":2},{"a":{"a":3}}])").value.has_value());
}

TEST_CASE("A parse never throws, whatever the bytes", "[json]") {
    std::string bytes;
    for (int i = 0; i < 4096; ++i) {
        bytes.push_back(static_cast<char>((i * 131 + 7) % 256));
    }
    for (std::size_t length = 0; length < bytes.size(); length += 97) {
        CHECK_NOTHROW(parse_json_input(std::string_view(bytes).substr(0, length)));
    }
}

TEST_CASE("The message says whether the text is empty, cut short or followed by more", "[json]") {
    CHECK(parse_json_input(" \n").message == "the text is empty; a JSON value was expected");
    CHECK(parse_json_input(R"({"a":[1,)").message.find("ends before") != std::string::npos);
    const auto trailing = parse_json_input(R"({"a":1} x)");
    CHECK(trailing.message.find("goes on after") != std::string::npos);
    CHECK(trailing.message.find("byte 9") != std::string::npos);
    const auto wrong = parse_json_input(R"({"a":tru})");
    CHECK(wrong.message.find("not valid JSON") != std::string::npos);
}
