// Privacy promises 7 and 8 against the real station: sealed weeks, published cells, and the
// differencing attack of issue 11 played in full and handed to an exact solver.

#include "../summary_csv_reader.hpp"
#include "station_fixture.hpp"
#include "wellness/disclosure_audit.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/suppression.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <sstream>

using summary_test::summary_from_csv;

using namespace station_test;
using wellness::IsoWeek;
using wellness::Summary;
using wellness::SummaryCell;
using namespace wellness::audit;

namespace {

IsoWeek week(const char* text) {
    return *IsoWeek::parse(text);
}

// The index of visit/start in a release.
std::string visit_path(const Json& batch) {
    for (std::size_t i = 0; i < batch["counts"].size(); ++i)
        if (batch["counts"][i]["metric"] == "visit")
            return "/counts/" + std::to_string(i) + "/n";
    return "";
}

const Json* row(const Json& summary, const std::string& period, const std::string& metric,
                const std::string& key) {
    for (const auto& r : summary["rows"])
        if (r["period"] == period && r["metric"] == metric && r["key"] == key)
            return &r;
    return nullptr;
}

struct Truth {
    std::map<std::string, std::int64_t> cells; // week cell name -> n
};

} // namespace

TEST_CASE("the station refuses a week of 1 to k-1 visits and a second release of a kiosk-week",
          "[station][privacy]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    const IsoWeek last = IsoWeek::from_local_time(station.now.load()).prev();
    for (int n : {1, 4}) {
        auto batch = visit_batch(new_batch_id(), last.to_string(), n);
        auto refused = station.post("/api/v1/kiosk/counts", batch, kiosk);
        CHECK(refused.status == 422);
        CHECK(refused.error_code() == "week_below_k");
        CHECK(refused.json()["error"]["details"][0]["path"] == visit_path(batch));
    }
    // A week of no visits (the pooled week's release of zeros) and a week of k are taken.
    CHECK(station
              .post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), last.prev().to_string(), 0),
                    kiosk)
              .json()["status"] == "applied");
    auto first = visit_batch(new_batch_id(), last.to_string(), 5);
    CHECK(station.post("/api/v1/kiosk/counts", first, kiosk).json()["status"] == "applied");
    // The identical resend stays a duplicate; another release of that week is a conflict.
    CHECK(station.post("/api/v1/kiosk/counts", first, kiosk).json()["status"] == "duplicate");
    auto second = station.post("/api/v1/kiosk/counts",
                               visit_batch(new_batch_id(), last.to_string(), 9), kiosk);
    CHECK(second.status == 409);
    CHECK(second.error_code() == "week_already_released");
    // Another kiosk may release the same week.
    auto other = station.kiosk_token("room 2");
    CHECK(station
              .post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), last.to_string(), 9), other)
              .json()["status"] == "applied");
}

TEST_CASE("a sealed week never changes: a late batch for it is refused, and a k change applies "
          "to weeks sealed after it",
          "[station][privacy]") {
    TestStation station; // now: Wednesday of 2026-W47; weeks seal 14 days after they end
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    REQUIRE(station
                .post("/api/v1/kiosk/counts",
                      release_batch("2026-W45", counters({{"visit", "start", 20},
                                                          {"crisis.viewed", "list", 6}})),
                      kiosk)
                .status == 200);
    station.now += 7 * 24 * 3600; // W45 (ended Sunday 8 November) seals on 23 November
    auto before = station.get("/api/v1/summary?from=2026-W40&to=2026-W47", coordinator).json();
    INFO(before.dump());
    CHECK(before["published_through"] == "2026-W45");
    REQUIRE(row(before, "2026-W45", "visit", "start") != nullptr);
    CHECK((*row(before, "2026-W45", "visit", "start"))["n"] == 20);
    CHECK(row(before, "2026-W46", "visit", "start") == nullptr); // not sealed: absent

    // Another kiosk's release of W45 arrives after W45 was sealed: refused, nothing moves
    // into another week either.
    auto late = station.kiosk_token("room 2");
    const std::string csv_before =
        station.get("/api/v1/summary?from=2026-W40&to=2026-W47&format=csv", coordinator).body;
    auto refused = station.post(
        "/api/v1/kiosk/counts",
        release_batch("2026-W45", counters({{"visit", "start", 7}, {"crisis.viewed", "list", 7}})),
        late);
    CHECK(refused.status == 422);
    CHECK(refused.error_code() == "week_sealed");
    REQUIRE(station
                .post("/api/v1/kiosk/counts",
                      release_batch("2026-W46", counters({{"visit", "start", 7},
                                                          {"crisis.viewed", "list", 7}})),
                      late)
                .status == 200);
    CHECK(station.get("/api/v1/summary?from=2026-W40&to=2026-W47&format=csv", coordinator).body ==
          csv_before);
    // k goes up to 7 from here; W45's 6 stays shown as published, W46's 7 is decided with 7.
    const std::time_t now = station.now.load();
    station.stop();
    TestStation raised([](auto& config) { config.k = 7; }, station.data_dir());
    raised.now = now + 7 * 24 * 3600; // W46 is sealed now
    auto token = raised.coordinator_token();
    auto after = raised.get("/api/v1/summary?from=2026-W40&to=2026-W47", token).json();
    INFO(after.dump());
    CHECK(after["published_through"] == "2026-W46");
    REQUIRE(row(after, "2026-W46", "crisis.viewed", "list") != nullptr);
    CHECK((*row(after, "2026-W45", "visit", "start"))["n"] == 20);
    CHECK((*row(after, "2026-W45", "crisis.viewed", "list"))["n"] == 6);
    CHECK((*row(after, "2026-W46", "visit", "start"))["n"] == 7);
    CHECK((*row(after, "2026-W46", "crisis.viewed", "list"))["n"] == 7);
}

TEST_CASE("the W43/W44 total difference of issue 11 no longer gives the hidden W44 cell away",
          "[station][privacy]") {
    // Weeks seal 70 days after they end here, so W40..W44 are all released before any seals.
    TestStation station([](auto& config) { config.seal_after_days = 70; });
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    // Sent on Wednesday of W45, before W40..W44 are sealed; read once they are. "ill" is the
    // default content's red level.
    station.now -= 14 * 24 * 3600;
    for (IsoWeek w = week("2026-W40"); w <= week("2026-W44"); w = w.next())
        REQUIRE(station
                    .post("/api/v1/kiosk/counts",
                          release_batch(w.to_string(), counters({{"visit", "start", 12},
                                                                 {"checkin.level", "ill",
                                                                  w == week("2026-W44") ? 1 : 9}})),
                          kiosk)
                    .status == 200);
    station.now += 71 * 24 * 3600;
    for (const char* format : {"json", "csv"}) {
        INFO(format);
        auto to44 = station.get(std::string("/api/v1/summary?from=2026-W40&to=2026-W44&period="
                                            "total&format=") +
                                    format,
                                coordinator);
        auto to43 = station.get(std::string("/api/v1/summary?from=2026-W40&to=2026-W43&period="
                                            "total&format=") +
                                    format,
                                coordinator);
        REQUIRE(to44.status == 200);
        REQUIRE(to43.status == 200);
        if (std::string(format) == "json") {
            CHECK((*row(to43.json(), "total", "checkin.level", "ill"))["n"] == 36);
            // Before: 37 here, and 37 - 36 gave W44's hidden 1.
            CHECK((*row(to44.json(), "total", "checkin.level", "ill"))["suppressed"] == true);
        } else {
            CHECK(to43.body.find("total,checkin.level,ill,36,false,") != std::string::npos);
            CHECK(to44.body.find("total,checkin.level,ill,,true,") != std::string::npos);
        }
    }
    // A month minus its other weeks: October (W40..W44) is hidden as a whole.
    auto october =
        station.get("/api/v1/summary?from=2026-W40&to=2026-W44&period=month", coordinator).json();
    CHECK((*row(october, "2026-10", "checkin.level", "ill"))["suppressed"] == true);
    CHECK((*row(october, "2026-10", "visit", "start"))["n"] == 60);
    // Hidden looks the same whatever the reason: null n, suppressed, nothing else.
    const Json& hidden = *row(october, "2026-10", "checkin.level", "ill");
    CHECK(hidden == Json{{"period", "2026-10"},
                         {"metric", "checkin.level"},
                         {"key", "ill"},
                         {"n", nullptr},
                         {"suppressed", true}});
}

TEST_CASE("every range, period and format asked of a station leaves each hidden cell at least k "
          "wide for an exact solver",
          "[station][privacy]") {
    // Weeks seal 70 days after they end here, so all nine are released before any seals.
    TestStation station([](auto& config) { config.seal_after_days = 70; });
    auto coordinator = station.coordinator_token();
    const std::vector<std::pair<std::string, std::vector<std::string>>> catalogue = {
        {"visit", {"start"}},
        {"checkin.level", {"healthy", "reacting", "injured", "ill"}},
        {"checkin.topic", {"sleep", "workload", "family"}},
        {"crisis.viewed", {"list"}}};
    std::mt19937 random(20261102);
    auto pick = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    Truth truth;
    // Nine weeks (W36..W44: all of September and October), two kiosks, sparse counts (about
    // 60 % zeros, the rest 1..12) as in the tables.
    const IsoWeek first = week("2026-W36");
    const IsoWeek last = week("2026-W44");
    std::vector<std::string> kiosks{station.kiosk_token("room a"), station.kiosk_token("room b")};
    station.now -= 14 * 24 * 3600; // Wednesday of W45: W36..W44 have ended, none is sealed
    // Each kiosk's releases of the nine weeks in one batch (every other catalogue key zero).
    for (const auto& kiosk : kiosks) {
        Json batch = {{"batch_id", new_batch_id()}, {"counts", Json::array()}};
        for (IsoWeek w = first; w <= last; w = w.next()) {
            wellness::Counters counts;
            for (const auto& [metric, keys] : catalogue)
                for (const auto& key : keys) {
                    int n = metric == "visit" ? pick(5, 20) : pick(0, 9) < 6 ? 0 : pick(1, 6);
                    counts[{metric, key}] = n;
                    truth.cells[week_cell_name("", w, metric, key)] += n;
                }
            const Json release = release_batch(w.to_string(), counts);
            for (const auto& entry : release["counts"])
                batch["counts"].push_back(entry);
        }
        REQUIRE(station.post("/api/v1/kiosk/counts", batch, kiosk).status == 200);
    }
    // Seal through 2026-W53 (on 15 March 2027), so the year 2026 is published too.
    station.now += 20 * 7 * 24 * 3600;

    LinearSystem system;
    int requests = 0;
    const std::vector<IsoWeek> edges = [&] {
        std::vector<IsoWeek> weeks;
        for (IsoWeek w = week("2026-W35"); w <= week("2026-W45"); w = w.next())
            weeks.push_back(w);
        weeks.push_back(week("2026-W01"));
        weeks.push_back(week("2026-W53"));
        return weeks;
    }();
    for (const IsoWeek& from : edges)
        for (const IsoWeek& to : edges) {
            if (to < from)
                continue;
            for (const char* period : {"week", "month", "year", "total"}) {
                const std::string query = "/api/v1/summary?from=" + from.to_string() +
                                          "&to=" + to.to_string() + "&period=" + period;
                auto json = station.get(query + "&format=json", coordinator);
                REQUIRE(json.status == 200);
                const auto read = wellness::summary_from_json(json.json());
                INFO(read.error);
                REQUIRE(read.summary);
                add_answer(system, *read.summary);
                auto csv = station.get(query + "&format=csv", coordinator);
                REQUIRE(csv.status == 200);
                add_answer(system, summary_from_csv(csv.body, *read.summary));
                requests += 2;
            }
        }
    CHECK(requests > 700);
    // Every cell is known to be at least zero; zeros of weeks without counts are cells too.
    for (IsoWeek w = week("2026-W01"); w <= week("2026-W53"); w = w.next())
        for (const auto& [metric, keys] : catalogue)
            for (const auto& key : keys)
                system.variable(week_cell_name("", w, metric, key));

    const auto intervals = system.intervals();
    REQUIRE(intervals); // the answers agree with each other
    int hidden = 0;
    for (std::size_t v = 0; v < system.variable_count(); ++v) {
        const std::string& name = system.name(v);
        const auto found = truth.cells.find(name);
        const std::int64_t n = found == truth.cells.end() ? 0 : found->second;
        const Interval& interval = (*intervals)[v];
        INFO(name << " = " << n << ", feasible from " << interval.low.to_string() << " to "
                  << (interval.high ? interval.high->to_string() : "unbounded"));
        // What is shown is true ...
        CHECK(interval.low <= Rational(n));
        if (interval.high)
            CHECK(Rational(n) <= *interval.high);
        if (n > 0 && n < 5) {
            ++hidden;
            // ... and no hidden cell is determined or shown to lie below k.
            CHECK_FALSE(interval.determined());
            CHECK((!interval.high || *interval.high >= Rational(5)));
        }
    }
    CHECK(hidden > 20);
}

TEST_CASE("a station database of schema 2 upgrades and publishes its counts once sealed",
          "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    REQUIRE(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W45", 8), kiosk)
                .status == 200);
    station.stop();
    {
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE published_cells; DROP TABLE sealing; DROP TABLE kiosk_releases;"
                "ALTER TABLE kiosks DROP COLUMN enrolled_at;"
                "ALTER TABLE kiosks DROP COLUMN token_issued_at;"
                "ALTER TABLE kiosks DROP COLUMN token_expires_at;"
                "ALTER TABLE kiosks DROP COLUMN next_token_hash;"
                "ALTER TABLE kiosks DROP COLUMN next_token_expires_at;"
                "ALTER TABLE coordinator_tokens DROP COLUMN expires_at; DROP TABLE health_probe;"
                "ALTER TABLE content_versions DROP COLUMN note;"
                "ALTER TABLE audit_log DROP COLUMN details; DROP TABLE content_drafts;"
                "ALTER TABLE applied_batch_ids DROP COLUMN week;"
                "DROP TABLE week_reporting;"
                "ALTER TABLE coordinator_tokens DROP COLUMN last_used_day;"
                "PRAGMA user_version=2");
    }
    station.restart();
    {
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
              wellness::station::StationStore::schema_version());
    }
    station.now += 14 * 24 * 3600;
    auto summary =
        station.get("/api/v1/summary?from=2026-W45&to=2026-W45", station.coordinator_token())
            .json();
    CHECK(summary["published_through"] == "2026-W46");
    CHECK((*row(summary, "2026-W45", "visit", "start"))["n"] == 8);
}
