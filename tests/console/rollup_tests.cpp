// station-rollup against real station-server processes on loopback: two that answer, one
// port with nothing listening. Counts go in through the kiosk API, tokens through the admin
// API, exactly as in production.

#include "../summary_csv_reader.hpp"
#include "rollup_options.hpp"
#include "stations_file.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"
#include "wellness/disclosure_audit.hpp"
#include "wellness/suppression.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/UUIDGenerator.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using summary_test::summary_from_csv;

using nlohmann::json;
using namespace wellness::rollup;

namespace {

struct HttpAnswer {
    int status = 0;
    std::string body;
};

HttpAnswer http(int port, const std::string& method, const std::string& path,
                const std::string& token = {}, const std::string& body = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty())
        request.set("Authorization", "Bearer " + token);
    if (!body.empty()) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(request) << body;
    } else {
        session.sendRequest(request);
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

json json_of(const HttpAnswer& answer, int expected_status) {
    INFO(answer.body);
    REQUIRE(answer.status == expected_status);
    return json::parse(answer.body);
}

using Instant = std::chrono::sys_seconds;

// Noon UTC of a day.
Instant noon(std::chrono::year_month_day day) {
    return std::chrono::sys_days{day} + std::chrono::hours{12};
}

// Wednesday of 2026-W43: the weeks counted below have ended, and none is sealed yet.
const Instant counting_time = noon(std::chrono::year{2026} / std::chrono::October / 21);
// 2 December 2026: 2026-W47 has ended and W36..W46 are sealed (14 days after their end).
const Instant reading_time = noon(std::chrono::year{2026} / std::chrono::December / 2);

// Seconds to add to the station's clock so that it reads `wanted`.
long clock_offset_to(Instant wanted) {
    using namespace std::chrono;
    return static_cast<long>(
        duration_cast<seconds>(wanted - floor<seconds>(system_clock::now())).count());
}

class StationProcess {
  public:
    // A station whose clock reads `at`; weeks seal `seal_after_days` after they end.
    explicit StationProcess(Instant at = counting_time, int seal_after_days = 14)
        : data_dir_(Poco::TemporaryFile::tempName()) {
        std::filesystem::create_directories(data_dir_);
        std::ofstream(data_dir_ / "station.properties")
            << "summary.seal_after_days = " << seal_after_days
            << "\n"
            // The kiosk is enrolled half a year back; its token must outlive that.
            << "security.kiosk_token_days = 730\n";
        // Its kiosk was enrolled half a year before: a station takes no week from before a
        // kiosk's enrollment.
        launch(at - std::chrono::weeks{26});
        REQUIRE(!password_.empty());
        sign_in();
        enroll_kiosk();
        restart_at(at);
    }
    ~StationProcess() {
        end();
        std::error_code ignored;
        std::filesystem::remove_all(data_dir_, ignored);
    }
    StationProcess(const StationProcess&) = delete;
    StationProcess& operator=(const StationProcess&) = delete;

    // Stops the station and starts it again on its data with its clock at `at`.
    void restart_at(Instant at) {
        end();
        port_ = 0;
        launch(at);
        sign_in();
    }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    void stop() { end(); }

    std::string coordinator_token(const std::string& label) {
        return json_of(http(port_, "POST", "/api/v1/admin/coordinator-tokens", admin_token_,
                            json{{"label", label}}.dump()),
                       201)["token"];
    }

    // Posts the kiosk's closed-week counts through the kiosk API, as the kiosk releases them:
    // one batch of each week's full release (core's decide_release over the station's content
    // catalogue, every other key zero).
    void post_counts(const json& counts) {
        auto manifest = json_of(http(port_, "GET", "/api/v1/kiosk/content", kiosk_token_), 200);
        auto content = wellness::parse_content(manifest["document"]);
        REQUIRE(content.document);
        const auto catalogue = wellness::catalogue_keys(*content.document);
        std::map<std::string, wellness::Counters> weeks;
        for (const auto& entry : counts)
            weeks[entry["week"].get<std::string>()]
                 [{entry["metric"].get<std::string>(), entry["key"].get<std::string>()}] =
                     entry["n"].get<std::int64_t>();
        wellness::CountsBatch batch;
        batch.batch_id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        for (const auto& [week, counters] : weeks) {
            auto release = wellness::decide_release(*wellness::IsoWeek::parse(week), catalogue,
                                                    counters, {}, wellness::default_k, "");
            REQUIRE_FALSE(release.pooled);
            REQUIRE(release.dropped == 0);
            batch.counts.insert(batch.counts.end(), release.batch.counts.begin(),
                                release.batch.counts.end());
        }
        auto applied = json_of(http(port_, "POST", "/api/v1/kiosk/counts", kiosk_token_,
                                    wellness::encode_batch(batch)),
                               200);
        REQUIRE(applied["status"] == "applied");
    }

  private:
    void enroll_kiosk() {
        auto kiosk = json_of(http(port_, "POST", "/api/v1/admin/kiosks", admin_token_,
                                  json{{"name", "wellness room"}}.dump()),
                             201);
        kiosk_token_ = json_of(http(port_, "POST", "/api/v1/kiosk/enroll", {},
                                    json{{"enrollment_code", kiosk["enrollment_code"]}}.dump()),
                               200)["token"];
    }
    void end() {
        if (!handle_)
            return;
        Poco::Process::requestTermination(handle_->id());
        handle_->wait();
        handle_.reset();
    }
    void sign_in() {
        admin_token_ = json_of(http(port_, "POST", "/api/v1/admin/session", {},
                                    json{{"username", "admin"}, {"password", password_}}.dump()),
                               200)["token"];
    }
    void launch(Instant at) {
        Poco::Process::Args args{"serve",
                                 "--data",
                                 data_dir_.string(),
                                 "--port",
                                 "0",
                                 "--bind",
                                 "127.0.0.1",
                                 "--config",
                                 (data_dir_ / "station.properties").string(),
                                 "--clock-offset",
                                 std::to_string(clock_offset_to(at)),
                                 "--plain-http"};
        out_ = std::make_unique<Poco::Pipe>();
        handle_ = std::make_unique<Poco::ProcessHandle>(
            Poco::Process::launch(STATION_SERVER_BINARY, args, nullptr, out_.get(), nullptr));
        Poco::PipeInputStream in(*out_);
        const std::regex listening(R"(^listening on 127\.0\.0\.1:(\d+)$)");
        std::string line;
        for (int i = 0; i < 50 && port_ == 0 && std::getline(in, line); ++i) {
            std::smatch match;
            if (std::regex_search(line, match, listening))
                port_ = std::stoi(match[1]);
        }
        REQUIRE(port_ > 0);
        // The first start made the admin's password; it is in a file, never in the output.
        if (password_.empty())
            std::getline(std::ifstream(data_dir_ / "first-admin-password"), password_);
    }

    std::filesystem::path data_dir_;
    std::unique_ptr<Poco::Pipe> out_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    int port_ = 0;
    std::string password_;
    std::string admin_token_;
    std::string kiosk_token_;
};

json count(const std::string& week, const std::string& metric, const std::string& key, int n) {
    return {{"week", week}, {"metric", metric}, {"key", key}, {"n", n}};
}

// A loopback port with nothing listening on it: bound, then released.
int free_port_with_nothing_listening() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    int port = socket.address().port();
    socket.close();
    return port;
}

struct RollupRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

RollupRun run_rollup(const std::vector<std::string>& arguments) {
    Poco::Pipe out;
    Poco::Pipe err;
    Poco::Process::Args args(arguments.begin(), arguments.end());
    auto handle = Poco::Process::launch(STATION_ROLLUP_BINARY, args, nullptr, &out, &err);
    RollupRun run;
    Poco::PipeInputStream out_stream(out);
    Poco::StreamCopier::copyToString(out_stream, run.out);
    Poco::PipeInputStream err_stream(err);
    Poco::StreamCopier::copyToString(err_stream, run.err);
    run.exit_code = handle.wait();
    return run;
}

std::string write_temp_file(const std::string& text) {
    std::string path = Poco::TemporaryFile::tempName();
    std::ofstream(path) << text;
    Poco::TemporaryFile::registerForDeletion(path);
    return path;
}

const json* find_row(const json& summary, const std::string& metric, const std::string& key) {
    for (const auto& row : summary["rows"])
        if (row["metric"] == metric && row["key"] == key)
            return &row;
    return nullptr;
}

} // namespace

TEST_CASE("The rollup merges the stations that answer, names the one that is down, and never "
          "reveals a count a station hid",
          "[rollup]") {
    StationProcess small_station; // its "sleep" topic is under k
    StationProcess busy_station;
    small_station.post_counts({count("2026-W41", "visit", "start", 12),
                               count("2026-W41", "checkin.topic", "sleep", 3),
                               count("2026-W41", "checkin.topic", "workload", 9),
                               count("2026-W41", "checkin.topic", "family", 8)});
    busy_station.post_counts({count("2026-W42", "visit", "start", 15),
                              count("2026-W42", "checkin.topic", "sleep", 7),
                              count("2026-W42", "checkin.topic", "workload", 10),
                              count("2026-W42", "checkin.topic", "family", 9)});
    // Counted before W41 and W42 were sealed, read after.
    small_station.restart_at(reading_time);
    busy_station.restart_at(reading_time);
    const std::string down_url =
        "http://127.0.0.1:" + std::to_string(free_port_with_nothing_listening());

    // The small station itself hides its "sleep" count.
    auto own = json_of(http(small_station.port(), "GET",
                            "/api/v1/summary?from=2026-W40&to=2026-W47&period=total",
                            small_station.coordinator_token("check")),
                       200);
    REQUIRE(find_row(own, "checkin.topic", "sleep") != nullptr);
    REQUIRE((*find_row(own, "checkin.topic", "sleep"))["suppressed"] == true);

    const std::string stations = "# precincts of the region\n" + small_station.url() + " " +
                                 small_station.coordinator_token("region") + "\n\n" +
                                 busy_station.url() + " " +
                                 busy_station.coordinator_token("region") + "  # the busy one\n" +
                                 down_url + " some-token-of-a-station-that-is-off\n";
    const std::string stations_file = write_temp_file(stations);
    const std::vector<std::string> base{"--stations", stations_file, "--from", "2026-W40",  "--to",
                                        "2026-W47",   "--period",    "total",  "--timeout", "3"};

    SECTION("as JSON") {
        auto run = run_rollup(base);
        INFO(run.err);
        REQUIRE(run.exit_code == 0);
        auto merged = json::parse(run.out);
        CHECK(merged["unreachable"] == json::array({down_url}));
        CHECK(run.err.find(down_url) != std::string::npos);
        CHECK(run.err.find("some-token") == std::string::npos); // tokens never printed
        CHECK(merged["answered"] == 2);
        const json* visits = find_row(merged, "visit", "start");
        REQUIRE(visits != nullptr);
        CHECK((*visits)["n"] == 27);
        const json* sleep = find_row(merged, "checkin.topic", "sleep");
        REQUIRE(sleep != nullptr);
        CHECK((*sleep)["suppressed"] == true);
        CHECK((*sleep)["n"].is_null());
        CHECK((*sleep)["at_least"] ==
              7); // what the busy station showed; the small one's 3 stays hidden
        for (const auto& row : merged["rows"])
            if (row["metric"] == "checkin.topic" && row["key"] == "sleep")
                CHECK(row.value("at_least", 0) != 10);
        // Each station's one kiosk released one week of the published W40..W46; the merged
        // figures add the stations' kiosks up, week by week.
        REQUIRE(merged["published_through"] == "2026-W46");
        REQUIRE(merged["kiosks_reporting"].size() == 7);
        CHECK(merged["kiosks_reporting"][1] ==
              json::parse(R"({"week": "2026-W41", "released": 1, "enrolled": 2})"));
        CHECK(merged["kiosks_reporting"][0] ==
              json::parse(R"({"week": "2026-W40", "released": 0, "enrolled": 2})"));
    }

    SECTION("as CSV") {
        auto with_csv = base;
        with_csv.insert(with_csv.end(), {"--format", "csv"});
        auto run = run_rollup(with_csv);
        INFO(run.err);
        REQUIRE(run.exit_code == 0);
        CHECK(run.out.rfind("period,metric,key,n,suppressed,at_least,kiosks_reported\r\n", 0) == 0);
        CHECK(run.out.find("total,visit,start,27,false,,2 of 14\r\n") != std::string::npos);
        CHECK(run.out.find("total,checkin.topic,sleep,,true,7,2 of 14\r\n") != std::string::npos);
        CHECK(run.err.find(down_url) != std::string::npos);
    }

    SECTION("exits non-zero only when no station answers") {
        const std::string none_file = write_temp_file(
            down_url + " token-a\n" + small_station.url() + " a-token-the-station-never-issued\n");
        auto run = run_rollup({"--stations", none_file, "--from", "2026-W40", "--to", "2026-W47",
                               "--period", "week", "--timeout", "3"});
        CHECK(run.exit_code == 1);
        CHECK(run.out.empty());
        CHECK(run.err.find(down_url) != std::string::npos);
        CHECK(run.err.find(small_station.url()) != std::string::npos);
        CHECK(run.err.find("401") != std::string::npos);
    }
}

TEST_CASE("The rollup trusts an https station by the fingerprint in its stations file only",
          "[rollup][tls]") {
    StationProcess setup(reading_time);
    const std::string token = setup.coordinator_token("region");
    setup.stop();
    // The same station as in production: HTTPS with its own certificate.
    std::filesystem::remove(setup.data_dir() / "port");
    Poco::Process::Args args{"serve",
                             "--data",
                             setup.data_dir().string(),
                             "--port",
                             "0",
                             "--bind",
                             "127.0.0.1",
                             "--clock-offset",
                             std::to_string(clock_offset_to(reading_time))};
    Poco::Pipe out;
    auto handle = Poco::Process::launch(STATION_SERVER_BINARY, args, nullptr, &out, nullptr);
    Poco::PipeInputStream in(out);
    std::string line;
    for (int i = 0; i < 50 && line.rfind("listening on", 0) != 0 && std::getline(in, line); ++i) {
    }
    std::string port, fingerprint;
    std::getline(std::ifstream(setup.data_dir() / "port"), port);
    std::getline(std::ifstream(setup.data_dir() / "fingerprint"), fingerprint);
    REQUIRE_FALSE(port.empty());
    REQUIRE(fingerprint.size() == 95);
    const std::string url = "https://127.0.0.1:" + port;
    const std::vector<std::string> ask{"--from",   "2026-W40", "--to",      "2026-W47",
                                       "--period", "total",    "--timeout", "3"};
    auto rollup_with = [&](const std::string& line_text) {
        std::vector<std::string> arguments{"--stations", write_temp_file(line_text + "\n")};
        arguments.insert(arguments.end(), ask.begin(), ask.end());
        return run_rollup(arguments);
    };

    auto pinned = rollup_with(url + " " + token + " " + fingerprint);
    INFO(pinned.err);
    CHECK(pinned.exit_code == 0);
    CHECK(json::parse(pinned.out)["answered"] == 1);

    // A station showing another certificate is not asked anything: the token stays home.
    std::string wrong = fingerprint;
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    auto refused = rollup_with(url + " " + token + " " + wrong);
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("not the one in the stations file") != std::string::npos);
    CHECK(refused.err.find(token) == std::string::npos);

    auto unpinned = rollup_with(url + " " + token);
    CHECK(unpinned.exit_code != 0);
    CHECK(unpinned.err.find("fingerprint") != std::string::npos);
    auto clear = rollup_with("http://10.0.0.5:8080 " + token);
    CHECK(clear.exit_code != 0);
    CHECK(clear.err.find("in clear") != std::string::npos);

    Poco::Process::requestTermination(handle.id());
    handle.wait();
}

TEST_CASE("Every range, period and format asked of three stations through the rollup leaves each "
          "cell a station hid at least k wide for an exact solver",
          "[rollup]") {
    using namespace wellness::audit;
    using wellness::IsoWeek;
    using namespace std::chrono;
    // Weeks seal 70 days after their end: counted on Wednesday of 2026-W45, read in March 2027,
    // when every week of 2026 (and so the year) is sealed.
    const Instant counted = noon(year{2026} / November / 4);
    const Instant read = noon(year{2027} / March / 20);
    std::vector<std::unique_ptr<StationProcess>> stations;
    for (int i = 0; i < 3; ++i)
        stations.push_back(std::make_unique<StationProcess>(counted, 70));
    const std::vector<std::pair<std::string, std::vector<std::string>>> catalogue = {
        {"visit", {"start"}},
        {"checkin.level", {"healthy", "reacting", "injured", "ill"}},
        {"checkin.topic", {"sleep", "workload"}}};
    std::mt19937 random(20261202);
    auto pick = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    std::map<std::string, std::int64_t> regional; // week cell name -> sum over stations
    std::map<std::string, bool> hidden_somewhere; // a station hid its part
    for (auto& station : stations) {
        json counts = json::array();
        for (IsoWeek w = *IsoWeek::parse("2026-W36"); w <= *IsoWeek::parse("2026-W44");
             w = w.next())
            for (const auto& [metric, keys] : catalogue)
                for (const auto& key : keys) {
                    int n = metric == "visit" ? pick(5, 20) : pick(0, 9) < 6 ? 0 : pick(1, 6);
                    counts.push_back(count(w.to_string(), metric, key, n));
                    const std::string name = week_cell_name("", w, metric, key);
                    regional[name] += n;
                    if (n > 0 && n < 5)
                        hidden_somewhere[name] = true;
                }
        station->post_counts(counts);
        station->restart_at(read);
    }
    std::string stations_text;
    for (auto& station : stations)
        stations_text += station->url() + " " + station->coordinator_token("region") + "\n";
    const std::string stations_file = write_temp_file(stations_text);

    LinearSystem system;
    const std::vector<std::string> edges = {"2026-W01", "2026-W35", "2026-W36",
                                            "2026-W39", "2026-W40", "2026-W43",
                                            "2026-W44", "2026-W45", "2026-W53"};
    int runs = 0;
    for (std::size_t f = 0; f < edges.size(); ++f)
        for (std::size_t t = f; t < edges.size(); ++t)
            for (const char* period : {"week", "month", "year", "total"}) {
                const std::vector<std::string> base{
                    "--stations", stations_file, "--from", edges[f],    "--to",
                    edges[t],     "--period",    period,   "--timeout", "5"};
                auto as_json = run_rollup(base);
                INFO(as_json.err);
                REQUIRE(as_json.exit_code == 0);
                json body = json::parse(as_json.out);
                CHECK(body["answered"] == 3);
                body.erase("stations");
                body.erase("answered");
                body.erase("unreachable");
                const auto decoded = wellness::summary_from_json(body);
                INFO(decoded.error);
                REQUIRE(decoded.summary);
                add_answer(system, *decoded.summary);
                auto with_csv = base;
                with_csv.insert(with_csv.end(), {"--format", "csv"});
                auto as_csv = run_rollup(with_csv);
                REQUIRE(as_csv.exit_code == 0);
                add_answer(system, summary_from_csv(as_csv.out, *decoded.summary));
                runs += 2;
            }
    CHECK(runs == 360);
    for (IsoWeek w = *IsoWeek::parse("2026-W01"); w <= *IsoWeek::parse("2026-W53"); w = w.next())
        for (const auto& [metric, keys] : catalogue)
            for (const auto& key : keys)
                system.variable(week_cell_name("", w, metric, key));
    const auto intervals = system.intervals();
    REQUIRE(intervals);
    int protected_cells = 0;
    for (std::size_t v = 0; v < system.variable_count(); ++v) {
        const std::string& name = system.name(v);
        const std::int64_t n = regional.contains(name) ? regional[name] : 0;
        const Interval& interval = (*intervals)[v];
        INFO(name << " = " << n << ", feasible from " << interval.low.to_string() << " to "
                  << (interval.high ? interval.high->to_string() : "unbounded"));
        CHECK(interval.low <= Rational(n));
        if (interval.high)
            CHECK(Rational(n) <= *interval.high);
        if (hidden_somewhere.contains(name)) {
            ++protected_cells;
            CHECK_FALSE(interval.determined());
            CHECK((!interval.high || *interval.high >= Rational(5)));
        }
    }
    CHECK(protected_cells > 10);
}

TEST_CASE("The rollup refuses a bad stations file, naming the line, before contacting anyone",
          "[rollup]") {
    const std::vector<std::pair<std::string, std::string>> bad_files = {
        {"http://127.0.0.1:9 token\nhttp://127.0.0.1:10\n", "line 2"},
        {"ftp://127.0.0.1:9 token\n", "http"},
        {"http://user:pw@127.0.0.1:9 token\n", "user name"},
        {"http://127.0.0.1:9/?x=1 token\n", "query"},
        {"http://127.0.0.1:9 token\nhttp://127.0.0.1:9/ token2\n", "twice"},
        {"http://127.0.0.1:9 token extra\n", "fingerprint"},
        {"http://127.0.0.1:9 token AB:CD extra\n", "two or three fields"},
        {"https://127.0.0.1:9 token\n", "needs its certificate's fingerprint"},
        {"http://192.168.1.4:9 token\n", "in clear"},
        {"# only a comment\n\n", "no station"},
        {std::string("http://127.0.0.1:9 tok\x01en\n"), "printable"},
    };
    for (const auto& [text, expected] : bad_files) {
        auto run = run_rollup({"--stations", write_temp_file(text), "--from", "2026-W40", "--to",
                               "2026-W47", "--period", "week"});
        INFO(text);
        INFO(run.err);
        CHECK(run.exit_code == 2);
        CHECK(run.out.empty());
        CHECK(run.err.find(expected) != std::string::npos);
    }
    auto missing = run_rollup({"--stations", "/nonexistent/stations.txt", "--from", "2026-W40",
                               "--to", "2026-W47", "--period", "week"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("cannot open") != std::string::npos);
}

TEST_CASE("The rollup's command line is strict and --help explains it", "[rollup]") {
    auto help = run_rollup({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--stations FILE") != std::string::npos);

    const std::vector<std::vector<std::string>> bad = {
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47"}, // no period
        {"--stations", "f", "--from", "2026-W47", "--to", "2026-W40", "--period",
         "week"}, // reversed
        {"--stations", "f", "--from", "2026-W54", "--to", "2026-W47", "--period",
         "week"}, // no such week
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47", "--period", "day"},
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47", "--period", "week", "--k",
         "2"}, // k below 3
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47", "--period", "week",
         "--timeout", "0"},
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47", "--period", "week",
         "--format", "xml"},
        {"--stations", "f", "--stations", "g", "--from", "2026-W40", "--to", "2026-W47", "--period",
         "week"},
        {"--stations", "f", "--from", "2026-W40", "--to", "2026-W47", "--period", "week",
         "--colour", "red"},
    };
    for (const auto& arguments : bad) {
        auto run = run_rollup(arguments);
        CHECK(run.exit_code == 2);
        CHECK(run.err.find("Usage:") != std::string::npos);
    }
}

TEST_CASE("A stations file accepts comments, blank lines, CRLF and path prefixes", "[rollup]") {
    std::string pin = "AB"; // 32 pairs, as a station's console shows them
    for (int i = 1; i < 32; ++i)
        pin += ":0F";
    auto parsed = parse_stations_file(
        "# region north\r\n\r\n  http://127.0.0.1:8080/ abc.def  # precinct 4\r\n"
        "https://station.example/precinct-7 xyz sha256:" +
        pin + "\n");
    INFO(parsed.error);
    REQUIRE(parsed.error.empty());
    REQUIRE(parsed.stations.size() == 2);
    CHECK(parsed.stations[0].url == "http://127.0.0.1:8080");
    CHECK(parsed.stations[0].port == 8080);
    CHECK(parsed.stations[0].token == "abc.def");
    CHECK(parsed.stations[0].line == 3);
    CHECK(parsed.stations[1].scheme == "https");
    CHECK(parsed.stations[1].port == 443);
    CHECK(parsed.stations[1].path_prefix == "/precinct-7");
    CHECK(parsed.stations[1].fingerprint == pin);
    CHECK(parse_stations_file(std::string(max_stations_file_bytes + 1, '#')).error.find("larger") !=
          std::string::npos);
}

TEST_CASE("Rollup options take --name value and --name=value and default to JSON, k 5, 5 s",
          "[rollup]") {
    auto parsed = parse_rollup_options(
        {"--stations=f.txt", "--from", "2026-W40", "--to=2026-W47", "--period", "month"});
    INFO(parsed.error);
    REQUIRE(parsed.options);
    CHECK(parsed.options->stations_file == "f.txt");
    CHECK(parsed.options->request.period == wellness::Period::month);
    CHECK(parsed.options->request.k == 5);
    CHECK(parsed.options->timeout_seconds == 5);
    CHECK(parsed.options->format == OutputFormat::json);
}
