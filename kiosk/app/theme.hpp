#pragma once

// The kiosk's colours, worked out from the content's theme without a window, so a test can
// compute every text's contrast from the same values the screens draw with. A high-contrast
// variant is the person's choice (the switch on every screen).

#include "pacer.hpp"
#include "wellness/content.hpp"

#include <string>
#include <vector>

namespace wellness::kiosk {

struct ThemeColours {
    Rgb background;
    Rgb surface;    // buttons, cards, level rows
    Rgb text;       // on background and on surface
    Rgb text_muted; // secondary text, still 4.5:1 on background and surface
    Rgb accent;     // the one primary meaning: the forward action (Next, Start, Again, Stay)
    Rgb on_accent;  // text on the accent
    Rgb urgent;     // Urgent help's fill: the most serious level's hue, dark enough for white
    Rgb on_urgent;
    Rgb selected_edge;            // the outline of a chosen topic or language
    std::vector<Rgb> level_marks; // each check-in level's marker (edge and shape), by level
};

Rgb parse_rgb(const std::string& hex, Rgb fallback);
Rgb mix_rgb(Rgb a, Rgb b, float t);
ThemeColours theme_colours(const ContentDocument& content, bool high_contrast);

// The shape drawn beside each check-in level, so colour is never the only cue: from the
// calmest level to the most serious.
enum class LevelShape { circle, triangle, diamond, square };
LevelShape level_shape(std::size_t index, std::size_t count);

} // namespace wellness::kiosk
