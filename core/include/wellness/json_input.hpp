#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace wellness {

using Json = nlohmann::json;

// Limits applied to every JSON text that comes from outside (HTTP bodies, content files,
// files left on disk by a crash).
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

} // namespace wellness
