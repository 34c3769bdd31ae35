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
    // Portrait or landscape: sizes follow the short side, so a tall screen's buttons are not
    // twice as big as the same panel's turned on its side.
    const float h = static_cast<float>(std::min(layout.width, layout.height));
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

namespace wellness::kiosk {

float button_width(const Layout& layout, float text_width, float preferred_targets) {
    return std::ceil(std::max(layout.target * preferred_targets, text_width + layout.mm(8.0f)));
}

BottomBar bottom_bar_rects(const Layout& layout, const std::vector<float>& left_text_widths,
                           float done_text_width) {
    const float y = static_cast<float>(layout.height) - layout.margin / 2 - layout.target;
    const float right = static_cast<float>(layout.width) - layout.margin;
    BottomBar bar;
    // Roomy first (two targets wide), then as narrow as the text allows.
    for (const float preferred : {2.0f, 1.0f}) {
        bar.left.clear();
        const float done_w = button_width(layout, done_text_width, preferred);
        bar.done = {right - done_w, y, done_w, layout.target};
        float x = layout.margin;
        for (const float text_w : left_text_widths) {
            const float w = button_width(layout, text_w, preferred);
            bar.left.push_back({x, y, w, layout.target});
            x += w + layout.gap;
        }
        const float left_end = bar.left.empty() ? layout.margin : x - layout.gap;
        bar.fits = bar.left.empty() || left_end + layout.target <= bar.done.x;
        if (bar.fits) {
            return bar;
        }
    }
    return bar;
}

ForwardRow forward_row(const Layout& layout, const std::vector<float>& text_widths) {
    ForwardRow row;
    const float y = layout.content_top() + layout.content_height() - layout.target;
    row.top = y - layout.gap;
    float x = layout.margin;
    for (const float text_w : text_widths) {
        const float w = button_width(layout, text_w, 2.0f);
        row.buttons.push_back({x, y, w, layout.target});
        x += w + layout.gap;
    }
    return row;
}

float rect_distance(const Rect& a, const Rect& b) {
    const float dx = std::max({0.0f, b.x - (a.x + a.w), a.x - (b.x + b.w)});
    const float dy = std::max({0.0f, b.y - (a.y + a.h), a.y - (b.y + b.h)});
    return std::hypot(dx, dy);
}

bool rects_overlap(const Rect& a, const Rect& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

} // namespace wellness::kiosk
