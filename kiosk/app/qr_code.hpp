#pragma once

// A QR code as a matrix of modules (libqrencode), with the 4-module quiet zone scanners need.
// Pure; drawing it is the window side's job.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wellness::kiosk {

inline constexpr int qr_quiet_zone_modules = 4;

struct QrMatrix {
    int size = 0;                   // modules per side, quiet zone included
    std::vector<std::uint8_t> dark; // size * size, row-major, 1 = dark
    bool is_dark(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)] != 0; }
};

// Same text in, same modules out: the payload is exactly `text`, byte for byte.
std::optional<QrMatrix> encode_qr(std::string_view text);

// Whole pixels per module so every module has the same size (crisp edges), as large as fits
// in `side_px`; at least 1.
int qr_pixels_per_module(int modules, float side_px);

} // namespace wellness::kiosk
