#pragma once

#include "wellness/content.hpp"

#include <chrono>
#include <cstddef>

namespace wellness {

// A breathing session: the exercise's cycle repeated a whole number of times, as close as
// possible to the chosen length (at least one cycle), so a session always ends after an
// exhale or its closing hold, never mid-breath.
struct BreathingPlan {
    std::chrono::nanoseconds cycle_duration{0};
    long cycles = 0;
    std::chrono::nanoseconds total_duration{0};
};

BreathingPlan plan_session(const Exercise& exercise, int length_minutes);

struct BreathingState {
    std::size_t phase_index = 0; // into exercise.phases
    PhaseKind phase = PhaseKind::inhale;
    double phase_progress = 0.0;                 // 0 at the phase's start, approaching 1 at its end
    std::chrono::nanoseconds phase_remaining{0}; // until the next phase
    long cycle = 0;                              // 0-based
    std::chrono::nanoseconds session_remaining{0}; // until the end of the session
    bool finished = false;
    // Size of the breathing circle, 0 (empty lungs) to 1 (full), continuous across phases:
    // inhales grow it, exhales shrink it, holds keep it.
    double circle = 0.0;
    // The circle's size where the current phase starts and where it ends, so a pacer can ease
    // the motion within the phase (circle is the straight line between them).
    double circle_start = 0.0;
    double circle_end = 0.0;
};

// Pure: where a session is `elapsed` after it started. Negative elapsed counts as 0. At and after
// the end: finished, in the last phase at progress 1, nothing remaining. An exercise without a
// phase of positive length is finished at once. Exact at phase boundaries (a boundary
// instant belongs to the phase that starts there); integer arithmetic, so no drift.
BreathingState breathing_state(const Exercise& exercise, int length_minutes,
                               std::chrono::nanoseconds elapsed);

} // namespace wellness
