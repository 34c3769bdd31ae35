// The station's TLS, tried from outside: its own certificate, pinning by fingerprint, plain
// HTTP refused, the identity the console shows, renewal by the station's clock, a configured
// certificate, and hostile certificate files.

#include "http_support.hpp"
#include "station_fixture.hpp"
#include "station_tls.hpp"
#include "wellness/fingerprint.hpp"
#include "wellness/self_signed_certificate.hpp"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Util/MapConfiguration.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <set>
#include <sstream>
#include <sys/stat.h>

using namespace station_test;
using wellness::station::StationConfig;
using wellness::tls::PinnedContext;

namespace {


void with_tls(StationConfig& config) {
    config.tls_enabled = true;
}

std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Reply get_pinned(std::uint16_t port, const std::string& path, const std::string& fingerprint,
                 const std::string& token = "") {
    PinnedContext pins({fingerprint});
    return send(port, {"GET", path, "", "", token, {}, false}, &pins);
}

bool handshake_refused(std::uint16_t port, const std::string& fingerprint) {
    try {
        get_pinned(port, "/healthz", fingerprint);
    } catch (const Poco::Net::SSLException&) {
        return true;
    }
    return false;
}

} // namespace

TEST_CASE("A station makes its own P-256 certificate on first start and keeps it, key owner-only",
          "[station][tls]") {
    TestStation station(with_tls);
    REQUIRE(station.station().tls());
    const std::string fingerprint = station.station().tls()->fingerprint();
    const auto own = station.data_dir() / "tls" / "station.pem";
    CHECK(file_mode(own) == 0600);
    CHECK(file_mode(station.data_dir() / "tls") == 0700);

    const std::string pem = read_all(own);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    REQUIRE(key);
    CHECK(EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC);
    char curve[64] = {};
    std::size_t curve_length = 0;
    REQUIRE(EVP_PKEY_get_utf8_string_param(key.get(), "group", curve, sizeof curve,
                                           &curve_length) == 1);
    CHECK(std::string(curve) == "prime256v1");

    std::istringstream public_pem(read_all(station.data_dir() / "tls" / "station-certificate.pem"));
    Poco::Crypto::X509Certificate certificate(public_pem);
    std::set<std::string> names;
    std::string common_name;
    certificate.extractNames(common_name, names);
    CHECK(names.contains("localhost"));
    CHECK(certificate.expiresOn() > Poco::Timestamp());

    station.restart();
    CHECK(station.station().tls()->fingerprint() == fingerprint);
    CHECK(station.get("/healthz").status == 200); // the fixture pins the fingerprint
}

TEST_CASE("Only a client pinning the station's fingerprint gets through; nothing else is read",
          "[station][tls]") {
    TestStation station(with_tls);
    const std::string right = station.station().tls()->fingerprint();
    TestStation other(with_tls);
    const std::string wrong = other.station().tls()->fingerprint();
    REQUIRE(right != wrong);
    const std::string admin = station.admin_token();

    CHECK(get_pinned(station.port(), "/healthz", right).status == 200);
    CHECK(handshake_refused(station.port(), wrong));
    // A request sent with the wrong pin never reaches a handler: no kiosk is created.
    PinnedContext wrong_pins({wrong});
    CHECK_THROWS_AS(send(station.port(),
                         {"POST",
                          "/api/v1/admin/kiosks",
                          R"({"name":"ghost"})",
                          "application/json",
                          admin,
                          {},
                          false},
                         &wrong_pins),
                    Poco::Net::SSLException);
    CHECK(station.get("/api/v1/admin/kiosks", admin).json()["kiosks"].empty());
}

TEST_CASE("Plain HTTP to a TLS station gets no answer in clear", "[station][tls]") {
    TestStation station(with_tls);
    bool closed = false;
    std::string answer;
    try {
        answer = exchange_raw(station.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", closed);
    } catch (const Poco::Net::ConnectionResetException&) {
        closed = true; // refused outright: nothing in clear either
    }
    CHECK(answer.find("HTTP/1.1 200") == std::string::npos);
    CHECK(answer.find("content_version") == std::string::npos);
    CHECK(closed);
    CHECK(station.get("/healthz").status == 200); // and it still serves TLS clients
}

TEST_CASE("Plain HTTP may listen on loopback only", "[station][tls]") {
    StationConfig config;
    config.data_dir = "/tmp/unused";
    config.tls_enabled = false;
    for (const char* address : {"127.0.0.1", "::1", "localhost", "127.0.0.2"}) {
        config.bind_address = address;
        CHECK_NOTHROW(wellness::station::validate_config(config));
    }
    for (const char* address : {"0.0.0.0", "192.168.1.5", "::", "10.0.0.1"}) {
        config.bind_address = address;
        INFO(address);
        CHECK_THROWS_WITH(wellness::station::validate_config(config), Catch::Contains("loopback"));
    }
    config.tls_enabled = true;
    config.bind_address = "0.0.0.0";
    CHECK_NOTHROW(wellness::station::validate_config(config));
}

TEST_CASE("The TLS settings are read strictly and PBKDF2 cannot be configured below 600000",
          "[station][tls]") {
    Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
    StationConfig config;
    config.data_dir = "/tmp/unused";
    file->setString("tls.enabled", "false");
    file->setString("tls.names", "station.lan, 10.0.0.5");
    wellness::station::apply_configuration(*file, config);
    CHECK_FALSE(config.tls_enabled);
    CHECK(config.tls_names == std::vector<std::string>{"station.lan", "10.0.0.5"});
    file->setString("tls.enabled", "maybe");
    CHECK_THROWS_AS(wellness::station::apply_configuration(*file, config), std::invalid_argument);
    file->setString("tls.enabled", "true");
    file->setString("tls.names", "bad name,with space");
    CHECK_THROWS_AS(wellness::station::apply_configuration(*file, config), std::invalid_argument);
    file->setString("tls.names", "station.lan");
    file->setString("security.pbkdf2_iterations", "599999");
    CHECK_THROWS_WITH(wellness::station::apply_configuration(*file, config),
                      Catch::Contains("600000"));
    file->setString("security.pbkdf2_iterations", "600000");
    CHECK_NOTHROW(wellness::station::apply_configuration(*file, config));
    config.tls_certificate_file = "/etc/station.crt"; // without its key
    CHECK_THROWS_WITH(wellness::station::validate_config(config),
                      Catch::Contains("tls.private_key"));
}

TEST_CASE("The console's identity page, the PEM download and a new kiosk's code agree on the "
          "fingerprint",
          "[station][tls]") {
    TestStation station(with_tls);
    const std::string fingerprint = station.station().tls()->fingerprint();
    const Json identity = station.get("/api/v1/station").json();
    CHECK(identity["tls"] == true);
    CHECK(identity["fingerprint"] == fingerprint);
    CHECK(identity["certificate_expires_at"].is_string());
    const Reply pem = station.get("/station-certificate.pem");
    REQUIRE(pem.status == 200);
    CHECK(pem.header("Content-Type").starts_with("application/x-pem-file"));
    CHECK(wellness::tls::fingerprint_of_pem(pem.body) == fingerprint);
    const Reply created =
        station.post("/api/v1/admin/kiosks", {{"name", "room 2"}}, station.admin_token());
    REQUIRE(created.status == 201);
    CHECK(created.json()["station_fingerprint"] == fingerprint);

    TestStation plain;
    CHECK(plain.get("/api/v1/station").json()["tls"] == false);
    CHECK(plain.get("/station-certificate.pem").status == 404);
    CHECK_FALSE(plain.post("/api/v1/admin/kiosks", {{"name", "x"}}, plain.admin_token())
                    .json()
                    .contains("station_fingerprint"));
}

TEST_CASE("A renewal is made, announced to kiosks over the pinned channel, then takes over",
          "[station][tls]") {
    TestStation station([](StationConfig& config) {
        config.tls_enabled = true;
        config.tls_certificate_days = 30;
        config.tls_renew_days = 10;
    });
    const auto& tls = *station.station().tls();
    const std::string old_fingerprint = tls.fingerprint();
    const std::time_t ends = tls.not_after();
    const std::string kiosk = station.kiosk_token();

    // Before its moment: nothing announced.
    Reply manifest = get_pinned(station.port(), "/api/v1/kiosk/content", old_fingerprint, kiosk);
    REQUIRE(manifest.status == 200);
    CHECK(manifest.header("X-Station-Next-Certificate").empty());
    CHECK_FALSE(tls.next_fingerprint());

    // Ten days before the end: the next one is made, kept owner-only, and announced.
    station.now = ends - 10 * day + 60;
    manifest = get_pinned(station.port(), "/api/v1/kiosk/content", old_fingerprint, kiosk);
    REQUIRE(manifest.status == 200);
    REQUIRE(tls.next_fingerprint());
    const std::string next = *tls.next_fingerprint();
    CHECK(next != old_fingerprint);
    CHECK(manifest.header("X-Station-Next-Certificate") == next);
    CHECK(file_mode(station.data_dir() / "tls" / "next.pem") == 0600);
    CHECK(
        get_pinned(station.port(), "/api/v1/station", old_fingerprint).json()["next_fingerprint"] ==
        next);

    // Five days before the end it takes over: the old pin alone no longer gets through.
    station.now = ends - 5 * day + 60;
    CHECK(handshake_refused(station.port(), old_fingerprint));
    CHECK(get_pinned(station.port(), "/healthz", next).status == 200);
    CHECK(tls.fingerprint() == next);
    CHECK_FALSE(tls.next_fingerprint());
    CHECK(wellness::tls::fingerprint_of_pem(
              read_all(station.data_dir() / "tls" / "station-certificate.pem")) == next);
    CHECK_FALSE(std::filesystem::exists(station.data_dir() / "tls" / "next.pem"));

    // And it is the one a restart keeps.
    station.restart();
    CHECK(station.station().tls()->fingerprint() == next);
}

TEST_CASE("A station off past its certificate's end announces the next one before it takes over",
          "[station][tls]") {
    TestStation station([](StationConfig& config) {
        config.tls_enabled = true;
        config.tls_certificate_days = 30;
        config.tls_renew_days = 10;
    });
    const auto& tls = *station.station().tls();
    const std::string old_fingerprint = tls.fingerprint();
    const std::time_t ends = tls.not_after();
    station.now = ends + 100 * day; // long after the end: kiosks still only know the old one
    CHECK(get_pinned(station.port(), "/healthz", old_fingerprint).status == 200);
    REQUIRE(tls.next_fingerprint());
    const std::string next = *tls.next_fingerprint();
    station.now = station.now + 5 * day - 3600; // not yet announced for half the renewal time
    CHECK(get_pinned(station.port(), "/healthz", old_fingerprint).status == 200);
    station.now = station.now + 2 * 3600;
    CHECK(handshake_refused(station.port(), old_fingerprint));
    CHECK(get_pinned(station.port(), "/healthz", next).status == 200);
}

TEST_CASE("A configured certificate is served as it is; hostile certificate files are refused",
          "[station][tls]") {
    TempDir dir;
    const std::time_t now = wednesday_of_2026_w47();
    auto made = wellness::tls::make_self_signed_certificate({"station.example"}, now - day,
                                                            now + 400 * day);
    auto other =
        wellness::tls::make_self_signed_certificate({"other.example"}, now - day, now + 400 * day);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir.path() / name, std::ios::binary) << text;
        return dir.path() / name;
    };
    const auto key_file = write("station.key", made.private_key_pem);
    const auto certificate_file = write("station.crt", made.certificate_pem);
    {
        TestStation station([&](StationConfig& config) {
            config.tls_enabled = true;
            config.tls_certificate_file = certificate_file;
            config.tls_private_key_file = key_file;
        });
        CHECK(station.station().tls()->fingerprint() ==
              wellness::tls::fingerprint_of_pem(made.certificate_pem));
        CHECK(station.get("/healthz").status == 200);
        CHECK_FALSE(std::filesystem::exists(station.data_dir() / "tls" / "station.pem"));
    }
    auto refused = [&](const std::filesystem::path& certificate, const std::filesystem::path& key,
                       const std::string& words) {
        INFO(words);
        CHECK_THROWS_WITH(TestStation([&](StationConfig& config) {
                              config.tls_enabled = true;
                              config.tls_certificate_file = certificate;
                              config.tls_private_key_file = key;
                          }),
                          Catch::Contains(words));
    };
    refused(certificate_file, write("other.key", other.private_key_pem), "does not belong");
    refused(write("garbage.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            key_file, "no certificate");
    refused(certificate_file, write("empty.key", ""), "no private key");
    refused(certificate_file, dir.path() / "missing.key", "cannot read");
    refused(write("huge.crt", std::string(100 * 1024, 'A')), key_file, "cannot read");
}

TEST_CASE("A damaged own certificate stops the station with words, and is not replaced",
          "[station][tls]") {
    TempDir dir;
    const auto data = dir.path() / "data";
    std::string fingerprint;
    {
        TestStation station(with_tls, data);
        fingerprint = station.station().tls()->fingerprint();
    }
    const auto own = data / "tls" / "station.pem";
    std::string pem = read_all(own);
    pem.resize(pem.size() / 2); // cut in the middle, as a bad disk or a tamperer might
    std::ofstream(own, std::ios::binary | std::ios::trunc) << pem;
    CHECK_THROWS_WITH(TestStation(with_tls, data), Catch::Contains("station.pem"));
    CHECK(read_all(own) == pem); // left for the operator to look at, kiosks' pin untouched
}

TEST_CASE("The station tells anyone its configured name and the summary rules, and refuses a "
          "name that is empty, too long or holds control characters, and a kiosk contact "
          "interval outside a minute to a day",
          "[station][identity]") {
    Poco::AutoPtr<Poco::Util::MapConfiguration> file(new Poco::Util::MapConfiguration);
    StationConfig config;
    for (const std::string& bad : {std::string(), std::string(81, 'x'), std::string("Room\n2")}) {
        file->setString("station.name", bad);
        CHECK_THROWS_WITH(wellness::station::apply_configuration(*file, config),
                          Catch::Contains("station.name"));
    }
    CHECK(config.station_name == "Wellness station");
    file->setString("station.name", "North precinct");
    for (const std::string& bad : {std::string("59"), std::string("86401"), std::string("1h")}) {
        file->setString("kiosks.contact_interval_seconds", bad);
        CHECK_THROWS_WITH(wellness::station::apply_configuration(*file, config),
                          Catch::Contains("kiosks.contact_interval_seconds"));
    }
    file->setString("kiosks.contact_interval_seconds", "600");
    wellness::station::apply_configuration(*file, config);
    CHECK(config.kiosk_contact_interval == std::chrono::seconds(600));

    TestStation station([](StationConfig& tweaked) {
        tweaked.station_name = "North precinct, 2nd floor";
        tweaked.k = 7;
        tweaked.seal_after_days = 21;
    });
    const Json identity = station.get("/api/v1/station").json();
    CHECK(identity["name"] == "North precinct, 2nd floor");
    CHECK(identity["k"] == 7);
    CHECK(identity["seal_after_days"] == 21);
    // The station's own clock, not the machine's: here a Wednesday of 2026-W47.
    CHECK(identity["time"] == wellness::station::utc_timestamp(station.now.load()));
}
