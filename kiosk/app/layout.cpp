#include "layout.hpp"

#include <algorithm>
#include <cmath>

namespace wellness::kiosk {

float effective_dpi(std::optional<float> reported_dpi) {
    if (!reported_dpi || !std::isfinite(*reported_dpi) || *reported_dpi < 50.0f ||
        *reported_dpi > 600.0f) {
        return fallback_dpi;
    }
    return *reported_dpi;
}

Layout compute_layout(int width, int height, std::optional<float> reported_dpi) {
    Layout layout;
    layout.width = std::max(width, 320);
    layout.height = std::max(height, 240);
    layout.dpi = effective_dpi(reported_dpi);
    layout.px_per_mm = layout.dpi / 25.4f;
    const float h = static_cast<float>(layout.height);
    // 15 mm is the floor; on a big screen a tenth of its height reads better.
    layout.target = std::ceil(std::max(layout.mm(min_target_mm), h * 0.10f));
    layout.margin = std::round(std::max(layout.mm(2.0f), h * 0.02f));
    layout.gap = std::round(std::max(layout.mm(2.5f), h * 0.02f));
    layout.bar_height = layout.target + layout.margin;
    layout.corner = std::ceil(layout.mm(12.0f));
    // Text scales with the screen, but never below what is legible at arm's length.
    layout.font_body = std::round(std::max(h * 0.036f, std::max(layout.mm(3.0f), 15.0f)));
    // A button's label must fit inside the smallest target.
    layout.font_body = std::min(layout.font_body, std::floor(layout.target * 0.45f));
    layout.font_small = std::round(layout.font_body * 0.8f);
    layout.font_heading = std::round(layout.font_body * 1.45f);
    layout.font_title = std::round(layout.font_body * 2.1f);
    return layout;
}

float Layout::qr_side() const {
    // The QR sits on the left of the content area; the link, phone and hours on its right.
    const float third = std::ceil(static_cast<float>(height) / 3.0f);
    const float room = std::min(content_height(), content_width() * 0.5f);
    return std::max(third, room);
}

} // namespace wellness::kiosk

namespace wellness::kiosk {

HomeTiles home_tiles(const Layout& layout) {
    const float left = layout.margin;
    const float top = layout.content_top();
    const float width = layout.content_width();
    const float height = layout.content_height();
    const float urgent_h = std::floor(std::max(layout.target, height * 0.2f));
    const float tiles_h = height - urgent_h - layout.gap;
    HomeTiles tiles;
    Rect* main[] = {&tiles.breathe, &tiles.checkin, &tiles.talk};
    const bool portrait = layout.height > layout.width;
    for (int i = 0; i < 3; ++i) {
        const auto at = static_cast<float>(i);
        if (portrait) {
            const float h = (tiles_h - 2 * layout.gap) / 3;
            *main[i] = {left, top + at * (h + layout.gap), width, h};
        } else {
            const float w = (width - 2 * layout.gap) / 3;
            *main[i] = {left + at * (w + layout.gap), top, w, tiles_h};
        }
    }
    tiles.urgent = {left, top + tiles_h + layout.gap, width, urgent_h};
    return tiles;
}

} // namespace wellness::kiosk
