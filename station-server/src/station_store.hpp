#pragma once

#include "security.hpp"
#include "wellness/counts.hpp"
#include "wellness/suppression.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wellness::station {

// Thrown when the database file cannot be used (corrupt, from a newer program); the message is
// for the operator.
class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Who did an admin change, for the audit log written in the same transaction as the change.
// A publish based on a version that is no longer the current one (another admin published
// meanwhile); nothing was written.
class ContentChanged : public StoreError {
  public:
    ContentChanged(std::int64_t based_on_in, std::int64_t current_in)
        : StoreError("content version " + std::to_string(current_in) + " is current, not version " +
                     std::to_string(based_on_in)),
          based_on(based_on_in), current(current_in) {}
    std::int64_t based_on;
    std::int64_t current;
};

struct AuditStamp {
    std::time_t at = 0;
    std::string admin;
};

struct AuditEntry {
    std::time_t at = 0;
    std::string admin;
    std::string action;
    std::string object;
    std::string details; // a publish's note, a sign-in's address; may be empty
};

struct AdminRecord {
    std::int64_t id = 0;
    std::string name;
    PasswordRecord password;
};

struct SessionRecord {
    std::int64_t admin_id = 0;
    std::string admin_name;
    std::string token_hash;
    std::time_t expires_at = 0;
};

// What authenticating a kiosk's request needs to know of it.
struct KioskCredentials {
    std::string token_hash;
    bool enrolled = false;
    bool revoked = false;
    std::time_t enrolled_at = 0; // a kiosk releases no week before this one's
    std::string next_token_hash; // handed out by a rotation, not yet used; "" if none
    std::time_t token_issued_at = 0;
    std::time_t token_expires_at = 0; // 0: no end (never for an enrolled kiosk)
};

struct KioskRecord {
    std::int64_t id = 0;
    std::string name;
    std::time_t created_at = 0;
    bool enrolled = false;
    bool revoked = false;
    std::optional<std::time_t> code_expires_at; // while the enrollment code is unused
    std::optional<std::time_t> last_contact;
    std::string content_version;
    std::string token_hash;
    std::optional<std::time_t> enrolled_at;
    std::optional<std::time_t> token_issued_at;
    std::optional<std::time_t> token_expires_at;
    std::string next_token_hash; // a fresh token handed out and not yet used, "" if none
};

struct CoordinatorTokenRecord {
    std::int64_t id = 0;
    std::string label;
    std::time_t created_at = 0;
    bool revoked = false;
    std::string token_hash;
    std::time_t expires_at = 0;
    std::string last_used_day; // UTC "YYYY-MM-DD", "" if never used
};

struct ContentVersionRecord {
    std::int64_t version = 0;
    std::string document; // JSON text
    std::time_t published_at = 0;
    std::string published_by;
    std::string note; // the publishing admin's words on why; may be empty
};

// An admin's unpublished edit, kept on the station so it survives a closed tab or another
// laptop: one per admin, replaced by each save, gone once they publish.
struct ContentDraft {
    std::int64_t based_on = 0; // the version the edit started from
    std::string document;      // JSON text, not validated (a draft may be half done)
    std::time_t saved_at = 0;
};

struct AssetInfo {
    std::string name;
    std::string media_type;
    std::string sha256;
    std::int64_t size = 0;
};

struct AssetRecord {
    AssetInfo info;
    std::string bytes;
};

enum class EnrollOutcome { enrolled, unknown_code, expired, already_used, revoked };
// conflict: the batch is new, but its kiosk already released one of its weeks (promise 7).
// sealed: one of its weeks is sealed (or it has none); nothing of it was applied (promise 8).
enum class BatchOutcome { applied, duplicate, conflict, sealed };

// Privacy promise 8: a week is sealed `seal_after_seconds` after it ends (local time); at its
// seal its cells (and those of the month / ISO year it completes) are decided with k and kept.
struct SealPolicy {
    int k = default_k;
    long seal_after_seconds = 14L * 24 * 3600;
};

// The last week sealed at `now` under `policy`: the week before the one holding
// now - seal_after_seconds.
IsoWeek last_week_due_for_seal(std::time_t now, const SealPolicy& policy);
enum class AssetPutOutcome { stored, unchanged, conflict };

// A decoded counts batch waiting for the group commit, with the kiosk that sent it.
struct PendingBatch {
    CountsBatch batch;
    std::int64_t kiosk_id = 0;
    std::time_t received_at = 0;
};

// The single counts writer's own connection, its statements prepared once. apply_group()
// applies many batches in ONE transaction, so one commit (one WAL fsync under synchronous=FULL)
// covers them all. Each batch still counts exactly once by its id, a repeat inside the group
// included; the group is wholly committed or not at all. Not thread-safe: one writer thread.
class BatchGroupWriter {
  public:
    BatchGroupWriter(std::unique_ptr<SQLite::Database> db, SealPolicy policy);
    ~BatchGroupWriter();
    BatchGroupWriter(const BatchGroupWriter&) = delete;
    BatchGroupWriter& operator=(const BatchGroupWriter&) = delete;

    // One outcome per batch, in order. Throws (and changes nothing) when the commit fails.
    std::vector<BatchOutcome> apply_group(const std::vector<const PendingBatch*>& group);

    // Frames in the write-ahead log after the last commit. This connection does not checkpoint
    // by itself (that would hold up the acknowledgements): its owner calls
    // StationStore::checkpoint() from elsewhere when this grows, then finish_checkpoint().
    int wal_frames() const { return wal_frames_; }

    // How many batch ids this writer holds in memory: those of weeks not sealed yet.
    std::size_t remembered_ids() const { return applied_ids_.size(); }

    // Copies into the database what the last StationStore::checkpoint() could not: the few
    // frames committed while it ran. With nothing left over, the next commit starts the log
    // from its beginning again, writing over blocks the file already has; a log that only ever
    // grows costs every commit a file-size update in its sync, about twice the time.
    void finish_checkpoint();

  private:
    static int on_wal_commit(void* self, ::sqlite3*, const char*, int frames);

    std::unique_ptr<SQLite::Database> db_;
    int wal_frames_ = 0;
    SQLite::Statement remember_;
    SQLite::Statement add_;
    SQLite::Statement contact_;
    SQLite::Statement released_;
    SQLite::Statement release_;
    SealPolicy policy_;
    std::optional<IsoWeek> sealed_through_; // as committed
    // The id of every batch committed whose last week is not sealed, with that week, as stored.
    std::unordered_map<std::string, IsoWeek> applied_ids_;
};

// The station's state in one SQLite file (WAL, synchronous=FULL, foreign keys on), created and
// migrated on open. Every method runs in its own transaction; a method that changes something
// an admin asked for writes the audit entry in that same transaction. Thread-safe: each call
// borrows one of a few connections.
class StationStore {
  public:
    StationStore(const std::filesystem::path& file, int connections);
    ~StationStore();
    StationStore(const StationStore&) = delete;
    StationStore& operator=(const StationStore&) = delete;

    static int schema_version();

    // Admins and their sessions.
    // Commits one tiny write: what went wrong, or nothing when the disk takes writes.
    std::optional<std::string> storage_problem(std::time_t now);
    bool has_admin();
    bool add_admin(const std::string& name, const PasswordRecord& password); // false: exists
    std::optional<AdminRecord> find_admin(const std::string& name);
    // With its audit entry (admin.sign_in, `details` saying from where).
    // On a disk that takes no writes the session is kept in memory only (until it ends or the
    // station stops), so an admin can still sign in and see what is wrong.
    std::int64_t create_session(std::int64_t admin_id, const std::string& token_hash,
                                std::time_t expires_at, const AuditStamp& stamp,
                                const std::string& details);
    // A wrong password for an existing account (names nobody has are not recorded: they may be
    // a password typed in the wrong field).
    void record_failed_sign_in(const AuditStamp& stamp, const std::string& details);
    std::optional<SessionRecord> find_session(std::int64_t session_id);
    void delete_session(std::int64_t session_id);
    void delete_expired_sessions(std::time_t now);
    // Account management from the console; each writes its audit entry in the same transaction.
    std::vector<std::string> admin_names();
    bool add_admin(const std::string& name, const PasswordRecord& password,
                   const AuditStamp& stamp); // false: exists
    // Sets the password and ends every session of the admin but `keep_session`.
    void set_admin_password(std::int64_t admin_id, const PasswordRecord& password,
                            std::optional<std::int64_t> keep_session, const AuditStamp& stamp);
    enum class RemoveAdmin { removed, not_found, last };
    // Never the last admin: a station without one could only be recovered at its console.
    RemoveAdmin remove_admin(const std::string& name, const AuditStamp& stamp);
    // Sign out everywhere: every session of the admin ends. Returns how many there were.
    int delete_sessions_of(std::int64_t admin_id, const AuditStamp& stamp);

    // Kiosks.
    std::int64_t create_kiosk(const std::string& name, const std::string& code_hash,
                              std::time_t code_expires_at, const AuditStamp& stamp);
    struct Enrollment {
        EnrollOutcome outcome = EnrollOutcome::unknown_code;
        std::int64_t kiosk_id = 0;
    };
    // The token gets `token_life` seconds (0: no end).
    Enrollment enroll_kiosk(const std::string& code_hash, const std::string& token_hash,
                            std::time_t now, std::time_t token_life);
    // Token rotation. begin: `next_hash` becomes the kiosk's fresh token beside its current one
    // (replacing any fresh one handed out before and never used), to end at `next_expires_at`.
    // finish: the kiosk has used the fresh token, so it replaces the current one; false if
    // `next_hash` is no longer the fresh one (a concurrent rotation).
    void begin_kiosk_token_rotation(std::int64_t id, const std::string& next_hash,
                                    std::time_t next_expires_at);
    bool finish_kiosk_token_rotation(std::int64_t id, const std::string& next_hash,
                                     std::time_t now);
    std::optional<KioskRecord> find_kiosk(std::int64_t id);
    // The same as find_kiosk gives, from memory after the first look: every kiosk request
    // checks its token, and only enrollment, rotation and revocation change these (each
    // forgets the kiosk before it returns, so a revocation holds from the next request on).
    std::optional<KioskCredentials> kiosk_credentials(std::int64_t id);
    std::vector<KioskRecord> list_kiosks();
    bool revoke_kiosk(std::int64_t id, const AuditStamp& stamp); // false: no such kiosk
    void record_kiosk_contact(std::int64_t id, std::time_t now,
                              const std::optional<std::string>& content_version);

    // Coordinator tokens.
    std::int64_t create_coordinator_token(const std::string& label, const std::string& token_hash,
                                          std::time_t expires_at, const AuditStamp& stamp);
    std::optional<CoordinatorTokenRecord> find_coordinator_token(std::int64_t id);
    std::vector<CoordinatorTokenRecord> list_coordinator_tokens();
    bool revoke_coordinator_token(std::int64_t id, const AuditStamp& stamp);
    // Records the UTC day a token was used on (the caller writes only when the day changed).
    void note_coordinator_token_use(std::int64_t id, const std::string& day);

    // Content: the current version is the newest one.
    std::optional<ContentVersionRecord> current_content();
    std::optional<ContentVersionRecord> content_version(std::int64_t version);
    std::vector<ContentVersionRecord> content_history(); // newest first, without documents
    // With `based_on`, publishes only while that version is still the current one (checked in
    // the same transaction as the insert), else throws ContentChanged.
    std::int64_t publish_content(const std::string& document, const std::string& action,
                                 const AuditStamp& stamp,
                                 std::optional<std::int64_t> based_on = std::nullopt,
                                 const std::string& note = "");
    // Moves on with every publish_content() of this store, so a cache of the content history
    // knows when to read it again.
    std::uint64_t content_generation() const { return content_generation_.load(); }
    // Drafts: publish_content() by an admin drops theirs in its transaction.
    void save_draft(const std::string& admin, const ContentDraft& draft);
    std::optional<ContentDraft> draft_of(const std::string& admin);
    void delete_draft(const std::string& admin);

    // Assets are immutable once uploaded: the same name with other bytes is a conflict.
    AssetPutOutcome put_asset(const AssetRecord& asset, const AuditStamp& stamp);
    std::optional<AssetRecord> asset(const std::string& name);
    std::vector<AssetInfo> list_assets();
    std::set<std::string> asset_names();

    // Counts go in through a group writer (BatchGroupWriter): the whole group in one
    // transaction, exactly once per batch id.
    // A connection of its own for the counts writer thread (see BatchGroupWriter).
    std::unique_ptr<BatchGroupWriter> open_group_writer(SealPolicy policy = {});
    // Copies the write-ahead log into the database file without blocking writers (PASSIVE).
    void checkpoint();
    std::vector<WeeklyCount> weekly_counts(const IsoWeek& from, const IsoWeek& to);

    // Seals every week due at `now` (in one transaction, with the counts writer's batches
    // serialized against it) and returns the last sealed week, nullopt while none is.
    std::optional<IsoWeek> seal_due_weeks(std::time_t now, const SealPolicy& policy);
    // The kept cells of weeks, months and years that lie within [from, to].
    std::vector<PublishedCell> published_cells(const IsoWeek& from, const IsoWeek& to);
    // The kiosks-reporting figures of the sealed weeks within [from, to], in week order: those
    // kept at each week's seal, and 0 of 0 for weeks before the first kiosk's enrollment that
    // hold no counts. A week sealed before schema 8 after that has none (unknown).
    std::vector<WeekReporting> week_reporting(const IsoWeek& from, const IsoWeek& to);

    // An admin's action that changes nothing stored but must be on record (a backup download).
    void record_audit(const AuditStamp& stamp, const std::string& action,
                      const std::string& object);
    std::vector<AuditEntry> audit_log(int limit);

  private:
    // The admin row; the audit entry too when an admin added it (not the command line).
    bool insert_admin(const std::string& name, const PasswordRecord& password,
                      const AuditStamp* stamp);
    struct Connection;
    class Lease;
    Lease borrow();
    friend class Lease;

    void forget_kiosk_credentials(std::int64_t id);
    // Ends the in-memory sessions of `admin_id`, but `keep`; all of them for nullopt admin.
    int end_memory_sessions(std::optional<std::int64_t> admin_id,
                            std::optional<std::int64_t> keep = std::nullopt);

    std::mutex memory_sessions_mutex_;
    std::unordered_map<std::int64_t, SessionRecord> memory_sessions_;
    std::int64_t next_memory_session_ = 1'000'000'000'000'000; // far above any row id

    std::filesystem::path file_;
    std::mutex credentials_mutex_;
    std::unordered_map<std::int64_t, KioskCredentials> credentials_;
    // Moves on with every change to a kiosk's credentials, so a lookup that read the database
    // before a change does not put what it read into memory after it.
    std::uint64_t credentials_generation_ = 0;
    std::atomic<std::uint64_t> content_generation_{0};
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

} // namespace wellness::station
