// The station's HTTP contract, route by route, against the real server on a loopback port.

#include "http_support.hpp"
#include "station_fixture.hpp"
#include "test_images.hpp"
#include "wellness/iso_week.hpp"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

using namespace station_test;
using wellness::IsoWeek;

namespace {

// Moves the station's clock past the seal of every week before `now`'s (14 days by default),
// so the summaries publish them.
void seal_past_weeks(TestStation& station) {
    station.now += 15 * 24 * 3600;
}

std::string nested(int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

TEST_CASE("healthz answers ok with the published content version", "[station]") {
    TestStation station;
    auto reply = station.get("/healthz");
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["status"] == "ok");
    CHECK(reply.json()["content_version"] == "1");
    CHECK(reply.header("X-Content-Type-Options") == "nosniff");
    CHECK(reply.header("Referrer-Policy") == "no-referrer");
    // Data may load and run nothing, should a browser ever be pointed at it.
    CHECK(reply.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
}

TEST_CASE("an admin signs in with the right password and gets an expiring token", "[station]") {
    TestStation station;
    auto token = station.admin_token();
    auto content = station.get("/api/v1/admin/content", token);
    CHECK(content.status == 200);
    CHECK(content.json()["version"] == "1");

    auto wrong = station.post("/api/v1/admin/session",
                              {{"username", "alice"}, {"password", "nope-nope-nope"}});
    CHECK(wrong.status == 401);
    CHECK(wrong.error_code() == "invalid_credentials");
    auto unknown = station.post("/api/v1/admin/session",
                                {{"username", "mallory"}, {"password", "whatever-whatever"}});
    CHECK(unknown.status == 401);

    station.now += 8 * 3600 + 1;
    auto expired = station.get("/api/v1/admin/content", token);
    CHECK(expired.status == 401);
    CHECK(expired.error_code() == "session_expired");
}

TEST_CASE("guessed enrollment codes are throttled per address, side by side guesses too",
          "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto created = station.post("/api/v1/admin/kiosks", {{"name", "hall"}}, admin);
    REQUIRE(created.status == 201);
    std::string code = created.json()["enrollment_code"];
    Json wrong = {{"enrollment_code", "WRONG-GUESS"}};
    for (int attempt = 0; attempt < 4; ++attempt)
        REQUIRE(station.post("/api/v1/kiosk/enroll", wrong).status == 401);
    // An attempt counts from its start, whatever ends it: a body that is not even JSON too.
    REQUIRE(station.call({"POST", "/api/v1/kiosk/enroll", "{", "application/json", "", {}, false})
                .status == 400);
    auto throttled = station.post("/api/v1/kiosk/enroll", {{"enrollment_code", code}});
    REQUIRE(throttled.status == 429);
    CHECK(throttled.error_code() == "too_many_attempts");
    long retry_after = std::stol(throttled.header("Retry-After"));
    CHECK(retry_after > 0);

    // Once the window has passed: twelve guesses at once get at most five tries.
    station.now += retry_after;
    std::vector<int> statuses(12);
    std::vector<std::thread> guessers;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        guessers.emplace_back(
            [&, i] { statuses[i] = station.post("/api/v1/kiosk/enroll", wrong).status; });
    for (auto& guesser : guessers)
        guesser.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 401) <= 5);
    CHECK(std::count(statuses.begin(), statuses.end(), 401) +
              std::count(statuses.begin(), statuses.end(), 429) ==
          12);

    station.now += 301;
    CHECK(station.post("/api/v1/kiosk/enroll", {{"enrollment_code", code}}).status == 200);
}

TEST_CASE("signing out ends the admin session", "[station]") {
    TestStation station;
    auto token = station.admin_token();
    CHECK(station.del("/api/v1/admin/session", token).status == 204);
    CHECK(station.get("/api/v1/admin/kiosks", token).status == 401);
}

TEST_CASE("repeated failed sign-ins from one address are throttled with Retry-After", "[station]") {
    TestStation station;
    station.admin_token();
    Json wrong = {{"username", "alice"}, {"password", "wrong password!"}};
    for (int attempt = 0; attempt < 5; ++attempt)
        REQUIRE(station.post("/api/v1/admin/session", wrong).status == 401);
    auto throttled =
        station.post("/api/v1/admin/session",
                     {{"username", "alice"}, {"password", TestStation::admin_password}});
    REQUIRE(throttled.status == 429);
    CHECK(throttled.error_code() == "too_many_attempts");
    long retry_after = std::stol(throttled.header("Retry-After"));
    CHECK(retry_after > 0);
    CHECK(retry_after <= 300);

    station.now += retry_after;
    CHECK(station
              .post("/api/v1/admin/session",
                    {{"username", "alice"}, {"password", TestStation::admin_password}})
              .status == 200);
}

TEST_CASE("requests without a token, with a bad token or the wrong role are refused", "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    auto admin = station.admin_token();

    CHECK(station.get("/api/v1/admin/kiosks").status == 401);
    CHECK(station.get("/api/v1/admin/kiosks").error_code() == "unauthenticated");
    CHECK(station.get("/api/v1/admin/kiosks", "a1.not-the-secret").status == 401);
    CHECK(station.get("/api/v1/admin/kiosks", "garbage").status == 401);
    CHECK(station.get("/api/v1/admin/kiosks", kiosk).status == 403);
    CHECK(station.get("/api/v1/admin/kiosks", coordinator).status == 403);
    CHECK(station.get("/api/v1/kiosk/content", admin).status == 403);
    CHECK(station.get("/api/v1/kiosk/content", coordinator).status == 403);
    CHECK(station.get("/api/v1/kiosk/content").status == 401);
    CHECK(station.get("/api/v1/summary", kiosk).status == 403);
    CHECK(station.get("/api/v1/summary").status == 401);
    // A kiosk id that does not exist.
    CHECK(station.get("/api/v1/kiosk/content", "k999.abc").status == 401);
}

TEST_CASE("every error answer has the contract's JSON shape", "[station]") {
    TestStation station;
    auto reply = station.get("/api/v1/nothing-here");
    CHECK(reply.status == 404);
    auto body = reply.json();
    REQUIRE(body.contains("error"));
    CHECK(body["error"]["code"] == "not_found");
    CHECK(body["error"]["message"].is_string());
    CHECK(reply.header("Content-Type").starts_with("application/json"));

    auto wrong_method = station.del("/api/v1/admin/content", station.admin_token());
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.error_code() == "method_not_allowed");
}

TEST_CASE("JSON routes refuse malformed, nested, non-UTF-8, NUL and non-JSON bodies", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto send_kiosk = [&](const std::string& body, const std::string& type = "application/json") {
        return station.call({"POST", "/api/v1/admin/kiosks", body, type, admin, {}, false});
    };
    CHECK(send_kiosk("{\"name\": ").status == 400);
    CHECK(send_kiosk("{\"name\": ").error_code() == "invalid_json");
    CHECK(send_kiosk(nested(200)).error_code() == "too_deep");
    CHECK(send_kiosk("{\"name\": \"\xff\xfe\"}").error_code() == "invalid_utf8");
    CHECK(send_kiosk(std::string("{\"name\": \"a\0b\"}", 16)).status == 400);
    CHECK(send_kiosk("name=room", "application/x-www-form-urlencoded").status == 415);
    CHECK(send_kiosk("{\"name\": 5}").status == 422);
    CHECK(send_kiosk("[]").status == 422);
    // Nothing was created by any of them.
    CHECK(station.get("/api/v1/admin/kiosks", admin).json()["kiosks"].empty());
}

TEST_CASE("oversized bodies are refused with 413, chunked ones too", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    std::string big = "{\"name\": \"" + std::string(200 * 1024, 'a') + "\"}";
    auto declared =
        station.call({"POST", "/api/v1/admin/kiosks", big, "application/json", admin, {}, false});
    CHECK(declared.status == 413);
    CHECK(declared.error_code() == "body_too_large");
    auto chunked =
        station.call({"POST", "/api/v1/admin/kiosks", big, "application/json", admin, {}, true});
    CHECK(chunked.status == 413);
    std::string big_batch(300 * 1024, ' ');
    auto kiosk = station.kiosk_token();
    CHECK(
        station
            .call({"POST", "/api/v1/kiosk/counts", big_batch, "application/json", kiosk, {}, true})
            .status == 413);
    CHECK(station.get("/api/v1/admin/kiosks", admin).json()["kiosks"].size() == 1);
}

TEST_CASE("a refused request's unread body is never answered as a request of its own",
          "[station]") {
    TestStation station;
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string head = "POST /api/v1/kiosk/counts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Authorization: Bearer k1.not-the-secret\r\n"
                       "Content-Type: application/json\r\n";
    std::string raw;
    SECTION("with a declared length") {
        raw = head + "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled;
    }
    SECTION("chunked") {
        std::ostringstream chunk;
        chunk << std::hex << smuggled.size();
        raw = head + "Transfer-Encoding: chunked\r\n\r\n" + chunk.str() + "\r\n" + smuggled +
              "\r\n0\r\n\r\n";
    }
    bool closed = false;
    auto received = exchange_raw(station.port(), raw, closed);
    CHECK(received.starts_with("HTTP/1.1 401"));
    CHECK(status_lines(received) == 1);
    CHECK(received.find("HTTP/1.1 200") == std::string::npos);
    CHECK(closed);
}

TEST_CASE("a body cut short of its declared length is refused whole", "[station]") {
    TestStation station;
    // Valid JSON on its own: were the missing bytes not noticed, this would be an enrollment.
    const std::string start = R"({"enrollment_code":"ABCD1234"})";
    const std::string raw = "POST /api/v1/kiosk/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n" +
                            start;
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
    socket.shutdownSend(); // the client is gone before the body ends
    bool closed = false;
    std::string received = read_until_closed(socket, closed);
    INFO(received);
    CHECK(received.starts_with("HTTP/1.1 400"));
    CHECK(received.find("invalid_body") != std::string::npos);
}

TEST_CASE("a body that stops arriving is refused once a receive times out", "[station]") {
    TestStation station([](auto& config) { config.receive_timeout = std::chrono::seconds(1); });
    // Half of the declared body, then nothing (the connection stays open): the station's wait
    // for the rest ends after one receive timeout.
    const std::string raw = "POST /api/v1/kiosk/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                            R"({"enrollment_code":)";
    bool closed = false;
    auto received = exchange_raw(station.port(), raw, closed);
    INFO(received);
    CHECK(received.starts_with("HTTP/1.1 400"));
    CHECK(received.find("invalid_body") != std::string::npos);
}

TEST_CASE("a body that trickles in is cut off at the body time limit, and the station goes on",
          "[station]") {
    TestStation station([](auto& config) {
        config.body_read_time = std::chrono::milliseconds(400);
        config.max_threads = 2;
    });
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
    socket.setReceiveTimeout(Poco::Timespan(3, 0));
    const std::string head = "POST /api/v1/kiosk/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    // A client that sends one byte every 20 ms never lets a single receive time out; only the
    // limit on the whole body ends it. The pauses are the client's pace, not a wait for the
    // station: the loop ends when the station answers, at the latest after 250 bytes.
    int sent = 0;
    while (sent < 250 && !socket.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) {
        socket.sendBytes(" ", 1);
        ++sent;
    }
    bool closed = false;
    std::string received = read_until_closed(socket, closed);
    CHECK(received.starts_with("HTTP/1.1 408"));
    CHECK(received.find("body_too_slow") != std::string::npos);
    CHECK(closed);
    CHECK(sent < 250);
    // Both of the station's threads are free for the next requests.
    CHECK(station.get("/healthz").status == 200);
    CHECK(station.get("/healthz").status == 200);
}

TEST_CASE("a request head that trickles in is cut off, and the station goes on", "[station]") {
    TestStation station([](auto& config) {
        config.head_read_time = std::chrono::milliseconds(400);
        config.max_threads = 2;
    });
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
    socket.setReceiveTimeout(Poco::Timespan(3, 0));
    const std::string start = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    socket.sendBytes(start.data(), static_cast<int>(start.size()));
    // One header byte every 20 ms: no single receive times out, only the watch on the whole head
    // ends it. The pauses are the client's pace; the loop ends when the station closes the
    // connection, at the latest after 250 bytes.
    int sent = 0;
    bool closed = false;
    while (sent < 250 && !closed) {
        if (socket.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) {
            char buffer[512];
            try {
                closed = socket.receiveBytes(buffer, sizeof buffer) <= 0;
            } catch (const Poco::Exception&) {
                closed = true;
            }
            continue;
        }
        try {
            socket.sendBytes(sent == 0 ? "X-Slow: " : "a", sent == 0 ? 8 : 1);
        } catch (const Poco::Exception&) {
            closed = true;
        }
        ++sent;
    }
    CHECK(closed);
    CHECK(sent < 250);
    // Both of the station's threads are free for the next requests.
    CHECK(station.get("/healthz").status == 200);
    CHECK(station.get("/healthz").status == 200);
}

TEST_CASE("a request past its head is never cut by the head limit, however long its body takes",
          "[station]") {
    TestStation station([](auto& config) {
        config.head_read_time = std::chrono::milliseconds(300);
        config.body_read_time = std::chrono::seconds(20);
    });
    const std::string body = R"({"enrollment_code":"WRONG-GUESS"})";
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    const std::string head = "POST /api/v1/kiosk/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    // The body takes about three times the head limit to arrive, a byte every 30 ms (the
    // client's pace); the loop is bounded by the body's length.
    bool cut = false;
    for (char byte : body) {
        if (socket.poll(Poco::Timespan(0, 30000), Poco::Net::Socket::SELECT_READ)) {
            cut = true; // the station answered or closed before the body was complete
            break;
        }
        socket.sendBytes(&byte, 1);
    }
    CHECK_FALSE(cut);
    bool closed = false;
    std::string received = read_until_closed(socket, closed);
    CHECK(received.starts_with("HTTP/1.1 401"));
    CHECK(received.find("invalid_enrollment_code") != std::string::npos);
}

TEST_CASE("a kiosk refused before its enrollment is let in by its token right after", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto created = station.post("/api/v1/admin/kiosks", {{"name", "hall"}}, admin);
    REQUIRE(created.status == 201);
    std::string kiosk_id = created.json()["kiosk_id"];
    // A guessed token for the not yet enrolled kiosk: the station looks the kiosk up and says no.
    auto guessed = station.get("/api/v1/kiosk/content", "k" + kiosk_id + ".guessed-secret");
    CHECK(guessed.status == 401);

    auto enrolled = station.post("/api/v1/kiosk/enroll",
                                 {{"enrollment_code", created.json()["enrollment_code"]}});
    REQUIRE(enrolled.status == 200);
    std::string token = enrolled.json()["token"];
    CHECK(station.get("/api/v1/kiosk/content", token).status == 200);
    CHECK(station.get("/api/v1/kiosk/content", "k" + kiosk_id + ".guessed-secret").status == 401);
}

TEST_CASE("kiosks enroll once with an unexpired code and can be revoked", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto created = station.post("/api/v1/admin/kiosks", {{"name", "quiet room"}}, admin);
    REQUIRE(created.status == 201);
    std::string code = created.json()["enrollment_code"];
    std::string kiosk_id = created.json()["kiosk_id"];

    auto enrolled = station.post("/api/v1/kiosk/enroll", {{"enrollment_code", code}});
    REQUIRE(enrolled.status == 200);
    CHECK(enrolled.json()["kiosk_id"] == kiosk_id);
    std::string token = enrolled.json()["token"];
    CHECK(station.get("/api/v1/kiosk/content", token).status == 200);

    auto again = station.post("/api/v1/kiosk/enroll", {{"enrollment_code", code}});
    CHECK(again.status == 401);
    CHECK(again.error_code() == "enrollment_code_used");
    CHECK(station.post("/api/v1/kiosk/enroll", {{"enrollment_code", "NOPE1-NOPE2"}}).status == 401);

    auto listed = station.get("/api/v1/admin/kiosks", admin).json()["kiosks"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["name"] == "quiet room");
    CHECK(listed[0]["enrolled"] == true);
    CHECK(listed[0]["content_version"] == "1");
    CHECK(listed[0]["last_contact"].is_string());

    CHECK(station.del("/api/v1/admin/kiosks/" + kiosk_id, admin).status == 200);
    auto revoked = station.get("/api/v1/kiosk/content", token);
    CHECK(revoked.status == 401);
    CHECK(revoked.error_code() == "token_revoked");
    CHECK(station.del("/api/v1/admin/kiosks/9999", admin).status == 404);
    CHECK(station.del("/api/v1/admin/kiosks/x", admin).status == 404);
}

TEST_CASE("an enrollment code expires after 24 hours", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto created = station.post("/api/v1/admin/kiosks", {{"name", "room 2"}}, admin);
    station.now += 24 * 3600 + 1;
    auto late = station.post("/api/v1/kiosk/enroll",
                             {{"enrollment_code", created.json()["enrollment_code"]}});
    CHECK(late.status == 401);
    CHECK(late.error_code() == "enrollment_code_expired");
}

TEST_CASE("the kiosk manifest carries version, document, assets and k with an ETag", "[station]") {
    TestStation station([](auto& config) { config.k = 7; });
    auto kiosk = station.kiosk_token();
    auto reply = station.get("/api/v1/kiosk/content", kiosk);
    REQUIRE(reply.status == 200);
    auto body = reply.json();
    CHECK(body["version"] == "1");
    CHECK(body["document"]["schema"] == 3); // the default bundle has topic cards
    CHECK(body["assets"].is_array());
    CHECK(body["k"] == 7);
    CHECK(reply.header("ETag") == "\"1\"");

    auto cached = station.call(
        {"GET", "/api/v1/kiosk/content", "", "", kiosk, {{"If-None-Match", "\"1\""}}, false});
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());
    auto stale = station.call(
        {"GET", "/api/v1/kiosk/content", "", "", kiosk, {{"If-None-Match", "\"0\""}}, false});
    CHECK(stale.status == 200);
}

TEST_CASE("publishing content validates it, keeps versions and rolls back", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto kiosk = station.kiosk_token();
    Json document = default_document();
    document["idle_timeout_seconds"] = 90;
    auto published = station.publish_content(document, admin);
    REQUIRE(published.status == 200);
    CHECK(published.json()["version"] == "2");
    CHECK(station.get("/api/v1/kiosk/content", kiosk).json()["document"]["idle_timeout_seconds"] ==
          90);

    Json broken = document;
    broken["idle_timeout_seconds"] = 5;
    broken["default_locale"] = "xx";
    auto refused = station.publish_content(broken, admin);
    REQUIRE(refused.status == 422);
    CHECK(refused.error_code() == "invalid_content");
    CHECK(refused.json()["error"]["details"].size() >= 2);
    Json refused_body = refused.json();
    for (const auto& detail : refused_body["error"]["details"]) {
        CHECK(detail["path"].is_string());
        CHECK(detail["message"].is_string());
    }
    // The old content is still what kiosks get.
    auto served = station.get("/api/v1/kiosk/content", kiosk).json();
    CHECK(served["version"] == "2");
    CHECK(served["document"]["idle_timeout_seconds"] == 90);

    auto versions = station.get("/api/v1/admin/content/versions", admin).json();
    CHECK(versions["current"] == "2");
    CHECK(versions["versions"].size() == 2);

    auto rolled = station.rollback_content({{"version", "1"}}, admin);
    REQUIRE(rolled.status == 200);
    CHECK(rolled.json()["version"] == "3");
    CHECK(station.get("/api/v1/kiosk/content", kiosk).json()["document"]["idle_timeout_seconds"] ==
          default_document()["idle_timeout_seconds"]);
    CHECK(station.rollback_content({{"version", "77"}}, admin).status == 404);
    CHECK(station.rollback_content({{"v", 1}}, admin).status == 422);

    auto audit = station.get("/api/v1/admin/audit", admin).json()["entries"];
    REQUIRE(audit.size() >= 3);
    CHECK(audit[0]["admin"] == "alice");
    CHECK(audit[0]["action"].get<std::string>().starts_with("content.rollback"));
}

TEST_CASE("content that names a missing asset is refused until the asset is uploaded",
          "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto kiosk = station.kiosk_token();
    Json document = default_document();
    document["assets"] = Json::array({"counsellor.png"});
    REQUIRE(document["providers"].size() > 0);
    document["providers"][0]["image"] = "counsellor.png";
    CHECK(station.publish_content(document, admin).status == 422);

    auto upload = station.call(
        {"PUT", "/api/v1/admin/assets/counsellor.png", red_png(), "image/png", admin, {}, false});
    REQUIRE(upload.status == 201);
    CHECK(upload.json()["size"] == red_png().size());
    REQUIRE(station.publish_content(document, admin).status == 200);

    auto manifest = station.get("/api/v1/kiosk/content", kiosk).json();
    REQUIRE(manifest["assets"].size() == 1);
    CHECK(manifest["assets"][0]["name"] == "counsellor.png");
    CHECK(manifest["assets"][0]["sha256"].get<std::string>().size() == 64);
    auto bytes = station.get("/api/v1/kiosk/assets/counsellor.png", kiosk);
    CHECK(bytes.status == 200);
    CHECK(bytes.body == red_png());
    CHECK(bytes.header("Content-Type") == "image/png");
    CHECK(station.get("/api/v1/kiosk/assets/missing.png", kiosk).status == 404);
    CHECK(station.get("/api/v1/kiosk/assets/counsellor.png").status == 401);
}

TEST_CASE("asset uploads must be real PNG or JPEG images within the limits", "[station]") {
    TestStation station([](auto& config) { config.max_asset_bytes = 4096; });
    auto admin = station.admin_token();
    auto upload = [&](const std::string& name, const std::string& bytes, const std::string& type) {
        return station.call({"PUT", "/api/v1/admin/assets/" + name, bytes, type, admin, {}, false});
    };
    CHECK(upload("photo.jpg", blue_jpeg(), "image/jpeg").status == 201);
    CHECK(upload("photo.jpg", blue_jpeg(), "image/jpeg").status == 200); // same bytes again
    CHECK(upload("photo.jpg", red_png(), "image/png").status == 422);    // extension mismatch
    CHECK(upload("red.png", red_png(), "image/jpeg").status == 422);     // type mismatch
    CHECK(upload("fake.png", "\x89PNG\r\n\x1a\nnot really", "image/png").error_code() ==
          "invalid_image");
    CHECK(upload("fake.jpg", "\xff\xd8\xff garbage", "image/jpeg").error_code() == "invalid_image");
    CHECK(upload("page.png", "<html></html>", "text/html").status == 415);
    CHECK(upload("UPPER.png", red_png(), "image/png").status == 422);
    CHECK(upload("big.png", std::string(8192, 'x'), "image/png").status == 413);
    std::string other = red_png();
    other[other.size() - 5] ^= 1; // corrupt the end: no longer decodes
    CHECK(upload("red.png", red_png(), "image/png").status == 201);
    CHECK(upload("red.png", blue_jpeg(), "image/jpeg").status == 422);
    // Every name content may list can be uploaded: .jpeg as well as .jpg.
    CHECK(upload("photo.jpeg", blue_jpeg(), "image/jpeg").status == 201);
    CHECK(upload("photo.jpeg", red_png(), "image/png").status == 422);

    auto list = station.get("/api/v1/admin/assets", admin).json()["assets"];
    CHECK(list.size() == 3);
    CHECK(station.get("/api/v1/admin/assets/red.png", admin).body == red_png());
}

TEST_CASE("a counts batch is applied once and its replay answers duplicate", "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    auto batch = visit_batch(new_batch_id(), last_week(station), 6);
    auto first = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(first.status == 200);
    CHECK(first.json()["status"] == "applied");
    auto replay = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(replay.status == 200);
    CHECK(replay.json()["status"] == "duplicate");

    const std::string week = last_week(station);
    seal_past_weeks(station);
    auto summary =
        station.get("/api/v1/summary?from=" + week + "&to=" + week + "&period=week", coordinator);
    REQUIRE(summary.status == 200);
    INFO(summary.body);
    bool found = false;
    Json summary_body = summary.json();
    for (const auto& cell : summary_body["rows"])
        if (cell["metric"] == "visit") {
            CHECK(cell["n"] == 6);
            found = true;
        }
    CHECK(found);
}

TEST_CASE("a batch for a week that has not ended is refused whole with 422", "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    std::string this_week = IsoWeek::from_local_time(station.now.load()).to_string();
    Json batch = visit_batch(new_batch_id(), last_week(station), 6);
    const std::size_t first_of_this_week = batch["counts"].size();
    const Json unfinished = visit_batch(new_batch_id(), this_week, 7);
    for (const auto& entry : unfinished["counts"])
        batch["counts"].push_back(entry);
    auto refused = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(refused.status == 422);
    CHECK(refused.error_code() == "invalid_batch");
    CHECK(refused.json()["error"]["details"][0]["path"] ==
          "/counts/" + std::to_string(first_of_this_week) + "/week");

    // Nothing of it was applied, and the same id is still free once the week has ended.
    station.now += 7 * 24 * 3600;
    auto later = station.post("/api/v1/kiosk/counts", batch, kiosk);
    CHECK(later.json()["status"] == "applied");
}

TEST_CASE("bad counts batches are refused with the fitting status", "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto post_raw = [&](const std::string& body, const std::string& type = "application/json") {
        return station.call({"POST", "/api/v1/kiosk/counts", body, type, kiosk, {}, false});
    };
    CHECK(post_raw("{").status == 400);
    CHECK(post_raw(nested(100)).error_code() == "too_deep");
    CHECK(post_raw("{\"batch_id\":\"\xc3\x28\"}").error_code() == "invalid_utf8");
    CHECK(post_raw("{}", "text/plain").status == 415);
    Json unknown_metric = visit_batch(new_batch_id(), last_week(station), 1);
    unknown_metric["counts"][0]["metric"] = "screen.viewed";
    CHECK(post_raw(unknown_metric.dump()).status == 422);
    Json negative = visit_batch(new_batch_id(), last_week(station), 6);
    negative["counts"][0]["n"] = -1;
    CHECK(post_raw(negative.dump()).status == 422);
    Json extra = visit_batch(new_batch_id(), last_week(station), 1);
    extra["when"] = "2026-11-18T10:11:12Z";
    CHECK(post_raw(extra.dump()).status == 422);
}

TEST_CASE("summaries are suppressed below k, in JSON and CSV, for admins and coordinators",
          "[station]") {
    TestStation station;
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    auto admin = station.admin_token();
    auto week = last_week(station);
    Json batch =
        release_batch(week, counters({{"visit", "start", 12}, {"crisis.viewed", "list", 2}}));
    REQUIRE(station.post("/api/v1/kiosk/counts", batch, kiosk).status == 200);
    seal_past_weeks(station);
    admin = station.admin_token(); // signed in again: 15 days outlive a session

    auto json = station.get("/api/v1/summary?from=" + week + "&to=" + week, coordinator);
    REQUIRE(json.status == 200);
    INFO(json.body);
    bool saw_hidden = false;
    Json json_body = json.json();
    for (const auto& cell : json_body["rows"]) {
        if (cell["metric"] == "crisis.viewed") {
            CHECK(cell["n"].is_null());
            CHECK(cell["suppressed"] == true);
            saw_hidden = true;
        }
    }
    CHECK(saw_hidden);
    CHECK(json.body.find("\"n\":2") == std::string::npos);

    auto csv = station.get(
        "/api/v1/summary?from=" + week + "&to=" + week + "&format=csv&period=total", admin);
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Content-Type").starts_with("text/csv"));
    CHECK(csv.header("Content-Disposition").find("filename=") != std::string::npos);
    CHECK(csv.body.starts_with("period,metric,key,n,suppressed,at_least"));
    CHECK(csv.body.find("total,visit,start,12") != std::string::npos);
}

TEST_CASE("summary queries are validated", "[station]") {
    TestStation station;
    auto coordinator = station.coordinator_token();
    CHECK(station.get("/api/v1/summary?from=2026-W99&to=2026-W47", coordinator).error_code() ==
          "invalid_week");
    CHECK(station.get("/api/v1/summary?from=2026-W47&to=2026-W40", coordinator).error_code() ==
          "invalid_range");
    CHECK(station.get("/api/v1/summary?from=2000-W01&to=2026-W40", coordinator).error_code() ==
          "range_too_large");
    CHECK(station.get("/api/v1/summary?period=day", coordinator).error_code() == "invalid_period");
    CHECK(station.get("/api/v1/summary?format=xml", coordinator).error_code() == "invalid_format");
    CHECK(station.get("/api/v1/summary?from=2026-W40&from=2026-W41", coordinator).status == 400);
    CHECK(station.get("/api/v1/summary", coordinator).status == 200);
}

TEST_CASE("coordinator tokens are listed without secrets and revocable", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto created =
        station.post("/api/v1/admin/coordinator-tokens", {{"label", "region west"}}, admin);
    REQUIRE(created.status == 201);
    std::string token = created.json()["token"];
    std::string id = created.json()["id"];
    CHECK(station.get("/api/v1/summary", token).status == 200);
    auto listed = station.get("/api/v1/admin/coordinator-tokens", admin);
    CHECK(listed.json()["tokens"][0]["label"] == "region west");
    CHECK(listed.body.find(token) == std::string::npos);
    CHECK(station.del("/api/v1/admin/coordinator-tokens/" + id, admin).status == 200);
    CHECK(station.get("/api/v1/summary", token).error_code() == "token_revoked");
    CHECK(station.del("/api/v1/admin/coordinator-tokens/424242", admin).status == 404);
}

TEST_CASE("the admin QR preview is an SVG of the given link", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto svg = station.get("/api/v1/admin/qr.svg?data=https%3A%2F%2Fexample.org%2Fbook", admin);
    REQUIRE(svg.status == 200);
    CHECK(svg.header("Content-Type") == "image/svg+xml");
    CHECK(svg.body.starts_with("<svg"));
    CHECK(station.get("/api/v1/admin/qr.svg", admin).status == 400);
    CHECK(station.get("/api/v1/admin/qr.svg?data=x").status == 401);
}

TEST_CASE("the console pages are served with a strict policy and no path traversal", "[station]") {
    TempDir web;
    std::filesystem::create_directories(web.path() / "web" / "admin");
    std::ofstream(web.path() / "web" / "admin" / "index.html")
        << "<!doctype html><title>console</title>";
    std::ofstream(web.path() / "web" / "admin" / "app.js") << "console.log(1)";
    std::ofstream(web.path() / "secret.txt") << "secret";
    TestStation station([&](auto& config) { config.web_dir = web.path() / "web"; });

    auto root = station.get("/");
    CHECK(root.status == 302);
    CHECK(root.header("Location") == "/admin/");
    auto page = station.get("/admin/");
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type").starts_with("text/html"));
    CHECK(page.header("Content-Security-Policy").find("frame-ancestors 'none'") !=
          std::string::npos);
    CHECK(page.header("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
    CHECK(page.header("X-Content-Type-Options") == "nosniff");
    CHECK(station.get("/admin/app.js").header("Content-Type").starts_with("text/javascript"));
    CHECK(
        station.get("/admin/app.js").header("Content-Security-Policy").find("script-src 'self'") !=
        std::string::npos);
    CHECK(station.get("/admin").status == 301);
    CHECK(station.get("/admin/../../secret.txt").status == 404);
    CHECK(station.get("/admin/%2e%2e/%2e%2e/secret.txt").status == 404);
    CHECK(station.get("/admin/..%2f..%2fsecret.txt").status == 404);
    CHECK(station.get("/admin/missing.html").status == 404);
    CHECK(station.get("/summary/").status == 404);
}

TEST_CASE("The console's files carry an ETag, are gzipped for a browser that accepts it, answer "
          "304 while unchanged and a new ETag once a file changes",
          "[station][static]") {
    TempDir web;
    std::filesystem::create_directories(web.path() / "web" / "admin");
    std::string script;
    for (int line = 0; line < 200; ++line)
        script += "console.log('line " + std::to_string(line) + " of a console script');\n";
    std::ofstream(web.path() / "web" / "admin" / "app.js") << script;
    TestStation station([&](auto& config) { config.web_dir = web.path() / "web"; });
    auto fetch = [&](std::map<std::string, std::string> headers,
                     const std::string& method = "GET") {
        return station.call({method, "/admin/app.js", "", "", "", std::move(headers), false});
    };

    const Reply plain = fetch({});
    REQUIRE(plain.status == 200);
    CHECK(plain.body == script);
    CHECK(plain.header("Content-Encoding").empty());
    CHECK(plain.header("Cache-Control") == "no-cache");
    CHECK(plain.header("Vary") == "Accept-Encoding");
    const std::string etag = plain.header("ETag");
    REQUIRE(etag.size() > 2);

    const Reply packed = fetch({{"Accept-Encoding", "br;q=1.0, gzip;q=0.8"}});
    REQUIRE(packed.status == 200);
    CHECK(packed.header("Content-Encoding") == "gzip");
    CHECK(packed.body.size() * 4 < script.size());
    std::istringstream compressed(packed.body);
    Poco::InflatingInputStream inflate(compressed, Poco::InflatingStreamBuf::STREAM_GZIP);
    CHECK(std::string(std::istreambuf_iterator<char>(inflate), {}) == script);
    CHECK(packed.header("ETag") != etag);
    CHECK(fetch({{"Accept-Encoding", "gzip;q=0, deflate"}}).header("Content-Encoding").empty());
    CHECK(fetch({{"Accept-Encoding", "x-gzip-ish, , ;;"}}).header("Content-Encoding").empty());

    const Reply unchanged = fetch({{"If-None-Match", "\"other\", " + etag}});
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());
    CHECK(unchanged.header("ETag") == etag);
    CHECK(fetch({{"If-None-Match", "W/" + packed.header("ETag")}, {"Accept-Encoding", "gzip"}})
              .status == 304);
    CHECK(fetch({{"If-None-Match", "\"not it\", garbage,,"}}).status == 200);
    const Reply head = fetch({{"Accept-Encoding", "gzip"}}, "HEAD");
    CHECK(head.status == 200);
    CHECK(head.header("Content-Length") == std::to_string(packed.body.size()));

    std::ofstream(web.path() / "web" / "admin" / "app.js") << script << "console.log('new');\n";
    std::filesystem::last_write_time(web.path() / "web" / "admin" / "app.js",
                                     std::filesystem::file_time_type::clock::now() +
                                         std::chrono::seconds(5));
    const Reply changed = fetch({{"If-None-Match", etag}});
    CHECK(changed.status == 200);
    CHECK(changed.header("ETag") != etag);
    CHECK(changed.body.ends_with("console.log('new');\n"));
}

TEST_CASE("everything survives a stop and a start", "[station]") {
    TestStation station;
    auto admin = station.admin_token();
    auto kiosk = station.kiosk_token();
    auto coordinator = station.coordinator_token();
    Json document = default_document();
    document["idle_timeout_seconds"] = 120;
    REQUIRE(station.publish_content(document, admin).status == 200);
    REQUIRE(
        station
            .post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), last_week(station), 9), kiosk)
            .json()["status"] == "applied");

    const std::string week = last_week(station);
    station.restart();

    CHECK(station.get("/api/v1/admin/kiosks", admin).status == 200); // the session too
    auto manifest = station.get("/api/v1/kiosk/content", kiosk).json();
    CHECK(manifest["version"] == "2");
    CHECK(manifest["document"]["idle_timeout_seconds"] == 120);
    seal_past_weeks(station);
    auto summary =
        station.get("/api/v1/summary?from=" + week + "&to=" + week + "&period=total", coordinator);
    CHECK(summary.body.find("\"n\":9") != std::string::npos);
    admin = station.admin_token(); // the old session has expired meanwhile
    CHECK(station.get("/api/v1/admin/audit", admin).json()["entries"].size() >= 3);
}

TEST_CASE("A content publish must name the version it was based on: without If-Match it is "
          "refused with 428, and one based on a version another admin has replaced with 412, "
          "keeping the other admin's version live",
          "[station][content]") {
    TestStation station;
    const auto admin = station.admin_token();
    auto put_with = [&](const Json& document, const std::string& if_match) {
        Request request{
            "PUT", "/api/v1/admin/content", document.dump(), "application/json", admin, {}, false};
        if (!if_match.empty())
            request.headers["If-Match"] = if_match;
        return station.call(request);
    };
    const Reply first = station.get("/api/v1/admin/content", admin);
    REQUIRE(first.header("ETag") == "\"content-1\"");
    Json base = first.json()["document"];

    Json unsure = base;
    unsure["idle_timeout_seconds"] = 75;
    const Reply missing = put_with(unsure, "");
    CHECK(missing.status == 428);
    CHECK(missing.error_code() == "precondition_required");

    Json fix = base;
    fix["idle_timeout_seconds"] = 90;
    const Reply fixed = put_with(fix, "\"content-1\"");
    REQUIRE(fixed.status == 200);
    CHECK(fixed.header("ETag") == "\"content-2\"");

    // A second admin still editing from version 1.
    Json other = base;
    other["tone_enabled"] = false;
    const Reply stale = put_with(other, "\"content-1\"");
    CHECK(stale.status == 412);
    CHECK(stale.error_code() == "content_changed");
    CHECK_THAT(stale.json()["error"]["message"].get<std::string>(),
               Catch::Contains("version 2") && Catch::Contains("alice"));
    // Even an invalid stale edit hears first that it is stale.
    Json stale_and_broken = other;
    stale_and_broken["default_locale"] = "xx";
    CHECK(put_with(stale_and_broken, "\"content-1\"").status == 412);
    for (const std::string& bad :
         {std::string("*"), std::string("\"content-x\""), std::string("W/\"content-2\""),
          std::string("content-2"), std::string("\"content-2\", \"content-3\""),
          std::string(200, '"')})
        CHECK(put_with(other, bad).status == 412);

    const Reply live = station.get("/api/v1/admin/content", admin);
    CHECK(live.header("ETag") == "\"content-2\"");
    CHECK(live.json()["document"]["idle_timeout_seconds"] == 90);
    CHECK(live.json()["document"]["tone_enabled"] == base["tone_enabled"]);
    CHECK(station.get("/api/v1/admin/content/versions", admin).json()["versions"].size() == 2);

    // Based on the version now live, the second admin's merge goes through.
    Json merged = live.json()["document"];
    merged["tone_enabled"] = false;
    const Reply published = put_with(merged, "\"content-2\"");
    REQUIRE(published.status == 200);
    CHECK(published.json()["version"] == "3");
}

TEST_CASE("A publish and a rollback keep their admin's note in the versions and the audit log, "
          "and a note that is too long, not text or badly encoded publishes nothing",
          "[station][content]") {
    TestStation station;
    const auto admin = station.admin_token();
    auto put_noted = [&](const Json& document, const std::string& encoded_note) {
        const std::string etag = station.get("/api/v1/admin/content", admin).header("ETag");
        return station.call({"PUT",
                             "/api/v1/admin/content",
                             document.dump(),
                             "application/json",
                             admin,
                             {{"If-Match", etag}, {"X-Publish-Note", encoded_note}},
                             false});
    };
    Json document = default_document();
    document["idle_timeout_seconds"] = 80;
    // "Fixed the EAP number – per Sgt. Ruiz", percent-encoded UTF-8 as the console sends it.
    const Reply noted =
        put_noted(document, "Fixed%20the%20EAP%20number%20%E2%80%93%20per%20Sgt.%20Ruiz");
    REQUIRE(noted.status == 200);
    CHECK(noted.json()["note"] == "Fixed the EAP number \u2013 per Sgt. Ruiz");

    document["idle_timeout_seconds"] = 85;
    for (const std::string& bad : {std::string(201, 'a'), std::string("line%0Abreak"),
                                   std::string("%FF%FE"), std::string("%zz"), std::string()}) {
        const Reply refused = put_noted(document, bad);
        CHECK(refused.status == 422);
        CHECK(refused.body.find("/note") != std::string::npos);
    }
    const Json versions = station.get("/api/v1/admin/content/versions", admin).json()["versions"];
    REQUIRE(versions.size() == 2);
    CHECK(versions[0]["note"] == "Fixed the EAP number \u2013 per Sgt. Ruiz");
    CHECK(versions[1]["note"] == "");

    const Reply rolled =
        station.rollback_content({{"version", "1"}, {"note", "back to the default"}}, admin);
    REQUIRE(rolled.status == 200);
    CHECK(station.rollback_content({{"version", "1"}, {"note", "a\tb"}}, admin).status == 422);
    const Json audit = station.get("/api/v1/admin/audit", admin).json()["entries"];
    CHECK(audit[0]["details"] == "back to the default");
    CHECK(audit[1]["details"] == "Fixed the EAP number \u2013 per Sgt. Ruiz");
}

TEST_CASE("Sign-ins and wrong passwords for an account are in the audit log with the address, a "
          "name nobody has is not, and the sign-in answer says how long the session lasts",
          "[station][accounts]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.admin_token_lifetime = std::chrono::seconds(3600);
    });
    const auto admin = station.admin_token();
    CHECK(station.post("/api/v1/admin/session", {{"username", "alice"}, {"password", "wrong one"}})
              .status == 401);
    CHECK(station
              .post("/api/v1/admin/session",
                    {{"username", "my password typed here"}, {"password", "x"}})
              .status == 401);
    const Reply again =
        station.post("/api/v1/admin/session",
                     {{"username", "alice"}, {"password", TestStation::admin_password}});
    REQUIRE(again.status == 200);
    CHECK(again.json()["expires_in_seconds"] == 3600);

    Json audit = Json::array(); // the sign-in entries, newest first
    const Json all = station.get("/api/v1/admin/audit", admin).json();
    for (const auto& entry : all["entries"])
        if (entry["action"].get<std::string>().starts_with("admin.sign_in"))
            audit.push_back(entry);
    INFO(audit.dump());
    REQUIRE(audit.size() == 3);
    CHECK(audit[0]["action"] == "admin.sign_in");
    CHECK(audit[1]["action"] == "admin.sign_in_failed");
    CHECK(audit[1]["admin"] == "alice");
    CHECK(audit[1]["details"] == "from 127.0.0.1");
    CHECK(audit[2]["action"] == "admin.sign_in");
    CHECK(audit[2]["details"] == "from 127.0.0.1");
    CHECK(station.get("/api/v1/admin/audit", admin).body.find("my password typed here") ==
          std::string::npos);
}

TEST_CASE("The kiosk list tells an admin, by the station's clock, which kiosks are ok, late or "
          "silent, the live content version, the storage's health and unused codes' expiry",
          "[station][kiosk-health]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.kiosk_contact_interval = std::chrono::seconds(600);
    });
    const auto admin = station.admin_token();
    const auto kiosk = station.kiosk_token("room 1");
    REQUIRE(station.get("/api/v1/kiosk/content", kiosk).status == 200); // a contact now
    const Reply added = station.post("/api/v1/admin/kiosks", {{"name", "room 2"}}, admin);
    REQUIRE(added.status == 201);

    // Signed in afresh each time: the clock jumps past an admin session's life.
    auto listed = [&] { return station.get("/api/v1/admin/kiosks", station.admin_token()).json(); };
    auto health_of = [](const Json& list, const std::string& name) {
        for (const auto& entry : list["kiosks"])
            if (entry["name"] == name)
                return entry["health"].get<std::string>();
        return std::string("absent");
    };
    Json now_list = listed();
    CHECK(health_of(now_list, "room 1") == "ok");
    CHECK(health_of(now_list, "room 2") == "waiting_for_enrollment");
    CHECK(now_list["live_content_version"] == "1");
    CHECK(now_list["contact_interval_seconds"] == 600);
    CHECK(now_list["station_time"] == wellness::station::utc_timestamp(station.now.load()));
    CHECK(now_list["storage"]["ok"] == true);
    CHECK(now_list["storage"]["problem"].is_null());
    for (const auto& entry : now_list["kiosks"])
        if (entry["name"] == "room 2")
            CHECK(entry["enrollment_code_expires_at"] == added.json()["expires_at"]);

    station.now += 2 * 600 + 1;
    CHECK(health_of(listed(), "room 1") == "late");
    station.now += 24 * 3600;
    CHECK(health_of(listed(), "room 1") == "silent");
    REQUIRE(station.get("/api/v1/kiosk/content", kiosk).status == 200);
    CHECK(health_of(listed(), "room 1") == "ok");
}

TEST_CASE("An admin can read any one content version whole, to see what a rollback would change",
          "[station][content]") {
    TestStation station;
    const auto admin = station.admin_token();
    Json document = default_document();
    document["idle_timeout_seconds"] = 95;
    REQUIRE(station.publish_content(document, admin).status == 200);
    const Reply first = station.get("/api/v1/admin/content/versions/1", admin);
    REQUIRE(first.status == 200);
    CHECK(first.json()["version"] == "1");
    CHECK(first.json()["document"] == default_document());
    CHECK(station.get("/api/v1/admin/content/versions/2", admin).json()["document"] == document);
    CHECK(station.get("/api/v1/admin/content/versions/3", admin).status == 404);
    CHECK(station.get("/api/v1/admin/content/versions/x1", admin).status == 404);
    CHECK(station.get("/api/v1/admin/content/versions/0", admin).status == 404);
    CHECK(station.get("/api/v1/admin/content/versions/1").status == 401);
    CHECK(station.get("/api/v1/admin/content/versions/1", station.coordinator_token()).status ==
          403);
}

TEST_CASE("An admin's draft is kept on the station for that admin alone, survives a restart and "
          "is gone once they publish; a draft that names no version or holds no document is "
          "refused whole",
          "[station][content]") {
    TestStation station;
    const auto alice = station.admin_token();
    REQUIRE(station
                .post("/api/v1/admin/admins",
                      {{"username", "bob"}, {"password", "another long password"}}, alice)
                .status == 201);
    const Reply bob_session = station.post(
        "/api/v1/admin/session", {{"username", "bob"}, {"password", "another long password"}});
    REQUIRE(bob_session.status == 200);
    const std::string bob = bob_session.json()["token"];

    CHECK(station.get("/api/v1/admin/content/draft", alice).status == 404);
    Json draft = default_document();
    draft["idle_timeout_seconds"] = 7; // half done: not valid content, and kept all the same
    const Reply saved =
        station.put("/api/v1/admin/content/draft", {{"based_on", "1"}, {"document", draft}}, alice);
    REQUIRE(saved.status == 200);
    CHECK(saved.json()["saved_at"] == wellness::station::utc_timestamp(station.now.load()));

    for (const Json& bad : {Json{{"document", draft}}, Json{{"based_on", "9"}, {"document", draft}},
                            Json{{"based_on", 1}, {"document", draft}},
                            Json{{"based_on", "1"}, {"document", "x"}}, Json::array()}) {
        const Reply refused = station.put("/api/v1/admin/content/draft", bad, alice);
        CHECK(refused.status == 422);
    }
    CHECK(station.get("/api/v1/admin/content/draft", bob).status == 404);

    station.restart();
    const auto later = station.admin_token(); // another laptop, another session
    const Reply kept = station.get("/api/v1/admin/content/draft", later);
    REQUIRE(kept.status == 200);
    CHECK(kept.json()["based_on"] == "1");
    CHECK(kept.json()["document"] == draft);

    Json fixed = draft;
    fixed["idle_timeout_seconds"] = 70;
    REQUIRE(station.publish_content(fixed, later).status == 200);
    CHECK(station.get("/api/v1/admin/content/draft", later).status == 404);

    REQUIRE(
        station.put("/api/v1/admin/content/draft", {{"based_on", "2"}, {"document", fixed}}, bob)
            .status == 200);
    CHECK(station.del("/api/v1/admin/content/draft", bob).status == 204);
    CHECK(station.get("/api/v1/admin/content/draft", bob).status == 404);
    CHECK(station.get("/api/v1/admin/content/draft").status == 401);
}

TEST_CASE("coordinator tokens show the day they were last used, never a finer time", "[station]") {
    TestStation station; // now: Wednesday 18 November 2026
    auto admin = station.admin_token();
    auto created =
        station.post("/api/v1/admin/coordinator-tokens", {{"label", "region west"}}, admin);
    REQUIRE(created.status == 201);
    std::string token = created.json()["token"];
    // Signed in afresh each time: the clock moves by days, past an admin session's end.
    auto last_used = [&] {
        return station.get("/api/v1/admin/coordinator-tokens", station.admin_token())
            .json()["tokens"][0]["last_used_day"];
    };
    CHECK(last_used().is_null());
    REQUIRE(station.get("/api/v1/summary", token).status == 200);
    CHECK(last_used() == "2026-11-18");
    station.now += 2 * 24 * 3600 + 3600;
    REQUIRE(station.get("/api/v1/summary", token).status == 200);
    auto listed = station.get("/api/v1/admin/coordinator-tokens", station.admin_token());
    CHECK(listed.json()["tokens"][0]["last_used_day"] == "2026-11-20");
    CHECK(listed.json()["station_time"].get<std::string>().starts_with("2026-11-20T"));
    // A refused token is not "used": a revoked one keeps its last good day.
    CHECK(station
              .del("/api/v1/admin/coordinator-tokens/" + created.json()["id"].get<std::string>(),
                   station.admin_token())
              .status == 200);
    station.now += 24 * 3600;
    CHECK(station.get("/api/v1/summary", token).error_code() == "token_revoked");
    CHECK(last_used() == "2026-11-20");
}

TEST_CASE("A rollback must name the version it replaces: without If-Match 428, after another "
          "admin's publish 412, and the other admin's version stays live",
          "[station][content]") {
    TestStation station;
    const auto admin = station.admin_token();
    auto rollback_with = [&](const std::string& if_match) {
        Request request{"POST",
                        "/api/v1/admin/content/rollback",
                        Json{{"version", "1"}}.dump(),
                        "application/json",
                        admin,
                        {},
                        false};
        if (!if_match.empty())
            request.headers["If-Match"] = if_match;
        return station.call(request);
    };
    Json document = station.get("/api/v1/admin/content", admin).json()["document"];
    document["idle_timeout_seconds"] = 90;
    REQUIRE(station.publish_content(document, admin).status == 200); // version 2

    const Reply missing = rollback_with("");
    CHECK(missing.status == 428);
    CHECK(missing.error_code() == "precondition_required");
    // The admin looked at version 2; meanwhile another publishes version 3.
    document["idle_timeout_seconds"] = 120;
    REQUIRE(station.publish_content(document, station.admin_token()).status == 200);
    const Reply stale = rollback_with("\"content-2\"");
    CHECK(stale.status == 412);
    CHECK(stale.error_code() == "content_changed");
    CHECK_THAT(stale.json()["error"]["message"].get<std::string>(), Catch::Contains("version 3"));
    CHECK(rollback_with("*").status == 412);
    const Reply live = station.get("/api/v1/admin/content", admin);
    CHECK(live.header("ETag") == "\"content-3\"");
    CHECK(live.json()["document"]["idle_timeout_seconds"] == 120);

    const Reply current = rollback_with("\"content-3\"");
    REQUIRE(current.status == 200);
    CHECK(current.json()["version"] == "4");
}
