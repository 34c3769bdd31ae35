// The HTTP edges a hostile client on the LAN tries, sent as raw bytes to the real station: each
// is refused in the contract's JSON shape, creates nothing, and leaves the station serving.

#include "station_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace station_test;

namespace {

struct RawAnswer {
    int status = 0;
    std::string code; // the JSON error's code, "" when there is none
    bool closed = false;
    std::string text;
};

RawAnswer send_raw(TestStation& station, const std::string& raw) {
    RawAnswer answer;
    answer.text = exchange_raw(station.port(), raw, answer.closed);
    if (answer.text.size() >= 12 && answer.text.starts_with("HTTP/1."))
        answer.status = std::stoi(answer.text.substr(9, 3));
    const auto body = answer.text.find("\r\n\r\n");
    if (body != std::string::npos) {
        auto parsed = wellness::parse_json_input(answer.text.substr(body + 4));
        if (parsed.value && parsed.value->is_object() && parsed.value->contains("error"))
            answer.code = (*parsed.value)["error"]["code"].get<std::string>();
    }
    return answer;
}

// A kiosk that would be created were the body taken.
std::string create_kiosk_head(const std::string& admin) {
    return "POST /api/v1/admin/kiosks HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Authorization: Bearer " +
           admin + "\r\nContent-Type: application/json\r\n";
}

const std::string kiosk_body = R"({"name":"room 3"})";

} // namespace

TEST_CASE("request framings the station does not accept are refused before any handler",
          "[station][http]") {
    TestStation station;
    const std::string admin = station.admin_token();
    const std::string head = create_kiosk_head(admin);
    const std::string length = std::to_string(kiosk_body.size());
    struct Case {
        const char* what;
        std::string raw;
        int status;
        const char* code;
    };
    const Case cases[] = {
        {"a Content-Length that is not digits", head + "Content-Length: abc\r\n\r\n" + kiosk_body,
         400, "invalid_content_length"},
        {"a signed Content-Length", head + "Content-Length: +" + length + "\r\n\r\n" + kiosk_body,
         400, "invalid_content_length"},
        {"a negative Content-Length", head + "Content-Length: -1\r\n\r\n" + kiosk_body, 400,
         "invalid_content_length"},
        {"two different Content-Lengths",
         head + "Content-Length: " + length + "\r\nContent-Length: 5\r\n\r\n" + kiosk_body, 400,
         "invalid_content_length"},
        {"Content-Length together with chunked",
         head + "Content-Length: " + length + "\r\nTransfer-Encoding: chunked\r\n\r\n" + kiosk_body,
         400, "ambiguous_length"},
        {"a transfer encoding other than chunked",
         head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + kiosk_body, 400,
         "unsupported_transfer_encoding"},
        {"a compressed body",
         head + "Content-Encoding: gzip\r\nContent-Length: " + length + "\r\n\r\n" + kiosk_body,
         415, "unsupported_content_encoding"},
        {"a POST with no length at all", head + "\r\n" + kiosk_body, 411, "length_required"},
    };
    for (const Case& attempt : cases) {
        INFO(attempt.what);
        const RawAnswer answer = send_raw(station, attempt.raw);
        INFO(answer.text);
        CHECK(answer.status == attempt.status);
        CHECK(answer.code == attempt.code);
        CHECK(answer.text.find("Content-Type: application/json") != std::string::npos);
        // Where the body ends is unknown, so the rest is never read as a request of its own.
        CHECK(answer.closed);
        CHECK(status_lines(answer.text) == 1);
    }
    CHECK(station.get("/api/v1/admin/kiosks", admin).json()["kiosks"].empty());
    CHECK(station.get("/healthz").status == 200);
}

TEST_CASE("the framings the station accepts still work", "[station][http]") {
    TestStation station;
    const std::string admin = station.admin_token();
    const std::string head = create_kiosk_head(admin);
    std::string raw;
    SECTION("Content-Length") {
        raw =
            head + "Content-Length: " + std::to_string(kiosk_body.size()) + "\r\n\r\n" + kiosk_body;
    }
    SECTION("chunked") {
        raw = head + "Transfer-Encoding: chunked\r\n\r\n11\r\n" + kiosk_body + "\r\n0\r\n\r\n";
    }
    SECTION("the same Content-Length twice") {
        const std::string length = std::to_string(kiosk_body.size());
        raw = head + "Content-Length: " + length + "\r\nContent-Length: " + length + "\r\n\r\n" +
              kiosk_body;
    }
    const RawAnswer answer = send_raw(station, raw + "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                                     "Connection: close\r\n\r\n");
    INFO(answer.text);
    CHECK(answer.status == 201);
    // The connection goes on to the next request (its answer follows the first body directly).
    CHECK(answer.text.find("}HTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(station.get("/api/v1/admin/kiosks", admin).json()["kiosks"].size() == 1);
}

TEST_CASE("heads Poco itself refuses are answered in the contract's JSON shape",
          "[station][http]") {
    TestStation station;
    struct Case {
        const char* what;
        std::string raw;
    };
    const Case cases[] = {
        {"a URL longer than the head allows",
         "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"a header longer than the head allows",
         "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20000, 'b') + "\r\n\r\n"},
        {"a TLS client hello on the plain port",
         std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(64, '\x01') +
             "\r\n\r\n"},
    };
    for (const Case& attempt : cases) {
        INFO(attempt.what);
        const RawAnswer answer = send_raw(station, attempt.raw);
        INFO(answer.text.substr(0, 300));
        CHECK(answer.status == 400);
        CHECK(answer.code == "malformed_request");
    }
    CHECK(station.get("/healthz").status == 200);
}
