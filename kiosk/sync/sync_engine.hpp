#pragma once

// Everything the sync worker does, on one thread, with time and randomness passed in. KioskSync
// runs it on its worker thread; tests drive it directly and step time exactly.

#include "content_cache.hpp"
#include "local_store.hpp"
#include "station_client.hpp"
#include "sync_schedule.hpp"
#include "sync_types.hpp"
#include "wellness/problem.hpp"

#include <atomic>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wellness::kiosk {

class SyncEngine {
  public:
    // `abort` (optional) is checked between requests so a stopping kiosk does not start new ones.
    SyncEngine(SyncSettings settings, RandomSource random, TechnicalLog log,
               const std::atomic<bool>* abort = nullptr);
    ~SyncEngine();

    // The cached content if it verifies, else the default bundle; remembered as the active
    // content whose catalogue shapes the weeks. Pending content whose week has started by `now`
    // (the settings' wall clock when not given) becomes current first. Throws only if the
    // default bundle is broken.
    ActiveContent initial_content(std::optional<std::time_t> now = std::nullopt);

    // The timer's write (KioskSync calls it on its fixed schedule): stores the uses and
    // rewrites every open counter row, used or not. A use whose key is outside the catalogue in
    // force for its week is dropped; a use in a week with no rows yet seeds that week with the
    // active catalogue first.
    void record_uses(const std::vector<Use>& uses);

    // Makes pending content current once its week has started, seeds the current week's zero
    // rows (once: a week's catalogue is fixed when it is first seeded) and, once the station's
    // current k has been learnt in this run, prepares every closed week whose release moment
    // has come, oldest first. Returns how many releases were prepared.
    int maintain(std::time_t now);
    // The first part of maintain(): pending content whose week has started becomes current and
    // the current week is seeded. Called before each timer write, so a used and an unused
    // kiosk make the same writes.
    void prepare_weeks(std::time_t now);

    // The station's k, as a manifest answer (200 or 304) said it. Releases are prepared only
    // after this has happened at least once in this run (promise 7: always the current k).
    void learn_station_k(int k);
    bool station_k_learnt() const { return k_learnt_; }
    // The content waiting for its week, if any.
    const std::optional<PendingContent>& pending_content() const { return pending_; }

    bool contact_due(std::time_t now) const { return now >= next_contact_; }
    std::time_t next_contact() const { return next_contact_; }
    // One contact: enrollment if needed, the content manifest, then every waiting batch. Sets the
    // next contact time on the fixed schedule.
    void contact(std::time_t now);

    SyncStatus status();
    std::optional<ActiveContent> take_content_update();
    LocalStore& store();

  private:
    void ensure_content();
    void seed(const IsoWeek& week);
    void activate(ActiveContent content);
    // The steps of a contact; each says in technical words why it did not finish.
    Outcome fetch_content(std::time_t now);
    Outcome send_outbox();
    Outcome enroll();
    void rotate_token(std::time_t now);
    void learn_next_certificate(const std::string& fingerprint);
    void learn_station_ledger(const std::string& ledger);
    bool take_previous_token();
    void keep_previous_token_if_taken();
    // One request; a 401 on anything but enrollment also marks the kiosk revoked.
    StationCallResult call(const StationRequest& request);
    bool stopping() const { return abort_ && abort_->load(); }

    SyncSettings settings_;
    RandomSource random_;
    TechnicalLog log_;
    const std::atomic<bool>* abort_;
    std::unique_ptr<LocalStore> store_;
    ContentCache cache_;
    StationClient client_;
    std::optional<ActiveContent> active_;
    std::optional<PendingContent> pending_;
    std::optional<IsoWeek> seeded_week_;
    bool k_learnt_ = false;
    std::optional<ActiveContent> content_update_;
    std::string etag_;
    std::optional<std::string> token_;
    bool revoked_ = false;
    bool token_rotation_due_ = false;           // the station said so in this contact
    std::optional<std::string> station_ledger_; // the last one the station told
    std::optional<std::string> refused_token_;  // while the previous token is tried
    std::time_t next_contact_ = 0;
    SyncStatus status_;
};

// In the data directory: the station certificates learnt over the pinned channel (renewals).
inline constexpr const char* pins_file_name = "station-pins";

// What the kiosk trusts: the configured fingerprint and those learnt (pins_file_name).
std::vector<std::string> station_pins(const SyncSettings& settings);

// A fresh batch id: a random (version 4) uuid, lowercase.
std::string new_batch_id();

} // namespace wellness::kiosk
