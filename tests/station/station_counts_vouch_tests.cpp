// Issue 12, "counts the station itself can vouch for", played as an adversary with one kiosk's
// token would play it against the real station on loopback: every refusal is whole, and the
// station's counts, its releases and the coordinators' summary are the same after it as before.

#include "../summary_csv_reader.hpp"
#include "station_fixture.hpp"
#include "wellness/content.hpp"
#include "wellness/iso_week.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

using namespace station_test;
using wellness::IsoWeek;

namespace {

constexpr std::time_t week_seconds = 7 * day;

// All the station holds of counts: every counter, every kiosk-week released, how many batch
// ids it keeps, read from its SQLite file; and the summary of the weeks around 2026 in CSV.
std::string counts_state(const TestStation& station, const std::string& coordinator) {
    std::ostringstream state;
    {
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READONLY);
        SQLite::Statement counts(db, "SELECT week, metric, key, n FROM weekly_counts "
                                     "ORDER BY week, metric, key");
        while (counts.executeStep())
            state << counts.getColumn(0).getString() << ' ' << counts.getColumn(1).getString()
                  << ' ' << counts.getColumn(2).getString() << ' ' << counts.getColumn(3).getInt64()
                  << '\n';
        SQLite::Statement releases(db, "SELECT kiosk_id, week FROM kiosk_releases "
                                       "ORDER BY kiosk_id, week");
        while (releases.executeStep())
            state << "released " << releases.getColumn(0).getInt64() << ' '
                  << releases.getColumn(1).getString() << '\n';
        state << "ids " << db.execAndGet("SELECT count(*) FROM applied_batch_ids").getInt64()
              << '\n';
    }
    auto summary = station.get("/api/v1/summary?from=2025-W01&to=2026-W53&period=week&format=csv",
                               coordinator);
    state << summary.status << '\n' << summary.body;
    return state.str();
}

std::int64_t stored_ids(const TestStation& station) {
    SQLite::Database db((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM applied_batch_ids").getInt64();
}

Json entry(const std::string& week, const std::string& metric, const std::string& key,
           std::int64_t n) {
    return {{"week", week}, {"metric", metric}, {"key", key}, {"n", n}};
}

// A batch of the given entries, as an adversary writes it by hand.
Json batch_of(std::initializer_list<Json> entries) {
    Json counts = Json::array();
    for (const Json& one : entries)
        counts.push_back(one);
    return {{"batch_id", new_batch_id()}, {"counts", counts}};
}

// The published cell of `period`, `metric`, `key` in a summary's JSON rows.
const Json* cell(const Json& summary, const std::string& period, const std::string& metric,
                 const std::string& key) {
    for (const auto& row : summary["rows"])
        if (row["period"] == period && row["metric"] == metric && row["key"] == key)
            return &row;
    return nullptr;
}

std::vector<wellness::CounterKey> catalogue_of(const Json& document) {
    auto parsed = wellness::parse_content(document);
    REQUIRE(parsed.document);
    return wellness::catalogue_keys(*parsed.document);
}

// What a coordinator reads of the kiosks reporting over `range` ("from=...&to=..."): the JSON
// answer's last published week and its figures per week, and the CSV's visit line of each
// period, which carries the kiosks_reported column.
using Lines = std::vector<std::string>;

struct ReportingSeen {
    Json published_through;
    Json weeks;
    std::vector<std::string> visit_lines;
};

ReportingSeen reporting_seen(const TestStation& station, const std::string& coordinator,
                             const std::string& range) {
    auto answer = station.get("/api/v1/summary?" + range, coordinator).json();
    ReportingSeen seen{answer["published_through"], answer.value("kiosks_reporting", Json()), {}};
    std::istringstream csv(
        station.get("/api/v1/summary?" + range + "&format=csv", coordinator).body);
    for (std::string line; std::getline(csv, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find(",visit,start,") != std::string::npos)
            seen.visit_lines.push_back(line);
    }
    return seen;
}

} // namespace

TEST_CASE("the attack of issue 12: one more batch on a week with a hidden red check-in of 2 "
          "reveals nothing, before its seal or after",
          "[station][privacy]") {
    TestStation station; // k = 5; now: Wednesday of 2026-W47
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    // The honest release: ten visits, two of them a red ("ill") check-in.
    REQUIRE(station
                .post("/api/v1/kiosk/counts",
                      release_batch("2026-W45", counters({{"visit", "start", 10},
                                                          {"checkin.level", "ill", 2}})),
                      kiosk)
                .json()["status"] == "applied");

    // Before W45 is sealed, the same token adds 5 to the red level: as in the issue, and as a
    // full release of the week that knows the shape.
    const std::string before = counts_state(station, coordinator);
    auto partial = station.post("/api/v1/kiosk/counts",
                                batch_of({entry("2026-W45", "checkin.level", "ill", 5)}), kiosk);
    CHECK(partial.status == 422);
    CHECK(partial.error_code() == "release_shape");
    auto full = station.post(
        "/api/v1/kiosk/counts",
        release_batch("2026-W45", counters({{"visit", "start", 5}, {"checkin.level", "ill", 5}})),
        kiosk);
    CHECK(full.status == 409);
    CHECK(full.error_code() == "week_already_released");
    // The key of the issue, which this content does not have.
    auto red = station.post("/api/v1/kiosk/counts",
                            batch_of({entry("2026-W45", "checkin.level", "red", 5)}), kiosk);
    CHECK(red.status == 422);
    CHECK(red.error_code() == "release_shape");
    CHECK(counts_state(station, coordinator) == before);

    // Once sealed the cell is hidden, and every attempt is refused as a sealed week.
    station.now += week_seconds;
    auto published = station.get("/api/v1/summary?from=2026-W45&to=2026-W45", coordinator).json();
    REQUIRE(cell(published, "2026-W45", "checkin.level", "ill") != nullptr);
    CHECK((*cell(published, "2026-W45", "checkin.level", "ill"))["suppressed"] == true);
    const std::string sealed = counts_state(station, coordinator);
    for (const Json& attack :
         {batch_of({entry("2026-W45", "checkin.level", "ill", 5)}),
          release_batch("2026-W45", counters({{"visit", "start", 5}, {"checkin.level", "ill", 5}})),
          batch_of({entry("2026-W45", "checkin.level", "red", 5)})}) {
        auto refused = station.post("/api/v1/kiosk/counts", attack, kiosk);
        CHECK(refused.status == 422);
        CHECK(refused.error_code() == "week_sealed");
    }
    // Nor does a kiosk enrolled today get in, with the week in or out of the horizon.
    auto fresh = station.kiosk_token("room 2", 0);
    auto newcomer = station.post(
        "/api/v1/kiosk/counts",
        release_batch("2026-W46", counters({{"visit", "start", 5}, {"checkin.level", "ill", 5}})),
        fresh);
    CHECK(newcomer.status == 422);
    CHECK(newcomer.error_code() == "week_before_enrollment");
    CHECK(counts_state(station, coordinator) == sealed);
    auto after = station.get("/api/v1/summary?from=2026-W45&to=2026-W45", coordinator).json();
    CHECK((*cell(after, "2026-W45", "checkin.level", "ill"))["suppressed"] == true);
    CHECK((*cell(after, "2026-W45", "visit", "start"))["n"] == 10);
}

TEST_CASE("a release of one visit is refused, in the full shape or alone", "[station][privacy]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    const std::string before = counts_state(station, coordinator);
    auto full =
        station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 1), kiosk);
    CHECK(full.status == 422);
    CHECK(full.error_code() == "week_below_k");
    auto alone = station.post("/api/v1/kiosk/counts",
                              batch_of({entry("2026-W46", "visit", "start", 1)}), kiosk);
    CHECK(alone.status == 422);
    CHECK(alone.error_code() == "release_shape");
    CHECK(counts_state(station, coordinator) == before);
    // The kiosk-week is still free for the kiosk's real release.
    CHECK(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 5), kiosk)
              .json()["status"] == "applied");
}

TEST_CASE("weeks back to 1970 are refused as sealed, and nothing is written for them",
          "[station][privacy]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    const std::string before = counts_state(station, coordinator);
    for (const char* old : {"1970-W01", "1999-W52", "2025-W40", "2026-W44"}) {
        INFO(old);
        auto refused =
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), old, 9), kiosk);
        CHECK(refused.status == 422);
        CHECK(refused.error_code() == "week_sealed");
        CHECK(refused.json()["error"]["details"][0]["path"] == "/counts/0/week");
    }
    // One old week among good ones spoils the whole batch.
    Json mixed = visit_batch(new_batch_id(), "2026-W46", 9);
    const Json ancient = visit_batch(new_batch_id(), "1970-W01", 9);
    for (const auto& old : ancient["counts"])
        mixed["counts"].push_back(old);
    auto refused = station.post("/api/v1/kiosk/counts", mixed, kiosk);
    CHECK(refused.status == 422);
    CHECK(refused.error_code() == "week_sealed");
    CHECK(counts_state(station, coordinator) == before);
    CHECK(station.station()
              .store()
              .weekly_counts(*IsoWeek::parse("1970-W01"), *IsoWeek::parse("2026-W53"))
              .empty());
}

TEST_CASE("a flood of empty batches is refused, then held off with 429 until the next hour, and "
          "keeps no id",
          "[station][privacy]") {
    TestStation station; // 60 batches per kiosk and hour
    auto kiosk = station.kiosk_token();
    auto other = station.kiosk_token("room 2");
    auto coordinator = station.coordinator_token();
    const std::string before = counts_state(station, coordinator);
    int refused = 0;
    int held_off = 0;
    std::string retry_after;
    for (int i = 0; i < 75; ++i) {
        auto reply =
            station.post("/api/v1/kiosk/counts",
                         Json{{"batch_id", new_batch_id()}, {"counts", Json::array()}}, kiosk);
        if (reply.status == 422 && reply.error_code() == "release_shape")
            ++refused;
        if (reply.status == 429 && reply.error_code() == "too_many_batches") {
            ++held_off;
            retry_after = reply.header("Retry-After");
        }
    }
    CHECK(refused == 60);
    CHECK(held_off == 15);
    // Until the next hour of the station's clock.
    CHECK(retry_after == std::to_string(3600 - station.now.load() % 3600));
    // Not even a real release gets through for the rest of the hour...
    auto good = visit_batch(new_batch_id(), "2026-W46", 5);
    CHECK(station.post("/api/v1/kiosk/counts", good, kiosk).status == 429);
    CHECK(counts_state(station, coordinator) == before);
    CHECK(stored_ids(station) == 0);
    // ... while another kiosk is not held up at all, and the next hour takes it.
    CHECK(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 6), other)
              .json()["status"] == "applied");
    station.now += 3600;
    CHECK(station.post("/api/v1/kiosk/counts", good, kiosk).json()["status"] == "applied");
}

TEST_CASE("a release whose shape is not the full catalogue of its week is refused",
          "[station][privacy]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    const std::string before = counts_state(station, coordinator);
    auto refuse = [&](const Json& batch) {
        auto reply = station.post("/api/v1/kiosk/counts", batch, kiosk);
        CHECK(reply.status == 422);
        CHECK(reply.error_code() == "release_shape");
        return reply;
    };
    Json missing = visit_batch(new_batch_id(), "2026-W46", 8);
    missing["counts"].erase(missing["counts"].begin()); // one key left out
    auto told = refuse(missing);
    CHECK(told.json()["error"]["details"][0]["message"].get<std::string>().find("missing") !=
          std::string::npos);
    Json extra = visit_batch(new_batch_id(), "2026-W46", 8);
    extra["counts"].push_back(entry("2026-W46", "checkin.topic", "overtime", 3));
    refuse(extra);
    refuse(batch_of({entry("2026-W46", "visit", "start", 8)}));
    // Two weeks in a batch, one of them short.
    Json two = visit_batch(new_batch_id(), "2026-W45", 8);
    two["counts"].push_back(entry("2026-W46", "visit", "start", 8));
    refuse(two);
    CHECK(counts_state(station, coordinator) == before);
    // The full shape of two weeks in one batch is taken.
    Json both = visit_batch(new_batch_id(), "2026-W45", 8);
    const Json w46 = visit_batch(new_batch_id(), "2026-W46", 9);
    for (const auto& week46 : w46["counts"])
        both["counts"].push_back(week46);
    CHECK(station.post("/api/v1/kiosk/counts", both, kiosk).json()["status"] == "applied");
}

TEST_CASE("a week's catalogue is that of the content a kiosk can have counted it by",
          "[station][privacy]") {
    TestStation station; // the default content is version 1, published in 2026-W47
    auto admin = station.admin_token();
    auto kiosk = station.kiosk_token();
    Json changed = default_document();
    changed["checkin"]["topics"].push_back(
        {{"id", "overtime"}, {"label", {{"en", "Overtime"}, {"es", "Horas extra"}}}});
    auto published = station.publish_content(changed, admin);
    INFO(published.body);
    REQUIRE(published.status == 200);
    REQUIRE(published.json()["counting_applies_from"] == "2026-W48");
    const auto old_catalogue = default_catalogue();
    const auto new_catalogue = catalogue_of(changed);
    REQUIRE(new_catalogue.size() == old_catalogue.size() + 1);
    auto post = [&](const std::string& week, int visits,
                    const std::vector<wellness::CounterKey>& catalogue) {
        return station.post("/api/v1/kiosk/counts",
                            release_batch(week, counters({{"visit", "start", visits}}), catalogue),
                            kiosk);
    };
    station.now += week_seconds; // Wednesday of W48
    // W47 began before the change: the new topic cannot be in its release.
    CHECK(post("2026-W47", 5, new_catalogue).error_code() == "release_shape");
    CHECK(post("2026-W47", 5, old_catalogue).json()["status"] == "applied");
    station.now += week_seconds; // Wednesday of W49
    // From W48 kiosks count with the topic; one that had not heard of it yet counts without.
    CHECK(post("2026-W48", 6, new_catalogue).json()["status"] == "applied");
    auto late = station.kiosk_token("room 2", 10);
    CHECK(station
              .post("/api/v1/kiosk/counts",
                    release_batch("2026-W48", counters({{"visit", "start", 7}}), old_catalogue),
                    late)
              .json()["status"] == "applied");
}

TEST_CASE("a release for a week before the kiosk's enrollment is refused, its enrollment week "
          "is taken",
          "[station][privacy]") {
    TestStation station; // now: Wednesday of 2026-W47
    auto kiosk = station.kiosk_token("room 1", 0);
    auto coordinator = station.coordinator_token();
    station.now += week_seconds;
    const std::string before = counts_state(station, coordinator);
    auto refused =
        station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 9), kiosk);
    CHECK(refused.status == 422);
    CHECK(refused.error_code() == "week_before_enrollment");
    CHECK(refused.json()["error"]["details"][0]["message"].get<std::string>().find("2026-W47") !=
          std::string::npos);
    CHECK(counts_state(station, coordinator) == before);
    CHECK(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W47", 9), kiosk)
              .json()["status"] == "applied");
}

TEST_CASE("applied batch ids are pruned once their week is sealed, and a retry of a pruned id "
          "does not count twice",
          "[station][privacy]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    auto w45 = visit_batch(new_batch_id(), "2026-W45", 6);
    auto w46 = visit_batch(new_batch_id(), "2026-W46", 7);
    REQUIRE(station.post("/api/v1/kiosk/counts", w45, kiosk).json()["status"] == "applied");
    REQUIRE(station.post("/api/v1/kiosk/counts", w46, kiosk).json()["status"] == "applied");
    CHECK(stored_ids(station) == 2);
    CHECK(station.post("/api/v1/kiosk/counts", w45, kiosk).json()["status"] == "duplicate");

    // W45 seals on Monday 23 November: its id goes at the seal, W46's stays.
    station.now += 6 * day;
    auto summary = station.get("/api/v1/summary?from=2026-W45&to=2026-W46", coordinator).json();
    REQUIRE(summary["published_through"] == "2026-W45");
    CHECK(stored_ids(station) == 1);
    station.restart(); // start-up reads only the ids of weeks not sealed
    const std::string before = counts_state(station, coordinator);
    auto retry = station.post("/api/v1/kiosk/counts", w45, kiosk);
    CHECK(retry.status == 422);
    CHECK(retry.error_code() == "week_sealed");
    CHECK(station.post("/api/v1/kiosk/counts", w46, kiosk).json()["status"] == "duplicate");
    CHECK(counts_state(station, coordinator) == before);

    // Sealed by the writer too: with the station's clock set back behind the seal, the batch
    // passes the clock's check and the writer, which knows the seal, refuses it.
    station.now -= 6 * day; // Wednesday of W47 again, when W45 was not due for its seal
    auto behind = station.kiosk_token("room 2");
    auto late =
        station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W45", 8), behind);
    CHECK(late.status == 422);
    CHECK(late.error_code() == "week_sealed");
    CHECK(late.json()["error"]["details"][0]["path"] == "/counts");
    CHECK(counts_state(station, coordinator) == before);
}

TEST_CASE("each sealed week of a summary says how many kiosks released it of how many were "
          "enrolled, in JSON and CSV",
          "[station][summary]") {
    TestStation station; // now: Wednesday of 2026-W47
    auto admin = station.admin_token();
    auto coordinator = station.coordinator_token();
    auto first = station.kiosk_token("room 1");
    auto second = station.kiosk_token("room 2");
    auto third = station.kiosk_token("room 3");
    auto revoked = station.kiosk_token("room 4");
    for (const auto* kiosk : {&first, &second, &third, &revoked})
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W45", 5), *kiosk)
                .json()["status"] == "applied");
    // W46: room 3 is switched off, and room 4 is revoked after releasing it.
    for (const auto* kiosk : {&first, &second, &revoked})
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 5), *kiosk)
                .json()["status"] == "applied");
    const std::string revoked_id = revoked.substr(1, revoked.find('.') - 1);
    REQUIRE(station.del("/api/v1/admin/kiosks/" + revoked_id, admin).status == 200);
    station.now += 3 * week_seconds; // Wednesday of W50: W45 to W47 sealed
    // One enrolled now, in W50, was never expected to release the weeks before.
    station.kiosk_token("room 5", 0);

    const auto seen = reporting_seen(station, coordinator, "from=2026-W45&to=2026-W48");
    REQUIRE(seen.published_through == "2026-W47");
    CHECK(seen.weeks == Json::parse(R"([{"week": "2026-W45", "released": 4, "enrolled": 4},
        {"week": "2026-W46", "released": 3, "enrolled": 4},
        {"week": "2026-W47", "released": 0, "enrolled": 3}])"));
    CHECK(seen.visit_lines == Lines{"2026-W45,visit,start,20,false,,4 of 4",
                                    "2026-W46,visit,start,15,false,,3 of 4",
                                    "2026-W47,visit,start,0,false,,0 of 3"});
    CHECK(reporting_seen(station, coordinator, "from=2026-W45&to=2026-W46&period=total")
              .visit_lines == Lines{"total,visit,start,35,false,,7 of 8"});
    // Decided at the seal: revoking another kiosk now changes no sealed week's figures.
    const std::string third_id = third.substr(1, third.find('.') - 1);
    REQUIRE(station.del("/api/v1/admin/kiosks/" + third_id, station.admin_token()).status == 200);
    CHECK(reporting_seen(station, coordinator, "from=2026-W45&to=2026-W48").weeks == seen.weeks);
}

TEST_CASE("a kiosk enrolled after a week began is expected to release weeks only from the next "
          "one, unless it released its first week anyway",
          "[station][summary]") {
    TestStation station; // now: Wednesday of 2026-W47, noon
    auto coordinator = station.coordinator_token();
    auto long_there = station.kiosk_token("room 1");
    // Both enrolled on Wednesday, in the room for half of W47: one is left off until W48, the
    // other starts counting at once and releases W47 too.
    auto silent_first_week = station.kiosk_token("room 2", 0);
    auto counting_at_once = station.kiosk_token("room 3", 0);
    // Enrolled in the very first second of W48 (Monday, midnight): in its room the whole week.
    std::tm monday{};
    monday.tm_year = 2026 - 1900;
    monday.tm_mon = 10; // November
    monday.tm_mday = 23;
    monday.tm_isdst = -1;
    station.now = std::mktime(&monday);
    REQUIRE(IsoWeek::from_local_time(station.now) == *IsoWeek::parse("2026-W48"));
    REQUIRE(IsoWeek::from_local_time(station.now - 1) == *IsoWeek::parse("2026-W47"));
    auto whole_week = station.kiosk_token("room 4", 0);

    for (const auto* kiosk : {&long_there, &counting_at_once})
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W47", 5), *kiosk)
                .json()["status"] == "applied");
    station.now += 8 * day; // Tuesday of W49: W48 has ended; room 4 is off all of W48
    for (const auto* kiosk : {&long_there, &silent_first_week, &counting_at_once})
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W48", 5), *kiosk)
                .json()["status"] == "applied");
    station.now += 3 * week_seconds; // Tuesday of W52: W47 and W48 sealed

    const auto seen = reporting_seen(station, coordinator, "from=2026-W47&to=2026-W48");
    REQUIRE(seen.published_through == "2026-W49");
    // W47: every kiosk there for the whole week reported, so the week is whole; room 3 counts
    // because it released the week. W48: room 4 was there from its first second and is missed.
    CHECK(seen.visit_lines ==
          Lines{"2026-W47,visit,start,10,false,,2 of 2", "2026-W48,visit,start,15,false,,3 of 4"});
}

TEST_CASE("weeks a station sealed before it kept kiosk figures say the kiosks reporting are "
          "unknown, once its database is migrated, and weeks before its first kiosk say 0 of 0",
          "[station][summary]") {
    TestStation station; // now: Wednesday of 2026-W47; kiosks enrolled in 2026-W21
    auto coordinator = station.coordinator_token();
    auto first = station.kiosk_token("room 1");
    auto second = station.kiosk_token("room 2");
    // W45: room 2 was off. W46: both released.
    REQUIRE(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W45", 6), first)
                .json()["status"] == "applied");
    for (const auto* kiosk : {&first, &second})
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 6), *kiosk)
                .json()["status"] == "applied");
    station.now += 5 * day; // Monday of W48: W45 is due for its seal, W46 not yet
    REQUIRE(station.get("/api/v1/summary", coordinator).json()["published_through"] == "2026-W45");
    station.stop();
    {
        // The file as a station of schema 7 left it: W45 sealed without any kiosk figures.
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE week_reporting;"
                "ALTER TABLE coordinator_tokens DROP COLUMN last_used_day;"
                "PRAGMA user_version=7");
    }
    station.restart();
    station.now += week_seconds; // Monday of W49: W46 seals under schema 8

    // W19 and W20 came before either kiosk and hold no counts: 0 of 0. W21 (their enrollment)
    // to W45 were sealed by schema 7: not in the JSON's list, so unknown, never a whole week.
    const auto seen = reporting_seen(station, coordinator, "from=2026-W19&to=2026-W46");
    REQUIRE(seen.published_through == "2026-W46");
    CHECK(seen.weeks == Json::parse(R"([{"week": "2026-W19", "released": 0, "enrolled": 0},
        {"week": "2026-W20", "released": 0, "enrolled": 0},
        {"week": "2026-W46", "released": 2, "enrolled": 2}])"));
    const Lines weeks =
        reporting_seen(station, coordinator, "from=2026-W44&to=2026-W46").visit_lines;
    CHECK(weeks == Lines{"2026-W44,visit,start,0,false,,unknown",
                         "2026-W45,visit,start,6,false,,unknown",
                         "2026-W46,visit,start,12,false,,2 of 2"});
    CHECK(reporting_seen(station, coordinator, "from=2026-W45&to=2026-W46&period=total")
              .visit_lines == Lines{"total,visit,start,18,false,,unknown"});
}
