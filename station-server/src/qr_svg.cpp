#include "qr_svg.hpp"

#include <memory>
#include <qrencode.h>

namespace wellness::station {

std::optional<std::string> qr_svg(std::string_view data) {
    std::string text(data); // QRencode wants a NUL-terminated string
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeData(static_cast<int>(text.size()),
                          reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M),
        QRcode_free);
    if (!code)
        return std::nullopt;
    constexpr int quiet_zone = 4;
    const int width = code->width;
    const int size = width + 2 * quiet_zone;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                      std::to_string(size) + " " + std::to_string(size) +
                      "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                      "fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < width; ++y)
        for (int x = 0; x < width; ++x)
            if (code->data[y * width + x] & 1)
                svg += "M" + std::to_string(x + quiet_zone) + " " + std::to_string(y + quiet_zone) +
                       "h1v1h-1z";
    svg += "\"/></svg>";
    return svg;
}

} // namespace wellness::station
