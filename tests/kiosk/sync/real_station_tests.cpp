// The kiosk's sync against the REAL station binary on loopback: enrollment through the admin
// API, a week of counts, the release after the week's end and spread, the station's summary;
// then a station killed in the middle of a contact and a kiosk killed in the middle of one:
// nothing lost, nothing doubled. Finally the kiosk's database is checked for anything finer
// than a week next to a count.

#include "local_store.hpp"
#include "station_client.hpp"
#include "sync_schedule.hpp"
#include "sync_test_support.hpp"
#include "token_file.hpp"
#include "wellness/limits.hpp"
#include "wellness/pinned_context.hpp"

#include <Poco/Checksum.h>
#include <Poco/DeflatingStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/URI.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

constexpr const char* admin_password = "a long test password 42";

class RealStation {
  public:
    explicit RealStation(std::filesystem::path data) : data_(std::move(data)) {}
    ~RealStation() { kill(); }

    void add_admin() {
        Poco::Pipe input;
        auto handle = Poco::Process::launch(STATION_SERVER_BINARY,
                                            {"add-admin", "tester", "--data", data_.string()},
                                            &input, nullptr, nullptr);
        Poco::PipeOutputStream(input) << admin_password << "\n";
        input.close(Poco::Pipe::CLOSE_WRITE);
        REQUIRE(handle.wait() == 0);
    }

    // `config`, when given, is a .properties file for --config.
    void start(const std::filesystem::path& config = {}) {
        std::filesystem::remove(data_ / "port");
        std::filesystem::remove(data_ / "fingerprint");
        std::vector<std::string> args{
            "serve",     "--data",         data_.string(),         "--port", "0", "--bind",
            "127.0.0.1", "--clock-offset", std::to_string(offset_)};
        if (!config.empty()) {
            args.push_back("--config");
            args.push_back(config.string());
        }
        handle_ = std::make_unique<Poco::ProcessHandle>(
            Poco::Process::launch(STATION_SERVER_BINARY, args));
        // Bounded wait for the station to say which port it took.
        for (int attempt = 0; attempt < 400 && port_.empty(); ++attempt) {
            const std::string text = read_text(data_ / "port");
            if (!text.empty() && text.back() == '\n')
                port_ = text.substr(0, text.size() - 1);
            if (port_.empty())
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        REQUIRE_FALSE(port_.empty());
        // The station's real default: HTTPS with its own certificate, which the kiosk pins.
        const std::string fingerprint = read_text(data_ / "fingerprint");
        REQUIRE(fingerprint.size() > 1);
        fingerprint_ = fingerprint.substr(0, fingerprint.size() - 1);
        url_ = "https://127.0.0.1:" + port_;
        port_.clear();
    }

    void kill() {
        if (!handle_)
            return;
        ::kill(static_cast<pid_t>(handle_->id()), SIGKILL);
        handle_->wait();
        handle_.reset();
    }

    const std::string& url() const { return url_; }
    const std::string& fingerprint() const { return fingerprint_; }
    // From now on every call, and every kiosk pointed here, goes through a relay on `port`.
    void route_through(std::uint16_t port) { url_ = "https://127.0.0.1:" + std::to_string(port); }
    std::uint16_t port() const {
        return static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
    }
    // Points a kiosk at this station: its address and its pinned certificate.
    void point(SyncSettings& settings) const {
        settings.station_url = url_;
        settings.station_fingerprint = fingerprint_;
    }

    // The station's clock reads `station_now` from its next start on.
    void set_clock(std::time_t station_now) {
        offset_ = static_cast<long>(station_now - std::time(nullptr));
    }
    // Killed and started again with its clock at `station_now` (on another port).
    void restart_at(std::time_t station_now) {
        kill();
        set_clock(station_now);
        start();
    }

    Json call(const std::string& method, const std::string& path, const Json& body,
              const std::string& token, int expected_status) {
        StationClient client(url_, std::chrono::seconds(5), {fingerprint_});
        const auto answer = client.send(
            StationRequest{method, path, body.is_null() ? "" : body.dump(), token, "", 1 << 20});
        const auto& response = answer.response;
        INFO(method << " " << path << ": " << answer.error);
        REQUIRE(response);
        INFO(response->body);
        REQUIRE(response->status == expected_status);
        return Json::parse(response->body);
    }

    // PUT /api/v1/admin/content as the console does, with If-Match naming the version it was
    // based on (the kiosk's client has no use for If-Match, so this speaks HTTPS itself).
    void publish_content(const Json& document, const std::string& token,
                         const std::string& based_on_etag) {
        REQUIRE(put("/api/v1/admin/content", document.dump(), "application/json", token,
                    based_on_etag) == Poco::Net::HTTPResponse::HTTP_OK);
    }

    // A PUT with a body of any type (an image upload, a content document); its status.
    int put(const std::string& path, const std::string& body, const std::string& type,
            const std::string& token, const std::string& if_match = "") {
        wellness::tls::PinnedContext pins({fingerprint_});
        const Poco::URI station(url_);
        Poco::Net::HTTPSClientSession session(station.getHost(), station.getPort(), pins.context());
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest request("PUT", path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token);
        if (!if_match.empty())
            request.set("If-Match", if_match);
        request.setContentType(type);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        try {
            session.sendRequest(request) << body;
        } catch (const Poco::Exception&) {
            // A station refusing a body by its Content-Length answers and stops reading: the
            // rest of a large body may not be taken. Its answer may still be there to read.
        }
        try {
            Poco::Net::HTTPResponse response;
            std::istream& in = session.receiveResponse(response);
            const std::string answer(std::istreambuf_iterator<char>(in), {});
            INFO(path << ": " << answer);
            return static_cast<int>(response.getStatus());
        } catch (const Poco::Exception&) {
            return refused_unread; // the station closed the connection on the refused body
        }
    }
    static constexpr int refused_unread = 0;

    // `serve` with `config`, expected to refuse to start: its exit code and what it said.
    std::pair<int, std::string> start_refused(const std::filesystem::path& config) {
        Poco::Pipe output;
        auto handle = Poco::Process::launch(STATION_SERVER_BINARY,
                                            {"serve", "--data", data_.string(), "--port", "0",
                                             "--bind", "127.0.0.1", "--config", config.string()},
                                            nullptr, &output, &output);
        Poco::PipeInputStream said(output);
        const std::string text(std::istreambuf_iterator<char>(said), {});
        return {handle.wait(), text};
    }

    std::string admin_token() {
        return call("POST", "/api/v1/admin/session",
                    Json{{"username", "tester"}, {"password", admin_password}}, "", 200)
            .at("token")
            .get<std::string>();
    }

  private:
    std::filesystem::path data_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    std::string port_;
    std::string url_;
    std::string fingerprint_;
    long offset_ = 0;
};

// Long enough on the station's clock for a released week to be sealed and published (the
// station seals a week 14 days after it ends).
constexpr std::time_t sealed_after = 15 * 24 * 3600;

// n per (metric, key) for one week as the station's summary shows it; suppressed cells as -1.
std::map<CounterKey, std::int64_t> summary_for(RealStation& station, const std::string& token,
                                               const IsoWeek& week) {
    const Json summary = station.call("GET",
                                      "/api/v1/summary?from=" + week.to_string() +
                                          "&to=" + week.to_string() + "&period=week&format=json",
                                      Json(), token, 200);
    std::map<CounterKey, std::int64_t> cells;
    for (const Json& row : summary.at("rows"))
        cells[{row.at("metric").get<std::string>(), row.at("key").get<std::string>()}] =
            row.at("n").is_null() ? -1 : row.at("n").get<std::int64_t>();
    return cells;
}

// A kiosk "room-1" added in the console, and its one-time enrollment code.
std::string new_enrollment_code(RealStation& station, const std::string& admin) {
    return station.call("POST", "/api/v1/admin/kiosks", Json{{"name", "room-1"}}, admin, 201)
        .at("enrollment_code")
        .get<std::string>();
}

// A real PNG of `width` x 1 grey pixels, padded to exactly `size` bytes by a private ancillary
// chunk, which decoders skip (an asset at a byte limit that is still an image both sides show).
std::string png_of(int width, std::size_t size) {
    const auto be32 = [](std::uint32_t value) {
        return std::string{static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                           static_cast<char>(value >> 8), static_cast<char>(value)};
    };
    const auto chunk = [&](const std::string& type, const std::string& data) {
        Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
        crc.update(type + data);
        return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc.checksum());
    };
    std::ostringstream compressed;
    {
        Poco::DeflatingOutputStream deflate(compressed, Poco::DeflatingStreamBuf::STREAM_ZLIB);
        deflate << std::string(static_cast<std::size_t>(width) + 1, '\0'); // filter 0, black
        deflate.close();
    }
    const std::string header = be32(static_cast<std::uint32_t>(width)) + be32(1) +
                               std::string{8, 0, 0, 0, 0}; // 8-bit grey, no interlace
    const std::string start = std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", header);
    const std::string end = chunk("IDAT", compressed.str()) + chunk("IEND", "");
    const std::size_t fixed = start.size() + 12 + end.size();
    REQUIRE(size >= fixed);
    const std::string png = start + chunk("wlPd", std::string(size - fixed, 'x')) + end;
    REQUIRE(png.size() == size);
    return png;
}

void record_times(KioskSync& sync, const CounterKey& key, int times) {
    for (int i = 0; i < times; ++i)
        sync.record(key);
}

} // namespace

TEST_CASE(
    "Counts reach the real station exactly once through enrollment, a cut cable and a killed kiosk",
    "[kiosk-sync][station]") {
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    // The kiosk lives a few weeks in the past, so the weeks it closes have ended for the station
    // too. The station's clock is the kiosk's when it enrolls (a station takes no week before a
    // kiosk's enrollment) and when it releases its first week, so that week has ended there and
    // is not sealed yet.
    const IsoWeek first_week = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-4);
    std::time_t now = week_end(first_week.prev()) + 9 * 3600; // Monday 09:00 of first_week
    station.set_clock(now);
    station.start();
    std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);

    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = code;

    // Week 1: enroll, use, release after the week's end and spread, summary shows it.
    ActiveContent content;
    {
        KioskSync sync(settings);
        content = sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, 12);
        record_times(sync, {"breathing.started", content.document.exercises.front().id}, 9);
        record_times(sync, {"crisis.viewed", "list"}, 2);
        sync.persist_pending();
    }
    now = week_end(first_week) + settings.release_spread.count() + 3600;
    station.restart_at(now);
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
        CHECK(sync.status().last_error.empty());
    }
    // Read once the week is sealed (and published).
    station.restart_at(now + sealed_after);
    station.point(settings);
    admin = station.admin_token();
    auto cells = summary_for(station, admin, first_week);
    CHECK(cells[{"visit", "start"}] == 12);
    CHECK(cells[{"breathing.started", content.document.exercises.front().id}] == 9);
    CHECK(cells[{"crisis.viewed", "list"}] == -1); // 2 < k: hidden by the station

    // Week 2: the station is killed -9 while the kiosk contacts it, then comes back.
    const IsoWeek second_week = first_week.next();
    {
        KioskSync sync(settings);
        sync.initial_content();
        record_times(sync, {"visit", "start"}, 7);
        sync.persist_pending();
        now = week_end(second_week) + settings.release_spread.count() + 3600;
        sync.persist_pending(); // the release is prepared and in the outbox
        std::thread contact([&] { sync.contact_once(); });
        station.kill();
        contact.join();
        sync.contact_once(); // nobody answers now
        CHECK_FALSE(sync.status().station_reachable);
    }
    station.start();
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
    }
    station.restart_at(now + sealed_after);
    station.point(settings);
    admin = station.admin_token();
    CHECK(summary_for(station, admin, second_week)[{"visit", "start"}] == 7);

    // Week 3: the kiosk process is killed -9 in the middle of its contact, then restarts.
    const IsoWeek third_week = second_week.next();
    {
        KioskSync sync(settings);
        sync.initial_content();
        record_times(sync, {"visit", "start"}, 8);
        sync.persist_pending();
        now = week_end(third_week) + settings.release_spread.count() + 3600;
        sync.persist_pending();
    }
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        KioskSync sync(settings);
        sync.initial_content();
        (void)::write(ready[1], "x", 1);
        sync.contact_once();
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    (void)::read(ready[0], &byte, 1);
    ::close(ready[0]);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    {
        KioskSync sync(settings);
        sync.initial_content();
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
    }
    station.restart_at(now + sealed_after);
    station.point(settings);
    admin = station.admin_token();
    CHECK(summary_for(station, admin, third_week)[{"visit", "start"}] == 8);
    // The weeks before are untouched by the retries.
    CHECK(summary_for(station, admin, first_week)[{"visit", "start"}] == 12);
    CHECK(summary_for(station, admin, second_week)[{"visit", "start"}] == 7);

    // Privacy: nothing in the kiosk's database is finer than a week, and there is no per-use row.
    SQLite::Database db((kiosk_dir.path() / "kiosk.sqlite3").string(), SQLite::OPEN_READONLY);
    SQLite::Statement tables(db,
                             "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    std::vector<std::string> names;
    while (tables.executeStep())
        names.push_back(tables.getColumn(0).getString());
    CHECK(names == std::vector<std::string>{"carry", "counters", "kept_releases", "meta", "outbox",
                                            "released_weeks"});
    const std::regex finer_than_week(R"(\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|T\d{2})");
    for (const auto& table : names) {
        SQLite::Statement rows(db, "SELECT * FROM " + table);
        while (rows.executeStep()) {
            for (int column = 0; column < rows.getColumnCount(); ++column) {
                const auto value = rows.getColumn(column);
                INFO(table << "." << rows.getColumnName(column) << " = " << value.getString());
                if (value.isInteger())
                    CHECK(value.getInt64() <= max_count); // no timestamps
                if (value.isText() &&
                    !(table == "meta" && std::string(rows.getColumnName(column)) == "value"))
                    CHECK_FALSE(std::regex_search(value.getString(), finer_than_week));
            }
        }
    }
    const int counter_rows = db.execAndGet("SELECT count(*) FROM counters").getInt();
    CHECK(counter_rows <= static_cast<int>(catalogue_keys(content.document).size()) * 2);
}

TEST_CASE("The real station says its current k on 200 and 304, and a kiosk uses a raised k "
          "without new content",
          "[kiosk-sync][station]") {
    // Issue 11, break 5: the kiosk learnt k only from a full manifest.
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    const IsoWeek week = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-3);
    std::time_t now = week_end(week.prev()) + 9 * 3600;
    station.set_clock(now); // the kiosk enrolls in the week it counts
    station.start();
    std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = code;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, 6);
        sync.persist_pending();
    }
    const auto token_text = read_token(kiosk_dir.path() / "token");
    REQUIRE(token_text);
    const std::string token = *token_text;
    StationClient client(station.url(), std::chrono::seconds(5), {station.fingerprint()});
    const auto full =
        client.send(StationRequest{"GET", "/api/v1/kiosk/content", "", token, "", 1 << 22})
            .response;
    REQUIRE(full);
    CHECK(full->status == 200);
    CHECK(full->station_k == default_k);
    const auto same =
        client.send(StationRequest{"GET", "/api/v1/kiosk/content", "", token, full->etag, 1 << 22})
            .response;
    REQUIRE(same);
    CHECK(same->status == 304);
    CHECK(same->station_k == default_k);

    // The station's operator raises k to 8; the content stays as it was.
    station.kill();
    const auto config = station_dir.path() / "station.properties";
    {
        std::ofstream file(config);
        file << "summary.k = 8\n";
    }
    now = week_end(week) + settings.release_spread.count() + 3600;
    station.set_clock(now);
    station.start(config);
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().weeks_waiting == 0);
    }
    LocalStore store(kiosk_dir.path() / "kiosk.sqlite3", {});
    CHECK(store.station_k() == 8);
    // 6 visits are fewer than 8: pooled, so the station holds nothing of that week.
    CHECK(store.carry().at({"visit", "start"}) == 6);
    // Read once the week is sealed, with k still 8.
    station.kill();
    station.set_clock(now + sealed_after);
    station.start(config);
    admin = station.admin_token();
    const auto cells = summary_for(station, admin, week);
    for (const auto& [cell, n] : cells)
        CHECK(n <= 0);
}

TEST_CASE("The console's version column shows the content a kiosk runs, not the one it was "
          "offered",
          "[kiosk-sync][station]") {
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    station.start();
    const std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);
    std::time_t now = std::time(nullptr);
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = code;
    const auto listed_version = [&] {
        const Json kiosks = station.call("GET", "/api/v1/admin/kiosks", Json(), admin, 200);
        return kiosks.at("kiosks").at(0).at("content_version").get<std::string>();
    };
    KioskSync sync(settings);
    sync.initial_content();
    sync.contact_once();
    REQUIRE(sync.status().enrolled);
    sync.contact_once(); // the next contact says what it runs now
    CHECK(sync.status().content_version == "1");
    CHECK(listed_version() == "1");

    // A counting change waits on the kiosk for next week: the station must not list it as live.
    Json document = station.call("GET", "/api/v1/admin/content", Json(), admin, 200).at("document");
    document["checkin"]["levels"][3]["id"] = "ill-later";
    station.publish_content(document, admin, "\"content-1\"");
    sync.contact_once();
    sync.contact_once();
    CHECK(sync.status().content_version == "1");
    CHECK(listed_version() == "1");
}

TEST_CASE("A kiosk swaps its token on the real station's schedule, even after a lost answer, and "
          "a copy of the old one stops working",
          "[kiosk-sync][station]") {
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    std::time_t now = std::time(nullptr);
    station.set_clock(now);
    station.start();
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = new_enrollment_code(station, station.admin_token());
    const auto token_file = settings.data_dir / token_file_name;
    const auto content_status = [&](const std::string& token) {
        StationClient client(station.url(), std::chrono::seconds(5), {station.fingerprint()});
        const auto response =
            client.send(StationRequest{"GET", "/api/v1/kiosk/content", "", token, "", 1 << 20})
                .response;
        REQUIRE(response);
        return response->status;
    };

    std::string copied;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        copied = *read_token(token_file); // what an image of the disk holds
        sync.contact_once();
        CHECK(*read_token(token_file) == copied); // not due yet
    }

    // 15 days on: due. The station hands out a fresh token whose answer never reaches the kiosk.
    now += 15 * 24 * 3600;
    station.restart_at(now);
    station.point(settings);
    station.call("POST", "/api/v1/kiosk/token", Json::object(), copied, 200);
    KioskSync sync(settings);
    sync.initial_content();
    sync.contact_once();
    CHECK(sync.status().enrolled);
    CHECK(sync.status().last_error.empty());
    const std::string kept = *read_token(token_file);
    CHECK(kept != copied);
    // The kiosk finished the swap in that contact by using the fresh token.
    CHECK(content_status(copied) == 401);
    CHECK(content_status(kept) == 200);
    sync.contact_once();
    CHECK(*read_token(token_file) == kept);
    CHECK(sync.status().last_error.empty());
}

TEST_CASE("A kiosk used before its enrollment lets go of the weeks the real station refuses and "
          "releases the rest",
          "[kiosk-sync][station]") {
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    // The kiosk counts a week before it is enrolled (it works offline first); the station takes
    // no week before a kiosk's enrollment, so that week is refused for good.
    const IsoWeek before = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-4);
    const IsoWeek enrolled = before.next();
    std::time_t now = week_end(before.prev()) + 9 * 3600; // Monday 09:00 of `before`
    station.set_clock(week_end(before) + 9 * 3600);       // Monday 09:00 of `enrolled`
    station.start();
    std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    {
        KioskSync sync(settings);
        sync.initial_content();
        record_times(sync, {"visit", "start"}, 6);
        sync.persist_pending();
    }
    settings.enrollment_code = code;
    now = week_end(before) + 9 * 3600;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, 7);
        sync.persist_pending();
    }
    now = week_end(enrolled) + settings.release_spread.count() + 3600;
    station.restart_at(now);
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        sync.contact_once(); // nothing is left to hold up
        CHECK(sync.status().weeks_waiting == 0);
        CHECK(sync.status().last_error.empty());
    }
    LocalStore store(kiosk_dir.path() / "kiosk.sqlite3", {});
    CHECK(store.outbox().empty());
    station.restart_at(now + sealed_after);
    admin = station.admin_token();
    CHECK(summary_for(station, admin, enrolled)[{"visit", "start"}] == 7);
    for (const auto& [cell, n] : summary_for(station, admin, before))
        CHECK(n == 0);
}

TEST_CASE("A kiosk pinning another certificate refuses the station, sends nothing, keeps its data",
          "[kiosk-sync][station][tls]") {
    TempDir station_dir, kiosk_dir, other_dir;
    // Another station's certificate: a real one, just not this station's.
    RealStation other(other_dir.path());
    other.start();
    const std::string other_fingerprint = other.fingerprint();
    other.kill();

    RealStation station(station_dir.path());
    station.add_admin();
    station.start();
    REQUIRE(other_fingerprint != station.fingerprint());
    const std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);

    std::time_t now = std::time(nullptr);
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.enrollment_code = code;
    settings.station_fingerprint = other_fingerprint;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.record({"visit", "start"});
        sync.persist_pending();
        sync.contact_once();
        const auto status = sync.status();
        CHECK_FALSE(status.enrolled);
        CHECK_FALSE(status.station_reachable);
        CHECK(status.last_error.find("not the pinned one") != std::string::npos);
        CHECK(status.last_error.find(station.fingerprint()) != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(kiosk_dir.path() / "token"));
    // Its uses are still on its disk.
    CHECK(std::filesystem::file_size(kiosk_dir.path() / "kiosk.sqlite3") > 0);

    // Nothing reached the station: the single-use code still enrolls a kiosk that pins right.
    settings.station_fingerprint = station.fingerprint();
    KioskSync sync(settings);
    sync.initial_content();
    sync.contact_once();
    CHECK(sync.status().enrolled);
    CHECK(sync.status().last_error.empty());
}

TEST_CASE("A capture of a whole session on the wire holds no password, code, token or count",
          "[kiosk-sync][station][tls]") {
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    const IsoWeek week = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-4);
    station.set_clock(week_end(week.prev()) + 9 * 3600);
    station.start();
    RecordingRelay relay(station.port());
    station.route_through(relay.port());

    // An admin signs in and adds a kiosk; the kiosk enrolls in the week it counts, then
    // releases that week once it has ended; a coordinator's token is made and a summary read:
    // all of it through the relay (the station's clock moved on by a restart in between).
    std::string admin = station.admin_token();
    const std::string code = new_enrollment_code(station, admin);
    std::time_t now = week_end(week.prev()) + 9 * 3600;
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    station.point(settings);
    settings.enrollment_code = code;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, 11);
        record_times(sync, {"checkin.level", "ill"}, 6);
        sync.persist_pending();
    }
    now = week_end(week) + settings.release_spread.count() + 3600;
    station.restart_at(now);
    relay.set_upstream(station.port());
    station.route_through(relay.port());
    station.point(settings);
    admin = station.admin_token();
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().weeks_waiting == 0);
        REQUIRE(sync.status().last_error.empty());
    }
    const std::string coordinator =
        station
            .call("POST", "/api/v1/admin/coordinator-tokens", Json{{"label", "region"}}, admin, 201)
            .at("token")
            .get<std::string>();
    station.call("GET",
                 "/api/v1/summary?from=" + week.to_string() + "&to=" + week.to_string() +
                     "&period=week&format=json",
                 Json(), coordinator, 200);

    const std::string wire = relay.captured();
    REQUIRE(relay.connections() >= 6);
    REQUIRE_FALSE(wire.empty());
    CHECK(static_cast<unsigned char>(wire.front()) == 0x16); // a TLS handshake record
    const std::string kiosk_token = read_text(kiosk_dir.path() / "token");
    REQUIRE(kiosk_token.size() > 10);
    std::string bare_code = code;
    std::erase(bare_code, '-');
    for (const std::string& secret :
         {std::string(admin_password), admin, code, bare_code,
          kiosk_token.substr(0, kiosk_token.size() - 1), coordinator, std::string("checkin.level"),
          std::string("visit"), std::string("Bearer"), std::string("HTTP/1.1"),
          std::string("/api/v1/"), week.to_string()}) {
        INFO(secret);
        CHECK(wire.find(secret) == std::string::npos);
    }
}

namespace {

int run_station_server(const std::vector<std::string>& args) {
    auto handle = Poco::Process::launch(STATION_SERVER_BINARY, args);
    return handle.wait();
}

} // namespace

TEST_CASE("A kiosk syncs on with a station restored from a backup onto a wiped data directory: "
          "its token and pinned certificate still work, and its waiting week counts once",
          "[kiosk-sync][station][backup]") {
    TempDir station_dir, kiosk_dir, backup_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    const IsoWeek week = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-4);
    std::time_t now = week_end(week.prev()) + 9 * 3600;
    station.set_clock(now);
    station.start();
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = new_enrollment_code(station, station.admin_token());
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, 11);
        sync.persist_pending();
    }

    // Backed up while serving; then the station's disk is lost and the backup put back.
    const auto backup = backup_dir.path() / "station.backup";
    REQUIRE(run_station_server(
                {"backup", "--data", station_dir.path().string(), backup.string()}) == 0);
    station.kill();
    std::filesystem::remove_all(station_dir.path());
    REQUIRE(run_station_server(
                {"restore", "--data", station_dir.path().string(), backup.string()}) == 0);

    const std::string pinned = settings.station_fingerprint;
    now = week_end(week) + settings.release_spread.count() + 3600;
    station.set_clock(now);
    station.start();
    CHECK(station.fingerprint() == pinned);
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        CHECK(sync.status().last_error.empty());
        CHECK(sync.status().weeks_waiting == 0);
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().last_error.empty());
    }
    station.restart_at(now + sealed_after);
    station.point(settings);
    CHECK(summary_for(station, station.admin_token(), week)[{"visit", "start"}] == 11);
}

TEST_CASE("A station restored from an older backup gets again, from its kiosks, every release it "
          "acknowledged after that backup, and counts each once, though the kiosk swapped its "
          "token since",
          "[kiosk-sync][station][backup]") {
    TempDir station_dir, kiosk_dir, backup_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    const IsoWeek first = IsoWeek::from_local_time(std::time(nullptr)).plus_weeks(-6);
    const IsoWeek second = first.plus_weeks(2); // past the token's 14 days: it is swapped
    std::time_t now = week_end(first.prev()) + 9 * 3600;
    station.set_clock(now);
    station.start();
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = new_enrollment_code(station, station.admin_token());
    auto used_in = [&](const IsoWeek& week, int visits) {
        now = week_end(week.prev()) + 9 * 3600; // its Monday, 09:00
        station.restart_at(now);
        station.point(settings);
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().enrolled);
        record_times(sync, {"visit", "start"}, visits);
        sync.persist_pending();
    };
    auto released = [&](const IsoWeek& week) {
        now = week_end(week) + settings.release_spread.count() + 3600;
        station.restart_at(now);
        station.point(settings);
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().last_error.empty());
        REQUIRE(sync.status().weeks_waiting == 0); // acknowledged
    };
    used_in(first, 6);
    released(first);
    const auto token_file = kiosk_dir.path() / "token";
    const auto token_at_backup = read_token(token_file);
    REQUIRE(token_at_backup);

    // Last night's backup holds the first week; the second is acknowledged after it, and the
    // kiosk swaps its token on the way.
    const auto backup = backup_dir.path() / "station.backup";
    REQUIRE(run_station_server(
                {"backup", "--data", station_dir.path().string(), backup.string()}) == 0);
    used_in(second, 8);
    released(second);
    REQUIRE(read_token(token_file) != token_at_backup);
    {
        LocalStore store(kiosk_dir.path() / "kiosk.sqlite3", {});
        CHECK(store.outbox().empty());
        CHECK(store.kept_releases().size() == 3); // with the unused week between, all kept
    }

    // The station's disk dies; the backup goes back.
    station.kill();
    std::filesystem::remove_all(station_dir.path());
    REQUIRE(run_station_server(
                {"restore", "--data", station_dir.path().string(), backup.string()}) == 0);
    now += 3600;
    station.set_clock(now);
    station.start();
    station.point(settings);
    {
        KioskSync sync(settings);
        sync.initial_content();
        // Refused with the swapped token, taken with the one before; then the new ledger: both
        // releases go again.
        sync.contact_once();
        CHECK(sync.status().enrolled);
        CHECK(sync.status().last_error.empty());
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().last_error.empty());
    }
    {
        LocalStore store(kiosk_dir.path() / "kiosk.sqlite3", {});
        CHECK(store.outbox().empty());
    }
    station.restart_at(now + sealed_after);
    const std::string admin = station.admin_token();
    CHECK(summary_for(station, admin, first)[{"visit", "start"}] == 6);  // a duplicate: once
    CHECK(summary_for(station, admin, second)[{"visit", "start"}] == 8); // lost without this
}

TEST_CASE("Station and kiosk agree at every shared limit's edge: what the station takes at the "
          "limit a kiosk runs, and one over is refused by the station before a kiosk sees it",
          "[kiosk-sync][station][limits]") {
    // Issue 13: a station took an 8 MiB asset and a k of 20000 that every kiosk then refused.
    namespace shared = shared_limits;
    TempDir station_dir, kiosk_dir;
    RealStation station(station_dir.path());
    station.add_admin();
    const auto config = station_dir.path() / "station.properties";
    {
        std::ofstream file(config);
        file << "limits.asset_bytes = " << shared::max_asset_bytes << "\n"
             << "summary.k = " << shared::max_k << "\n";
    }
    station.start(config);
    const std::string admin = station.admin_token();
    std::time_t now = std::time(nullptr);
    auto settings = settings_for(kiosk_dir.path(), station.url(), &now);
    settings.station_fingerprint = station.fingerprint();
    settings.enrollment_code = new_enrollment_code(station, admin);
    std::optional<KioskSync> sync;
    sync.emplace(settings);
    sync->initial_content();
    sync->contact_once();
    REQUIRE(sync->status().enrolled);
    REQUIRE(sync->status().content_version == "1");

    // At the edges: assets of the largest size, together the largest total, one of them the
    // widest image; one byte or one pixel over is refused at upload.
    constexpr std::size_t at_total = shared::max_total_asset_bytes / shared::max_asset_bytes;
    Json names = Json::array();
    // The second asset's name is as long as an asset's name may be.
    const std::string longest_name =
        "edge-1-" + std::string(shared::max_asset_name_chars - 11, 'n') + ".png";
    REQUIRE(longest_name.size() == shared::max_asset_name_chars);
    for (std::size_t i = 0; i < at_total; ++i) {
        const std::string name = i == 1 ? longest_name : "edge-" + std::to_string(i) + ".png";
        const int width = i == 0 ? shared::max_image_side : 1;
        CHECK(station.put("/api/v1/admin/assets/" + name, png_of(width, shared::max_asset_bytes),
                          "image/png", admin) == 201);
        names.push_back(name);
    }
    const int oversized = station.put("/api/v1/admin/assets/over.png",
                                      png_of(1, shared::max_asset_bytes + 1), "image/png", admin);
    CHECK((oversized == 413 || oversized == RealStation::refused_unread));
    CHECK(station.put("/api/v1/admin/assets/wide.png", png_of(shared::max_image_side + 1, 4096),
                      "image/png", admin) == 422);
    CHECK(station.put("/api/v1/admin/assets/small.png", png_of(1, 1000), "image/png", admin) ==
          201);

    const std::string name_over = "x" + longest_name;
    CHECK(station.put("/api/v1/admin/assets/" + name_over, png_of(1, 1000), "image/png", admin) ==
          422);
    CHECK_FALSE(is_asset_name(name_over)); // what the kiosk's manifest reader asks

    const Json assets = station.call("GET", "/api/v1/admin/assets", Json(), admin, 200);
    for (const Json& asset : assets.at("assets")) {
        CHECK(asset.at("name") != "over.png");
        CHECK(asset.at("name") != "wide.png");
    }
    Json document = station.call("GET", "/api/v1/admin/content", Json(), admin, 200).at("document");
    // One byte over the total: refused at publishing, so no kiosk is offered it.
    Json over = document;
    over["assets"] = names;
    over["assets"].push_back("small.png");
    CHECK(station.put("/api/v1/admin/content", over.dump(), "application/json", admin,
                      "\"content-1\"") == 422);
    document["assets"] = names;
    station.publish_content(document, admin, "\"content-1\"");

    sync->contact_once();
    // Version 2 lists the longest asset name: the kiosk took it with the rest.
    CHECK(sync->status().content_version == "2");
    sync->contact_once(); // and says so on its next contact
    sync.reset();
    const Json kiosks = station.call("GET", "/api/v1/admin/kiosks", Json(), admin, 200);
    CHECK(kiosks.at("kiosks").at(0).at("content_version") == "2");
    const Json limits = station.call("GET", "/api/v1/admin/limits", Json(), admin, 200);
    CHECK(limits.at("asset_bytes") == shared::max_asset_bytes);
    CHECK(limits.at("k").at("current") == shared::max_k);
    {
        LocalStore store(kiosk_dir.path() / "kiosk.sqlite3", {});
        CHECK(store.station_k() == shared::max_k); // the largest k reaches the kiosk
    }
    for (const char* key : {"id_chars", "asset_name_chars", "batch_id_chars", "token_chars",
                            "enrollment_code_chars", "kiosk_name_chars"})
        CHECK(limits.contains(key));
    CHECK(limits.at("asset_name_chars") == shared::max_asset_name_chars);
    CHECK(limits.at("token_chars") == shared::max_token_chars);

    // Tokens: the kiosk keeps none longer than the station reads, and the station's own fit.
    const auto kiosk_token = read_token(kiosk_dir.path() / token_file_name);
    REQUIRE(kiosk_token);
    CHECK(kiosk_token->size() <= shared::max_token_chars);
    CHECK(is_plausible_token(std::string(shared::max_token_chars, 't')));
    CHECK_FALSE(is_plausible_token(std::string(shared::max_token_chars + 1, 't')));
    station.call("GET", "/api/v1/kiosk/content", Json(),
                 std::string(shared::max_token_chars + 1, 't'), 401);

    // An enrollment code as long as a kiosk takes is looked up (and, being made up, not
    // found); one character more is refused unread.
    const auto enroll_error = [&](std::size_t length) {
        return station
            .call("POST", "/api/v1/kiosk/enroll",
                  Json{{"enrollment_code", std::string(length, 'A')}}, "",
                  length > shared::max_enrollment_code_chars ? 422 : 401)
            .at("error")
            .at("code");
    };
    CHECK(enroll_error(shared::max_enrollment_code_chars) == "invalid_enrollment_code");
    CHECK(enroll_error(shared::max_enrollment_code_chars + 1) == "validation_failed");

    // A kiosk's name: the longest is taken, one more refused.
    station.call("POST", "/api/v1/admin/kiosks",
                 Json{{"name", std::string(shared::max_kiosk_name_chars, 'r')}}, admin, 201);
    station.call("POST", "/api/v1/admin/kiosks",
                 Json{{"name", std::string(shared::max_kiosk_name_chars + 1, 'r')}}, admin, 422);

    // One over either setting: the station does not start, and says which setting and why.
    station.kill();
    for (const std::string& setting :
         {"limits.asset_bytes = " + std::to_string(shared::max_asset_bytes + 1),
          "summary.k = " + std::to_string(shared::max_k + 1)}) {
        std::ofstream(config) << setting << "\n";
        const auto [code, said] = station.start_refused(config);
        INFO(setting << ": " << said);
        CHECK(code != 0);
        CHECK(said.find("kiosks accept") != std::string::npos);
    }
}
