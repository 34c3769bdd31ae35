#pragma once

#include "station_store.hpp"
#include "wellness/image.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace Poco::Util {
class AbstractConfiguration;
}

namespace wellness::station {

// The station's idea of now. Handlers never read the system clock themselves, so tests can
// step time (close a week, expire an enrollment code) without sleeping.
using Clock = std::function<std::time_t()>;

Clock system_clock_with_offset(long offset_seconds);

struct StationConfig {
    std::filesystem::path data_dir;
    std::filesystem::path web_dir;     // holds admin/ and summary/ pages
    std::filesystem::path content_dir; // holds default-content.json, published on first start
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 8080;
    // Shown on the console and summary pages so a coordinator knows which station answered.
    std::string station_name = "Wellness station";

    // TLS (station_tls.hpp). Plain HTTP is for a loopback address only: tests and a local trial.
    bool tls_enabled = true;
    std::filesystem::path tls_certificate_file; // with tls_private_key_file: used instead of the
    std::filesystem::path tls_private_key_file; // station's own certificate (PEM; may be one file)
    std::vector<std::string> tls_names;         // the own certificate's names; empty: this box's
    int tls_certificate_days = 730;
    int tls_renew_days = 60; // the next certificate is made this long before the current ends

    int k = 5; // small-number threshold of summaries; never below 3
    int pbkdf2_iterations = 600000;
    std::chrono::seconds admin_token_lifetime{8 * 3600};
    std::chrono::seconds enrollment_code_lifetime{24 * 3600};
    // How often kiosks call (their sync interval): the console calls a kiosk late after two.
    std::chrono::seconds kiosk_contact_interval{3600};
    int coordinator_token_days = 180; // a coordinator token's life unless the admin picks one
    // A kiosk token's life, and its age at which the kiosk is told to swap it for a fresh one
    // (it does on its next contact): a token copied off a kiosk's disk stops working once the
    // kiosk has swapped, and at the latest at its end.
    int kiosk_token_days = 90; // 0 (no end) only set in code, for station-bench: never a file
    int kiosk_token_rotate_days = 14;
    int login_max_failures = 5;
    std::chrono::seconds login_failure_window{300};
    long clock_offset_seconds = 0; // tests only: shifts the station's now

    std::size_t max_json_body_bytes = 64 * 1024;      // small admin / kiosk requests
    std::size_t max_content_body_bytes = 1024 * 1024; // a content document
    std::size_t max_asset_bytes = 2 * 1024 * 1024;    // one PNG / JPEG
    int max_image_side = wellness::max_image_side;    // pixels (core/image.hpp)
    int max_summary_weeks = 260;
    // A week is sealed this long after it ends; later batches for it count in the oldest
    // unsealed week (privacy promise 8).
    int seal_after_days = 14;

    // Connections one client address may hold open at once (0: no limit). Each kiosk, admin and
    // coordinator has its own address on the precinct LAN; behind a reverse proxy set 0.
    int connections_per_address = 16;
    int max_threads = 64;
    int max_queued = 128;
    std::chrono::seconds receive_timeout{10}; // each wait for bytes
    // A whole request body (the largest is an image of max_asset_bytes, seconds on a LAN).
    std::chrono::milliseconds body_read_time{30000};
    // From a connection's start, or its last answer, to the next request's complete head (which
    // includes the keep-alive wait for it).
    std::chrono::milliseconds head_read_time{20000};
    std::chrono::seconds keep_alive_timeout{5};
    int database_connections = 8;
    // How long a counts request waits for its batch's group commit before answering 503.
    std::chrono::milliseconds counts_commit_wait{10000};
    // Counts batches one kiosk may send per hour of the station's clock; more are 429. A kiosk
    // contacts the station about hourly with at most 8 batches, so only a flood reaches this.
    int kiosk_batches_per_hour = 60;
};

// Where the program finds the console pages and the default content when not told: the source
// tree when run from a build directory, the installed location otherwise.
std::filesystem::path default_web_dir();
std::filesystem::path default_content_dir();

// Applies the keys of a properties / INI file over `config`. Throws std::invalid_argument with
// words an operator can act on for a bad value.
void apply_configuration(const Poco::Util::AbstractConfiguration& source, StationConfig& config);

// Refuses settings the station must not run with (k below 3, limits out of range).
void validate_config(const StationConfig& config);

// 127.0.0.0/8, ::1 or "localhost": the only places plain HTTP may listen.
bool is_loopback_address(const std::string& address);

// The station's database file in its data directory (its write-ahead log is this + "-wal").
inline std::filesystem::path database_file(const StationConfig& config) {
    return config.data_dir / "station.sqlite3";
}

// The sealing rule the counts writer and the summaries share.
inline SealPolicy seal_policy(const StationConfig& config) {
    return {config.k, static_cast<long>(config.seal_after_days) * 24 * 3600};
}

} // namespace wellness::station
