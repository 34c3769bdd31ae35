#include "wellness/breathing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace wellness {
namespace {

using std::chrono::nanoseconds;

// Longest session length honoured; keeps every product below int64 overflow whatever a caller
// passes (content allows at most 20 minutes).
constexpr std::int64_t max_length_minutes = 100000;
constexpr std::int64_t nanoseconds_per_minute = 60'000'000'000;

// Phase lengths in whole nanoseconds, so that every later computation is exact integer
// arithmetic: 5.5 s is exactly 5'500'000'000 ns and an hour of cycles does not drift.
std::int64_t phase_nanoseconds(const BreathPhase& phase) {
    if (!std::isfinite(phase.seconds) || phase.seconds <= 0.0) {
        return 0;
    }
    const double clamped = std::min(phase.seconds, 86400.0);
    return static_cast<std::int64_t>(std::llround(clamped * 1e9));
}

std::vector<std::int64_t> phase_durations(const Exercise& exercise) {
    std::vector<std::int64_t> durations;
    durations.reserve(exercise.phases.size());
    for (const auto& phase : exercise.phases) {
        durations.push_back(phase_nanoseconds(phase));
    }
    return durations;
}

struct CircleLevels {
    std::vector<double> start; // circle size when each phase begins
    std::vector<double> end;   // and when it ends
};

// Each run of same-direction breathing (inhales, possibly with holds between them) takes the
// circle all the way from one extreme to the other, shared among the run's phases by their
// durations: the physiological sigh's two inhales fill 2/3 then the last 1/3. Runs are taken
// cyclically, so the level where a cycle ends is the level where the next one starts.
CircleLevels circle_levels(const Exercise& exercise, const std::vector<std::int64_t>& durations) {
    const std::size_t count = exercise.phases.size();
    CircleLevels levels{std::vector<double>(count, 0.0), std::vector<double>(count, 0.0)};
    std::vector<std::size_t> moving; // indices of inhales and exhales, in order
    for (std::size_t i = 0; i < count; ++i) {
        if (exercise.phases[i].kind != PhaseKind::hold) {
            moving.push_back(i);
        }
    }
    if (moving.empty()) {
        return levels;
    }
    const std::size_t moves = moving.size();
    auto kind_of = [&](std::size_t m) { return exercise.phases[moving[m % moves]].kind; };
    // Start at a change of direction so that no run is split by the cycle's wrap-around.
    std::size_t first = 0;
    for (std::size_t m = 0; m < moves; ++m) {
        if (kind_of(m) != kind_of(m + moves - 1)) {
            first = m;
            break;
        }
    }
    std::size_t m = 0;
    while (m < moves) {
        const PhaseKind kind = kind_of(first + m);
        std::size_t run_end = m;
        // A run whose phases all last zero (refused by validation) would share nothing; its
        // phases then share equally, so the levels stay defined.
        std::int64_t run_weight = 0;
        while (run_end < moves && kind_of(first + run_end) == kind) {
            run_weight += durations[moving[(first + run_end) % moves]];
            ++run_end;
        }
        const bool by_count = run_weight <= 0;
        if (by_count) {
            run_weight = static_cast<std::int64_t>(run_end - m);
        }
        const double from = kind == PhaseKind::inhale ? 0.0 : 1.0;
        const double direction = kind == PhaseKind::inhale ? 1.0 : -1.0;
        std::int64_t done = 0;
        for (std::size_t r = m; r < run_end; ++r) {
            const std::size_t index = moving[(first + r) % moves];
            levels.start[index] =
                from + direction * static_cast<double>(done) / static_cast<double>(run_weight);
            done += by_count ? 1 : durations[index];
            // The last phase of a run lands exactly on the extreme, free of rounding.
            levels.end[index] = r + 1 == run_end ? 1.0 - from
                                                 : from + direction * static_cast<double>(done) /
                                                              static_cast<double>(run_weight);
        }
        m = run_end;
    }
    // Holds keep the level the last movement before them left.
    for (std::size_t i = 0; i < count; ++i) {
        if (exercise.phases[i].kind != PhaseKind::hold) {
            continue;
        }
        std::size_t previous = i;
        do {
            previous = (previous + count - 1) % count;
        } while (exercise.phases[previous].kind == PhaseKind::hold);
        levels.start[i] = levels.end[previous];
        levels.end[i] = levels.end[previous];
    }
    return levels;
}

} // namespace

BreathingPlan plan_session(const Exercise& exercise, int length_minutes) {
    BreathingPlan plan;
    std::int64_t cycle = 0;
    for (const auto duration : phase_durations(exercise)) {
        cycle += duration;
    }
    if (cycle <= 0) {
        return plan;
    }
    const std::int64_t minutes = std::clamp<std::int64_t>(length_minutes, 0, max_length_minutes);
    const std::int64_t target = minutes * nanoseconds_per_minute;
    // Nearest whole number of cycles (halves round up), never fewer than one.
    const std::int64_t cycles = std::max<std::int64_t>(1, (target + cycle / 2) / cycle);
    plan.cycle_duration = nanoseconds(cycle);
    plan.cycles = static_cast<long>(cycles);
    plan.total_duration = nanoseconds(cycle * cycles);
    return plan;
}

BreathingState breathing_state(const Exercise& exercise, int length_minutes, nanoseconds elapsed) {
    BreathingState state;
    const BreathingPlan plan = plan_session(exercise, length_minutes);
    const std::vector<std::int64_t> durations = phase_durations(exercise);
    if (plan.cycles == 0 || durations.empty()) {
        state.finished = true;
        return state;
    }
    const CircleLevels levels = circle_levels(exercise, durations);
    const std::int64_t total = plan.total_duration.count();
    const std::int64_t cycle_duration = plan.cycle_duration.count();
    const std::int64_t t = std::max<std::int64_t>(0, elapsed.count());

    if (t >= total) {
        const std::size_t last = durations.size() - 1;
        state.phase_index = last;
        state.phase = exercise.phases[last].kind;
        state.phase_progress = 1.0;
        state.phase_remaining = nanoseconds(0);
        state.cycle = plan.cycles - 1;
        state.session_remaining = nanoseconds(0);
        state.finished = true;
        state.circle = levels.end[last];
        state.circle_start = levels.start[last];
        state.circle_end = levels.end[last];
        return state;
    }

    const std::int64_t cycle = t / cycle_duration;
    const std::int64_t into_cycle = t % cycle_duration;
    std::int64_t phase_start = 0;
    std::size_t index = 0;
    // The phase holding `into_cycle` is the first whose end lies after it; zero-length phases
    // are thereby skipped, and a boundary instant belongs to the phase that starts there.
    while (index + 1 < durations.size() && into_cycle >= phase_start + durations[index]) {
        phase_start += durations[index];
        ++index;
    }
    const std::int64_t in_phase = into_cycle - phase_start;
    const std::int64_t duration = durations[index];

    state.phase_index = index;
    state.phase = exercise.phases[index].kind;
    state.phase_progress =
        duration > 0 ? static_cast<double>(in_phase) / static_cast<double>(duration) : 0.0;
    state.phase_remaining = nanoseconds(duration - in_phase);
    state.cycle = static_cast<long>(cycle);
    state.session_remaining = nanoseconds(total - t);
    state.finished = false;
    state.circle_start = levels.start[index];
    state.circle_end = levels.end[index];
    state.circle =
        levels.start[index] + (levels.end[index] - levels.start[index]) * state.phase_progress;
    return state;
}

} // namespace wellness

namespace wellness {

int slower_pace(int pace_percent) {
    for (auto step = pace_steps_percent.rbegin(); step != pace_steps_percent.rend(); ++step)
        if (*step < pace_percent)
            return *step;
    return pace_steps_percent.front();
}

int faster_pace(int pace_percent) {
    for (int step : pace_steps_percent)
        if (step > pace_percent)
            return step;
    return pace_steps_percent.back();
}

int breaths_per_minute_tenths(const Exercise& exercise, int pace_percent) {
    const auto cycle = plan_session(exercise, 1).cycle_duration;
    if (cycle <= std::chrono::nanoseconds(0) || pace_percent <= 0)
        return 0;
    // 600 tenths-of-a-breath-seconds a minute, the cycle stretched by 100 / pace.
    const double cycle_seconds =
        std::chrono::duration<double>(cycle).count() * 100.0 / static_cast<double>(pace_percent);
    return static_cast<int>(std::lround(600.0 / cycle_seconds));
}

PacedTime::PacedTime(std::chrono::nanoseconds started_at, int pace_percent)
    : anchor_wall_(started_at), pace_percent_(std::clamp(pace_percent, pace_steps_percent.front(),
                                                         pace_steps_percent.back())) {}

std::chrono::nanoseconds PacedTime::session_elapsed(std::chrono::nanoseconds now) const {
    if (now <= anchor_wall_)
        return anchor_session_;
    return anchor_session_ + (now - anchor_wall_) * pace_percent_ / 100;
}

std::chrono::nanoseconds PacedTime::wall_time_of(std::chrono::nanoseconds session_time) const {
    if (session_time <= anchor_session_)
        return anchor_wall_;
    // Rounded up, so the session has reached `session_time` at the instant returned.
    const auto ahead = (session_time - anchor_session_).count() * 100;
    return anchor_wall_ + std::chrono::nanoseconds((ahead + pace_percent_ - 1) / pace_percent_);
}

void PacedTime::set_pace(std::chrono::nanoseconds now, int pace_percent) {
    anchor_session_ = session_elapsed(now);
    anchor_wall_ = std::max(now, anchor_wall_);
    pace_percent_ = std::clamp(pace_percent, pace_steps_percent.front(), pace_steps_percent.back());
}

} // namespace wellness
