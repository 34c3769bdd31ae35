#pragma once

// Shared by the kiosk sync tests: temporary data dirs, instants in local time, small images,
// content documents, and a fake station that records what reaches it.

#include "kiosk_sync.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <Poco/Net/HTTPServer.h>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace wellness::kiosk::test {

// A file's bytes as they lie on disk, as an adversary imaging the kiosk reads them.
inline std::string raw(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline CounterKey visit() {
    return {"visit", "start"};
}

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// An instant in the process's local time zone.
std::time_t local_instant(int year, int month, int day, int hour = 12, int minute = 0);

std::string make_png(int width = 4, int height = 3, unsigned char shade = 128);
std::string read_text(const std::filesystem::path& file);

std::filesystem::path default_content_dir();
Json default_content_json();
// The default content with `assets` listed.
Json content_with_assets(const std::vector<std::string>& assets);

struct ServedAsset {
    std::string bytes;
    std::string sha256;   // what the manifest claims; defaults to the bytes' real sha256
    std::size_t size = 0; // what the manifest claims; defaults to the real size
};

struct RecordedRequest {
    std::string method;
    std::string path;
    std::size_t body_size = 0;
    std::set<std::tuple<std::string, std::string, std::string>> count_cells; // (week, metric, key)
};

enum class CountsAnswer { applied, server_error, drop_connection, nonsense };

// A stand-in for the station's kiosk API, on 127.0.0.1 and a free port. Tests set what it
// serves and read what it received.
class FakeStation {
  public:
    FakeStation();
    ~FakeStation();
    std::string url() const;

    void set_content(std::string version, Json document, std::map<std::string, ServedAsset> assets,
                     int k = 5);
    void set_counts_answer(CountsAnswer answer);
    // Runs on the station's thread as each request arrives, before it is answered.
    void on_request(std::function<void(const std::string& path)> hook);
    void revoke_tokens();

    std::vector<RecordedRequest> requests() const;
    void clear_requests();
    // Applied counts summed over every batch the station accepted (duplicates ignored).
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> totals() const;
    int batches_applied() const;
    int duplicates() const;

    struct State;

  private:
    std::shared_ptr<State> state_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// A TCP relay on 127.0.0.1 in front of `upstream_port` that keeps every byte it passes, both
// ways: what anyone capturing the LAN would see. Each connection's loop wakes every 100 ms and
// ends on its own once either side closes or the relay stops.
class RecordingRelay {
  public:
    explicit RecordingRelay(std::uint16_t upstream_port);
    ~RecordingRelay();
    RecordingRelay(const RecordingRelay&) = delete;
    RecordingRelay& operator=(const RecordingRelay&) = delete;

    std::uint16_t port() const { return port_; }
    // Connections from now on go to `upstream_port` (a station restarted on another port).
    void set_upstream(std::uint16_t upstream_port);
    std::string captured() const; // every byte of every connection so far
    int connections() const;

    struct State;

  private:
    std::shared_ptr<State> state_;
    std::uint16_t port_ = 0;
};

SyncSettings settings_for(const std::filesystem::path& data_dir, const std::string& station_url,
                          const std::time_t* now);

// Issue 15's privacy tests compare two rooms whose visitors did the same things in different
// combinations: what one kiosk leaves on its disk and sends for a week of visits.
struct KioskRun {
    std::map<std::string, std::string> disk_mid_week; // after the timer write, mid-week
    Counters week_counters;
    std::string release_body; // the exact counts POST body, its batch id zeroed
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> station_totals;
    bool journal_or_wal_seen = false;
};
// A kiosk on the default content in 2026-W47: `record_visits` adds that week's uses (on
// Wednesday), the timer writes them, the week is released after it ends and the fake station
// takes it.
KioskRun run_kiosk_week(const std::function<void(KioskSync&)>& record_visits);
// Two runs left the same bytes on disk (each kiosk's random secret zeroed), the same counters,
// the same release body and the same station totals; no journal or WAL was seen.
void require_same_traces(const KioskRun& a, const KioskRun& b);

} // namespace wellness::kiosk::test
