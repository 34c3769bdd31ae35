#include "qr_code.hpp"

#include <cmath>
#include <memory>
#include <qrencode.h>
#include <string>

namespace wellness::kiosk {

std::optional<QrMatrix> encode_qr(std::string_view text) {
    if (text.empty() || text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string owned(text);
    // 8-bit mode keeps the bytes exactly as given; level M survives a glare spot.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(owned.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) {
        return std::nullopt;
    }
    QrMatrix matrix;
    const int inner = code->width;
    matrix.size = inner + 2 * qr_quiet_zone_modules;
    matrix.dark.assign(static_cast<std::size_t>(matrix.size * matrix.size), 0);
    for (int y = 0; y < inner; ++y) {
        for (int x = 0; x < inner; ++x) {
            const bool dark = (code->data[y * inner + x] & 1) != 0;
            const int at = (y + qr_quiet_zone_modules) * matrix.size + x + qr_quiet_zone_modules;
            matrix.dark[static_cast<std::size_t>(at)] = dark ? 1 : 0;
        }
    }
    return matrix;
}

int qr_pixels_per_module(int modules, float side_px) {
    if (modules <= 0 || !(side_px > 0)) {
        return 1;
    }
    return std::max(1, static_cast<int>(std::floor(side_px / static_cast<float>(modules))));
}

} // namespace wellness::kiosk
