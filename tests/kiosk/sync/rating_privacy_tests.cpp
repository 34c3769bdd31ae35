// Issue 15: a person's before / after stress rating is a pair only in the kiosk's memory, until
// Done. What reaches the kiosk's counts database (and its journal or WAL) and the wire are the two
// marginal histograms: two kiosks whose visitors gave the same ratings, paired differently, hold
// and send exactly the same bytes. The files are read raw, as the privacy tests of issue 11 do.

#include "sync_test_support.hpp"

#include <catch2/catch.hpp>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

struct Rated {
    int before;
    int after;
};

// Five visitors, each rating before and after a box breathing session, in the order the flow
// records them: the before rating, the session, the after rating.
void record_visits(KioskSync& sync, const std::vector<Rated>& people) {
    for (const Rated& person : people) {
        sync.record({"visit", "start"});
        sync.record({std::string(metric::rating_before), std::to_string(person.before)});
        sync.record({"breathing.started", "box"});
        sync.record({"breathing.completed", "box"});
        sync.record({std::string(metric::rating_after), std::to_string(person.after)});
    }
}

} // namespace

TEST_CASE("A before/after rating pair never reaches the kiosk's disk or the wire together, so "
          "visitors paired differently leave the same bytes",
          "[kiosk-sync][privacy][rating]") {
    // The same ratings before (7, 2, 5, 9, 0) and after (4, 6, 5, 3, 1) in both rooms, but
    // in room A the 7 became a 4 and in room B the 7 became a 6, and so on.
    const std::vector<Rated> room_a{{7, 4}, {2, 6}, {5, 5}, {9, 3}, {0, 1}};
    const std::vector<Rated> room_b{{7, 6}, {2, 1}, {5, 3}, {9, 5}, {0, 4}};
    const KioskRun a = run_kiosk_week([&](KioskSync& sync) { record_visits(sync, room_a); });
    const KioskRun b = run_kiosk_week([&](KioskSync& sync) { record_visits(sync, room_b); });

    require_same_traces(a, b);
    // What is kept is the two histograms, each on its own.
    for (const Rated& person : room_a) {
        CHECK(a.week_counters.at({"rating.before", std::to_string(person.before)}) == 1);
        CHECK(a.week_counters.at({"rating.after", std::to_string(person.after)}) == 1);
    }
    CHECK(a.week_counters.at({"rating.before", "8"}) == 0);
    CHECK(a.station_totals.at({"2026-W47", "rating.before", "7"}) == 1);
    CHECK(a.station_totals.at({"2026-W47", "rating.after", "4"}) == 1);
    CHECK(a.station_totals.at({"2026-W47", "rating.after", "6"}) == 1);
    // Only the two marginal metrics carry ratings; nothing sent combines them.
    for (const auto& [cell, n] : a.station_totals) {
        const std::string& metric = std::get<1>(cell);
        if (metric.find("rating") != std::string::npos) {
            CHECK((metric == "rating.before" || metric == "rating.after"));
        }
    }
}
