#include "local_store.hpp"
#include "sync_engine.hpp"
#include "sync_schedule.hpp"
#include "sync_test_support.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

TEST_CASE("A week ends at midnight between its Sunday and the next Monday, local time",
          "[kiosk-sync]") {
    const IsoWeek w47 = *IsoWeek::parse("2026-W47"); // Monday 16 to Sunday 22 November 2026
    CHECK(week_end(w47) == local_instant(2026, 11, 23, 0, 0));
    CHECK(IsoWeek::from_local_time(week_end(w47) - 1) == w47);
    CHECK(IsoWeek::from_local_time(week_end(w47)) == w47.next());
}

TEST_CASE("A week's release moment lies within the spread after its end and stays put",
          "[kiosk-sync]") {
    const auto spread = std::chrono::seconds(2 * 24 * 3600);
    const std::string secret = make_kiosk_secret();
    std::set<std::time_t> offsets;
    IsoWeek week = *IsoWeek::parse("2026-W01");
    for (int i = 0; i < 40; ++i, week = week.next()) {
        const std::time_t moment = release_moment(week, secret, spread);
        CHECK(moment >= week_end(week));
        CHECK(moment < week_end(week) + spread.count());
        CHECK(release_moment(week, secret, spread) == moment); // decided once per week
        offsets.insert(moment - week_end(week));
    }
    CHECK(offsets.size() > 30); // random, not a fixed delay
    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    CHECK(release_moment(w47, make_kiosk_secret(), spread) != release_moment(w47, secret, spread));
}

TEST_CASE("Contacts follow the interval with bounded random jitter", "[kiosk-sync]") {
    RandomSource random(7);
    const std::time_t now = local_instant(2026, 11, 18);
    std::set<std::time_t> delays;
    for (int i = 0; i < 200; ++i) {
        const std::time_t next =
            next_contact_after(now, std::chrono::seconds(3600), std::chrono::seconds(600), random);
        CHECK(next >= now + 3000);
        CHECK(next <= now + 4200);
        delays.insert(next - now);
    }
    CHECK(delays.size() > 100);
    // A tiny interval is still not a busy loop.
    CHECK(next_contact_after(now, std::chrono::seconds(0), std::chrono::seconds(0), random) ==
          now + minimum_contact_gap_seconds);
}

TEST_CASE("A closed week is released only after its release moment, never before its end",
          "[kiosk-sync]") {
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18); // Wednesday of 2026-W47
    SyncEngine engine(settings_for(dir.path(), "", &now), RandomSource(1), {});
    engine.initial_content();
    engine.learn_station_k(5); // as a contact would (releases wait for one)
    engine.record_uses({Use{IsoWeek::from_local_time(now), {"visit", "start"}}});
    CHECK(engine.maintain(now) == 0);

    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    const std::time_t moment =
        release_moment(w47, engine.store().kiosk_secret(), std::chrono::hours(48));
    now = week_end(w47) - 1;
    CHECK(engine.maintain(now) == 0);
    now = moment - 1;
    CHECK(engine.maintain(now) == 0);
    CHECK(engine.store().outbox().empty());
    now = moment;
    CHECK(engine.maintain(now) == 1);
    REQUIRE(engine.store().outbox().size() == 1);
    CHECK(engine.store().outbox()[0].week == w47);
    CHECK(engine.maintain(now + 3600) == 0); // once per week
}

TEST_CASE("Every week the kiosk ran gets a release of the same shape, used or not",
          "[kiosk-sync]") {
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 11); // 2026-W46, nobody comes
    SyncEngine engine(settings_for(dir.path(), "", &now), RandomSource(1), {});
    const ActiveContent content = engine.initial_content();
    engine.learn_station_k(5); // as a contact would (releases wait for one)
    engine.maintain(now);
    now = local_instant(2026, 11, 18); // 2026-W47, busy
    engine.maintain(now);
    std::vector<Use> busy(40, Use{IsoWeek::from_local_time(now), {"visit", "start"}});
    busy.push_back(Use{IsoWeek::from_local_time(now),
                       {"checkin.level", content.document.checkin.levels.back().id}});
    engine.record_uses(busy);
    now = local_instant(2026, 12, 2); // both closed and past their spread
    engine.maintain(now);
    const auto outbox = engine.store().outbox();
    REQUIRE(outbox.size() == 2);
    const auto quiet = decode_batch(outbox[0].body, IsoWeek::from_local_time(now));
    const auto used = decode_batch(outbox[1].body, IsoWeek::from_local_time(now));
    REQUIRE(quiet.batch);
    REQUIRE(used.batch);
    std::set<CounterKey> quiet_keys, used_keys;
    for (const auto& entry : quiet.batch->counts)
        quiet_keys.insert({entry.metric, entry.key});
    for (const auto& entry : used.batch->counts)
        used_keys.insert({entry.metric, entry.key});
    CHECK(quiet_keys == used_keys);
    CHECK(quiet_keys.size() == catalogue_keys(content.document).size());
    CHECK(outbox[0].body.size() == outbox[1].body.size());
}
