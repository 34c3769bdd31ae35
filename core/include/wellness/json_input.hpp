#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace wellness {

using Json = nlohmann::json;

// Limits applied to every JSON text that comes from outside (HTTP bodies, content files,
// files left on disk by a crash).
// Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or text.size() if there is none.
std::size_t first_invalid_utf8(std::string_view text);

struct JsonLimits {
    std::size_t max_bytes = 1024 * 1024;
    int max_depth = 24;
};

enum class JsonInputError {
    none,
    too_large,    // more than max_bytes (HTTP 413)
    nul_byte,     // a NUL byte anywhere in the text
    invalid_utf8, // not UTF-8
    too_deep,     // arrays / objects nested deeper than max_depth
    malformed,    // not JSON at all, or trailing garbage
};

struct JsonInputResult {
    std::optional<Json> value;
    JsonInputError error = JsonInputError::none;
    std::string message; // human words for the error; empty on success
};

// Parses untrusted JSON text. Never throws. Checks run cheapest first: size, NUL bytes, UTF-8,
// nesting depth (a flat scan, so hostile nesting cannot exhaust the stack), then the parse
// itself. Comments, trailing text and objects that repeat a key are `malformed`.
JsonInputResult parse_json_input(std::string_view text, const JsonLimits& limits = {});

// For readers that parse with their own SAX handler instead of building a document: the checks
// parse_json_input makes before parsing (size, NUL bytes, UTF-8, depth). Nullopt when the text
// passes them; otherwise the refusal parse_json_input would give. A handler that refuses
// nesting past limits.max_depth itself (with too_deep_refusal) can skip the depth scan.
enum class DepthScan { scan, left_to_parser };
std::optional<JsonInputResult> screen_json_text(std::string_view text, const JsonLimits& limits,
                                                DepthScan depth = DepthScan::scan);

// parse_json_input's refusal of a text nested deeper than `max_depth`.
JsonInputResult too_deep_refusal(int max_depth);

// parse_json_input's words for an object that repeats a key (a `malformed` text).
inline constexpr std::string_view repeated_key_message =
    "an object in the text has the same key twice";

// parse_json_input's plain-words message for a parse error in `text`.
std::string describe_json_parse_error(const Json::parse_error& error, std::string_view text);

// The keys of the objects a parser has open, innermost last, so that an object repeating a key
// can be refused (nlohmann would silently keep the last value, so two readers of the same text
// could disagree about what it says).
class OpenObjectKeys {
  public:
    void open_object();
    void close_object();
    // False when the innermost open object already has this key.
    bool add_key(const std::string& key);

  private:
    // One object's keys: a plain list while short (the common case), a hash set once long, so
    // a hostile object with thousands of keys costs linear time, not quadratic.
    struct Keys {
        std::vector<std::string> names;
        std::unordered_set<std::string> many;
    };
    std::vector<Keys> open_;
    std::size_t depth_ = 0; // open_ keeps closed levels' storage for reuse
};

} // namespace wellness
