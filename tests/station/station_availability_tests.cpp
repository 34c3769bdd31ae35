// Taking the station down without credentials, as anyone on the LAN could try: slowloris heads
// and slow bodies from one address must leave everyone else served. The attackers use
// 127.0.0.1 and the honest clients 127.0.0.2 (all of 127/8 is loopback on Linux).

#include "loopback_client.hpp"
#include "station_fixture.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace station_test;

namespace {

using RawClient = wellness::station::LoopbackClient;

std::string request(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token = "") {
    return RawClient::request(method, path, body, token);
}

int status_of(const std::string& answer) {
    return RawClient::status_of(answer);
}

} // namespace

TEST_CASE("Slowloris heads and slow bodies from one address leave the station serving everyone "
          "else",
          "[station][availability]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.connections_per_address = 16;
        config.max_threads = 32;
        // Long enough that a held thread stays held for the whole test: only the per-address
        // limit can keep threads free.
        config.head_read_time = std::chrono::minutes(10);
        config.body_read_time = std::chrono::minutes(10);
        config.receive_timeout = std::chrono::seconds(600);
    });
    const std::string kiosk = station.kiosk_token();
    std::vector<std::unique_ptr<RawClient>> attackers;
    for (int i = 0; i < 200; ++i) {
        attackers.push_back(std::make_unique<RawClient>("127.0.0.1", station.port()));
        attackers.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "); // never ends
    }
    for (int i = 0; i < 64; ++i) {
        attackers.push_back(std::make_unique<RawClient>("127.0.0.1", station.port()));
        attackers.back()->send("POST /api/v1/admin/session HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    }

    // An honest client from another address is answered: health, a kiosk's sync, a sign-in.
    {
        RawClient probe("127.0.0.2", station.port());
        REQUIRE(probe.connected());
        probe.send(request("GET", "/healthz", ""));
        CHECK(status_of(probe.read_all(20)) == 200);
    }
    {
        RawClient probe("127.0.0.2", station.port());
        probe.send(request("GET", "/api/v1/kiosk/content", "", kiosk));
        CHECK(status_of(probe.read_all(20)) == 200);
    }
    {
        RawClient probe("127.0.0.2", station.port());
        probe.send(
            request("POST", "/api/v1/admin/session",
                    Json{{"username", "alice"}, {"password", TestStation::admin_password}}.dump()));
        CHECK(status_of(probe.read_all(20)) == 200);
    }

    // The attacking address holds at most its 16 connections; the others were closed on it.
    int closed = 0;
    for (auto& attacker : attackers) {
        attacker->read_all(0);
        if (!attacker->closed_by_server())
            attacker->read_all(2);
        closed += attacker->closed_by_server() ? 1 : 0;
    }
    CHECK(closed >= 264 - 16);
    CHECK(closed < 264); // the 16 admitted are still held: the limit, not a crash, did this
}

TEST_CASE("A refused request's unfinished body holds no thread: its client has the answer at "
          "once and everyone else is served",
          "[station][availability]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.max_threads = 2;
        // A refused body read to its deadline would hold a thread past this whole test.
        config.body_read_time = std::chrono::minutes(10);
        config.receive_timeout = std::chrono::seconds(600);
    });
    std::vector<std::unique_ptr<RawClient>> refused;
    for (int i = 0; i < 8; ++i) {
        refused.push_back(std::make_unique<RawClient>("127.0.0.1", station.port()));
        refused.back()->send("POST /api/v1/admin/kiosks HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
                             "{\"name\":");
        // Refused (no token) before its body is read: the answer comes without the rest.
        const std::string answer = refused.back()->read_some(20);
        INFO("client " << i << ": " << answer);
        REQUIRE(status_of(answer) == 401);
    }
    // Eight of them still open, two threads: both are free.
    RawClient probe("127.0.0.1", station.port());
    probe.send(request("GET", "/healthz", ""));
    CHECK(status_of(probe.read_all(20)) == 200);
    // What they might still send is read for a bounded time, then they are closed.
    for (auto& client : refused) {
        client->read_all(20);
        CHECK(client->closed_by_server());
    }
}

TEST_CASE("The per-address limit is a setting, and 0 turns it off", "[station][availability]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.connections_per_address = 2;
        config.head_read_time = std::chrono::minutes(10);
        config.keep_alive_timeout = std::chrono::seconds(600);
    });
    // Two connections of one address, each answered once (so each holds its place) and kept.
    const std::string keep_alive = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    RawClient first("127.0.0.1", station.port());
    first.send(keep_alive);
    REQUIRE(status_of(first.read_some(20)) == 200);
    RawClient second("127.0.0.1", station.port());
    second.send(keep_alive);
    REQUIRE(status_of(second.read_some(20)) == 200);
    // A third from that address is closed unanswered; another address is served.
    RawClient third("127.0.0.1", station.port());
    third.send(request("GET", "/healthz", ""));
    const std::string refused = third.read_all(20);
    RawClient other("127.0.0.3", station.port());
    other.send(request("GET", "/healthz", ""));
    CHECK(status_of(other.read_all(20)) == 200);
    CHECK(third.closed_by_server());
    CHECK(refused.empty());
}

TEST_CASE("Without a per-address limit one address may hold as many connections as it likes",
          "[station][availability]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.connections_per_address = 0;
        config.keep_alive_timeout = std::chrono::seconds(600);
    });
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<RawClient>("127.0.0.1", station.port()));
        clients.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(status_of(clients.back()->read_some(20)) == 200);
    }
}

TEST_CASE("Guesses on an account from a fresh address each wait twice as long each time; its own "
          "address does not wait",
          "[station][availability][accounts]") {
    wellness::station::AccountThrottle throttle(3, 900);
    const std::time_t t = 1'800'000'000;
    bool gated = false;
    auto attempt = [&](const std::string& address, std::time_t at) {
        auto wait = throttle.begin_attempt("alice", address, at, gated);
        throttle.finish_attempt(gated);
        return wait;
    };
    // The real admin signs in once from their desk.
    REQUIRE_FALSE(throttle.begin_attempt("alice", "10.0.0.7", t, gated));
    throttle.record_success("alice", "10.0.0.7", t);
    throttle.finish_attempt(gated);
    // A guesser with a new address per guess: three free, then 1 s, 2 s, 4 s ... between tries.
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(attempt("192.0.2." + std::to_string(i), t + 1));
    CHECK(attempt("192.0.2.10", t + 1) == 1);
    CHECK_FALSE(attempt("192.0.2.11", t + 2));
    CHECK(attempt("192.0.2.12", t + 3) == 1);
    CHECK_FALSE(attempt("192.0.2.13", t + 4));
    CHECK(attempt("192.0.2.14", t + 5) == 3);
    CHECK_FALSE(attempt("192.0.2.15", t + 8));
    // Meanwhile the real admin is never made to wait from their own address.
    CHECK_FALSE(attempt("10.0.0.7", t + 8));
    // The wait is capped.
    for (int i = 0; i < 40; ++i)
        attempt("198.51.100.1", t + 100000 + i * 1000);
    auto capped = attempt("198.51.100.2", t + 100000 + 39 * 1000 + 1);
    REQUIRE(capped);
    CHECK(*capped == 899); // 900 s after the last failure, never 2^40
}

TEST_CASE("The real admin signing in from their own address gives a guesser no fresh free tries",
          "[station][availability][accounts]") {
    wellness::station::AccountThrottle throttle(3, 900);
    const std::time_t t = 1'800'000'000;
    bool gated = false;
    auto attempt = [&](const std::string& address, std::time_t at) {
        auto wait = throttle.begin_attempt("alice", address, at, gated);
        throttle.finish_attempt(gated);
        return wait;
    };
    auto sign_in_at_desk = [&](std::time_t at) {
        REQUIRE_FALSE(throttle.begin_attempt("alice", "10.0.0.7", at, gated));
        throttle.record_success("alice", "10.0.0.7", at);
        throttle.finish_attempt(gated);
    };
    sign_in_at_desk(t);
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(attempt("192.0.2." + std::to_string(i), t + 1));
    CHECK(attempt("192.0.2.10", t + 1) == 1);
    // The admin signs in (and mistypes once) at the desk while the flood goes on.
    CHECK_FALSE(throttle.begin_attempt("alice", "10.0.0.7", t + 1, gated));
    CHECK_FALSE(gated); // the desk's attempt is no check for an unknown address
    throttle.finish_attempt(gated);
    sign_in_at_desk(t + 1);
    // The guesser still waits: its three free tries are spent, the admin's typo counted nothing.
    CHECK(attempt("192.0.2.11", t + 1) == 1);
    CHECK_FALSE(attempt("192.0.2.12", t + 2));
    CHECK(attempt("192.0.2.13", t + 3) == 1);
    // A success from a new address (one that got past the wait) does forgive the failures.
    REQUIRE_FALSE(throttle.begin_attempt("alice", "10.0.0.99", t + 4, gated));
    throttle.record_success("alice", "10.0.0.99", t + 4);
    throttle.finish_attempt(gated);
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(attempt("198.51.100." + std::to_string(i), t + 5));
    CHECK(attempt("198.51.100.9", t + 5) == 1);
}

TEST_CASE("At most one password check at a time is spent on addresses an account has not signed "
          "in from",
          "[station][availability][accounts]") {
    wellness::station::AccountThrottle throttle;
    const std::time_t t = 1'800'000'000;
    bool first = false, second = false, known = false;
    REQUIRE_FALSE(throttle.begin_attempt("made-up-1", "192.0.2.1", t, first));
    CHECK(first);
    CHECK(throttle.begin_attempt("made-up-2", "192.0.2.2", t, second) == 1); // waits its turn
    throttle.record_success("bob", "10.0.0.8", t);
    CHECK_FALSE(throttle.begin_attempt("bob", "10.0.0.8", t, known)); // its own address: no wait
    CHECK_FALSE(known);
    throttle.finish_attempt(known);
    throttle.finish_attempt(first);
    CHECK_FALSE(throttle.begin_attempt("made-up-2", "192.0.2.2", t, second));
    throttle.finish_attempt(second);
}

TEST_CASE("A fresh source address per guess gets nowhere, and the real admin still signs in",
          "[station][availability][accounts]") {
    TestStation station;
    station.admin_token(); // alice has signed in from 127.0.0.1
    auto sign_in_from = [&](const std::string& source, const std::string& password) {
        RawClient client(source.c_str(), station.port());
        client.send(request("POST", "/api/v1/admin/session",
                            Json{{"username", "alice"}, {"password", password}}.dump()));
        return status_of(client.read_all(20));
    };
    int refused_before_checking = 0, wrong = 0;
    for (int i = 0; i < 20; ++i) {
        const int status =
            sign_in_from("127.0.1." + std::to_string(i + 1), "guess " + std::to_string(i));
        refused_before_checking += status == 429 ? 1 : 0;
        wrong += status == 401 ? 1 : 0;
    }
    // The station's clock stands still here: after the free three, every guess waits.
    CHECK(wrong == 3);
    CHECK(refused_before_checking == 17);
    CHECK(sign_in_from("127.0.0.1", TestStation::admin_password) == 200);
}
