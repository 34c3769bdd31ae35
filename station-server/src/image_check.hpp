#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wellness::station {

// An uploaded asset must be a real PNG or JPEG: the bytes' signature must match the declared
// media type and the name's extension, and the whole image must decode within the size limits.
// Returns words for the admin when it is not, nothing when it is fine.
std::optional<std::string> check_image(std::string_view bytes, std::string_view media_type,
                                       std::string_view name, int max_side);

} // namespace wellness::station
