#pragma once

// The plain data the sync's parts share: its settings, its status and the content it runs. Apart
// from kiosk_sync.hpp so that the worker (sync_engine) and the content cache depend on these
// and not on the frame loop's boundary class, which depends on them (no include cycle).

#include "technical_log.hpp"
#include "wellness/content.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace wellness::kiosk {

// Wall-clock source (seconds since the epoch). Production passes the system clock plus the
// configured offset, so tests can move the kiosk past a week's end.
using WallClock = std::function<std::time_t()>;

struct SyncSettings {
    std::filesystem::path data_dir;              // kiosk.sqlite3, content cache, token
    std::string station_url;                     // "" runs offline on the last good content
    std::string enrollment_code;                 // first contact only
    std::string station_fingerprint;             // the https station's pinned certificate
    std::filesystem::path default_content_dir;   // holds default-content.json (and assets/)
    std::chrono::seconds contact_interval{3600}; // fixed schedule, used or not
    std::chrono::seconds contact_jitter{600};    // uniform random +- jitter on each contact
    // A closed week is released at a random moment within this span after it ends.
    std::chrono::seconds release_spread{2 * 24 * 3600};
    WallClock wall_clock;
    // Added by kiosk/sync (all optional):
    std::chrono::seconds http_timeout{5}; // connect, send and receive, per request
    // Promise 4: uses wait in memory and reach the disk only at wall-clock multiples of this
    // period (and on a clean stop), in a write that rewrites every open counter whether anyone
    // used the kiosk or not. A power cut loses at most the uses of one period.
    std::chrono::seconds store_interval{300};
    // Seeds the contact jitter; unset draws from std::random_device. Tests set it.
    std::optional<std::uint64_t> random_seed;
    // Where technical events go ("sync ok", "sync failed: ...", "content version X active"), each
    // with its priority; unset uses Poco::Logger "wellness.kiosk.sync" at that priority.
    TechnicalLog technical_log;
};

// Technical status only, for the maintenance screen. Nothing about what anyone did.
struct SyncStatus {
    bool station_configured = false;
    bool enrolled = false;
    bool station_reachable = false;
    std::optional<std::time_t> last_successful_contact;
    std::string content_version;
    int weeks_waiting = 0; // closed weeks not yet acknowledged by the station
    std::string last_error;
};

struct ActiveContent {
    ContentDocument document;
    std::string version;              // "default" for the bundled content
    std::filesystem::path assets_dir; // where the document's assets are, verified
};

} // namespace wellness::kiosk
