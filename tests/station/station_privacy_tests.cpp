// Privacy promise 2 and 7 on the station: after a scripted week of use, the SQLite file and the
// log hold counters per (ISO week, metric, key) only: no row per use, no finer time.

#include "station_fixture.hpp"
#include "wellness/iso_week.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <regex>
#include <set>

using namespace station_test;

TEST_CASE("after a week of use the database and log hold only weekly counters",
          "[station][privacy]") {
    TestStation station;
    auto admin = station.admin_token();
    std::vector<std::string> kiosks{station.kiosk_token("room a"), station.kiosk_token("room b"),
                                    station.kiosk_token("room c")};
    std::string week = wellness::IsoWeek::from_local_time(station.now.load()).prev().to_string();
    std::set<std::string> batch_ids;
    int uses = 0;
    for (std::size_t i = 0; i < kiosks.size(); ++i) {
        int visits = 5 + static_cast<int>(i) * 3;
        uses += visits;
        Json batch = release_batch(week, counters({{"visit", "start", visits},
                                                   {"checkin.level", "reacting", 2},
                                                   {"crisis.viewed", "list", 1}}));
        batch_ids.insert(batch["batch_id"].get<std::string>());
        REQUIRE(station.post("/api/v1/kiosk/counts", batch, kiosks[i]).json()["status"] ==
                "applied");
        station.now += 3600;
    }
    REQUIRE(uses > 3);
    station.stop();

    SQLite::Database db((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READONLY);
    SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    std::regex iso_week("^[0-9]{4}-W[0-9]{2}$");
    std::set<std::string> metrics{"visit", "checkin.level", "crisis.viewed"};
    while (tables.executeStep()) {
        std::string table = tables.getColumn(0).getString();
        SQLite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
        columns.bind(1, table);
        std::vector<std::string> names;
        while (columns.executeStep())
            names.push_back(columns.getColumn(0).getString());
        // Table names come from sqlite_master, not from input; PRAGMA-free SELECT needs the name.
        SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
        int row_count = 0;
        while (rows.executeStep()) {
            ++row_count;
            for (int c = 0; c < rows.getColumnCount(); ++c) {
                if (!rows.getColumn(c).isText())
                    continue;
                std::string value = rows.getColumn(c).getString();
                // A metric name may appear only in the counters and in the cells published
                // from them at a week's seal (both per week, metric and key).
                if (metrics.contains(value))
                    CHECK((table == "weekly_counts" || table == "published_cells"));
            }
        }
        INFO("table " << table);
        if (table == "weekly_counts") {
            CHECK(names == std::vector<std::string>{"week", "metric", "key", "n"});
            // One counter per (week, metric, key) of the catalogue, not one row per use.
            CHECK(row_count == static_cast<int>(default_catalogue().size()));
            SQLite::Statement weeks(db, "SELECT DISTINCT week FROM weekly_counts");
            while (weeks.executeStep())
                CHECK(std::regex_match(weeks.getColumn(0).getString(), iso_week));
            SQLite::Statement visits(db, "SELECT n FROM weekly_counts WHERE metric = 'visit'");
            REQUIRE(visits.executeStep());
            CHECK(visits.getColumn(0).getInt() == uses);
        } else if (table == "published_cells") {
            CHECK(names == std::vector<std::string>{"period", "metric", "key", "n"});
        } else if (table == "kiosk_releases") {
            // Which kiosk released which week: no time, no batch, no count.
            CHECK(names == std::vector<std::string>{"kiosk_id", "week"});
            CHECK(row_count == static_cast<int>(kiosks.size()));
        } else if (table == "applied_batch_ids") {
            // No time, no kiosk: the week its batch released, so the id goes at that week's
            // seal.
            CHECK(names == std::vector<std::string>{"batch_id", "week"});
            CHECK(row_count == static_cast<int>(batch_ids.size()));
            SQLite::Statement weeks(db, "SELECT DISTINCT week FROM applied_batch_ids");
            while (weeks.executeStep())
                CHECK(weeks.getColumn(0).getString() == week);
        } else if (table == "week_reporting") {
            // Per sealed week, how many kiosks released it of how many were enrolled: it grows
            // with the calendar, one row a week, never with use; no kiosk, no time, no count.
            CHECK(names == std::vector<std::string>{"week", "released", "enrolled"});
            SQLite::Statement reported(db, "SELECT week, released, enrolled FROM week_reporting");
            while (reported.executeStep()) {
                CHECK(std::regex_match(reported.getColumn(0).getString(), iso_week));
                CHECK(reported.getColumn(2).getInt() <= static_cast<int>(kiosks.size()));
            }
        } else {
            // No other table has grown with use.
            CHECK(row_count < uses);
        }
    }

    for (const auto& line : station.log_lines()) {
        INFO(line);
        for (const auto& metric : metrics)
            CHECK(line.find(metric) == std::string::npos);
        for (const auto& id : batch_ids)
            CHECK(line.find(id) == std::string::npos);
        CHECK(line.find(week) == std::string::npos);
        CHECK(line.find("counts") == std::string::npos);
    }
}
