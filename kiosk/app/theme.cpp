#include "theme.hpp"

#include <algorithm>

namespace wellness::kiosk {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Moves `colour` towards `towards` until `text` on it reaches 4.5:1.
Rgb until_readable(Rgb colour, Rgb towards, Rgb text) {
    for (int step = 0; step <= 20 && contrast_ratio(text, colour) < min_label_contrast; ++step) {
        colour = mix_rgb(colour, towards, 0.08f);
    }
    return colour;
}

} // namespace

Rgb parse_rgb(const std::string& hex, Rgb fallback) {
    if (hex.size() != 7 || hex[0] != '#') {
        return fallback;
    }
    int channel[3];
    for (int i = 0; i < 3; ++i) {
        const int high = hex_value(hex[1 + 2 * i]);
        const int low = hex_value(hex[2 + 2 * i]);
        if (high < 0 || low < 0) {
            return fallback;
        }
        channel[i] = high * 16 + low;
    }
    return {static_cast<std::uint8_t>(channel[0]), static_cast<std::uint8_t>(channel[1]),
            static_cast<std::uint8_t>(channel[2])};
}

Rgb mix_rgb(Rgb a, Rgb b, float t) {
    auto one = [t](std::uint8_t x, std::uint8_t y) {
        const float v = static_cast<float>(x) + (static_cast<float>(y) - x) * t + 0.5f;
        return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 255.0f));
    };
    return {one(a.r, b.r), one(a.g, b.g), one(a.b, b.b)};
}

ThemeColours theme_colours(const ContentDocument& content, bool high_contrast) {
    const Rgb black{0, 0, 0};
    const Rgb white{255, 255, 255};
    const Rgb dark_text{20, 24, 28};
    ThemeColours c;
    c.background = parse_rgb(content.theme.background, {29, 43, 54});
    c.surface = parse_rgb(content.theme.surface, {38, 57, 74});
    c.text = parse_rgb(content.theme.text, {242, 245, 247});
    c.accent = parse_rgb(content.theme.accent, {127, 183, 190});
    if (high_contrast) {
        c.background = black;
        c.surface = {24, 24, 24};
        c.text = white;
        c.accent = {255, 214, 10};
    }
    // An admin's theme may be too soft: the text is pushed to white or black until it reads.
    const Rgb extreme =
        contrast_ratio(white, c.background) >= contrast_ratio(black, c.background) ? white : black;
    for (int step = 0; step <= 20 && (contrast_ratio(c.text, c.surface) < min_label_contrast ||
                                      contrast_ratio(c.text, c.background) < min_label_contrast);
         ++step) {
        c.text = mix_rgb(c.text, extreme, 0.15f);
    }
    c.text_muted = mix_rgb(c.text, c.background, high_contrast ? 0.1f : 0.22f);
    for (int step = 0;
         step <= 20 && (contrast_ratio(c.text_muted, c.surface) < min_label_contrast ||
                        contrast_ratio(c.text_muted, c.background) < min_label_contrast);
         ++step) {
        c.text_muted = mix_rgb(c.text_muted, c.text, 0.2f);
    }
    if (contrast_ratio(c.text_muted, c.surface) < min_label_contrast ||
        contrast_ratio(c.text_muted, c.background) < min_label_contrast) {
        c.text_muted = c.text; // a theme too soft for a second shade of text
    }
    c.on_accent = readable_on(c.accent, dark_text, white);
    const std::string serious =
        content.checkin.levels.empty() ? std::string() : content.checkin.levels.back().color;
    c.urgent = until_readable(parse_rgb(serious, {176, 48, 48}), black, white);
    c.on_urgent = readable_on(c.urgent, white, dark_text);
    c.selected_edge = high_contrast ? c.accent : c.text;
    for (const auto& level : content.checkin.levels) {
        c.level_marks.push_back(parse_rgb(level.color, c.accent));
    }
    return c;
}

LevelShape level_shape(std::size_t index, std::size_t count) {
    if (count <= 1) {
        return LevelShape::circle;
    }
    // The calmest is a circle and the most serious a square; between them, in order.
    if (index + 1 >= count) {
        return LevelShape::square;
    }
    if (index == 0) {
        return LevelShape::circle;
    }
    return index * 2 < count ? LevelShape::triangle : LevelShape::diamond;
}

} // namespace wellness::kiosk
