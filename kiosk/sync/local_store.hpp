#pragma once

// The kiosk's own SQLite file: weekly counters, what pooled weeks carry forward, prepared
// releases waiting for the station (the outbox) and which weeks were released. Nothing finer
// than an ISO week is stored next to a count, and there is no row per use.
//
// No history and no clock on the disk (privacy promise 4): uses wait in memory and reach the
// file only on the sync worker's fixed timer, and every write of uses rewrites every counter
// and carry row of the open weeks, used or not, so a used and an unused kiosk write the same
// pages at the same moments. The journal is a rollback journal deleted at each commit
// (journal_mode=DELETE, never WAL or PERSIST), secure_delete=ON zeroes freed pages, and
// synchronous=EXTRA makes each commit durable before it returns (FULL does not sync the
// directory after the journal's unlink, so a power cut could bring the journal back and undo
// the commit). What is left: a hot journal that a power cut or kill -9 leaves during the few
// milliseconds of a write holds the pages as they were at the previous write, so whoever images the
// disk before the kiosk starts again (its next open rolls the journal back and deletes it) can
// subtract the two and learn the marginal counts of one timer period, and a deleted journal's
// blocks may stay in the file system's free space until reused (only full-disk encryption removes
// that).

#include "technical_log.hpp"
#include "wellness/counts.hpp"
#include "wellness/iso_week.hpp"

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wellness::kiosk {

struct Use {
    IsoWeek week;
    CounterKey counter;
};

struct OutboxEntry {
    std::string batch_id;
    IsoWeek week;
    std::string body; // the exact POST body, so a resend is byte-identical
};

struct PreparedRelease {
    IsoWeek week;
    std::string batch_id;
    bool pooled = false;
};

class LocalStore {
  public:
    // 2: the same tables as 1, in rollback-journal mode and scrubbed of free pages. A version 1
    // file (WAL mode, free pages full of old rows) is migrated in place at open.
    // 3: adds kept_releases (a version 2 file gets the empty table at open).
    static constexpr int schema_version = 3;

    static constexpr std::chrono::milliseconds default_busy_timeout{5000};

    // Opens `file`, creating it if needed. A file that is really unusable (SQLite reports it
    // corrupt or not a database, the integrity check fails, or its schema is not this one) is
    // moved aside (file.corrupt-N) and a fresh store started; rows that fail validation (bad
    // week, unknown metric, n out of range, ...) are dropped. Both are reported through `log` as
    // technical events. Any other SQLite error (locked, busy, I/O, cannot open, disk full) is
    // thrown and the file left as it is, so a later attempt finds its weeks, outbox and secret.
    // `busy_timeout` is how long a write waits for another connection's lock.
    LocalStore(std::filesystem::path file, TechnicalLog log,
               std::chrono::milliseconds busy_timeout = default_busy_timeout);
    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    // Where the unreadable file was moved at open, if it was.
    const std::optional<std::filesystem::path>& moved_aside() const { return moved_aside_; }
    // Rows dropped at open because they failed validation.
    std::size_t rows_dropped_at_open() const { return rows_dropped_; }

    // The timer's write: adds 1 per use and rewrites every counter row of every unreleased week
    // and every carry row, in one transaction, whether `uses` is empty or not. A use that falls
    // in a week already released (the clock was set back) goes into the carry, so it reaches the
    // station with the next release. A use without a row gets one: the sync engine drops uses
    // outside the catalogue in force for their week before they come here.
    void add_uses(const std::vector<Use>& uses);

    // Zero rows for every key of the content's catalogue, so a week's shape never depends on use.
    void seed_week(const IsoWeek& week, const std::vector<CounterKey>& keys);
    // Whether the week has counter rows (its catalogue is fixed once it has).
    bool has_week(const IsoWeek& week);
    // The catalogue in force for a week: the keys of its rows, in key order.
    std::vector<CounterKey> week_catalogue(const IsoWeek& week);

    // Weeks before `current` with counters that have not been released, oldest first.
    std::vector<IsoWeek> unreleased_weeks_before(const IsoWeek& current);

    // In ONE transaction: persists what core's decide_release makes of the week's counters, the
    // carry, `shape` (the catalogue in force for the week, week_catalogue()) and the station's k:
    // writes the batch to the outbox under `batch_id`, marks the week released, replaces the
    // carry and deletes the week's counters. A crash at any moment
    // leaves either none or all of this. `before_commit` lets tests crash the process at the
    // worst moment.
    PreparedRelease prepare_release(const IsoWeek& week, const std::vector<CounterKey>& shape,
                                    int k, const std::string& batch_id,
                                    const std::function<void()>& before_commit = {});

    std::vector<OutboxEntry> outbox(); // oldest week first
    void remove_from_outbox(const std::string& batch_id);

    // A station restored from a backup has lost what it acknowledged since that backup. So an
    // acknowledged release moves, in one transaction, from the outbox to the kept releases with
    // the station's ledger id (`X-Station-Ledger`, "" when it sends none); a restore gives the
    // station a new ledger id, and every kept release acknowledged under another one goes back
    // to the outbox (the station answers "duplicate" for what it still has). Kept releases hold
    // only what was sent already, and are forgotten once their week is older than the station
    // could still take.
    void acknowledge(const std::string& batch_id, const std::string& ledger);
    // Returns how many went back to the outbox.
    int resend_unless_acknowledged_by(const std::string& ledger);
    void forget_kept_before(const IsoWeek& oldest_kept);
    std::vector<OutboxEntry> kept_releases(); // oldest week first

    int station_k();
    void set_station_k(int k);
    std::string kiosk_secret();
    // Tests give two kiosks the same secret so their release moments coincide.
    void set_kiosk_secret(const std::string& secret);

    // Closed weeks not yet acknowledged: in the outbox or not yet released.
    int weeks_waiting(const IsoWeek& current);

    // For tests and the privacy check.
    Counters week_counters(const IsoWeek& week);
    Counters carry();
    bool is_released(const IsoWeek& week);
    SQLite::Database& database() { return *db_; }

  private:
    bool try_open();
    void create_schema();
    void migrate_from_version_1();
    void migrate_from_version_2();
    std::size_t drop_invalid_rows();
    void move_aside();
    std::string meta(const std::string& name);
    void set_meta(const std::string& name, const std::string& value);

    std::filesystem::path file_;
    TechnicalLog log_;
    std::chrono::milliseconds busy_timeout_;
    std::unique_ptr<SQLite::Database> db_;
    std::optional<std::filesystem::path> moved_aside_;
    std::size_t rows_dropped_ = 0;
};

} // namespace wellness::kiosk
