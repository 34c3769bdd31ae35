#pragma once

#include "wellness/content.hpp"

#include <array>
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

// Pacing: a person may slow an exercise down or speed it up, before or during a session, in
// these steps (percent of the exercise's own speed; 100 is the exercise as written). Bounded so
// that no pace turns a calm pattern into a rushed or a strained one.
inline constexpr std::array<int, 5> pace_steps_percent{80, 90, 100, 110, 125};
inline constexpr int normal_pace_percent = 100;
// The next step slower or faster; the same at either end of the range (and for a value that is
// not a step, the nearest step on that side).
int slower_pace(int pace_percent);
int faster_pace(int pace_percent);
// Breaths a minute at a pace, in tenths (60 is six a minute); 0 for an exercise without time.
int breaths_per_minute_tenths(const Exercise& exercise, int pace_percent);

// A session's own clock under a pace that may change while it runs: session time runs at the
// pace's percent of the wall (monotonic) clock. Changing the pace is continuous (the circle never
// jumps) and exact: integer nanoseconds, no drift however often the pace changes.
class PacedTime {
  public:
    PacedTime() = default;
    explicit PacedTime(std::chrono::nanoseconds started_at, int pace_percent = normal_pace_percent);
    // Session time at `now`; before the start (or the last change), the session time then.
    std::chrono::nanoseconds session_elapsed(std::chrono::nanoseconds now) const;
    // The first wall time at which, at the current pace, the session reaches `session_time`.
    std::chrono::nanoseconds wall_time_of(std::chrono::nanoseconds session_time) const;
    void set_pace(std::chrono::nanoseconds now, int pace_percent);
    int pace_percent() const { return pace_percent_; }

  private:
    std::chrono::nanoseconds anchor_wall_{0};
    std::chrono::nanoseconds anchor_session_{0};
    int pace_percent_ = normal_pace_percent;
};

} // namespace wellness
