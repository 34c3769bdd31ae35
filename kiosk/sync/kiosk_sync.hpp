#pragma once

// The boundary between the kiosk's frame loop (kiosk/app) and everything that touches disk or
// network (kiosk/sync). The frame loop only calls the non-blocking members below.

#include "sync_types.hpp"
#include "technical_log.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace wellness::kiosk {

class KioskSync {
  public:
    explicit KioskSync(SyncSettings settings);
    ~KioskSync(); // stops the worker, finishing the write in progress
    KioskSync(const KioskSync&) = delete;
    KioskSync& operator=(const KioskSync&) = delete;

    // The content to show at start: the last good content from the cache, else the default
    // bundle. Blocking; call before the main loop.
    ActiveContent initial_content();

    void start(); // starts the worker thread
    void stop();  // writes every use recorded before it, then returns

    // Frame-loop side: never blocks on disk or network.
    // Adds 1 in the local ISO week in which the current visit started: a visit/start use opens a
    // visit in the current week and every later use counts in that week, so a session across
    // Sunday midnight counts wholly in the week it started (promise 2).
    void record(const CounterKey& key);
    // Newly downloaded, verified content, once. The app swaps only when back on Attract.
    std::optional<ActiveContent> take_content_update();
    SyncStatus status() const;
    void request_contact_now(); // from the maintenance screen

    // Blocking, for tests and tools, not the frame loop. Work the worker would do at its next
    // timer write, done now on the calling thread with `wall_clock`: stores the queued uses;
    // prepares due releases.
    void persist_pending();
    // persist_pending() and then one contact with the station, due or not.
    void contact_once();
    // Blocking: one wake-up of the worker at wall_clock(), exactly as the worker does it: the
    // timer write if its moment has come, then a contact if one is due. Tests step the clock
    // and call this instead of starting the worker.
    void step();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace wellness::kiosk
