#include "pacer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace wellness::kiosk {

double eased_circle(const BreathingState& state) {
    const double progress = std::clamp(state.phase_progress, 0.0, 1.0);
    const double eased = 0.5 - 0.5 * std::cos(std::numbers::pi * progress);
    return state.circle_start + (state.circle_end - state.circle_start) * eased;
}

int countdown_number(double phase_seconds, std::chrono::nanoseconds remaining) {
    if (!std::isfinite(phase_seconds) || phase_seconds < 1.0 || remaining.count() <= 0) {
        return 0;
    }
    const auto whole = static_cast<long long>(std::floor(phase_seconds + 1e-9));
    // ceil(remaining) in whole seconds, exactly, from nanoseconds.
    constexpr long long second = 1'000'000'000;
    const long long up = (remaining.count() + second - 1) / second;
    return static_cast<int>(std::min(up, whole));
}

bool is_top_up(const Exercise& exercise, std::size_t phase_index) {
    const auto& phases = exercise.phases;
    if (phase_index >= phases.size() || phases[phase_index].kind != PhaseKind::inhale) {
        return false;
    }
    // The breath before it, across holds and the cycle's wrap-around.
    for (std::size_t step = 1; step < phases.size(); ++step) {
        const auto& before = phases[(phase_index + phases.size() - step) % phases.size()];
        if (before.kind != PhaseKind::hold) {
            return before.kind == PhaseKind::inhale;
        }
    }
    return false;
}

namespace {

double luminance(Rgb colour) {
    const auto channel = [](std::uint8_t value) {
        const double c = static_cast<double>(value) / 255.0;
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b);
}

} // namespace

double contrast_ratio(Rgb first, Rgb second) {
    const double a = luminance(first);
    const double b = luminance(second);
    return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
}

Rgb readable_on(Rgb fill, Rgb preferred, Rgb second) {
    for (const Rgb candidate : {preferred, second}) {
        if (contrast_ratio(candidate, fill) >= min_label_contrast) {
            return candidate;
        }
    }
    const Rgb black{0, 0, 0};
    const Rgb white{255, 255, 255};
    return contrast_ratio(black, fill) >= contrast_ratio(white, fill) ? black : white;
}

float pacer_min_radius(float max_radius, float share, float block_width, float block_height,
                       float padding) {
    const float half_w = block_width / 2 + padding;
    const float half_h = block_height / 2 + padding;
    const float holds = std::sqrt(half_w * half_w + half_h * half_h);
    return std::min(max_radius, std::max(max_radius * share, holds));
}

} // namespace wellness::kiosk
