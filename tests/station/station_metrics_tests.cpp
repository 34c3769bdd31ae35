// GET /metrics scraped over real HTTP from the real station, as Prometheus would: the text
// format, the metrics token, kiosks by health, and that no number follows what anyone did.

#include "station_fixture.hpp"
#include "station_metrics.hpp"
#include "wellness/iso_week.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

using namespace station_test;
using wellness::station::PrometheusText;

namespace {

using Labels = std::map<std::string, std::string>;

struct Family {
    std::string help;
    std::string type;
    std::map<Labels, double> samples;
};

// A strict reader of the text exposition format (0.0.4): every sample follows its family's
// HELP and TYPE lines, names and label names are valid, label values' escapes are undone, and
// a repeated family or series, or anything else, fails the test.
class Exposition {
  public:
    explicit Exposition(const std::string& text) {
        REQUIRE_FALSE(text.empty());
        REQUIRE(text.back() == '\n');
        std::istringstream lines(text);
        std::string line;
        std::string current;
        while (std::getline(lines, line)) {
            INFO(line);
            REQUIRE_FALSE(line.empty());
            if (line.rfind("# HELP ", 0) == 0) {
                auto rest = line.substr(7);
                auto space = rest.find(' ');
                REQUIRE(space != std::string::npos);
                current = rest.substr(0, space);
                REQUIRE(std::regex_match(current, metric_name()));
                REQUIRE_FALSE(families_.contains(current));
                families_[current].help = unescape(rest.substr(space + 1), false);
                continue;
            }
            if (line.rfind("# TYPE ", 0) == 0) {
                auto rest = line.substr(7);
                auto space = rest.find(' ');
                REQUIRE(space != std::string::npos);
                REQUIRE(rest.substr(0, space) == current); // HELP first, then TYPE
                REQUIRE(families_[current].type.empty());
                families_[current].type = rest.substr(space + 1);
                REQUIRE(
                    (families_[current].type == "counter" || families_[current].type == "gauge"));
                continue;
            }
            REQUIRE(line[0] != '#');
            read_sample(line, current);
        }
    }

    const Family& family(const std::string& name) const {
        INFO(name);
        REQUIRE(families_.contains(name));
        return families_.at(name);
    }
    bool has(const std::string& name) const { return families_.contains(name); }
    const std::map<std::string, Family>& families() const { return families_; }
    double value(const std::string& name, const Labels& labels = {}) const {
        const auto& samples = family(name).samples;
        INFO(name);
        REQUIRE(samples.contains(labels));
        return samples.at(labels);
    }

    static std::string unescape(const std::string& text, bool quote) {
        std::string plain;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '\\') {
                plain += text[i];
                continue;
            }
            REQUIRE(i + 1 < text.size());
            char next = text[++i];
            if (next == 'n')
                plain += '\n';
            else if (next == '\\')
                plain += '\\';
            else if (quote && next == '"')
                plain += '"';
            else
                FAIL("a stray escape: \\" << next);
        }
        return plain;
    }

  private:
    static const std::regex& metric_name() {
        static const std::regex name("[a-zA-Z_:][a-zA-Z0-9_:]*");
        return name;
    }

    void read_sample(const std::string& line, const std::string& current) {
        std::size_t at = 0;
        while (at < line.size() && line[at] != '{' && line[at] != ' ')
            ++at;
        const std::string name = line.substr(0, at);
        REQUIRE(name == current);
        REQUIRE_FALSE(families_[current].type.empty());
        Labels labels;
        if (line[at] == '{') {
            ++at;
            while (line.at(at) != '}') {
                auto equals = line.find('=', at);
                REQUIRE(equals != std::string::npos);
                std::string label = line.substr(at, equals - at);
                REQUIRE(std::regex_match(label, std::regex("[a-zA-Z_][a-zA-Z0-9_]*")));
                REQUIRE(line.at(equals + 1) == '"');
                std::size_t end = equals + 2;
                std::string raw;
                while (line.at(end) != '"') {
                    if (line[end] == '\\') {
                        raw += line[end++];
                    }
                    raw += line.at(end++);
                }
                REQUIRE_FALSE(labels.contains(label));
                labels[label] = unescape(raw, true);
                at = end + 1;
                if (line.at(at) == ',')
                    ++at;
            }
            ++at;
        }
        REQUIRE(line.at(at) == ' ');
        const std::string number = line.substr(at + 1);
        std::size_t used = 0;
        double value = std::stod(number, &used);
        REQUIRE(used == number.size());
        REQUIRE_FALSE(families_[current].samples.contains(labels));
        families_[current].samples[labels] = value;
    }

    std::map<std::string, Family> families_;
};

std::string make_metrics_token(TestStation& station) {
    const Reply made =
        station.post("/api/v1/admin/metrics-token", Json::object(), station.admin_token());
    REQUIRE(made.status == 201);
    return made.json()["token"].get<std::string>();
}

Exposition scrape(TestStation& station, const std::string& token) {
    const Reply reply = station.get("/metrics", token);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    CHECK(reply.header("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
    return Exposition(reply.body);
}

std::string previous_week(const TestStation& station) {
    return wellness::IsoWeek::from_local_time(station.now.load()).prev().to_string();
}

} // namespace

TEST_CASE("Prometheus text escapes label values and HELP text so that a reader gets them back",
          "[station][metrics]") {
    PrometheusText text;
    text.family("wellness_test_total", PrometheusText::Type::counter,
                "a help with a \\ and a\nline break");
    text.sample({{"route", "a \"quoted\" \\ path\nwith a line break"}}, 3);
    text.sample({{"route", "plain"}}, 0.5);
    const Exposition read(text.text());
    CHECK(text.text().find("a \\\"quoted\\\" \\\\ path\\nwith") != std::string::npos);
    CHECK(read.family("wellness_test_total").help == "a help with a \\ and a\nline break");
    CHECK(read.family("wellness_test_total").type == "counter");
    CHECK(read.value("wellness_test_total",
                     {{"route", "a \"quoted\" \\ path\nwith a line break"}}) == 3);
    CHECK(read.value("wellness_test_total", {{"route", "plain"}}) == 0.5);
    CHECK_THROWS(text.family("not a name", PrometheusText::Type::gauge, "x"));
    CHECK_THROWS(text.sample({{"bad-label", "x"}}, 1));
}

TEST_CASE("A metrics token file that holds no valid hash means no token, and a token that "
          "is made survives a restart as its hash alone",
          "[station][metrics]") {
    using wellness::station::MetricsToken;
    TempDir dir;
    const auto file = dir.path() / wellness::station::metrics_token_file;
    CHECK_FALSE(MetricsToken(file).configured()); // no file
    for (const std::string& stored :
         {std::string(), std::string("not a hash\n"), std::string(64, 'A') + "\n",
          std::string(63, 'a') + "\n", std::string(64, 'a') + "x\n", std::string(100000, 'a')}) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << stored;
        MetricsToken token(file);
        CHECK_FALSE(token.configured());
        CHECK_FALSE(token.matches(""));
        CHECK_FALSE(token.matches(stored));
    }
    std::string made;
    {
        MetricsToken token(file);
        made = token.issue();
        CHECK(token.matches(made));
    }
    MetricsToken reread(file);
    CHECK(reread.configured());
    CHECK(reread.matches(made));
    CHECK_FALSE(reread.matches(made + " "));
    reread.revoke();
    CHECK_FALSE(MetricsToken(file).configured());
}

TEST_CASE("A scraper with the admin's metrics token reads every family of /metrics in "
          "Prometheus text format, routes named by their patterns",
          "[station][metrics]") {
    TestStation station;
    const std::string token = make_metrics_token(station);
    const std::string admin = station.admin_token();
    CHECK(station.del("/api/v1/admin/kiosks/987654", admin).status == 404);
    CHECK(station.get("/no/such/path/123").status == 404);
    CHECK(station.get("/healthz").status == 200);

    const Exposition metrics = scrape(station, token);
    const std::map<std::string, std::string> types{
        {"wellness_station_http_requests_total", "counter"},
        {"wellness_station_http_errors_total", "counter"},
        {"wellness_station_sync_failures_total", "counter"},
        {"wellness_station_storage_ok", "gauge"},
        {"wellness_station_wal_bytes", "gauge"},
        {"wellness_station_kiosks", "gauge"}};
    for (const auto& [name, type] : types) {
        INFO(name);
        CHECK(metrics.family(name).type == type);
        CHECK_FALSE(metrics.family(name).help.empty());
    }
    // Plain HTTP: no certificate to count days of (the TLS tests' station has one).
    CHECK_FALSE(metrics.has("wellness_station_tls_certificate_days_left"));

    CHECK(metrics.value("wellness_station_http_requests_total", {{"route", "/healthz"}}) == 1);
    CHECK(metrics.value("wellness_station_http_errors_total",
                        {{"route", "/api/v1/admin/kiosks/*"}, {"class", "4xx"}}) == 1);
    CHECK(metrics.value("wellness_station_http_errors_total",
                        {{"route", "unmatched"}, {"class", "4xx"}}) == 1);
    CHECK(metrics.value("wellness_station_sync_failures_total",
                        {{"route", "/api/v1/kiosk/counts"}}) == 0);
    CHECK(metrics.value("wellness_station_storage_ok") == 1);
    CHECK(metrics.value("wellness_station_kiosks", {{"state", "ok"}}) == 0);
    // Route labels are patterns: no path's own words or ids.
    for (const auto& [name, family] : metrics.families())
        for (const auto& [labels, value] : family.samples)
            for (const auto& [label, text] : labels) {
                INFO(name << " " << label << "=" << text);
                CHECK(text.find("987654") == std::string::npos);
                CHECK(text.find("123") == std::string::npos);
            }
}

TEST_CASE("/metrics counts a kiosk's failed syncs and, under TLS, the certificate's days left",
          "[station][metrics][tls]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.tls_enabled = true;
        config.tls_certificate_days = 90;
        config.tls_renew_days = 30;
    });
    const std::string token = make_metrics_token(station);
    const std::string kiosk = station.kiosk_token("room 1", 0);
    CHECK(station.post("/api/v1/kiosk/counts", Json{{"batch_id", "not a uuid"}}, kiosk).status ==
          422);
    CHECK(station.get("/api/v1/kiosk/content", "k1.wrong").status == 401);

    const Exposition metrics = scrape(station, token);
    CHECK(metrics.value("wellness_station_sync_failures_total",
                        {{"route", "/api/v1/kiosk/counts"}}) == 1);
    CHECK(metrics.value("wellness_station_sync_failures_total",
                        {{"route", "/api/v1/kiosk/content"}}) == 1);
    CHECK(metrics.family("wellness_station_tls_certificate_days_left").type == "gauge");
    const double days = metrics.value("wellness_station_tls_certificate_days_left");
    CHECK(days >= 89);
    CHECK(days <= 90);
    station.now += 30 * 24 * 3600;
    CHECK(scrape(station, token).value("wellness_station_tls_certificate_days_left") == days - 30);
}

TEST_CASE("/metrics answers 401 without the metrics token, with a wrong, an admin's or a revoked "
          "one, and no token reaches the log or the disk in clear",
          "[station][metrics]") {
    TestStation station;
    const std::string admin = station.admin_token();
    CHECK(station.get("/metrics").status == 401);
    CHECK(station.get("/metrics").error_code() == "unauthenticated");
    CHECK(station.get("/metrics", "m.anything").error_code() == "invalid_token"); // none made yet
    CHECK(station.get("/api/v1/admin/metrics-token", admin).json()["configured"] == false);

    // Only admins make and revoke it.
    CHECK(station.post("/api/v1/admin/metrics-token", Json::object()).status == 401);
    CHECK(station.post("/api/v1/admin/metrics-token", Json::object(), station.coordinator_token())
              .status == 403);
    const std::string first = make_metrics_token(station);
    CHECK(station.get("/api/v1/admin/metrics-token", admin).json()["configured"] == true);
    CHECK(station.get("/metrics", first).status == 200);
    CHECK(station.get("/metrics", admin).status == 401);
    CHECK(station.get("/metrics", first + "x").status == 401);
    CHECK(station.get("/metrics", std::string(4000, 'm')).status == 401);

    // A new token replaces the old one; a revoked one stops working.
    const std::string second = make_metrics_token(station);
    CHECK(second != first);
    CHECK(station.get("/metrics", first).status == 401);
    CHECK(station.get("/metrics", second).status == 200);
    CHECK(station.del("/api/v1/admin/metrics-token", admin).json()["configured"] == false);
    CHECK(station.get("/metrics", second).status == 401);
    const std::string third = make_metrics_token(station);

    // Kept across a restart, as its hash only, readable by the service user alone.
    station.restart();
    CHECK(station.get("/metrics", third).status == 200);
    const auto file = station.data_dir() / wellness::station::metrics_token_file;
    std::ifstream in(file);
    std::string stored;
    std::getline(in, stored);
    CHECK(std::regex_match(stored, std::regex("[0-9a-f]{64}")));
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

    for (const auto& line : station.log_lines()) {
        INFO(line);
        for (const auto& token : {first, second, third}) {
            CHECK(line.find(token) == std::string::npos);
            CHECK(line.find(token.substr(2)) == std::string::npos);
        }
    }
}

TEST_CASE("/metrics and the console's kiosk list say a kiosk is ok, late after two contact "
          "intervals and silent after a day, and ok again once it calls",
          "[station][metrics]") {
    TestStation station([](wellness::station::StationConfig& config) {
        config.kiosk_contact_interval = std::chrono::seconds(1800);
    });
    const std::string token = make_metrics_token(station);
    const std::string admin = station.admin_token();
    const std::string kiosk = station.kiosk_token("room 1", 0);
    station.kiosk_token("room 2", 0);
    station.post("/api/v1/admin/kiosks", Json{{"name", "not enrolled yet"}}, admin);

    auto states = [&] {
        const Exposition metrics = scrape(station, token);
        std::map<std::string, double> by_state;
        for (const auto* state : {"ok", "late", "silent"})
            by_state[state] = metrics.value("wellness_station_kiosks", {{"state", state}});
        return by_state;
    };
    auto console_health = [&] {
        std::multiset<std::string> health;
        // Signed in afresh: a day later the morning's session has expired.
        const Json listed = station.get("/api/v1/admin/kiosks", station.admin_token()).json();
        for (const auto& row : listed["kiosks"])
            health.insert(row["health"].is_null() ? "null" : row["health"].get<std::string>());
        return health;
    };
    CHECK(states() == std::map<std::string, double>{{"ok", 2}, {"late", 0}, {"silent", 0}});
    CHECK(console_health() == std::multiset<std::string>{"ok", "ok", "waiting_for_enrollment"});

    station.now += 3600; // two intervals exactly
    CHECK(states() == std::map<std::string, double>{{"ok", 2}, {"late", 0}, {"silent", 0}});
    station.now += 1;
    CHECK(states() == std::map<std::string, double>{{"ok", 0}, {"late", 2}, {"silent", 0}});
    CHECK(console_health() == std::multiset<std::string>{"late", "late", "waiting_for_enrollment"});

    station.now += 23 * 3600;
    REQUIRE(station.get("/api/v1/kiosk/content", kiosk).status == 200);
    CHECK(states() == std::map<std::string, double>{{"ok", 1}, {"late", 0}, {"silent", 1}});
    CHECK(console_health() == std::multiset<std::string>{"ok", "silent", "waiting_for_enrollment"});
}

TEST_CASE("No number in /metrics follows what kiosks report: releases of many visits or none "
          "move only the counts route's request counter, and no label names a kiosk",
          "[station][metrics][privacy]") {
    TestStation station;
    const std::string token = make_metrics_token(station);
    const std::string week = previous_week(station);
    std::vector<std::string> kiosks;
    for (const auto* name : {"room a", "room b", "room c"}) {
        kiosks.push_back(station.kiosk_token(name, 26));
        // Their hourly contact, as before any release.
        REQUIRE(station.get("/api/v1/kiosk/content", kiosks.back()).status == 200);
    }
    const Exposition before = scrape(station, token);

    const std::vector<int> visits{0, 7, 480};
    for (std::size_t i = 0; i < kiosks.size(); ++i) {
        Json batch = visits[i] == 0
                         ? release_batch(week, {})
                         : release_batch(week, counters({{"visit", "start", visits[i]},
                                                         {"checkin.level", "reacting", 3},
                                                         {"crisis.viewed", "list", visits[i]}}));
        REQUIRE(station.post("/api/v1/kiosk/counts", batch, kiosks[i]).json()["status"] ==
                "applied");
    }
    const Exposition after = scrape(station, token);

    REQUIRE(before.families().size() == after.families().size());
    for (const auto& [name, family] : after.families()) {
        INFO(name);
        REQUIRE(before.has(name));
        const auto& earlier = before.family(name).samples;
        REQUIRE(earlier.size() == family.samples.size());
        for (const auto& [labels, value] : family.samples) {
            for (const auto& [label, text] : labels) {
                INFO(label << "=" << text);
                CHECK(text.find("room") == std::string::npos);
                CHECK(label != "kiosk");
            }
            REQUIRE(earlier.contains(labels));
            double moved = value - earlier.at(labels);
            const auto route = labels.contains("route") ? labels.at("route") : "";
            if (name == "wellness_station_http_requests_total" && route == "/api/v1/kiosk/counts")
                CHECK(moved == 3); // one answer per release, whatever it held
            else if (name == "wellness_station_http_requests_total" && route == "/metrics")
                CHECK(moved == 1); // the first scrape
            else
                CHECK(moved == 0);
        }
    }
}
