// Admin accounts from the console, tried as a stolen session, a careless admin and another
// admin would: password change, adding and removing admins (never the last), signing out
// everywhere, and the first admin's password file.

#include "station_fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace station_test;

namespace {

Reply sign_in(const TestStation& station, const std::string& name, const std::string& password) {
    return station.post("/api/v1/admin/session", {{"username", name}, {"password", password}});
}

std::string token_of(const Reply& reply) {
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return reply.json()["token"].get<std::string>();
}

constexpr const char* new_password = "a brand new passphrase";

} // namespace

TEST_CASE("An admin changes their password with the current one and every other session ends",
          "[station][accounts]") {
    TestStation station;
    const std::string here = station.admin_token();
    const std::string elsewhere = station.admin_token();

    // A stolen session alone cannot set a password: the current one is asked for.
    Reply wrong = station.put(
        "/api/v1/admin/password",
        {{"current_password", "not the password"}, {"new_password", new_password}}, here);
    CHECK(wrong.status == 401);
    CHECK(wrong.error_code() == "invalid_credentials");
    CHECK(token_of(sign_in(station, "alice", TestStation::admin_password)).size() > 0);

    Reply weak = station.put(
        "/api/v1/admin/password",
        {{"current_password", TestStation::admin_password}, {"new_password", "short"}}, here);
    CHECK(weak.status == 422);
    CHECK(weak.error_code() == "weak_password");

    Reply changed = station.put(
        "/api/v1/admin/password",
        {{"current_password", TestStation::admin_password}, {"new_password", new_password}}, here);
    REQUIRE(changed.status == 204);
    CHECK(station.get("/api/v1/admin/kiosks", here).status == 200);      // this session goes on
    CHECK(station.get("/api/v1/admin/kiosks", elsewhere).status == 401); // every other ended
    CHECK(sign_in(station, "alice", TestStation::admin_password).status == 401);
    CHECK(sign_in(station, "alice", new_password).status == 200);
    const auto audit = station.get("/api/v1/admin/audit", here).body;
    CHECK(audit.find("admin.password") != std::string::npos);
    CHECK(audit.find(new_password) == std::string::npos);
}

TEST_CASE("Guessing the current password is throttled like a sign-in", "[station][accounts]") {
    TestStation station(
        [](wellness::station::StationConfig& config) { config.login_max_failures = 3; });
    const std::string admin = station.admin_token();
    int refused = 0;
    for (int i = 0; i < 6; ++i) {
        Reply guess = station.put(
            "/api/v1/admin/password",
            {{"current_password", "guess " + std::to_string(i)}, {"new_password", new_password}},
            admin);
        if (guess.status == 429) {
            ++refused;
            CHECK_FALSE(guess.header("Retry-After").empty());
        }
    }
    CHECK(refused >= 3);
}

TEST_CASE("Admins add and remove admins, never the last, and a removed admin is out at once",
          "[station][accounts]") {
    TestStation station;
    const std::string alice = station.admin_token();
    const std::string kiosk = station.kiosk_token();
    const std::string coordinator = station.coordinator_token();
    Reply added = station.post("/api/v1/admin/admins",
                               {{"username", "bob"}, {"password", "bob's long password"}}, alice);
    REQUIRE(added.status == 201);
    CHECK(station
              .post("/api/v1/admin/admins",
                    {{"username", "bob"}, {"password", "another long password"}}, alice)
              .status == 409);
    CHECK(station
              .post("/api/v1/admin/admins", {{"username", "bad name"}, {"password", new_password}},
                    alice)
              .status == 400);
    CHECK(
        station.post("/api/v1/admin/admins", {{"username", "carol"}, {"password", "short"}}, alice)
            .status == 422);
    const Json listed = station.get("/api/v1/admin/admins", alice).json();
    REQUIRE(listed["admins"].size() == 2);
    CHECK(listed.dump().find("password") == std::string::npos);

    const std::string bob = token_of(sign_in(station, "bob", "bob's long password"));
    REQUIRE(station.del("/api/v1/admin/admins/alice", bob).status == 204);
    CHECK(station.get("/api/v1/admin/kiosks", alice).status == 401);
    CHECK(sign_in(station, "alice", TestStation::admin_password).status == 401);

    Reply last = station.del("/api/v1/admin/admins/bob", bob);
    CHECK(last.status == 409);
    CHECK(last.error_code() == "last_admin");
    CHECK(station.get("/api/v1/admin/kiosks", bob).status == 200);
    CHECK(station.del("/api/v1/admin/admins/nobody", bob).status == 404);

    // Nobody else may touch accounts.
    for (const std::string& token : {kiosk, coordinator}) {
        CHECK(station.get("/api/v1/admin/admins", token).status == 403);
        CHECK(station.del("/api/v1/admin/admins/bob", token).status == 403);
        CHECK(station.del("/api/v1/admin/sessions", token).status == 403);
    }
    CHECK(station.get("/api/v1/admin/admins").status == 401);
}

TEST_CASE("Signing out everywhere ends every session of that admin and nobody else's",
          "[station][accounts]") {
    TestStation station;
    const std::string first = station.admin_token();
    const std::string second = station.admin_token();
    REQUIRE(station
                .post("/api/v1/admin/admins",
                      {{"username", "bob"}, {"password", "bob's long password"}}, first)
                .status == 201);
    const std::string bob = token_of(sign_in(station, "bob", "bob's long password"));
    REQUIRE(station.del("/api/v1/admin/sessions", second).status == 204);
    CHECK(station.get("/api/v1/admin/kiosks", first).status == 401);
    CHECK(station.get("/api/v1/admin/kiosks", second).status == 401);
    CHECK(station.get("/api/v1/admin/kiosks", bob).status == 200);
}

TEST_CASE("The first admin's password file lasts only until that password is changed",
          "[station][accounts]") {
    TestStation station;
    auto password = station.station().create_first_admin();
    REQUIRE(password);
    const auto file = station.data_dir() / wellness::station::first_admin_password_file;
    std::string stored;
    std::getline(std::ifstream(file), stored);
    CHECK(stored == *password);
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK_FALSE(station.station().create_first_admin()); // once only

    const std::string admin = token_of(sign_in(station, "admin", *password));
    REQUIRE(station
                .put("/api/v1/admin/password",
                     {{"current_password", *password}, {"new_password", new_password}}, admin)
                .status == 204);
    CHECK_FALSE(std::filesystem::exists(file));
    for (const auto& line : station.log_lines())
        CHECK(line.find(*password) == std::string::npos);
}

TEST_CASE("Coordinator tokens expire, 180 days by default or as the admin picks, with the date "
          "shown",
          "[station][accounts]") {
    TestStation station;
    const std::string admin = station.admin_token();
    Reply made = station.post("/api/v1/admin/coordinator-tokens", {{"label", "region"}}, admin);
    REQUIRE(made.status == 201);
    const std::string token = made.json()["token"].get<std::string>();
    CHECK(made.json()["expires_at"].is_string());
    Reply short_lived = station.post("/api/v1/admin/coordinator-tokens",
                                     {{"label", "audit week"}, {"days", 7}}, admin);
    REQUIRE(short_lived.status == 201);
    const std::string week_token = short_lived.json()["token"].get<std::string>();
    for (const Json& days : {Json(0), Json(731), Json("7"), Json(1.5)})
        CHECK(station
                  .post("/api/v1/admin/coordinator-tokens", {{"label", "x"}, {"days", days}}, admin)
                  .status == 422);
    const std::string summary = "/api/v1/summary?from=2026-W40&to=2026-W46&period=week";
    CHECK(station.get(summary, token).status == 200);
    CHECK(station.get(summary, week_token).status == 200);

    station.now = station.now + 8 * 24 * 3600;
    Reply expired = station.get(summary, week_token);
    CHECK(expired.status == 401);
    CHECK(expired.error_code() == "token_expired");
    CHECK(station.get(summary, token).status == 200);

    station.now = station.now + 173 * 24 * 3600; // 181 days after it was made
    CHECK(station.get(summary, token).error_code() == "token_expired");
    const Json listed =
        station.get("/api/v1/admin/coordinator-tokens", station.admin_token()).json();
    REQUIRE(listed["tokens"].size() == 2);
    CHECK(listed["tokens"][0]["expires_at"].is_string());
}
