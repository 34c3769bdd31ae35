// Issue 15: topic cards are counted only as card.viewed by card id, pooled with everything else.
// Which cards one person read together, and with which check-in, never reaches the kiosk's
// counts database, its journal or the wire: two kiosks whose visitors read the same cards in
// different combinations hold and send the same bytes, and the release holds one card.viewed
// entry per card of the content, zeros included. The files are read raw, as the rating's test does.

#include "sync_test_support.hpp"

#include <catch2/catch.hpp>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

// One visitor: a check-in with its topics, then the cards they opened (each counted once).
struct CardVisitor {
    std::string level;
    std::vector<std::string> topics;
    std::vector<std::string> cards;
};

void record_readers(KioskSync& sync, const std::vector<CardVisitor>& people) {
    for (const CardVisitor& person : people) {
        sync.record({"visit", "start"});
        sync.record({std::string(metric::checkin_level), person.level});
        for (const auto& topic : person.topics) {
            sync.record({std::string(metric::checkin_topic), topic});
        }
        for (const auto& card : person.cards) {
            sync.record({std::string(metric::card_viewed), card});
        }
    }
}

} // namespace

TEST_CASE("Which cards one person read together never reaches the kiosk's disk or the wire: "
          "only card.viewed per card id, pooled",
          "[kiosk-sync][privacy][cards]") {
    // The same levels, topics and card views in both rooms, combined differently: in room A
    // the one person who read both the sleep and the critical incident card checked in as
    // "injured"; in room B those two cards were read by two people.
    const std::vector<CardVisitor> room_a{{"injured",
                                           {"sleep", "critical-incident"},
                                           {"sleep-after-nights", "after-critical-incident"}},
                                          {"reacting", {"family"}, {"family"}},
                                          {"healthy", {"sleep"}, {"sleep-after-nights"}},
                                          {"reacting", {}, {}},
                                          {"healthy", {}, {}}};
    const std::vector<CardVisitor> room_b{
        {"healthy", {"sleep"}, {"sleep-after-nights"}},
        {"reacting", {"critical-incident"}, {"after-critical-incident"}},
        {"injured", {"sleep", "family"}, {"sleep-after-nights", "family"}},
        {"reacting", {}, {}},
        {"healthy", {}, {}}};
    const KioskRun a = run_kiosk_week([&](KioskSync& sync) { record_readers(sync, room_a); });
    const KioskRun b = run_kiosk_week([&](KioskSync& sync) { record_readers(sync, room_b); });

    require_same_traces(a, b);
    CHECK(a.week_counters.at({"card.viewed", "sleep-after-nights"}) == 2);
    CHECK(a.week_counters.at({"card.viewed", "after-critical-incident"}) == 1);
    CHECK(a.week_counters.at({"card.viewed", "family"}) == 1);
    // The release's shape: exactly one card.viewed entry for every card of the content (the
    // station's totals hold what the release held), keyed by the card's id and nothing else.
    std::vector<std::string> sent;
    for (const auto& [cell, n] : a.station_totals) {
        const std::string& metric = std::get<1>(cell);
        if (metric.find("card") != std::string::npos) {
            CHECK(metric == "card.viewed");
            CHECK(std::get<0>(cell) == "2026-W47");
            sent.push_back(std::get<2>(cell));
        }
    }
    std::sort(sent.begin(), sent.end());
    CHECK(sent ==
          std::vector<std::string>{"after-critical-incident", "family", "sleep-after-nights"});
    CHECK(a.station_totals.at({"2026-W47", "card.viewed", "sleep-after-nights"}) == 2);
    // A week of no reading sends the same card entries, as zeros: the shape never says whether
    // a card was read.
    const KioskRun idle = run_kiosk_week([](KioskSync& sync) {
        for (int i = 0; i < 5; ++i) {
            sync.record({"visit", "start"});
        }
    });
    for (const char* card : {"after-critical-incident", "family", "sleep-after-nights"}) {
        CHECK(idle.station_totals.at({"2026-W47", "card.viewed", card}) == 0);
    }
    CHECK(idle.release_body.size() == a.release_body.size());
}
