// Privacy promise 6 as the admin meets it: publishing tells when a change to what decides
// counting reaches the kiosks (the start of the next ISO week), and that wording goes at once.

#include "station_fixture.hpp"
#include "wellness/iso_week.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace station_test;
using wellness::IsoWeek;

namespace {

std::string next_week(const TestStation& station) {
    return IsoWeek::from_local_time(station.now.load()).next().to_string();
}

} // namespace

TEST_CASE("publishing says when a counting change reaches the kiosks, and wording goes at once",
          "[station][privacy]") {
    TestStation station;
    const auto admin = station.admin_token();
    Json document = default_document();

    // Wording only: no counting change.
    document["checkin"]["question"]["en"] = "How are you doing today?";
    auto wording = station.publish_content(document, admin);
    REQUIRE(wording.status == 200);
    CHECK(wording.json()["counting_change"] == false);
    CHECK_FALSE(wording.json().contains("counting_applies_from"));

    // The attack of issue 11: the red level renamed mid-week to time-stamp its check-ins.
    Json renamed = document;
    auto& levels = renamed["checkin"]["levels"];
    const std::string old_id = levels[levels.size() - 1]["id"];
    levels[levels.size() - 1]["id"] = "ill-thu-10h15";
    auto steering = station.publish_content(renamed, admin);
    REQUIRE(steering.status == 200);
    CHECK(steering.json()["counting_change"] == true);
    CHECK(steering.json()["counting_applies_from"] == next_week(station));

    // A wording change on top of it, the same week, still waits with it: kiosks count by the
    // structure the week began with.
    renamed["checkin"]["question"]["en"] = "How are you, right now?";
    auto on_top = station.publish_content(renamed, admin);
    REQUIRE(on_top.status == 200);
    CHECK(on_top.json()["counting_change"] == true);

    // Back to the week's own structure: nothing waits.
    levels[levels.size() - 1]["id"] = old_id;
    auto restored = station.publish_content(renamed, admin);
    REQUIRE(restored.status == 200);
    CHECK(restored.json()["counting_change"] == false);

    // A rollback is a publish like any other.
    auto rolled = station.rollback_content({{"version", "3"}}, admin);
    REQUIRE(rolled.status == 200);
    CHECK(rolled.json()["counting_change"] == true);

    // The next week began with the renamed level in force: going on with it is no change.
    station.now = station.now.load() + 7 * 24 * 3600;
    renamed["checkin"]["levels"][levels.size() - 1]["id"] = "ill-thu-10h15";
    renamed["checkin"]["question"]["en"] = "How are you?";
    auto next = station.publish_content(renamed, station.admin_token());
    REQUIRE(next.status == 200);
    CHECK(next.json()["counting_change"] == false);
}
