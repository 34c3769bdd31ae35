// The kiosk against a fake station that records what reaches it: enrollment, content updates,
// the outbox under failures, and the shape of the traffic.

#include "durable_file.hpp"
#include "local_store.hpp"
#include "sync_engine.hpp"
#include "sync_schedule.hpp"
#include "sync_test_support.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

TEST_CASE("The enrollment code is exchanged once for a token only the owner can read",
          "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    sync.initial_content();
    sync.contact_once();

    const auto token_file = dir.path() / "token";
    REQUIRE(std::filesystem::exists(token_file));
    struct stat info {};
    REQUIRE(::stat(token_file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(read_text(token_file) == "tok-abc\n");
    CHECK(sync.status().enrolled);
    CHECK(sync.status().last_error.empty());

    sync.contact_once();
    int enrollments = 0;
    for (const auto& request : station.requests())
        enrollments += request.path == "/api/v1/kiosk/enroll";
    CHECK(enrollments == 1);
}

TEST_CASE("A wrong enrollment code or a revoked token shows as not enrolled", "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    SECTION("wrong code") {
        auto settings = settings_for(dir.path(), station.url(), &now);
        settings.enrollment_code = "wrong";
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        CHECK_FALSE(sync.status().enrolled);
        CHECK_FALSE(std::filesystem::exists(dir.path() / "token"));
        CHECK_THAT(sync.status().last_error, Catch::Contains("enrollment refused"));
    }
    SECTION("revoked") {
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        station.revoke_tokens();
        sync.contact_once();
        CHECK_FALSE(sync.status().enrolled);
        CHECK(sync.status().station_reachable);
        CHECK(sync.status().last_error == "not enrolled / revoked");
    }
}

TEST_CASE("New content arrives once, and an unchanged version is not downloaded again",
          "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    const std::string logo = make_png();
    station.set_content("v7", content_with_assets({"logo.png"}),
                        {{"logo.png", ServedAsset{logo, "", 0}}});
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    CHECK(sync.initial_content().version == "default");
    sync.contact_once();
    const auto update = sync.take_content_update();
    REQUIRE(update);
    CHECK(update->version == "v7");
    CHECK(read_text(update->assets_dir / "logo.png") == logo);
    CHECK_FALSE(sync.take_content_update());
    CHECK(sync.status().content_version == "v7");

    station.clear_requests();
    sync.contact_once();
    CHECK_FALSE(sync.take_content_update());
    for (const auto& request : station.requests())
        CHECK(request.path.find("/assets/") == std::string::npos);

    // A restart starts from the cached content.
    KioskSync restarted(settings_for(dir.path(), station.url(), &now));
    CHECK(restarted.initial_content().version == "v7");
}

TEST_CASE("Content with a bad asset from the station keeps the kiosk on its last good content",
          "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    station.set_content("v1", default_content_json(), {});
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    sync.initial_content();
    sync.contact_once();
    REQUIRE(sync.take_content_update());

    const std::string logo = make_png();
    SECTION("sha256 mismatch") {
        station.set_content("v2", content_with_assets({"logo.png"}),
                            {{"logo.png", ServedAsset{logo, sha256_hex("x"), 0}}});
    }
    SECTION("invalid document") {
        Json document = default_content_json();
        document["exercises"] = Json::array();
        station.set_content("v2", document, {});
    }
    SECTION("asset is not an image") {
        station.set_content("v2", content_with_assets({"logo.png"}),
                            {{"logo.png", ServedAsset{"<html>", "", 0}}});
    }
    bool oversized = false;
    SECTION("manifest larger than the kiosk accepts") {
        Json document = default_content_json();
        document["padding"] = std::string(3 * 1024 * 1024, 'x');
        station.set_content("v2", document, {});
        oversized = true;
    }
    sync.contact_once();
    CHECK_FALSE(sync.take_content_update());
    CHECK(sync.status().content_version == "v1");
    CHECK_THAT(sync.status().last_error,
               Catch::Contains(oversized ? "too large" : "content rejected"));
    KioskSync restarted(settings_for(dir.path(), station.url(), &now));
    CHECK(restarted.initial_content().version == "v1");
}

TEST_CASE("A batch leaves the outbox only when the station acknowledges it", "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    {
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        for (int i = 0; i < 6; ++i)
            sync.record(visit());
        sync.persist_pending();
    }
    now = local_instant(2026, 11, 26); // past 2026-W47's end and its spread

    SECTION("server error, then applied") {
        station.set_counts_answer(CountsAnswer::server_error);
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 1);
        CHECK(station.batches_applied() == 0);
        station.set_counts_answer(CountsAnswer::applied);
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
    }
    SECTION("cable cut after the station applied it: the retry is a duplicate") {
        station.set_counts_answer(CountsAnswer::drop_connection);
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 1);
        CHECK_FALSE(sync.status().last_error.empty());
        station.set_counts_answer(CountsAnswer::applied);
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
        CHECK(station.duplicates() == 1);
    }
    SECTION("an answer that is not applied or duplicate") {
        station.set_counts_answer(CountsAnswer::nonsense);
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 1);
        CHECK_THAT(sync.status().last_error, Catch::Contains("unexpected answer"));
        return;
    }
    SECTION("station gone") {
        auto settings = settings_for(dir.path(), "http://127.0.0.1:1", &now);
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        CHECK_FALSE(sync.status().station_reachable);
        CHECK(sync.status().weeks_waiting == 1);
        return;
    }
    CHECK(station.batches_applied() == 1);
    CHECK(station.totals()[{"2026-W47", "visit", "start"}] == 6);
}

TEST_CASE("A week of no use and a week of heavy use look the same on the wire", "[kiosk-sync]") {
    // What an observer of the station (or the LAN) sees per contact: the method, path and body
    // size of each request, and which (week, metric, key) cells a batch lists. Two kiosks with
    // the same content and the same contact times, one unused and one used heavily, must
    // produce identical sequences. Body sizes are compared exactly: releases are padded to the
    // size they would have with every n at its maximum.
    FakeStation quiet_station, busy_station;
    TempDir quiet_dir, busy_dir;
    std::time_t now = local_instant(2026, 11, 16, 9); // Monday of 2026-W47
    // Release moments are random per kiosk (never per use): give both the same secret so their
    // timing can be compared request by request.
    {
        const std::string secret = make_kiosk_secret();
        LocalStore(quiet_dir.path() / "kiosk.sqlite3", {}).set_kiosk_secret(secret);
        LocalStore(busy_dir.path() / "kiosk.sqlite3", {}).set_kiosk_secret(secret);
    }
    KioskSync quiet(settings_for(quiet_dir.path(), quiet_station.url(), &now));
    KioskSync busy(settings_for(busy_dir.path(), busy_station.url(), &now));
    const ActiveContent content = quiet.initial_content();
    busy.initial_content();

    for (int day = 0; day < 10; ++day) {
        for (int use = 0; use < 50; ++use) {
            busy.record(visit());
            busy.record({"breathing.started", content.document.exercises.front().id});
            busy.record({"checkin.level", content.document.checkin.levels.back().id});
            busy.record({"crisis.viewed", "list"});
        }
        quiet.contact_once();
        busy.contact_once();
        now += 24 * 3600;
    }
    const auto quiet_requests = quiet_station.requests();
    const auto busy_requests = busy_station.requests();
    REQUIRE(quiet_requests.size() == busy_requests.size());
    int posts = 0;
    for (std::size_t i = 0; i < quiet_requests.size(); ++i) {
        INFO("request " << i << " " << quiet_requests[i].path);
        CHECK(quiet_requests[i].method == busy_requests[i].method);
        CHECK(quiet_requests[i].path == busy_requests[i].path);
        CHECK(quiet_requests[i].body_size == busy_requests[i].body_size);
        CHECK(quiet_requests[i].count_cells == busy_requests[i].count_cells);
        posts += quiet_requests[i].path == "/api/v1/kiosk/counts";
    }
    CHECK(posts == 1); // 2026-W47 closed and released within the ten days
    CHECK(busy_station.totals()[{"2026-W47", "visit", "start"}] > 0);
    CHECK(quiet_station.totals()[{"2026-W47", "visit", "start"}] == 0);
}
