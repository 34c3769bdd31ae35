// Pieces of the station that need no server: password hashing, throttling, settings.

#include "config.hpp"
#include "connection_watch.hpp"
#include "deferred_answer.hpp"
#include "handlers/admin_limits_handler.hpp"
#include "kiosk_health.hpp"
#include "login_throttle.hpp"
#include "security.hpp"
#include "static_files.hpp"
#include "wellness/limits.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <vector>

using namespace wellness::station;

TEST_CASE("the default password hashing is PBKDF2 with at least 600000 iterations", "[station]") {
    StationConfig config;
    CHECK(config.pbkdf2_iterations >= 600000);
    CHECK(default_pbkdf2_iterations >= 600000);
    auto record = hash_password("a long enough password", 1000);
    CHECK(record.iterations == 1000);
    CHECK(record.hash_hex.size() == 64);
    CHECK(verify_password("a long enough password", record));
    CHECK_FALSE(verify_password("a long enough passworD", record));
    // Salted: the same password hashes differently each time.
    CHECK(hash_password("a long enough password", 1000).hash_hex != record.hash_hex);
}

TEST_CASE("passwords stored by an earlier station still verify: the hash is standard "
          "PBKDF2-HMAC-SHA256",
          "[station]") {
    // RFC 7914 section 11's PBKDF2-HMAC-SHA256 vectors (the first 32 bytes, all a record keeps).
    CHECK(verify_password(
        "passwd",
        {"73616c74", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc", 1}));
    CHECK(verify_password(
        "Password",
        {"4e61436c", "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56", 80000}));
    CHECK_FALSE(verify_password(
        "Password",
        {"4e61436c", "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56", 79999}));
    // A record a damaged database could hold is refused, not checked.
    CHECK_FALSE(verify_password("passwd", {"73616c74", "55ac", 0}));
    CHECK_FALSE(verify_password("passwd", {"not hex", "55ac", 1}));
}

TEST_CASE("random tokens are 256-bit base64url strings that do not repeat", "[station]") {
    auto a = random_secret();
    auto b = random_secret();
    CHECK(a.size() == 43);
    CHECK(a != b);
    CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(random_code(10).size() == 10);
}

TEST_CASE("the login throttle blocks an address after too many failures in the window",
          "[station]") {
    LoginThrottle throttle(3, std::chrono::seconds(60));
    std::time_t t = 1000;
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(throttle.begin_attempt("10.0.0.1", t + i)); // each one fails
    auto wait = throttle.begin_attempt("10.0.0.1", t + 10);
    REQUIRE(wait);
    CHECK(*wait == 50);
    CHECK_FALSE(throttle.begin_attempt("10.0.0.2", t + 10)); // other addresses are not affected
    CHECK_FALSE(throttle.begin_attempt("10.0.0.1", t + 60));
}

TEST_CASE("sign-in attempts count from their start, so attempts side by side cannot all pass",
          "[station]") {
    LoginThrottle throttle(3, std::chrono::seconds(60));
    std::time_t t = 1000;
    // Three attempts begun and none finished yet: a fourth is refused at once.
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(throttle.begin_attempt("10.0.0.1", t));
    auto wait = throttle.begin_attempt("10.0.0.1", t + 1);
    REQUIRE(wait);
    CHECK(*wait == 59);
    CHECK_FALSE(throttle.begin_attempt("10.0.0.2", t + 1)); // other addresses are not affected
    // A success wipes the address's record.
    throttle.record_success("10.0.0.1");
    CHECK_FALSE(throttle.begin_attempt("10.0.0.1", t + 2));
}

TEST_CASE("the configuration file sets limits and a k below 3 is refused", "[station]") {
    Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
    file->setString("station.port", "9090");
    file->setString("summary.k", "2");
    file->setString("clock.offset_seconds", "604800");
    StationConfig config;
    config.data_dir = "/tmp/x";
    apply_configuration(*file, config);
    CHECK(config.port == 9090);
    CHECK(config.clock_offset_seconds == 604800);
    CHECK_THROWS_WITH(validate_config(config), Catch::Contains("at least 3"));
    file->setString("station.port", "99999");
    CHECK_THROWS_AS(apply_configuration(*file, config), std::invalid_argument);
    file->setString("station.port", "eighty");
    CHECK_THROWS_AS(apply_configuration(*file, config), std::invalid_argument);
}

TEST_CASE("A station takes every setting its kiosks accept, up to the shared limits, and no more",
          "[station][limits]") {
    const auto checked = [](const std::string& key, long value) {
        Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
        file->setString(key, std::to_string(value));
        StationConfig config;
        config.data_dir = "/tmp/x";
        apply_configuration(*file, config);
        validate_config(config);
    };
    namespace shared = wellness::shared_limits;
    CHECK_NOTHROW(checked("limits.asset_bytes", shared::max_asset_bytes));
    CHECK_THROWS_WITH(checked("limits.asset_bytes", shared::max_asset_bytes + 1),
                      Catch::Contains("kiosks accept an asset of at most"));
    CHECK_NOTHROW(checked("summary.k", shared::max_k));
    CHECK_THROWS_WITH(checked("summary.k", shared::max_k + 1),
                      Catch::Contains("kiosks accept a k of at most"));
    CHECK_NOTHROW(checked("summary.k", wellness::minimum_k));
    CHECK_THROWS_WITH(checked("summary.k", wellness::minimum_k - 1), Catch::Contains("at least 3"));
    CHECK_NOTHROW(checked("limits.content_body_bytes", shared::max_content_document_bytes));
    CHECK_THROWS_WITH(checked("limits.content_body_bytes", shared::max_content_document_bytes + 1),
                      Catch::Contains("kiosks accept a content document of at most"));
    StationConfig config;
    config.data_dir = "/tmp/x";
    config.max_image_side = shared::max_image_side + 1;
    CHECK_THROWS_WITH(validate_config(config), Catch::Contains("more than kiosks show"));
}

TEST_CASE("The station serves its limits to the console as the shared ones, with its own "
          "stricter settings",
          "[station][limits]") {
    StationConfig config;
    config.max_asset_bytes = 100000;
    config.k = 7;
    const wellness::Json limits = wellness::station::limits_json(config);
    CHECK(limits.at("asset_bytes") == 100000);
    CHECK(limits.at("image_side") == wellness::shared_limits::max_image_side);
    CHECK(limits.at("total_asset_bytes") == wellness::shared_limits::max_total_asset_bytes);
    CHECK(limits.at("k") ==
          wellness::Json{{"min", 3}, {"max", wellness::shared_limits::max_k}, {"current", 7}});
    CHECK(limits.at("batch_entries") == wellness::max_batch_entries);
    CHECK(limits.at("id_chars") == wellness::shared_limits::max_id_chars);
    CHECK(limits.at("asset_name_chars") == wellness::shared_limits::max_asset_name_chars);
    CHECK(limits.at("batch_id_chars") == wellness::shared_limits::batch_id_chars);
    CHECK(limits.at("token_chars") == wellness::shared_limits::max_token_chars);
    CHECK(limits.at("enrollment_code_chars") == wellness::shared_limits::max_enrollment_code_chars);
    CHECK(limits.at("kiosk_name_chars") == wellness::shared_limits::max_kiosk_name_chars);
}

TEST_CASE("the configuration example in the station's README is a file the station accepts",
          "[station]") {
    std::ifstream readme(STATION_README);
    REQUIRE(readme);
    std::stringstream text;
    text << readme.rdbuf();
    const std::string all = text.str();
    const auto intro = all.find("Config file (`.properties`");
    REQUIRE(intro != std::string::npos);
    const auto start = all.find("```\n", intro) + 4;
    const auto end = all.find("```", start);
    REQUIRE(end != std::string::npos);
    std::istringstream example(all.substr(start, end - start));
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
        new Poco::Util::PropertyFileConfiguration(example));
    StationConfig config;
    REQUIRE_NOTHROW(apply_configuration(*file, config));
    CHECK(config.k == 5);
    CHECK(config.port == 8080);
    CHECK(config.bind_address == "0.0.0.0");
    CHECK(config.receive_timeout == std::chrono::seconds(10));
    CHECK(config.body_read_time == std::chrono::seconds(30));
    CHECK(config.head_read_time == std::chrono::seconds(20));
    CHECK(config.counts_commit_wait == std::chrono::milliseconds(10000));
    CHECK(config.kiosk_batches_per_hour == 60);
}

TEST_CASE("the configuration file sets the time a request head and body may take, within bounds",
          "[station]") {
    Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
    StationConfig config;
    CHECK(config.body_read_time == std::chrono::seconds(30));
    CHECK(config.head_read_time == std::chrono::seconds(20));
    file->setString("limits.body_read_seconds", "120");
    file->setString("limits.head_read_seconds", "45");
    apply_configuration(*file, config);
    CHECK(config.body_read_time == std::chrono::seconds(120));
    CHECK(config.head_read_time == std::chrono::seconds(45));
    for (const char* key : {"limits.body_read_seconds", "limits.head_read_seconds"}) {
        for (const char* bad : {"0", "3601", "soon"}) {
            INFO(key << " = " << bad);
            Poco::AutoPtr<Poco::Util::MapConfiguration> wrong(new Poco::Util::MapConfiguration);
            wrong->setString(key, bad);
            CHECK_THROWS_AS(apply_configuration(*wrong, config), std::invalid_argument);
        }
    }
}

TEST_CASE("the connection watch cuts a connection only after it waited too long for a request head",
          "[station]") {
    using namespace std::chrono_literals;
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto connect = [&] {
        Poco::Net::StreamSocket client(listener.address());
        client.setReceiveTimeout(Poco::Timespan(5, 0));
        return std::pair{client, listener.acceptConnection()};
    };
    // The peer of a cut connection reads the end of the stream.
    auto cut = [](Poco::Net::StreamSocket& client) {
        char byte = 0;
        return client.receiveBytes(&byte, 1) == 0;
    };
    ConnectionWatch watch(10s);
    const auto start = ConnectionWatch::Steady::time_point{} + 1h;
    auto [idle_client, idle] = connect();
    auto [busy_client, busy] = connect();
    watch.opened(idle, start);
    watch.opened(busy, start);
    watch.request_began(busy);

    CHECK(watch.cut_overdue(start + 10s) == 0);
    CHECK(watch.cut_overdue(start + 10s + 1ms) == 1);
    CHECK(cut(idle_client));
    watch.closed(idle);

    // A request in its handler is never cut; once answered, its connection waits afresh.
    CHECK(watch.cut_overdue(start + 1min) == 0);
    const auto answered = start + 2min;
    watch.request_ended(busy, answered);
    CHECK(watch.cut_overdue(answered + 10s) == 0);
    CHECK(watch.cut_overdue(answered + 11s) == 1);
    CHECK(cut(busy_client));
    watch.closed(busy);
    CHECK(watch.cut_overdue(answered + 1h) == 0);
}

TEST_CASE("a deferred answer never waits for a client that stopped reading; it ends that "
          "connection instead",
          "[station]") {
    using wellness::station::DeferredAnswer;
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::StreamSocket client(listener.address());
    Poco::Net::StreamSocket served = listener.acceptConnection();
    served.setSendBufferSize(4096);
    // The client reads nothing: fill what the kernel holds for it until a send would wait.
    const std::string filler(16384, 'x');
    std::size_t queued = 0;
    for (int sends = 0; sends < 100000; ++sends) {
        int sent = 0;
        try {
            sent = served.sendBytes(filler.data(), static_cast<int>(filler.size()),
                                    MSG_DONTWAIT | MSG_NOSIGNAL);
        } catch (const Poco::Exception&) { // Poco reports "would wait" as an I/O error
            break;
        }
        queued += static_cast<std::size_t>(sent);
        if (sent < static_cast<int>(filler.size()))
            break;
    }
    REQUIRE(queued > 0);

    DeferredAnswer answer(served, "HTTP/1.1", true, "station-server",
                          DeferredAnswer::Steady::now() + std::chrono::seconds(10), {});
    // Returns at once (a writer blocked here would hold up every kiosk's commit).
    CHECK(answer.answer({wellness::station::Status::HTTP_OK, R"({"status":"applied"})", {}}));
    CHECK(answer.written());

    // The client, reading at last, finds what was queued and then the end: no half answer
    // taken for a whole one.
    client.setReceiveTimeout(Poco::Timespan(3, 0));
    std::string received;
    bool closed = false;
    std::vector<char> buffer(65536);
    for (int reads = 0; reads < 100000 && !closed; ++reads) {
        int got = client.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
        if (got <= 0)
            closed = true;
        else
            received.append(buffer.data(), static_cast<std::size_t>(got));
    }
    CHECK(closed);
    CHECK(received.size() >= queued);
    CHECK(received.find(R"({"status":"applied"})") == std::string::npos);
}

TEST_CASE("A kiosk is ok until two contact intervals pass without a call, late until a day has "
          "passed, then silent; one that never called counts from its enrollment",
          "[station][kiosk-health]") {
    using wellness::station::kiosk_health;
    using wellness::station::KioskHealth;
    const std::chrono::seconds interval{3600};
    const std::time_t now = 1'800'000'000;
    wellness::station::KioskRecord kiosk;
    kiosk.enrolled = true;
    kiosk.created_at = now - 30 * 86400;
    kiosk.last_contact = now - 2 * 3600;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::ok);
    kiosk.last_contact = now - 2 * 3600 - 1;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::late);
    kiosk.last_contact = now - 86400;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::late);
    kiosk.last_contact = now - 86400 - 1;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::silent);
    CHECK(kiosk_health(kiosk, now, std::chrono::seconds(86400)) == KioskHealth::silent);
    // A contact "in the future" (the station's clock was set back) is not a fault.
    kiosk.last_contact = now + 600;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::ok);

    kiosk.last_contact.reset();
    kiosk.enrolled_at = now - 60;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::ok);
    kiosk.enrolled_at = now - 3 * 86400;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::silent);
    kiosk.enrolled = false;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::waiting_for_enrollment);
    kiosk.revoked = true;
    CHECK(kiosk_health(kiosk, now, interval) == KioskHealth::revoked);
    CHECK(wellness::station::to_string(KioskHealth::waiting_for_enrollment) ==
          "waiting_for_enrollment");
}
