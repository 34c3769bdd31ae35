#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wellness::station {

// An SVG QR code of `data` (byte mode, error correction M, 4-module quiet zone), or nothing when
// the data does not fit a QR code.
std::optional<std::string> qr_svg(std::string_view data);

} // namespace wellness::station
