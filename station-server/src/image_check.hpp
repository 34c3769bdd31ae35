#pragma once

#include "wellness/image.hpp"

#include <string_view>

namespace wellness::station {

// An uploaded asset must be a real PNG or JPEG: the bytes' signature must match the declared
// media type and the name's extension, and the whole image must decode within the size limits.
// The result's image is set when it is fine; otherwise its problem has words for the admin
// (CONTRIBUTING.md: a result struct, never an optional that means the problem).
ImageDecodeResult check_image(std::string_view bytes, std::string_view media_type,
                              std::string_view name, int max_side);

} // namespace wellness::station
