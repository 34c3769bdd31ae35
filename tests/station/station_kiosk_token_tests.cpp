// Kiosk tokens that cannot be used for ever, tried as someone who copied a kiosk's token off
// its disk would: every token has an end, the kiosk swaps it on the station's schedule, and the
// old one stops working at the fresh one's first use.

#include "config.hpp"
#include "station_fixture.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

using namespace station_test;

namespace {


// 90-day tokens, swapped from 14 days on: the shipped defaults, set here so the fixture's
// longer test-only life does not apply.
TestStation::Tweak shipped_token_rules() {
    return [](wellness::station::StationConfig& config) {
        config.kiosk_token_days = 90;
        config.kiosk_token_rotate_days = 14;
    };
}

bool content_works(const TestStation& station, const std::string& token) {
    return station.get("/api/v1/kiosk/content", token).status == 200;
}

std::string fresh_token(const TestStation& station, const std::string& token) {
    Reply swapped = station.post("/api/v1/kiosk/token", Json::object(), token);
    INFO(swapped.body);
    REQUIRE(swapped.status == 200);
    return swapped.json()["token"].get<std::string>();
}

} // namespace

TEST_CASE("A kiosk's token ends after its life and the answer says to enroll the kiosk again",
          "[station][kiosk-token]") {
    TestStation station(shipped_token_rules());
    const std::string kiosk = station.kiosk_token("room 1", 0);
    station.now += 90 * day - 1;
    CHECK(content_works(station, kiosk));
    station.now += 1;
    Reply ended = station.get("/api/v1/kiosk/content", kiosk);
    CHECK(ended.status == 401);
    CHECK(ended.error_code() == "token_expired");
    CHECK(ended.json()["error"]["message"].get<std::string>().find("enroll it again") !=
          std::string::npos);
    // An ended token cannot be swapped either: a copy kept past its end is worth nothing.
    CHECK(station.post("/api/v1/kiosk/token", Json::object(), kiosk).status == 401);
    CHECK(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W50", 5), kiosk)
              .status == 401);
    // The console shows when it ends.
    Reply kiosks = station.get("/api/v1/admin/kiosks", station.admin_token());
    CHECK(kiosks.json()["kiosks"][0]["token_expires_at"].is_string());
}

TEST_CASE("A kiosk is told to swap its token once it is 14 days old, and cannot before",
          "[station][kiosk-token]") {
    TestStation station(shipped_token_rules());
    const std::string kiosk = station.kiosk_token("room 1", 0);
    CHECK(station.get("/api/v1/kiosk/content", kiosk).header("X-Kiosk-Token-Rotate").empty());
    Reply early = station.post("/api/v1/kiosk/token", Json::object(), kiosk);
    CHECK(early.status == 409);
    CHECK(early.error_code() == "rotation_not_due");

    station.now += 14 * day;
    Reply manifest = station.get("/api/v1/kiosk/content", kiosk);
    CHECK(manifest.header("X-Kiosk-Token-Rotate") == "due");
    // Also on a 304, which is what a kiosk with current content mostly gets.
    Request unchanged{"GET", "/api/v1/kiosk/content", "", "application/json", kiosk, {}, false};
    unchanged.headers["If-None-Match"] = manifest.header("ETag");
    Reply not_modified = station.call(unchanged);
    CHECK(not_modified.status == 304);
    CHECK(not_modified.header("X-Kiosk-Token-Rotate") == "due");

    const std::string fresh = fresh_token(station, kiosk);
    CHECK(fresh != kiosk);
    CHECK(fresh.substr(0, fresh.find('.')) == kiosk.substr(0, kiosk.find('.')));
    // Admins and coordinators cannot swap for a kiosk.
    CHECK(station.post("/api/v1/kiosk/token", Json::object(), station.admin_token()).status == 403);
    CHECK(station.post("/api/v1/kiosk/token", Json::object(), station.coordinator_token()).status ==
          403);
    CHECK(station.post("/api/v1/kiosk/token", Json::object()).status == 401);
}

TEST_CASE("The old token works until the fresh one's first use and never after",
          "[station][kiosk-token]") {
    TestStation station(shipped_token_rules());
    const std::string copied = station.kiosk_token("room 1", 0); // also what a thief copied
    station.now += 20 * day;
    const std::string lost = fresh_token(station, copied);
    // The kiosk never got that answer: its token still works, and it asks again.
    CHECK(content_works(station, copied));
    const std::string kept = fresh_token(station, copied);
    CHECK(kept != lost);
    CHECK_FALSE(content_works(station, lost)); // only the last one handed out counts

    Reply first_use = station.get("/api/v1/kiosk/content", kept);
    CHECK(first_use.status == 200);
    CHECK(first_use.header("X-Kiosk-Token-Rotate").empty());
    Reply old = station.get("/api/v1/kiosk/content", copied);
    CHECK(old.status == 401);
    CHECK(old.error_code() == "invalid_token");
    CHECK(station.post("/api/v1/kiosk/token", Json::object(), copied).status == 401);

    // The fresh token has a whole life of its own from the swap, and the kiosk's counts go on.
    CHECK(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W49", 5), kept)
              .json()["status"] == "applied");
    station.now += 90 * day - 1;
    CHECK(content_works(station, kept));
    station.now += 1;
    CHECK_FALSE(content_works(station, kept));
}

TEST_CASE("A swap survives a restart and a revoked kiosk's fresh token is refused too",
          "[station][kiosk-token]") {
    TestStation station(shipped_token_rules());
    const std::string kiosk = station.kiosk_token("room 1", 0);
    station.now += 15 * day;
    const std::string fresh = fresh_token(station, kiosk);
    station.restart();
    CHECK(content_works(station, kiosk));
    CHECK(content_works(station, fresh));
    CHECK_FALSE(content_works(station, kiosk));

    station.now += 15 * day;
    const std::string next = fresh_token(station, fresh);
    const std::string admin = station.admin_token();
    const auto kiosk_id =
        station.get("/api/v1/admin/kiosks", admin).json()["kiosks"][0]["kiosk_id"];
    REQUIRE(station.del("/api/v1/admin/kiosks/" + kiosk_id.get<std::string>(), admin).status ==
            200);
    CHECK(station.get("/api/v1/kiosk/content", fresh).error_code() == "token_revoked");
    CHECK(station.get("/api/v1/kiosk/content", next).error_code() == "token_revoked");
}

TEST_CASE("The token rules are refused at start-up when a kiosk could not swap before the end",
          "[station][kiosk-token]") {
    wellness::station::StationConfig config;
    config.data_dir = "/tmp/unused";
    config.kiosk_token_days = 20;
    config.kiosk_token_rotate_days = 11;
    CHECK_THROWS_WITH(wellness::station::validate_config(config),
                      Catch::Contains("kiosk_token_rotate_days"));
    config.kiosk_token_rotate_days = 10;
    CHECK_NOTHROW(wellness::station::validate_config(config));
    for (const auto& [key, bad] : std::vector<std::pair<std::string, std::string>>{
             {"security.kiosk_token_days", "1"},
             {"security.kiosk_token_days", "731"},
             {"security.kiosk_token_days", "ninety"},
             {"security.kiosk_token_rotate_days", "0"},
             {"security.kiosk_token_rotate_days", "-3"}}) {
        INFO(key << " = " << bad);
        Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
        file->setString(key, bad);
        CHECK_THROWS_AS(wellness::station::apply_configuration(*file, config),
                        std::invalid_argument);
    }
}

TEST_CASE("Kiosks enrolled before token ends existed get a whole life from the upgrade",
          "[station][kiosk-token]") {
    TestStation station(shipped_token_rules());
    const std::string kiosk = station.kiosk_token("room 1", 0);
    station.stop();
    {
        // As schema 5 left a kiosk: no end, no swap.
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READWRITE);
        db.exec("ALTER TABLE kiosks DROP COLUMN token_issued_at;"
                "ALTER TABLE kiosks DROP COLUMN token_expires_at;"
                "ALTER TABLE kiosks DROP COLUMN next_token_hash;"
                "ALTER TABLE kiosks DROP COLUMN next_token_expires_at;"
                "ALTER TABLE content_versions DROP COLUMN note;"
                "ALTER TABLE audit_log DROP COLUMN details; DROP TABLE content_drafts;"
                "DROP TABLE week_reporting;"
                "ALTER TABLE coordinator_tokens DROP COLUMN last_used_day;"
                "PRAGMA user_version=5");
    }
    station.restart();
    CHECK(content_works(station, kiosk));
    SQLite::Database db((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READONLY);
    const auto left = db.execAndGet("SELECT token_expires_at - CAST(strftime('%s', 'now') AS "
                                    "INTEGER) FROM kiosks")
                          .getInt64();
    CHECK(left > 89 * day);
    CHECK(left <= 90 * day);
}
