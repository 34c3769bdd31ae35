#pragma once

// The breathing pacer's rules, pure so they are tested without a window: the eased circle, the
// countdown that never shows a number for less than a second, the sigh's top-up, a label
// colour that reads on the circle, and the circle's smallest size that still holds the label.

#include "wellness/breathing.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace wellness::kiosk {

// A breathing curve: within each phase the circle starts and stops gently (a half cosine),
// still placed by the monotonic clock through the state's phase progress.
double eased_circle(const BreathingState& state);

// The number the countdown shows with `remaining` of a phase of `phase_seconds` left; 0: no
// number. Each number shows for at least a second: a phase's first number is its whole seconds
// (5 for 5.5 s, shown 1.5 s), then one less each second down to 1; a phase shorter than a
// second shows none.
int countdown_number(double phase_seconds, std::chrono::nanoseconds remaining);

// A breath in that follows a breath in (the physiological sigh's second, short inhale): the
// pacer names it and sounds it differently from the first.
bool is_top_up(const Exercise& exercise, std::size_t phase_index);

struct Rgb {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
};
// WCAG 2 contrast ratio, 1 to 21.
double contrast_ratio(Rgb first, Rgb second);
// `preferred` when it reaches 4.5:1 on `fill`, else `second` when it does, else black or white,
// whichever contrasts more (one of them always reaches 4.5:1).
Rgb readable_on(Rgb fill, Rgb preferred, Rgb second);
inline constexpr double min_label_contrast = 4.5;

// The smallest radius of the breathing circle: `share` of the largest, and never less than
// the circle that holds a centred text block of `block_width` x `block_height` with `padding`
// around it, so the phase label and countdown always sit inside the circle.
float pacer_min_radius(float max_radius, float share, float block_width, float block_height,
                       float padding);

} // namespace wellness::kiosk
