#pragma once

// Sizes of everything on screen, from the window size and the display's DPI: touch targets of
// at least 15 mm, fonts that scale with the screen. Pure, so it is tested without a window.

#include <optional>
#include <vector>

namespace wellness::kiosk {

inline constexpr float min_target_mm = 15.0f;
inline constexpr float fallback_dpi = 96.0f;
// Text wraps only between words; a word wider than its box (a long name, a phone number) makes
// the whole run smaller, but never below this share of its font's size.
inline constexpr float min_text_shrink = 0.7f;
// The text-size switch: every font this much larger.
inline constexpr float large_text_scale = 1.25f;

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

// The bottom bar: Back, Home (or the language switch) from the left, Done alone on the right
// edge, at least a target's width from its nearest neighbour so one slip cannot end a visit.
// Widths come from the labels' text widths; buttons shrink to their text (never below a
// target) before anything overlaps.
struct BottomBar {
    std::vector<Rect> left; // in the order given
    Rect done;
    bool fits = true; // false: the labels are too wide even at their smallest
};
float button_width(const Layout& layout, float text_width, float preferred_targets);
BottomBar bottom_bar_rects(const Layout& layout, const std::vector<float>& left_text_widths,
                           float done_text_width);

// The forward actions of a screen (Next, Skip): a row at the bottom of the content area,
// from the left edge, so Done (bottom right) stays far from them. Returns their rectangles;
// the row's top is the lowest y the screen's content may use.
struct ForwardRow {
    std::vector<Rect> buttons;
    float top = 0;
};
ForwardRow forward_row(const Layout& layout, const std::vector<float>& text_widths);

// Distance between two rectangles (0 when they touch or overlap).
float rect_distance(const Rect& a, const Rect& b);
bool rects_overlap(const Rect& a, const Rect& b);

} // namespace wellness::kiosk
