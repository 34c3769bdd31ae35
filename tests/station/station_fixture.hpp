#pragma once

// A real station for tests: the real server on 127.0.0.1 and a free port, a real SQLite file in
// a fresh temporary directory, a clock the test steps, and the log lines it wrote.

#include "station.hpp"
#include "wellness/counts.hpp"
#include "wellness/json_input.hpp"
#include "wellness/pinned_context.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace station_test {

using wellness::Json;

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    Json json() const;
    std::string header(const std::string& name) const;
    std::string error_code() const; // error.code of an error body, "" otherwise
};

struct Request {
    std::string method = "GET";
    std::string path = "/";
    std::string body;
    std::string content_type = "application/json";
    std::string token;
    std::map<std::string, std::string> headers;
    bool chunked = false;
};

// Plain HTTP, or HTTPS trusting only the pins of `tls`.
Reply send(std::uint16_t port, const Request& request,
           const wellness::tls::PinnedContext* tls = nullptr);

// Local noon on Wednesday 2026-11-18, in ISO week 2026-W47.
std::time_t wednesday_of_2026_w47();

class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// Keeps every log line the station writes, for the privacy tests.
class LogCapture : public Poco::Channel {
  public:
    void log(const Poco::Message& message) override;
    std::vector<std::string> lines() const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

class TestStation {
  public:
    using Tweak = std::function<void(wellness::station::StationConfig&)>;
    explicit TestStation(const Tweak& tweak = {}, std::filesystem::path data_dir = {});
    ~TestStation();

    std::atomic<std::time_t> now{wednesday_of_2026_w47()};

    Reply call(Request request) const;
    Reply get(const std::string& path, const std::string& token = "") const;
    Reply post(const std::string& path, const Json& body, const std::string& token = "") const;
    Reply put(const std::string& path, const Json& body, const std::string& token = "") const;
    Reply del(const std::string& path, const std::string& token = "") const;
    // PUT /api/v1/admin/content as the console does: If-Match with the ETag of the content
    // GET answers now, so the publish is based on the current version.
    Reply publish_content(const Json& document, const std::string& token) const;
    // POST /api/v1/admin/content/rollback the same way: If-Match with the current ETag.
    Reply rollback_content(const Json& body, const std::string& token) const;

    // Setup shortcuts through the public API.
    std::string admin_token(); // adds "alice" on first use and signs in
    // A kiosk added and enrolled `enrolled_weeks_ago` weeks before the station's now (the clock
    // is stepped back for it and put back): it may release any week since, as a kiosk that has
    // been in its room that long. 0 enrolls it now.
    std::string kiosk_token(const std::string& name = "room 1", int enrolled_weeks_ago = 26);
    std::string coordinator_token();

    std::uint16_t port() const { return station_->port(); }
    wellness::station::Station& station() { return *station_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    std::vector<std::string> log_lines() const;

    void restart(); // stop and start again on the same data directory
    void stop();

    static constexpr const char* admin_password = "correct horse battery";

  private:
    void open();
    std::unique_ptr<TempDir> temp_;
    std::filesystem::path data_dir_;
    Tweak tweak_;
    std::string logger_name_;
    std::unique_ptr<wellness::station::Station> station_;
    bool admin_added_ = false;
    Poco::AutoPtr<LogCapture> capture_;
    std::unique_ptr<wellness::tls::PinnedContext> tls_client_;
};

// Reads until the station closes the connection (or, bounded, until nothing came within the
// socket's receive timeout). `closed` tells which.
std::string read_until_closed(Poco::Net::StreamSocket& socket, bool& closed);

// Sends `raw` on a fresh connection and reads what comes back, as read_until_closed.
std::string exchange_raw(std::uint16_t port, const std::string& raw, bool& closed);

// How many HTTP status lines `received` holds (one per answer).
int status_lines(const std::string& received);

// The stored visit counter of `week`, read straight from the station's SQLite file.
std::int64_t stored_visits(const TestStation& station, const std::string& week);

// A lowercase random uuid.
std::string new_batch_id();

// The catalogue of the default content, the one a TestStation publishes first.
const std::vector<wellness::CounterKey>& default_catalogue();

// A release of `week` as the real kiosk makes it, through core's decide_release: every key of
// `catalogue` once, in its order, zeros included, with the n of `counts` (keys of the
// catalogue; any other key throws). The n are `counts`' own also where a kiosk would have
// pooled the week (1 or 2 visits with other counts): such a release only a forger sends.
Json release_batch(const std::string& week, const wellness::Counters& counts,
                   const std::vector<wellness::CounterKey>& catalogue = default_catalogue(),
                   const std::string& batch_id = new_batch_id());

// A release (release_batch) of `week` whose only non-zero count is `n` visits.
Json visit_batch(const std::string& batch_id, const std::string& week, int n);

// One day in seconds, for stepping a TestStation's clock.
inline constexpr std::time_t day = 24 * 3600;

// A file's permission bits (0600, 0700, ...).
unsigned file_mode(const std::filesystem::path& file);

// The ISO week before the one the station's clock is in.
std::string last_week(const TestStation& station);

// The default bundle's content document, as an admin would upload it.
Json default_document();

// (metric, key) -> n, for release_batch.
wellness::Counters
counters(std::initializer_list<std::tuple<std::string, std::string, std::int64_t>> entries);

} // namespace station_test
