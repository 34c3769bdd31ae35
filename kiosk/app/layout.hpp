#pragma once

// Sizes of everything on screen, from the window size and the display's DPI: touch targets of
// at least 15 mm, fonts that scale with the screen. Pure, so it is tested without a window.

#include <optional>

namespace wellness::kiosk {

inline constexpr float min_target_mm = 15.0f;
inline constexpr float fallback_dpi = 96.0f;

// A reported DPI outside this range is a lie from the driver (0, or a TV claiming 10 dpi).
float effective_dpi(std::optional<float> reported_dpi);

struct Layout {
    int width = 0;
    int height = 0;
    float dpi = fallback_dpi;
    float px_per_mm = 0;
    float target = 0;     // the smallest touch target's side, >= 15 mm
    float margin = 0;     // around the screen's edge
    float gap = 0;        // between targets
    float bar_height = 0; // top bar (title, Urgent) and bottom bar (Back, Done)
    float corner = 0;     // side of the hidden maintenance corner (top-left), kept free of widgets
    // Font pixel sizes, loaded once at start-up.
    float font_small = 0;
    float font_body = 0;
    float font_heading = 0;
    float font_title = 0;

    // The area between the bars where a screen puts its content.
    float content_top() const { return bar_height + margin; }
    float content_height() const { return height - 2 * bar_height - 2 * margin; }
    float content_width() const { return width - 2 * margin; }
    // Side of the QR code on the provider screen: at least a third of the screen's height.
    float qr_side() const;
    float mm(float millimetres) const { return millimetres * px_per_mm; }
};

Layout compute_layout(int width, int height, std::optional<float> reported_dpi);

struct Rect {
    float x = 0;
    float y = 0;
    float w = 0;
    float h = 0;
};

// Home's tiles in the content area: Breathe, Check in and Talk to someone side by side (one
// above the other on a portrait screen), and Urgent help as a band across the bottom: always
// there and at least a target high, but not a quarter of the screen.
struct HomeTiles {
    Rect breathe;
    Rect checkin;
    Rect talk;
    Rect urgent;
};
HomeTiles home_tiles(const Layout& layout);

} // namespace wellness::kiosk
