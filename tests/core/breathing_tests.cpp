#include "wellness/breathing.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using wellness::breathing_state;
using wellness::BreathPhase;
using wellness::Exercise;
using wellness::PhaseKind;
using wellness::plan_session;

namespace {

Exercise exercise(std::string id, std::vector<BreathPhase> phases) {
    Exercise made;
    made.id = std::move(id);
    made.phases = std::move(phases);
    made.lengths_minutes = {1, 3, 5};
    return made;
}

const PhaseKind in = PhaseKind::inhale;
const PhaseKind hold = PhaseKind::hold;
const PhaseKind out = PhaseKind::exhale;

// The four exercises of the default content.
std::vector<Exercise> default_exercises() {
    return {
        exercise("box", {{in, 4}, {hold, 4}, {out, 4}, {hold, 4}}),
        exercise("four-seven-eight", {{in, 4}, {hold, 7}, {out, 8}}),
        exercise("resonance", {{in, 5.5}, {out, 5.5}}),
        exercise("sigh", {{in, 2}, {in, 1}, {out, 6}}),
    };
}

nanoseconds seconds(double value) {
    return nanoseconds(static_cast<std::int64_t>(std::llround(value * 1e9)));
}

} // namespace

TEST_CASE("A session is the whole number of cycles nearest the chosen length", "[breathing]") {
    const auto exercises = default_exercises();
    const Exercise& box = exercises[0];
    const Exercise& four_seven_eight = exercises[1];
    const Exercise& resonance = exercises[2];
    const Exercise& sigh = exercises[3];

    CHECK(plan_session(box, 1).cycle_duration == 16s);
    CHECK(plan_session(box, 1).cycles == 4); // 64 s is nearer a minute than 48 s
    CHECK(plan_session(box, 1).total_duration == 64s);
    CHECK(plan_session(four_seven_eight, 1).cycles == 3); // 57 s rather than 76 s
    CHECK(plan_session(four_seven_eight, 1).total_duration == 57s);
    CHECK(plan_session(resonance, 5).cycle_duration == 11s);
    CHECK(plan_session(resonance, 5).cycles == 27); // 297 s rather than 308 s
    CHECK(plan_session(sigh, 3).cycles == 20);      // exactly 180 s

    for (const auto& each : exercises) {
        for (const int minutes : {1, 2, 3, 5, 10, 20}) {
            const auto plan = plan_session(each, minutes);
            INFO(each.id << ", " << minutes << " min");
            const nanoseconds target = std::chrono::minutes(minutes);
            CHECK(plan.total_duration == plan.cycle_duration * plan.cycles);
            // No other whole number of cycles would come closer to the chosen length.
            const auto off = [&](long cycles) {
                const auto total = plan.cycle_duration * cycles;
                return total > target ? total - target : target - total;
            };
            CHECK(off(plan.cycles) <= off(plan.cycles - 1));
            CHECK(off(plan.cycles) <= off(plan.cycles + 1));
        }
    }
}

TEST_CASE("A session always has at least one whole cycle", "[breathing]") {
    const auto slow = exercise("slow", {{in, 20}, {hold, 20}, {out, 20}, {hold, 20}}); // 80 s
    CHECK(plan_session(slow, 1).cycles == 1);
    CHECK(plan_session(slow, 0).cycles == 1);
    CHECK(plan_session(slow, -5).cycles == 1);
    CHECK(plan_session(slow, 0).total_duration == 80s);
}

TEST_CASE("An exercise without usable phases is finished at once instead of dividing by zero",
          "[breathing]") {
    const auto empty = exercise("empty", {});
    CHECK(plan_session(empty, 1).cycles == 0);
    CHECK(breathing_state(empty, 1, 10s).finished);
    const auto zero = exercise("zero", {{in, 0}, {out, 0}});
    CHECK(breathing_state(zero, 1, 0s).finished);
}

TEST_CASE("Every phase boundary of the default exercises is exact, 1 ns either side included",
          "[breathing]") {
    for (const auto& each : default_exercises()) {
        for (const int minutes : {1, 3}) {
            const auto plan = plan_session(each, minutes);
            INFO(each.id << ", " << minutes << " min");
            nanoseconds boundary{0};
            for (long cycle = 0; cycle < plan.cycles; ++cycle) {
                for (std::size_t phase = 0; phase < each.phases.size(); ++phase) {
                    const nanoseconds length = seconds(each.phases[phase].seconds);
                    INFO("cycle " << cycle << ", phase " << phase);

                    // The boundary instant belongs to the phase starting there.
                    const auto at = breathing_state(each, minutes, boundary);
                    CHECK_FALSE(at.finished);
                    CHECK(at.cycle == cycle);
                    CHECK(at.phase_index == phase);
                    CHECK(at.phase == each.phases[phase].kind);
                    CHECK(at.phase_progress == 0.0);
                    CHECK(at.phase_remaining == length);
                    CHECK(at.session_remaining == plan.total_duration - boundary);

                    const auto after = breathing_state(each, minutes, boundary + 1ns);
                    CHECK(after.phase_index == phase);
                    CHECK(after.cycle == cycle);
                    CHECK(after.phase_remaining == length - 1ns);
                    CHECK(after.phase_progress > 0.0);
                    CHECK(after.session_remaining == plan.total_duration - boundary - 1ns);

                    if (boundary > 0ns) {
                        const auto before = breathing_state(each, minutes, boundary - 1ns);
                        const std::size_t previous =
                            phase == 0 ? each.phases.size() - 1 : phase - 1;
                        CHECK(before.phase_index == previous);
                        CHECK(before.cycle == (phase == 0 ? cycle - 1 : cycle));
                        CHECK(before.phase_remaining == 1ns);
                        CHECK(before.phase_progress < 1.0);
                        CHECK(before.phase_progress > 0.999999);
                        CHECK_FALSE(before.finished);
                        // The circle does not jump at the boundary.
                        CHECK(std::abs(before.circle - at.circle) < 1e-6);
                    }
                    boundary += length;
                }
            }
            REQUIRE(boundary == plan.total_duration);
            const auto last = breathing_state(each, minutes, boundary - 1ns);
            CHECK_FALSE(last.finished);
            CHECK(last.session_remaining == 1ns);
            CHECK(last.cycle == plan.cycles - 1);
            CHECK(last.phase_index == each.phases.size() - 1);
        }
    }
}

TEST_CASE("Known instants of the default exercises show the right phase and countdown",
          "[breathing]") {
    const auto exercises = default_exercises();
    // 4-7-8, 11 s in: the hold has just ended, the 8 s exhale begins.
    const auto exhale = breathing_state(exercises[1], 1, 11s);
    CHECK(exhale.phase == PhaseKind::exhale);
    CHECK(exhale.phase_remaining == 8s);
    CHECK(exhale.session_remaining == 46s);
    // 4-7-8, 30 s in: second cycle (19 s each), 11 s into it: also the start of its exhale.
    const auto second = breathing_state(exercises[1], 1, 30s);
    CHECK(second.cycle == 1);
    CHECK(second.phase == PhaseKind::exhale);
    // Box, 6 s in: half-way through the first hold.
    const auto box = breathing_state(exercises[0], 1, 6s);
    CHECK(box.phase_index == 1);
    CHECK(box.phase == PhaseKind::hold);
    CHECK(box.phase_progress == 0.5);
    CHECK(box.phase_remaining == 2s);
    // Sigh, 2.5 s in: the second, short inhale, half done.
    const auto sigh = breathing_state(exercises[3], 1, 2500ms);
    CHECK(sigh.phase_index == 1);
    CHECK(sigh.phase == PhaseKind::inhale);
    CHECK(sigh.phase_progress == 0.5);
    CHECK(sigh.phase_remaining == 500ms);
}

TEST_CASE("A session is finished at its end and after it", "[breathing]") {
    for (const auto& each : default_exercises()) {
        const auto plan = plan_session(each, 1);
        for (const nanoseconds elapsed :
             {plan.total_duration, plan.total_duration + 1ns, plan.total_duration + 3600s}) {
            INFO(each.id << " at " << elapsed.count() << " ns");
            const auto state = breathing_state(each, 1, elapsed);
            CHECK(state.finished);
            CHECK(state.session_remaining == 0ns);
            CHECK(state.phase_remaining == 0ns);
            CHECK(state.cycle == plan.cycles - 1);
            CHECK(state.phase_index == each.phases.size() - 1);
            // The default exercises all end with empty lungs.
            CHECK(state.circle == 0.0);
        }
    }
}

TEST_CASE("Negative elapsed time is treated as the session's start", "[breathing]") {
    const auto box = default_exercises()[0];
    const auto start = breathing_state(box, 3, 0ns);
    for (const nanoseconds elapsed : {-1ns, nanoseconds(-5s), nanoseconds::min()}) {
        const auto state = breathing_state(box, 3, elapsed);
        CHECK(state.phase_index == 0);
        CHECK(state.cycle == 0);
        CHECK(state.phase_progress == 0.0);
        CHECK(state.session_remaining == start.session_remaining);
        CHECK(state.phase_remaining == start.phase_remaining);
        CHECK_FALSE(state.finished);
    }
    CHECK(breathing_state(box, 3, nanoseconds::max()).finished);
}

TEST_CASE("An hour into a resonance session the phase and countdown have not drifted",
          "[breathing]") {
    const auto resonance = default_exercises()[2];
    const int minutes = 120; // 655 cycles of 11 s: 7205 s
    REQUIRE(plan_session(resonance, minutes).total_duration == 7205s);

    // 3600 s = 327 cycles of 11 s (3597 s) plus 3 s of the next inhale.
    const auto hour = breathing_state(resonance, minutes, 3600s);
    CHECK(hour.cycle == 327);
    CHECK(hour.phase == PhaseKind::inhale);
    CHECK(hour.phase_remaining == 2500ms);
    CHECK(hour.session_remaining == 3605s);
    CHECK(hour.phase_progress == Approx(3.0 / 5.5).epsilon(1e-12));

    // The inhale of cycle 327 started exactly at 3597 s, its exhale exactly 5.5 s later.
    const auto inhale = breathing_state(resonance, minutes, 3597s);
    CHECK(inhale.cycle == 327);
    CHECK(inhale.phase == PhaseKind::inhale);
    CHECK(inhale.phase_progress == 0.0);
    const auto exhale = breathing_state(resonance, minutes, 3602500ms);
    CHECK(exhale.phase == PhaseKind::exhale);
    CHECK(exhale.phase_remaining == 5500ms);
    CHECK(breathing_state(resonance, minutes, 3602500ms - 1ns).phase == PhaseKind::inhale);
}

TEST_CASE("The circle grows on inhales, shrinks on exhales and keeps its size on holds",
          "[breathing]") {
    const auto exercises = default_exercises();
    const auto& box = exercises[0];
    CHECK(breathing_state(box, 1, 0s).circle == 0.0);
    CHECK(breathing_state(box, 1, 2s).circle == Approx(0.5));
    CHECK(breathing_state(box, 1, 4s).circle == Approx(1.0));
    CHECK(breathing_state(box, 1, 6s).circle == Approx(1.0));
    CHECK(breathing_state(box, 1, 10s).circle == Approx(0.5));
    CHECK(breathing_state(box, 1, 14s).circle == Approx(0.0));

    // The physiological sigh's two inhales share the growth by their lengths: 2/3, then 1/3.
    const auto& sigh = exercises[3];
    CHECK(breathing_state(sigh, 1, 1s).circle == Approx(1.0 / 3.0));
    CHECK(breathing_state(sigh, 1, 2s).circle == Approx(2.0 / 3.0));
    CHECK(breathing_state(sigh, 1, 2500ms).circle == Approx(5.0 / 6.0));
    CHECK(breathing_state(sigh, 1, 3s).circle == Approx(1.0));
    CHECK(breathing_state(sigh, 1, 6s).circle == Approx(0.5));
    CHECK(breathing_state(sigh, 1, 9s).circle == Approx(0.0));
}

TEST_CASE("The circle moves continuously and the right way through whole sessions", "[breathing]") {
    auto exercises = default_exercises();
    // Orders a precinct might write: starting with an exhale, two breaths in one cycle, a
    // hold between two inhales.
    exercises.push_back(exercise("out-first", {{out, 4}, {hold, 2}, {in, 4}}));
    exercises.push_back(exercise("double", {{in, 2}, {out, 2}, {in, 3}, {hold, 1}, {out, 3}}));
    exercises.push_back(exercise("split", {{in, 2}, {hold, 1}, {in, 2}, {out, 5}, {in, 0.5}}));
    const nanoseconds step = 10ms;
    for (const auto& each : exercises) {
        INFO(each.id);
        const auto plan = plan_session(each, 1);
        auto previous = breathing_state(each, 1, 0ns);
        double lowest = previous.circle;
        double highest = previous.circle;
        for (nanoseconds t = step; t <= plan.total_duration; t += step) {
            const auto state = breathing_state(each, 1, t);
            INFO("at " << t.count() << " ns");
            REQUIRE(state.circle >= 0.0);
            REQUIRE(state.circle <= 1.0);
            // The fastest movement is a full circle over the shortest phase (0.5 s).
            REQUIRE(std::abs(state.circle - previous.circle) <= 0.02 + 1e-9);
            if (!state.finished && state.phase_index == previous.phase_index &&
                state.cycle == previous.cycle) {
                if (state.phase == PhaseKind::inhale) {
                    REQUIRE(state.circle > previous.circle);
                } else if (state.phase == PhaseKind::exhale) {
                    REQUIRE(state.circle < previous.circle);
                } else {
                    REQUIRE(state.circle == previous.circle);
                }
            }
            lowest = std::min(lowest, state.circle);
            highest = std::max(highest, state.circle);
            previous = state;
        }
        // Every exercise fills and empties the circle completely.
        CHECK(lowest == Approx(0.0).margin(1e-9));
        CHECK(highest == Approx(1.0).margin(0.02));
    }
}

TEST_CASE("Pacing steps between 80 % and 125 % and stops at either end", "[breathing]") {
    using wellness::faster_pace;
    using wellness::slower_pace;
    CHECK(slower_pace(100) == 90);
    CHECK(slower_pace(90) == 80);
    CHECK(slower_pace(80) == 80);
    CHECK(faster_pace(100) == 110);
    CHECK(faster_pace(110) == 125);
    CHECK(faster_pace(125) == 125);
    // A value that is not a step moves to the nearest step on that side.
    CHECK(slower_pace(95) == 90);
    CHECK(faster_pace(95) == 100);
    CHECK(slower_pace(10) == 80);
    CHECK(faster_pace(1000) == 125);
}

TEST_CASE("Breaths a minute follow the pace: resonance at 5.5 s in and out is 5.5 a minute",
          "[breathing]") {
    const Exercise resonance = exercise("resonance", {{in, 5.5}, {out, 5.5}});
    CHECK(wellness::breaths_per_minute_tenths(resonance, 100) == 55);
    CHECK(wellness::breaths_per_minute_tenths(resonance, 80) == 44);
    CHECK(wellness::breaths_per_minute_tenths(resonance, 125) == 68);
    const Exercise box = exercise("box", {{in, 4}, {hold, 4}, {out, 4}, {hold, 4}});
    CHECK(wellness::breaths_per_minute_tenths(box, 100) == 38);
    CHECK(wellness::breaths_per_minute_tenths(exercise("none", {}), 100) == 0);
}

TEST_CASE("A paced session's clock runs at the pace and never jumps when the pace changes",
          "[breathing]") {
    using wellness::PacedTime;
    PacedTime time(10s);
    CHECK(time.pace_percent() == 100);
    CHECK(time.session_elapsed(5s) == 0s); // before the start
    CHECK(time.session_elapsed(14s) == 4s);

    time.set_pace(14s, 80);
    CHECK(time.session_elapsed(14s) == 4s); // continuous at the change
    CHECK(time.session_elapsed(14s + 1ns) == 4s);
    CHECK(time.session_elapsed(24s) == 12s); // 10 s of wall at 80 %: 8 s more
    CHECK(time.wall_time_of(12s) == 24s);
    CHECK(time.wall_time_of(4s) == 14s);

    time.set_pace(24s, 125);
    CHECK(time.session_elapsed(24s) == 12s);
    CHECK(time.session_elapsed(32s) == 22s);
    CHECK(time.wall_time_of(22s) == 32s);

    // Out of range: clamped to the steps' ends.
    time.set_pace(32s, 500);
    CHECK(time.pace_percent() == 125);
    CHECK(PacedTime(0s, 1).pace_percent() == 80);

    SECTION("the wall time of a session instant is the first at which it is reached") {
        PacedTime slow(0s, 90);
        for (const auto target : {1ns, 7ns, 1s + 3ns, 333333333ns, 600s + 1ns}) {
            const auto wall = slow.wall_time_of(target);
            CHECK(slow.session_elapsed(wall) >= target);
            CHECK(slow.session_elapsed(wall - 1ns) < target);
        }
    }
    SECTION("many changes leave no drift: the pace's share of each stretch adds up exactly") {
        PacedTime drifting(0s);
        nanoseconds wall{0};
        nanoseconds expected{0};
        for (int change = 0; change < 1000; ++change) {
            const int pace = change % 2 == 0 ? 80 : 125;
            drifting.set_pace(wall, pace);
            wall += 1s;
            expected += nanoseconds(1s) * pace / 100;
        }
        CHECK(drifting.session_elapsed(wall) == expected);
    }
}
