#include "wellness/json_input.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

namespace wellness {
namespace {

JsonInputResult refuse(JsonInputError error, std::string message) {
    JsonInputResult result;
    result.error = error;
    result.message = std::move(message);
    return result;
}

// Deepest nesting of arrays and objects, counted by a flat scan (no recursion, so hostile
// input cannot exhaust the stack) that skips brackets inside strings. Stops counting as soon
// as `limit` is exceeded.
int nesting_depth(std::string_view text, int limit) {
    // The bytes the scan must look at outside strings, and inside them; the rest are skipped
    // with one table look-up each.
    static constexpr auto marks = [](std::string_view of) {
        std::array<bool, 256> table{};
        for (const char c : of)
            table[static_cast<unsigned char>(c)] = true;
        return table;
    };
    static constexpr std::array<bool, 256> structural = marks("\"[]{}");
    static constexpr std::array<bool, 256> in_string_marks = marks("\"\\");
    int depth = 0;
    int deepest = 0;
    std::size_t i = 0;
    const std::size_t size = text.size();
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    while (i < size) {
        while (i < size && !structural[at(i)])
            ++i;
        if (i == size)
            break;
        switch (text[i]) {
        case '"':
            ++i;
            for (;;) {
                while (i < size && !in_string_marks[at(i)])
                    ++i;
                if (i >= size)
                    return deepest; // an unterminated string: the parser says so
                if (text[i] == '\\') {
                    i += 2; // the escaped byte cannot end the string
                    continue;
                }
                break; // the closing quote
            }
            break;
        case '[':
        case '{':
            ++depth;
            if (depth > deepest) {
                deepest = depth;
                if (deepest > limit)
                    return deepest;
            }
            break;
        default: // ']' or '}'
            if (depth > 0)
                --depth;
            break;
        }
        ++i;
    }
    return deepest;
}

} // namespace

std::size_t first_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        // Eight ASCII bytes at a time: bodies are mostly ASCII, and this runs on every one.
        std::uint64_t eight = 0;
        if (i + sizeof eight <= text.size()) {
            std::memcpy(&eight, text.data() + i, sizeof eight);
            if ((eight & 0x8080808080808080ULL) == 0) {
                i += sizeof eight;
                continue;
            }
        }
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80; // allowed range of the second byte
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                low = 0xA0; // overlong
            } else if (lead == 0xED) {
                high = 0x9F; // UTF-16 surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                low = 0x90; // overlong
            } else if (lead == 0xF4) {
                high = 0x8F; // above U+10FFFF
            }
        } else {
            return i;
        }
        if (i + length > text.size()) {
            return i;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) {
            return i;
        }
        for (std::size_t k = 2; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (next < 0x80 || next > 0xBF) {
                return i;
            }
        }
        i += length;
    }
    return text.size();
}

std::string describe_json_parse_error(const Json::parse_error& error, std::string_view text) {
    // nlohmann's messages name lexer internals ("syntax error while parsing value - invalid
    // literal; last read: 'x'"); say the same in plain words, with the location.
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return "the text is empty; a JSON value was expected";
    }
    const std::string_view what = error.what();
    const std::string where = " (near byte " + std::to_string(error.byte) + ")";
    if (what.find("unexpected end of input") != std::string_view::npos) {
        return "the text is not valid JSON: it ends before its value is complete";
    }
    // Checked after "unexpected end of input", which contains these words too.
    if (what.find("expected end of input") != std::string_view::npos) {
        return "the text goes on after the end of its JSON value" + where;
    }
    return "the text is not valid JSON" + where;
}

void OpenObjectKeys::open_object() {
    if (depth_ == open_.size())
        open_.emplace_back();
    open_[depth_].names.clear();
    open_[depth_].many.clear();
    ++depth_;
}

void OpenObjectKeys::close_object() {
    if (depth_ > 0)
        --depth_;
}

bool OpenObjectKeys::add_key(const std::string& key) {
    if (depth_ == 0)
        return true;
    constexpr std::size_t short_list = 16;
    Keys& keys = open_[depth_ - 1];
    if (keys.many.empty()) {
        if (std::find(keys.names.begin(), keys.names.end(), key) != keys.names.end())
            return false;
        keys.names.push_back(key);
        if (keys.names.size() > short_list) {
            keys.many.insert(std::make_move_iterator(keys.names.begin()),
                             std::make_move_iterator(keys.names.end()));
            keys.names.clear();
        }
        return true;
    }
    return keys.many.insert(key).second;
}

JsonInputResult too_deep_refusal(int max_depth) {
    return refuse(JsonInputError::too_deep, "arrays and objects are nested more than " +
                                                std::to_string(max_depth) + " levels deep");
}

std::optional<JsonInputResult> screen_json_text(std::string_view text, const JsonLimits& limits,
                                                DepthScan depth) {
    if (text.size() > limits.max_bytes) {
        return refuse(JsonInputError::too_large,
                      "the text is " + std::to_string(text.size()) + " bytes long; at most " +
                          std::to_string(limits.max_bytes) + " bytes are accepted");
    }
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        return refuse(JsonInputError::nul_byte,
                      "the text holds a NUL byte at byte " + std::to_string(nul + 1));
    }
    if (const auto bad = first_invalid_utf8(text); bad != text.size()) {
        return refuse(JsonInputError::invalid_utf8,
                      "the text is not valid UTF-8 (at byte " + std::to_string(bad + 1) + ")");
    }
    const int max_depth = limits.max_depth < 0 ? 0 : limits.max_depth;
    if (depth == DepthScan::scan && nesting_depth(text, max_depth) > max_depth)
        return too_deep_refusal(max_depth);
    return std::nullopt;
}

JsonInputResult parse_json_input(std::string_view text, const JsonLimits& limits) {
    if (auto refused = screen_json_text(text, limits))
        return std::move(*refused);

    OpenObjectKeys open_objects;
    bool duplicate_key = false;
    const Json::parser_callback_t watch_keys = [&](int /*depth*/, Json::parse_event_t event,
                                                   Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start:
            open_objects.open_object();
            break;
        case Json::parse_event_t::object_end:
            open_objects.close_object();
            break;
        case Json::parse_event_t::key:
            if (parsed.is_string() && !open_objects.add_key(parsed.get_ref<const std::string&>()))
                duplicate_key = true;
            break;
        default:
            break;
        }
        return true;
    };

    try {
        Json value = Json::parse(text.begin(), text.end(), watch_keys, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/false);
        if (duplicate_key) {
            return refuse(JsonInputError::malformed, std::string(repeated_key_message));
        }
        JsonInputResult result;
        result.value = std::move(value);
        return result;
    } catch (const Json::parse_error& error) {
        return refuse(JsonInputError::malformed, describe_json_parse_error(error, text));
    } catch (const std::exception&) {
        return refuse(JsonInputError::malformed, "the text is not valid JSON");
    } catch (...) {
        return refuse(JsonInputError::malformed, "the text is not valid JSON");
    }
}

} // namespace wellness
