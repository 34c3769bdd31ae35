// The station's SQLite store, through SQLiteCpp with bound parameters only. Sections, in order:
//   1. The schema: its migrations, one entry per version (never edited once released).
//   2. Helpers: opening a connection, migrating, the audit row, published cells, sealing.
//   3. The pool of connections with their kept statements (borrow / Lease).
//   4. Admins and their sessions (sign-in, password, removal).
//   5. Kiosks: creation, enrollment, token rotation, credentials, revocation, contacts.
//   6. Coordinator tokens.
//   7. Content: versions, publishing, drafts; assets.
//   8. Counts: the group writer, checkpoints, sealing due weeks, published cells, weekly counts.
//   9. The audit log.

#include "station_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <sqlite3.h>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace wellness::station {

namespace {

// Each entry moves the schema one version up; never edit an entry once released, add one.
// weekly_counts holds only (ISO week, metric, key) -> n: no row per use and no timestamp.
// The applied batch ids hold no time and no kiosk, so a batch cannot be tied to when or where
// it arrived.
constexpr std::array migrations{
    R"sql(
CREATE TABLE admins (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_salt TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  password_iterations INTEGER NOT NULL
);
CREATE TABLE admin_sessions (
  id INTEGER PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE kiosks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  enrollment_code_hash TEXT UNIQUE,
  code_expires_at INTEGER,
  enrolled INTEGER NOT NULL DEFAULT 0,
  token_hash TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  last_contact INTEGER,
  content_version TEXT
);
CREATE TABLE coordinator_tokens (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE content_versions (
  version INTEGER PRIMARY KEY,
  document TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  published_by TEXT NOT NULL
);
CREATE TABLE assets (
  name TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL
);
CREATE TABLE weekly_counts (
  week TEXT NOT NULL,
  metric TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (week, metric, key)
) WITHOUT ROWID;
CREATE TABLE applied_batches (
  batch_id TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  admin TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL
);
)sql",
    // Batch ids appended in the order stored, not kept ordered by id: an id is random, so in an
    // ordered table nearly every batch rewrote a page of its own (4 KiB in the write-ahead log,
    // and again at the checkpoint); appended, a whole group of batches shares one or two pages.
    // The counts writer, the only writer, finds repeats in memory (BatchGroupWriter).
    R"sql(
CREATE TABLE applied_batch_ids (
  batch_id TEXT NOT NULL
);
INSERT INTO applied_batch_ids(batch_id) SELECT batch_id FROM applied_batches;
DROP TABLE applied_batches;
)sql",
    // Privacy promises 7 and 8. published_cells keeps what summaries may show, decided once at
    // a week's seal: periods "YYYY-Www", "YYYY-MM" or "YYYY", n NULL when hidden. sealing holds
    // the last sealed week. kiosk_releases remembers which kiosk released which week (no time,
    // no batch), so a second release of a kiosk-week is refused.
    R"sql(
CREATE TABLE published_cells (
  period TEXT NOT NULL,
  metric TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER CHECK (n IS NULL OR n >= 0),
  PRIMARY KEY (period, metric, key)
) WITHOUT ROWID;
CREATE TABLE sealing (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sealed_through TEXT NOT NULL
);
CREATE TABLE kiosk_releases (
  kiosk_id INTEGER NOT NULL,
  week TEXT NOT NULL,
  PRIMARY KEY (kiosk_id, week)
) WITHOUT ROWID;
)sql",
    // Issue 12, counts the station itself can vouch for. enrolled_at: a kiosk releases no week
    // before the one it was enrolled in (kiosks enrolled before this version get the time they
    // were added, which is no later). applied_batch_ids.week: the last week a batch released,
    // so ids are pruned once that week is sealed (a retry of a pruned id is then refused as a
    // sealed week, never counted again). Ids stored before hold weeks no later than the latest
    // week counted; ids of batches without a week released nothing and go.
    R"sql(
ALTER TABLE kiosks ADD COLUMN enrolled_at INTEGER;
UPDATE kiosks SET enrolled_at = created_at WHERE enrolled = 1;
ALTER TABLE applied_batch_ids ADD COLUMN week TEXT;
UPDATE applied_batch_ids SET week = (SELECT max(week) FROM weekly_counts);
DELETE FROM applied_batch_ids WHERE week IS NULL;
)sql",
    // Issue 12, tokens that cannot be abused: coordinator tokens expire (security.
    // coordinator_token_days, 180 by default). Tokens made before this version get 180 days
    // from the upgrade, not from their creation, so no coordinator is cut off by the upgrade.
    R"sql(
ALTER TABLE coordinator_tokens ADD COLUMN expires_at INTEGER;
UPDATE coordinator_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 15552000;
-- One row /healthz rewrites, so that a disk which takes no writes is reported (disk health).
CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
)sql",
    // Issue 12, kiosk tokens that do not live forever: each has an end, and a kiosk swaps its
    // token for a fresh one on the station's schedule (next_token_hash holds the fresh one
    // until the kiosk first uses it, so an answer lost on the way costs nothing). Kiosks
    // enrolled before this version get the default 90 days from the upgrade.
    R"sql(
ALTER TABLE kiosks ADD COLUMN token_issued_at INTEGER;
ALTER TABLE kiosks ADD COLUMN token_expires_at INTEGER;
ALTER TABLE kiosks ADD COLUMN next_token_hash TEXT;
ALTER TABLE kiosks ADD COLUMN next_token_expires_at INTEGER;
UPDATE kiosks SET token_issued_at = CAST(strftime('%s', 'now') AS INTEGER),
                  token_expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 7776000
  WHERE enrolled = 1;
)sql",
    // Issue 16, editing by several admins: each publish may carry its admin's note, and an
    // audit entry its details (a publish's note, a sign-in's address). Older rows have none.
    // Each admin's unpublished edit is kept as a draft, one per admin.
    R"sql(
ALTER TABLE content_versions ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN details TEXT NOT NULL DEFAULT '';
CREATE TABLE content_drafts (
  admin TEXT PRIMARY KEY,
  based_on INTEGER NOT NULL,
  document TEXT NOT NULL,
  saved_at INTEGER NOT NULL
);
)sql",
    // Issue 16, summaries that say when a kiosk was off: per sealed week, how many kiosks
    // released it of how many were enrolled for it, decided at the seal like its cells (weeks
    // sealed before this version have none: who was enrolled then is not known). And the UTC
    // day a coordinator token was last used ("YYYY-MM-DD"), no finer.
    R"sql(
CREATE TABLE week_reporting (
  week TEXT PRIMARY KEY,
  released INTEGER NOT NULL CHECK (released >= 0),
  enrolled INTEGER NOT NULL CHECK (enrolled >= released)
) WITHOUT ROWID;
ALTER TABLE coordinator_tokens ADD COLUMN last_used_day TEXT;
)sql",
};

std::unique_ptr<SQLite::Database> open_connection(const std::filesystem::path& file) {
    // SQLite's count of allocated bytes takes a process-wide lock on every allocation; nothing
    // here reads it. Effective only before SQLite's first use in the process, refused after.
    static const int memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memory_statistics_off;
    // NOMUTEX: each connection is used by one thread at a time (a pool lease, or the counts
    // writer's own), so SQLite's per-call locking would only cost time on every step.
    auto db = std::make_unique<SQLite::Database>(
        file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, 5000);
    db->exec("PRAGMA journal_mode=WAL");
    // FULL in WAL mode syncs the log on every commit: an acknowledged batch survives power loss.
    db->exec("PRAGMA synchronous=FULL");
    db->exec("PRAGMA foreign_keys=ON");
    db->exec("PRAGMA secure_delete=ON");
    // Checkpoint every ~2 MB and cut the log back to 4 MB after each, so the WAL can never
    // refill a small disk by itself (it grew to 16 MB with SQLite's defaults).
    db->exec("PRAGMA wal_autocheckpoint=500");
    db->exec("PRAGMA journal_size_limit=4194304");
    return db;
}

void migrate(SQLite::Database& db) {
    std::string check = db.execAndGet("PRAGMA quick_check").getString();
    if (check != "ok")
        throw StoreError("the database file failed its integrity check (" + check + ")");
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > static_cast<int>(migrations.size()))
        throw StoreError("the database was written by a newer station-server (schema " +
                         std::to_string(version) + ")");
    for (auto step = static_cast<std::size_t>(version); step < migrations.size(); ++step)
        db.exec(migrations[step]);
    // PRAGMA takes no bound parameters; the value is a compile-time count, not input.
    db.exec("PRAGMA user_version=" + std::to_string(migrations.size()));
    transaction.commit();
}

void write_audit(SQLite::Database& db, const AuditStamp& stamp, const std::string& action,
                 const std::string& object, const std::string& details = "") {
    SQLite::Statement insert(
        db, "INSERT INTO audit_log(at, admin, action, object, details) VALUES(?,?,?,?,?)");
    insert.bind(1, static_cast<std::int64_t>(stamp.at));
    insert.bind(2, stamp.admin);
    insert.bind(3, action);
    insert.bind(4, object);
    insert.bind(5, details);
    insert.exec();
}

std::optional<std::time_t> optional_time(const SQLite::Column& column) {
    if (column.isNull())
        return std::nullopt;
    return static_cast<std::time_t>(column.getInt64());
}

std::optional<IsoWeek> read_sealed_through(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT sealed_through FROM sealing WHERE id = 1");
    if (!query.executeStep())
        return std::nullopt;
    return IsoWeek::parse(query.getColumn(0).getString());
}

std::vector<PublishedCell> read_cells(SQLite::Statement& query) {
    std::vector<PublishedCell> cells;
    while (query.executeStep()) {
        PublishedCell cell{query.getColumn(0).getString(), query.getColumn(1).getString(),
                           query.getColumn(2).getString(), std::nullopt};
        if (!query.getColumn(3).isNull())
            cell.n = query.getColumn(3).getInt64();
        cells.push_back(std::move(cell));
    }
    return cells;
}

// Cells of one kind of period ("YYYY-Www" 8 characters, "YYYY-MM" 7, "YYYY" 4) within
// [low, high] as text.
std::vector<PublishedCell> cells_between(SQLite::Database& db, std::size_t label_size,
                                         const std::string& low, const std::string& high) {
    SQLite::Statement query(db, "SELECT period, metric, key, n FROM published_cells "
                                "WHERE length(period) = ? AND period >= ? AND period <= ?");
    query.bind(1, static_cast<int>(label_size));
    query.bind(2, low);
    query.bind(3, high);
    return read_cells(query);
}

void insert_cells(SQLite::Database& db, const std::vector<PublishedCell>& cells) {
    SQLite::Statement insert(db,
                             "INSERT INTO published_cells(period, metric, key, n) VALUES(?,?,?,?)");
    for (const PublishedCell& cell : cells) {
        insert.bind(1, cell.period);
        insert.bind(2, cell.metric);
        insert.bind(3, cell.key);
        if (cell.n)
            insert.bind(4, *cell.n);
        else
            insert.bind(4);
        insert.exec();
        insert.reset();
    }
}

// The first ISO week that begins at or after `instant` (local time): the week itself when
// `instant` is its very first second, Monday 00:00, else the next one.
IsoWeek first_whole_week_after(std::time_t instant) {
    return IsoWeek::from_local_time(instant - 1).next();
}

// Seals every week up to `through` not sealed yet, inside the caller's transaction: its cells
// are decided with k now and kept, and so are those of each month and ISO year it completes.
// Returns the last sealed week.
std::optional<IsoWeek> seal_through(SQLite::Database& db, const IsoWeek& through,
                                    const SealPolicy& policy) {
    auto sealed = read_sealed_through(db);
    if (sealed && through <= *sealed)
        return sealed;
    IsoWeek start = through;
    if (sealed) {
        start = sealed->next();
    } else {
        SQLite::Statement first(db, "SELECT min(week) FROM weekly_counts");
        if (first.executeStep() && !first.getColumn(0).isNull())
            if (auto week = IsoWeek::parse(first.getColumn(0).getString()); week && *week < start)
                start = *week;
    }
    SQLite::Statement week_counts(db, "SELECT metric, key, n FROM weekly_counts WHERE week = ?");
    // A kiosk is expected to release every whole week it was enrolled for while it is not
    // revoked: from the first week that began after its enrollment. A kiosk enrolled on a
    // Thursday may release that week (the station takes it) but need not, having been in its
    // room for part of it only, so that week counts it only when it did release it, as a
    // revoked kiosk counts for the weeks it did release.
    struct ExpectedKiosk {
        std::int64_t id;
        IsoWeek enrolled_week;
        IsoWeek first_whole_week;
        bool revoked;
    };
    std::vector<ExpectedKiosk> kiosks;
    {
        SQLite::Statement enrolled(db, "SELECT id, coalesce(enrolled_at, created_at), revoked "
                                       "FROM kiosks WHERE enrolled = 1");
        while (enrolled.executeStep()) {
            const auto enrolled_at = static_cast<std::time_t>(enrolled.getColumn(1).getInt64());
            kiosks.push_back(
                {enrolled.getColumn(0).getInt64(), IsoWeek::from_local_time(enrolled_at),
                 first_whole_week_after(enrolled_at), enrolled.getColumn(2).getInt() != 0});
        }
    }
    SQLite::Statement releases(db, "SELECT kiosk_id FROM kiosk_releases WHERE week = ?");
    SQLite::Statement reporting(
        db, "INSERT OR REPLACE INTO week_reporting(week, released, enrolled) VALUES(?,?,?)");
    // The first seal also gives figures for the weeks since the first enrollment that came
    // before any count: a week nobody released is one the summary must mark too.
    IsoWeek reporting_start = start;
    if (!sealed)
        for (const ExpectedKiosk& kiosk : kiosks)
            reporting_start = std::min(reporting_start, kiosk.enrolled_week);
    for (IsoWeek week = reporting_start; week <= through; week = week.next()) {
        {
            std::set<std::int64_t> released;
            releases.bind(1, week.to_string());
            while (releases.executeStep())
                released.insert(releases.getColumn(0).getInt64());
            releases.reset();
            std::int64_t expected = 0;
            for (const ExpectedKiosk& kiosk : kiosks)
                if (released.contains(kiosk.id) ||
                    (!kiosk.revoked && kiosk.first_whole_week <= week))
                    ++expected;
            reporting.bind(1, week.to_string());
            reporting.bind(2, static_cast<std::int64_t>(released.size()));
            reporting.bind(3, std::max(expected, static_cast<std::int64_t>(released.size())));
            reporting.exec();
            reporting.reset();
        }
        if (week < start)
            continue;
        std::vector<WeeklyCount> counts;
        week_counts.bind(1, week.to_string());
        while (week_counts.executeStep())
            counts.push_back({week, week_counts.getColumn(0).getString(),
                              week_counts.getColumn(1).getString(),
                              week_counts.getColumn(2).getInt64()});
        week_counts.reset();
        insert_cells(db, publish_week(week, counts, policy.k));
        const std::string month = week.month();
        if (week.next().month() != month) {
            const IsoWeek first = first_week_of(month).value_or(week);
            insert_cells(db, publish_whole(
                                 month, cells_between(db, 8, first.to_string(), week.to_string())));
        }
        if (week.next().year() != week.year()) {
            const std::string year = year_label(week);
            insert_cells(db, publish_whole(year, cells_between(db, 7, year + "-01", year + "-12")));
        }
    }
    // A batch id is kept only while a retry of its batch could still be taken: once its last
    // week is sealed, any batch for that week is refused, so the id has nothing left to guard.
    SQLite::Statement prune(db, "DELETE FROM applied_batch_ids WHERE week <= ?");
    prune.bind(1, through.to_string());
    prune.exec();
    SQLite::Statement mark(
        db, "INSERT INTO sealing(id, sealed_through) VALUES(1, ?) "
            "ON CONFLICT(id) DO UPDATE SET sealed_through = excluded.sealed_through");
    mark.bind(1, through.to_string());
    mark.exec();
    return through;
}

KioskRecord read_kiosk(SQLite::Statement& row) {
    KioskRecord kiosk;
    kiosk.id = row.getColumn(0).getInt64();
    kiosk.name = row.getColumn(1).getString();
    kiosk.created_at = static_cast<std::time_t>(row.getColumn(2).getInt64());
    kiosk.enrolled = row.getColumn(3).getInt() != 0;
    kiosk.revoked = row.getColumn(4).getInt() != 0;
    kiosk.code_expires_at = optional_time(row.getColumn(5));
    kiosk.last_contact = optional_time(row.getColumn(6));
    kiosk.content_version = row.getColumn(7).getString();
    kiosk.token_hash = row.getColumn(8).getString();
    kiosk.enrolled_at = optional_time(row.getColumn(9));
    kiosk.token_issued_at = optional_time(row.getColumn(10));
    kiosk.token_expires_at = optional_time(row.getColumn(11));
    kiosk.next_token_hash = row.getColumn(12).getString();
    return kiosk;
}

constexpr const char* kiosk_columns =
    "SELECT id, name, created_at, enrolled, revoked, code_expires_at, last_contact, "
    "content_version, token_hash, enrolled_at, token_issued_at, token_expires_at, "
    "next_token_hash FROM kiosks";

CoordinatorTokenRecord read_token(SQLite::Statement& row) {
    CoordinatorTokenRecord token;
    token.id = row.getColumn(0).getInt64();
    token.label = row.getColumn(1).getString();
    token.created_at = static_cast<std::time_t>(row.getColumn(2).getInt64());
    token.revoked = row.getColumn(3).getInt() != 0;
    token.token_hash = row.getColumn(4).getString();
    token.expires_at = static_cast<std::time_t>(row.getColumn(5).getInt64());
    token.last_used_day = row.getColumn(6).isNull() ? "" : row.getColumn(6).getString();
    return token;
}

} // namespace

IsoWeek last_week_due_for_seal(std::time_t now, const SealPolicy& policy) {
    return IsoWeek::from_local_time(now - static_cast<std::time_t>(policy.seal_after_seconds))
        .prev();
}

// A connection with the statements of the hot paths (every request's token check) prepared
// once: preparing costs more than running these one-row lookups.
struct StationStore::Connection {
    explicit Connection(std::unique_ptr<SQLite::Database> db_in) : db(std::move(db_in)) {}
    std::unique_ptr<SQLite::Database> db;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
};

namespace {

// One use of a kept statement; reset at the end so it holds no read snapshot open.
class StatementUse {
  public:
    explicit StatementUse(SQLite::Statement& statement) : statement_(statement) {}
    ~StatementUse() { statement_.tryReset(); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    SQLite::Statement& operator*() { return statement_; }
    SQLite::Statement* operator->() { return &statement_; }

  private:
    SQLite::Statement& statement_;
};

} // namespace

class StationStore::Lease {
  public:
    Lease(StationStore& store, std::unique_ptr<Connection> connection)
        : store_(store), connection_(std::move(connection)) {}
    ~Lease() {
        std::lock_guard lock(store_.mutex_);
        store_.idle_.push_back(std::move(connection_));
        store_.available_.notify_one();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SQLite::Database& operator*() { return *connection_->db; }

    // The connection's prepared statement for `sql`, prepared on first use.
    StatementUse statement(const std::string& sql) {
        auto& kept = connection_->statements[sql];
        if (!kept)
            kept = std::make_unique<SQLite::Statement>(*connection_->db, sql);
        return StatementUse(*kept);
    }

  private:
    StationStore& store_;
    std::unique_ptr<Connection> connection_;
};

StationStore::StationStore(const std::filesystem::path& file, int connections) : file_(file) {
    try {
        auto first = open_connection(file);
        migrate(*first);
        idle_.push_back(std::make_unique<Connection>(std::move(first)));
        for (int i = 1; i < connections; ++i)
            idle_.push_back(std::make_unique<Connection>(open_connection(file)));
    } catch (const SQLite::Exception& error) {
        throw StoreError("cannot use the database " + file.string() + ": " + error.what());
    }
}

StationStore::~StationStore() = default;

int StationStore::schema_version() {
    return static_cast<int>(migrations.size());
}

StationStore::Lease StationStore::borrow() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
}

std::optional<std::string> StationStore::storage_problem(std::time_t now) {
    try {
        auto lease = borrow();
        SQLite::Statement probe(*lease, "INSERT OR REPLACE INTO health_probe(id, at) VALUES(1, ?)");
        probe.bind(1, static_cast<std::int64_t>(now));
        probe.exec();
        return std::nullopt;
    } catch (const std::exception& error) {
        return std::string(error.what());
    }
}

bool StationStore::has_admin() {
    auto lease = borrow();
    return (*lease).execAndGet("SELECT count(*) FROM admins").getInt() > 0;
}

bool StationStore::add_admin(const std::string& name, const PasswordRecord& password) {
    return insert_admin(name, password, nullptr);
}

std::vector<std::string> StationStore::admin_names() {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT name FROM admins ORDER BY name");
    std::vector<std::string> names;
    while (query.executeStep())
        names.push_back(query.getColumn(0).getString());
    return names;
}

bool StationStore::add_admin(const std::string& name, const PasswordRecord& password,
                             const AuditStamp& stamp) {
    return insert_admin(name, password, &stamp);
}

bool StationStore::insert_admin(const std::string& name, const PasswordRecord& password,
                                const AuditStamp* stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement exists(db, "SELECT 1 FROM admins WHERE name = ?");
    exists.bind(1, name);
    if (exists.executeStep())
        return false;
    SQLite::Statement insert(db, "INSERT INTO admins(name, password_salt, password_hash, "
                                 "password_iterations) VALUES(?,?,?,?)");
    insert.bind(1, name);
    insert.bind(2, password.salt_hex);
    insert.bind(3, password.hash_hex);
    insert.bind(4, password.iterations);
    insert.exec();
    if (stamp)
        write_audit(db, *stamp, "admin.add", "admin " + name);
    transaction.commit();
    return true;
}

void StationStore::set_admin_password(std::int64_t admin_id, const PasswordRecord& password,
                                      std::optional<std::int64_t> keep_session,
                                      const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(db, "UPDATE admins SET password_salt = ?, password_hash = ?, "
                                 "password_iterations = ? WHERE id = ?");
    update.bind(1, password.salt_hex);
    update.bind(2, password.hash_hex);
    update.bind(3, password.iterations);
    update.bind(4, admin_id);
    update.exec();
    SQLite::Statement end_sessions(db,
                                   "DELETE FROM admin_sessions WHERE admin_id = ? AND id IS NOT ?");
    end_sessions.bind(1, admin_id);
    if (keep_session)
        end_sessions.bind(2, *keep_session);
    else
        end_sessions.bind(2);
    end_sessions.exec();
    write_audit(db, stamp, "admin.password", "admin " + stamp.admin + " changed their password");
    transaction.commit();
    end_memory_sessions(admin_id, keep_session);
}

StationStore::RemoveAdmin StationStore::remove_admin(const std::string& name,
                                                     const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(db, "SELECT id FROM admins WHERE name = ?");
    find.bind(1, name);
    if (!find.executeStep())
        return RemoveAdmin::not_found;
    const std::int64_t id = find.getColumn(0).getInt64();
    SQLite::Statement count(db, "SELECT COUNT(*) FROM admins");
    count.executeStep();
    if (count.getColumn(0).getInt64() <= 1)
        return RemoveAdmin::last;
    SQLite::Statement end_sessions(db, "DELETE FROM admin_sessions WHERE admin_id = ?");
    end_sessions.bind(1, id);
    end_sessions.exec();
    SQLite::Statement remove(db, "DELETE FROM admins WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
    SQLite::Statement drop_draft(db, "DELETE FROM content_drafts WHERE admin = ?");
    drop_draft.bind(1, name);
    drop_draft.exec();
    write_audit(db, stamp, "admin.remove", "admin " + name);
    transaction.commit();
    end_memory_sessions(id);
    return RemoveAdmin::removed;
}

int StationStore::delete_sessions_of(std::int64_t admin_id, const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement end_sessions(db, "DELETE FROM admin_sessions WHERE admin_id = ?");
    end_sessions.bind(1, admin_id);
    const int ended = end_sessions.exec();
    write_audit(db, stamp, "admin.sign_out_everywhere", "admin " + stamp.admin);
    transaction.commit();
    return ended + end_memory_sessions(admin_id);
}

std::optional<AdminRecord> StationStore::find_admin(const std::string& name) {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT id, name, password_salt, password_hash, "
                                    "password_iterations FROM admins WHERE name = ?");
    query.bind(1, name);
    if (!query.executeStep())
        return std::nullopt;
    AdminRecord admin;
    admin.id = query.getColumn(0).getInt64();
    admin.name = query.getColumn(1).getString();
    admin.password = {query.getColumn(2).getString(), query.getColumn(3).getString(),
                      query.getColumn(4).getInt()};
    return admin;
}

std::int64_t StationStore::create_session(std::int64_t admin_id, const std::string& token_hash,
                                          std::time_t expires_at, const AuditStamp& stamp,
                                          const std::string& details) {
    auto lease = borrow();
    auto& db = *lease;
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement insert(
            db, "INSERT INTO admin_sessions(admin_id, token_hash, expires_at) VALUES(?,?,?)");
        insert.bind(1, admin_id);
        insert.bind(2, token_hash);
        insert.bind(3, static_cast<std::int64_t>(expires_at));
        insert.exec();
        const auto session = db.getLastInsertRowid();
        write_audit(db, stamp, "admin.sign_in", "admin " + stamp.admin, details);
        transaction.commit();
        return session;
    } catch (const SQLite::Exception& error) {
        const int code = error.getErrorCode();
        if (code != SQLITE_FULL && code != SQLITE_IOERR && code != SQLITE_READONLY)
            throw;
    }
    // Nothing can be written, the audit entry neither: the session lives in memory only.
    SQLite::Statement name(db, "SELECT name FROM admins WHERE id = ?");
    name.bind(1, admin_id);
    if (!name.executeStep())
        throw StoreError("no such admin");
    std::lock_guard lock(memory_sessions_mutex_);
    const std::int64_t id = next_memory_session_++;
    memory_sessions_[id] =
        SessionRecord{admin_id, name.getColumn(0).getString(), token_hash, expires_at};
    return id;
}

int StationStore::end_memory_sessions(std::optional<std::int64_t> admin_id,
                                      std::optional<std::int64_t> keep) {
    std::lock_guard lock(memory_sessions_mutex_);
    return static_cast<int>(std::erase_if(memory_sessions_, [&](const auto& entry) {
        return (!admin_id || entry.second.admin_id == *admin_id) && entry.first != keep;
    }));
}

void StationStore::record_failed_sign_in(const AuditStamp& stamp, const std::string& details) {
    auto lease = borrow();
    write_audit(*lease, stamp, "admin.sign_in_failed", "admin " + stamp.admin, details);
}

std::optional<SessionRecord> StationStore::find_session(std::int64_t session_id) {
    {
        std::lock_guard lock(memory_sessions_mutex_);
        if (auto kept = memory_sessions_.find(session_id); kept != memory_sessions_.end())
            return kept->second;
    }
    auto lease = borrow();
    auto query = lease.statement("SELECT s.admin_id, a.name, s.token_hash, s.expires_at "
                                 "FROM admin_sessions s JOIN admins a ON a.id = s.admin_id "
                                 "WHERE s.id = ?");
    query->bind(1, session_id);
    if (!query->executeStep())
        return std::nullopt;
    return SessionRecord{query->getColumn(0).getInt64(), query->getColumn(1).getString(),
                         query->getColumn(2).getString(),
                         static_cast<std::time_t>(query->getColumn(3).getInt64())};
}

void StationStore::delete_session(std::int64_t session_id) {
    {
        std::lock_guard lock(memory_sessions_mutex_);
        if (memory_sessions_.erase(session_id) > 0)
            return;
    }
    auto lease = borrow();
    SQLite::Statement remove(*lease, "DELETE FROM admin_sessions WHERE id = ?");
    remove.bind(1, session_id);
    remove.exec();
}

void StationStore::delete_expired_sessions(std::time_t now) {
    {
        std::lock_guard lock(memory_sessions_mutex_);
        std::erase_if(memory_sessions_,
                      [now](const auto& entry) { return entry.second.expires_at <= now; });
    }
    auto lease = borrow();
    SQLite::Statement remove(*lease, "DELETE FROM admin_sessions WHERE expires_at <= ?");
    remove.bind(1, static_cast<std::int64_t>(now));
    remove.exec();
}

std::int64_t StationStore::create_kiosk(const std::string& name, const std::string& code_hash,
                                        std::time_t code_expires_at, const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(db, "INSERT INTO kiosks(name, created_at, enrollment_code_hash, "
                                 "code_expires_at) VALUES(?,?,?,?)");
    insert.bind(1, name);
    insert.bind(2, static_cast<std::int64_t>(stamp.at));
    insert.bind(3, code_hash);
    insert.bind(4, static_cast<std::int64_t>(code_expires_at));
    insert.exec();
    auto id = db.getLastInsertRowid();
    write_audit(db, stamp, "kiosk.create", "kiosk " + std::to_string(id) + " (" + name + ")");
    transaction.commit();
    return id;
}

StationStore::Enrollment StationStore::enroll_kiosk(const std::string& code_hash,
                                                    const std::string& token_hash, std::time_t now,
                                                    std::time_t token_life) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement query(db, "SELECT id, code_expires_at, enrolled, revoked FROM kiosks "
                                "WHERE enrollment_code_hash = ?");
    query.bind(1, code_hash);
    if (!query.executeStep())
        return {EnrollOutcome::unknown_code, 0};
    Enrollment result;
    result.kiosk_id = query.getColumn(0).getInt64();
    auto expires = optional_time(query.getColumn(1));
    if (query.getColumn(3).getInt() != 0)
        result.outcome = EnrollOutcome::revoked;
    else if (query.getColumn(2).getInt() != 0)
        result.outcome = EnrollOutcome::already_used;
    else if (!expires || *expires <= now)
        result.outcome = EnrollOutcome::expired;
    else
        result.outcome = EnrollOutcome::enrolled;
    query.reset();
    if (result.outcome != EnrollOutcome::enrolled)
        return result;
    SQLite::Statement update(db, "UPDATE kiosks SET enrolled = 1, token_hash = ?, "
                                 "code_expires_at = NULL, last_contact = ?, enrolled_at = ?, "
                                 "token_issued_at = ?, token_expires_at = ?, "
                                 "next_token_hash = NULL, next_token_expires_at = NULL "
                                 "WHERE id = ?");
    update.bind(1, token_hash);
    update.bind(2, static_cast<std::int64_t>(now));
    update.bind(3, static_cast<std::int64_t>(now));
    update.bind(4, static_cast<std::int64_t>(now));
    if (token_life > 0)
        update.bind(5, static_cast<std::int64_t>(now + token_life));
    else
        update.bind(5); // no end: only a benchmark's programmatic setting, never a config file
    update.bind(6, result.kiosk_id);
    update.exec();
    transaction.commit();
    forget_kiosk_credentials(result.kiosk_id);
    return result;
}

void StationStore::begin_kiosk_token_rotation(std::int64_t id, const std::string& next_hash,
                                              std::time_t next_expires_at) {
    auto lease = borrow();
    SQLite::Statement update(*lease, "UPDATE kiosks SET next_token_hash = ?, "
                                     "next_token_expires_at = ? "
                                     "WHERE id = ? AND enrolled = 1 AND revoked = 0");
    update.bind(1, next_hash);
    if (next_expires_at != 0)
        update.bind(2, static_cast<std::int64_t>(next_expires_at));
    else
        update.bind(2); // no end
    update.bind(3, id);
    update.exec();
    forget_kiosk_credentials(id);
}

bool StationStore::finish_kiosk_token_rotation(std::int64_t id, const std::string& next_hash,
                                               std::time_t now) {
    auto lease = borrow();
    SQLite::Statement update(*lease, "UPDATE kiosks SET token_hash = next_token_hash, "
                                     "token_expires_at = next_token_expires_at, "
                                     "next_token_hash = NULL, next_token_expires_at = NULL, "
                                     "token_issued_at = ? WHERE id = ? AND next_token_hash = ? "
                                     "AND revoked = 0");
    update.bind(1, static_cast<std::int64_t>(now));
    update.bind(2, id);
    update.bind(3, next_hash);
    const bool finished = update.exec() == 1;
    forget_kiosk_credentials(id);
    return finished;
}

std::optional<KioskRecord> StationStore::find_kiosk(std::int64_t id) {
    auto lease = borrow();
    auto query = lease.statement(std::string(kiosk_columns) + " WHERE id = ?");
    query->bind(1, id);
    if (!query->executeStep())
        return std::nullopt;
    return read_kiosk(*query);
}

std::optional<KioskCredentials> StationStore::kiosk_credentials(std::int64_t id) {
    // Enough for every kiosk a precinct could have; past it the memory starts over rather than
    // grow with ids nobody enrolled.
    constexpr std::size_t most_remembered = 4096;
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(credentials_mutex_);
        if (auto known = credentials_.find(id); known != credentials_.end())
            return known->second;
        generation = credentials_generation_;
    }
    auto kiosk = find_kiosk(id);
    if (!kiosk)
        return std::nullopt;
    KioskCredentials credentials{kiosk->token_hash,
                                 kiosk->enrolled,
                                 kiosk->revoked,
                                 kiosk->enrolled_at.value_or(kiosk->created_at),
                                 kiosk->next_token_hash,
                                 kiosk->token_issued_at.value_or(0),
                                 kiosk->token_expires_at.value_or(0)};
    std::lock_guard lock(credentials_mutex_);
    if (generation == credentials_generation_) {
        if (credentials_.size() >= most_remembered)
            credentials_.clear();
        credentials_.emplace(id, credentials);
    }
    return credentials;
}

void StationStore::forget_kiosk_credentials(std::int64_t id) {
    std::lock_guard lock(credentials_mutex_);
    ++credentials_generation_;
    credentials_.erase(id);
}

std::vector<KioskRecord> StationStore::list_kiosks() {
    auto lease = borrow();
    SQLite::Statement query(*lease, std::string(kiosk_columns) + " ORDER BY id");
    std::vector<KioskRecord> kiosks;
    while (query.executeStep())
        kiosks.push_back(read_kiosk(query));
    return kiosks;
}

bool StationStore::revoke_kiosk(std::int64_t id, const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Revoking also voids an unused enrollment code.
    SQLite::Statement update(db, "UPDATE kiosks SET revoked = 1, code_expires_at = NULL "
                                 "WHERE id = ?");
    update.bind(1, id);
    if (update.exec() == 0)
        return false;
    write_audit(db, stamp, "kiosk.revoke", "kiosk " + std::to_string(id));
    transaction.commit();
    forget_kiosk_credentials(id);
    return true;
}

void StationStore::record_kiosk_contact(std::int64_t id, std::time_t now,
                                        const std::optional<std::string>& content_version) {
    auto lease = borrow();
    if (content_version) {
        SQLite::Statement update(
            *lease, "UPDATE kiosks SET last_contact = ?, content_version = ? WHERE id = ?");
        update.bind(1, static_cast<std::int64_t>(now));
        update.bind(2, *content_version);
        update.bind(3, id);
        update.exec();
    } else {
        SQLite::Statement update(*lease, "UPDATE kiosks SET last_contact = ? WHERE id = ?");
        update.bind(1, static_cast<std::int64_t>(now));
        update.bind(2, id);
        update.exec();
    }
}

std::int64_t StationStore::create_coordinator_token(const std::string& label,
                                                    const std::string& token_hash,
                                                    std::time_t expires_at,
                                                    const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(db, "INSERT INTO coordinator_tokens(label, token_hash, created_at, "
                                 "expires_at) VALUES(?,?,?,?)");
    insert.bind(1, label);
    insert.bind(2, token_hash);
    insert.bind(3, static_cast<std::int64_t>(stamp.at));
    insert.bind(4, static_cast<std::int64_t>(expires_at));
    insert.exec();
    auto id = db.getLastInsertRowid();
    write_audit(db, stamp, "coordinator_token.create",
                "coordinator token " + std::to_string(id) + " (" + label + ")");
    transaction.commit();
    return id;
}

std::optional<CoordinatorTokenRecord> StationStore::find_coordinator_token(std::int64_t id) {
    auto lease = borrow();
    auto query = lease.statement("SELECT id, label, created_at, revoked, token_hash, "
                                 "expires_at, last_used_day FROM coordinator_tokens WHERE id = ?");
    query->bind(1, id);
    if (!query->executeStep())
        return std::nullopt;
    return read_token(*query);
}

std::vector<CoordinatorTokenRecord> StationStore::list_coordinator_tokens() {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT id, label, created_at, revoked, token_hash, "
                                    "expires_at, last_used_day FROM coordinator_tokens "
                                    "ORDER BY id");
    std::vector<CoordinatorTokenRecord> tokens;
    while (query.executeStep())
        tokens.push_back(read_token(query));
    return tokens;
}

void StationStore::note_coordinator_token_use(std::int64_t id, const std::string& day) {
    auto lease = borrow();
    SQLite::Statement update(*lease,
                             "UPDATE coordinator_tokens SET last_used_day = ? WHERE id = ?");
    update.bind(1, day);
    update.bind(2, id);
    update.exec();
}

bool StationStore::revoke_coordinator_token(std::int64_t id, const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(db, "UPDATE coordinator_tokens SET revoked = 1 WHERE id = ?");
    update.bind(1, id);
    if (update.exec() == 0)
        return false;
    write_audit(db, stamp, "coordinator_token.revoke", "coordinator token " + std::to_string(id));
    transaction.commit();
    return true;
}

std::optional<ContentVersionRecord> StationStore::current_content() {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT version, document, published_at, published_by, note "
                                    "FROM content_versions ORDER BY version DESC LIMIT 1");
    if (!query.executeStep())
        return std::nullopt;
    return ContentVersionRecord{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                static_cast<std::time_t>(query.getColumn(2).getInt64()),
                                query.getColumn(3).getString(), query.getColumn(4).getString()};
}

std::optional<ContentVersionRecord> StationStore::content_version(std::int64_t version) {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT version, document, published_at, published_by, note "
                                    "FROM content_versions WHERE version = ?");
    query.bind(1, version);
    if (!query.executeStep())
        return std::nullopt;
    return ContentVersionRecord{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                static_cast<std::time_t>(query.getColumn(2).getInt64()),
                                query.getColumn(3).getString(), query.getColumn(4).getString()};
}

std::vector<ContentVersionRecord> StationStore::content_history() {
    auto lease = borrow();
    SQLite::Statement query(*lease, "SELECT version, published_at, published_by, note "
                                    "FROM content_versions ORDER BY version DESC");
    std::vector<ContentVersionRecord> history;
    while (query.executeStep())
        history.push_back({query.getColumn(0).getInt64(), "",
                           static_cast<std::time_t>(query.getColumn(1).getInt64()),
                           query.getColumn(2).getString(), query.getColumn(3).getString()});
    return history;
}

std::int64_t StationStore::publish_content(const std::string& document, const std::string& action,
                                           const AuditStamp& stamp,
                                           std::optional<std::int64_t> based_on,
                                           const std::string& note) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (based_on) {
        SQLite::Statement current(db, "SELECT COALESCE(MAX(version), 0) FROM content_versions");
        current.executeStep();
        const std::int64_t current_version = current.getColumn(0).getInt64();
        if (current_version != *based_on)
            throw ContentChanged(*based_on, current_version);
    }
    SQLite::Statement insert(db, "INSERT INTO content_versions(document, published_at, "
                                 "published_by, note) VALUES(?,?,?,?)");
    insert.bind(1, document);
    insert.bind(2, static_cast<std::int64_t>(stamp.at));
    insert.bind(3, stamp.admin);
    insert.bind(4, note);
    insert.exec();
    auto version = db.getLastInsertRowid();
    write_audit(db, stamp, action, "content version " + std::to_string(version), note);
    SQLite::Statement drop_draft(db, "DELETE FROM content_drafts WHERE admin = ?");
    drop_draft.bind(1, stamp.admin);
    drop_draft.exec();
    transaction.commit();
    ++content_generation_;
    return version;
}

void StationStore::save_draft(const std::string& admin, const ContentDraft& draft) {
    auto lease = borrow();
    SQLite::Statement upsert(*lease, "INSERT OR REPLACE INTO content_drafts(admin, based_on, "
                                     "document, saved_at) VALUES(?,?,?,?)");
    upsert.bind(1, admin);
    upsert.bind(2, draft.based_on);
    upsert.bind(3, draft.document);
    upsert.bind(4, static_cast<std::int64_t>(draft.saved_at));
    upsert.exec();
}

std::optional<ContentDraft> StationStore::draft_of(const std::string& admin) {
    auto lease = borrow();
    SQLite::Statement query(
        *lease, "SELECT based_on, document, saved_at FROM content_drafts WHERE admin = ?");
    query.bind(1, admin);
    if (!query.executeStep())
        return std::nullopt;
    return ContentDraft{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                        static_cast<std::time_t>(query.getColumn(2).getInt64())};
}

void StationStore::delete_draft(const std::string& admin) {
    auto lease = borrow();
    SQLite::Statement drop(*lease, "DELETE FROM content_drafts WHERE admin = ?");
    drop.bind(1, admin);
    drop.exec();
}

AssetPutOutcome StationStore::put_asset(const AssetRecord& asset, const AuditStamp& stamp) {
    auto lease = borrow();
    auto& db = *lease;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement existing(db, "SELECT sha256 FROM assets WHERE name = ?");
    existing.bind(1, asset.info.name);
    if (existing.executeStep())
        return existing.getColumn(0).getString() == asset.info.sha256 ? AssetPutOutcome::unchanged
                                                                      : AssetPutOutcome::conflict;
    existing.reset();
    SQLite::Statement insert(
        db, "INSERT INTO assets(name, media_type, sha256, size, bytes) VALUES(?,?,?,?,?)");
    insert.bind(1, asset.info.name);
    insert.bind(2, asset.info.media_type);
    insert.bind(3, asset.info.sha256);
    insert.bind(4, asset.info.size);
    insert.bind(5, asset.bytes.data(), static_cast<int>(asset.bytes.size()));
    insert.exec();
    write_audit(db, stamp, "asset.upload", "asset " + asset.info.name);
    transaction.commit();
    return AssetPutOutcome::stored;
}

std::optional<AssetRecord> StationStore::asset(const std::string& name) {
    auto lease = borrow();
    SQLite::Statement query(
        *lease, "SELECT name, media_type, sha256, size, bytes FROM assets WHERE name = ?");
    query.bind(1, name);
    if (!query.executeStep())
        return std::nullopt;
    AssetRecord asset;
    asset.info = {query.getColumn(0).getString(), query.getColumn(1).getString(),
                  query.getColumn(2).getString(), query.getColumn(3).getInt64()};
    auto blob = query.getColumn(4);
    asset.bytes.assign(static_cast<const char*>(blob.getBlob()),
                       static_cast<std::size_t>(blob.getBytes()));
    return asset;
}

std::vector<AssetInfo> StationStore::list_assets() {
    auto lease = borrow();
    SQLite::Statement query(*lease,
                            "SELECT name, media_type, sha256, size FROM assets ORDER BY name");
    std::vector<AssetInfo> assets;
    while (query.executeStep())
        assets.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                          query.getColumn(2).getString(), query.getColumn(3).getInt64()});
    return assets;
}

std::set<std::string> StationStore::asset_names() {
    std::set<std::string> names;
    for (auto& asset : list_assets())
        names.insert(asset.name);
    return names;
}

std::unique_ptr<BatchGroupWriter> StationStore::open_group_writer(SealPolicy policy) {
    try {
        return std::make_unique<BatchGroupWriter>(open_connection(file_), policy);
    } catch (const SQLite::Exception& error) {
        throw StoreError("cannot use the database " + file_.string() + ": " + error.what());
    }
}

BatchGroupWriter::BatchGroupWriter(std::unique_ptr<SQLite::Database> db, SealPolicy policy)
    : db_(std::move(db)),
      remember_(*db_, "INSERT INTO applied_batch_ids(batch_id, week) VALUES(?,?)"),
      add_(*db_, "INSERT INTO weekly_counts(week, metric, key, n) VALUES(?,?,?,?) "
                 "ON CONFLICT(week, metric, key) DO UPDATE SET n = n + excluded.n"),
      contact_(*db_, "UPDATE kiosks SET last_contact = ? WHERE id = ?"),
      released_(*db_, "SELECT 1 FROM kiosk_releases WHERE kiosk_id = ? AND week = ?"),
      release_(*db_, "INSERT INTO kiosk_releases(kiosk_id, week) VALUES(?,?)"), policy_(policy) {
    sealed_through_ = read_sealed_through(*db_);
    // Replaces (and so switches off) this connection's automatic checkpoint.
    sqlite3_wal_hook(db_->getHandle(), &BatchGroupWriter::on_wal_commit, this);
    // Only the ids of weeks not sealed yet: the others were pruned at their seal (or are pruned
    // at the next one), so start-up reads a few weeks of batches, not every batch ever taken.
    SQLite::Statement stored(*db_, "SELECT batch_id, week FROM applied_batch_ids WHERE week > ?");
    stored.bind(1, sealed_through_ ? sealed_through_->to_string() : std::string());
    while (stored.executeStep())
        if (auto week = IsoWeek::parse(stored.getColumn(1).getString()))
            applied_ids_.emplace(stored.getColumn(0).getString(), *week);
}

int BatchGroupWriter::on_wal_commit(void* self, sqlite3*, const char*, int frames) {
    static_cast<BatchGroupWriter*>(self)->wal_frames_ = frames;
    return SQLITE_OK;
}

void StationStore::checkpoint() {
    auto lease = borrow();
    (*lease).exec("PRAGMA wal_checkpoint(PASSIVE)");
}

BatchGroupWriter::~BatchGroupWriter() = default;

void BatchGroupWriter::finish_checkpoint() {
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
}

std::vector<BatchOutcome>
BatchGroupWriter::apply_group(const std::vector<const PendingBatch*>& group) {
    std::vector<BatchOutcome> outcomes;
    outcomes.reserve(group.size());
    // The applied batches' counts are summed per counter first, so a group of many kiosks'
    // releases of the same shape costs one upsert per counter, not one per entry.
    std::map<std::tuple<IsoWeek, std::string_view, std::string_view>,
             std::pair<const CountEntry*, std::int64_t>>
        sums;
    std::map<std::int64_t, std::time_t> contacts;
    // Ids new to the station, first seen in this group; they join applied_ids_ only once
    // committed, so a failed commit leaves every batch of the group to be sent again.
    std::unordered_map<std::string_view, IsoWeek> fresh_ids;
    // Each kept statement is reset after every use, failed or not: one left halted by an error
    // (disk full, a constraint) would refuse every later group until a restart.
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Weeks due are sealed first, in this same transaction: a batch for a sealed week is
    // refused, so nothing published ever changes. The handler refused most such batches by the
    // clock already; this is the word that holds, also when the clock went back after a seal.
    std::time_t latest = 0;
    for (const PendingBatch* pending : group)
        latest = std::max(latest, pending->received_at);
    const auto sealed = seal_through(*db_, last_week_due_for_seal(latest, policy_), policy_);
    std::set<std::pair<std::int64_t, IsoWeek>> claimed; // kiosk-weeks released in this group
    for (const PendingBatch* pending : group) {
        const std::string& id = pending->batch.batch_id;
        auto& contact = contacts[pending->kiosk_id];
        contact = std::max(contact, pending->received_at);
        std::set<IsoWeek> weeks;
        for (const auto& entry : pending->batch.counts)
            weeks.insert(entry.week);
        // Before the id: the id of a sealed week's batch may have been pruned, and its retry
        // must be refused, not taken as new.
        if (weeks.empty() || (sealed && *weeks.begin() <= *sealed)) {
            outcomes.push_back(BatchOutcome::sealed);
            continue;
        }
        if (applied_ids_.contains(id) || fresh_ids.contains(id)) {
            outcomes.push_back(BatchOutcome::duplicate);
            continue;
        }
        bool conflict = false;
        for (const IsoWeek& week : weeks) {
            if (claimed.contains({pending->kiosk_id, week})) {
                conflict = true;
                break;
            }
            StatementUse released(released_);
            released->bind(1, pending->kiosk_id);
            released->bind(2, week.to_string());
            if (released->executeStep()) {
                conflict = true;
                break;
            }
        }
        if (conflict) {
            outcomes.push_back(BatchOutcome::conflict);
            continue;
        }
        const IsoWeek last_week = *weeks.rbegin();
        fresh_ids.emplace(id, last_week);
        {
            StatementUse remember(remember_);
            remember->bindNoCopy(1, id);
            remember->bind(2, last_week.to_string());
            remember->exec();
        }
        for (const IsoWeek& week : weeks) {
            claimed.insert({pending->kiosk_id, week});
            StatementUse release(release_);
            release->bind(1, pending->kiosk_id);
            release->bind(2, week.to_string());
            release->exec();
        }
        outcomes.push_back(BatchOutcome::applied);
        for (const auto& entry : pending->batch.counts) {
            auto& sum = sums[{entry.week, entry.metric, entry.key}];
            sum.first = &entry;
            sum.second += entry.n;
        }
    }
    for (const auto& [counter, sum] : sums) {
        const auto& [entry, n] = sum;
        StatementUse add(add_);
        add->bind(1, std::get<0>(counter).to_string());
        add->bindNoCopy(2, entry->metric);
        add->bindNoCopy(3, entry->key);
        add->bind(4, n);
        add->exec();
    }
    // Device status only (when the kiosk was last heard from), in the same transaction, so a
    // batch costs no second commit.
    for (const auto& [kiosk_id, at] : contacts) {
        StatementUse contact(contact_);
        contact->bind(1, static_cast<std::int64_t>(at));
        contact->bind(2, kiosk_id);
        contact->exec();
    }
    transaction.commit();
    // The seal pruned the stored ids of the weeks it sealed; memory follows.
    if (sealed && sealed != sealed_through_)
        std::erase_if(applied_ids_, [&](const auto& known) { return known.second <= *sealed; });
    sealed_through_ = sealed;
    for (const auto& [id, week] : fresh_ids)
        applied_ids_.emplace(id, week);
    return outcomes;
}

std::optional<IsoWeek> StationStore::seal_due_weeks(std::time_t now, const SealPolicy& policy) {
    auto lease = borrow();
    auto& db = *lease;
    {
        // Most calls find nothing due: a read, no write lock.
        const auto sealed = read_sealed_through(db);
        if (sealed && last_week_due_for_seal(now, policy) <= *sealed)
            return sealed;
    }
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto sealed = seal_through(db, last_week_due_for_seal(now, policy), policy);
    transaction.commit();
    return sealed;
}

std::vector<PublishedCell> StationStore::published_cells(const IsoWeek& from, const IsoWeek& to) {
    auto lease = borrow();
    auto& db = *lease;
    auto cells = cells_between(db, 8, from.to_string(), to.to_string());
    auto months = cells_between(db, 7, from.month(), to.month());
    auto years = cells_between(db, 4, year_label(from), year_label(to));
    cells.insert(cells.end(), months.begin(), months.end());
    cells.insert(cells.end(), years.begin(), years.end());
    return cells;
}

std::vector<WeekReporting> StationStore::week_reporting(const IsoWeek& from, const IsoWeek& to) {
    auto lease = borrow();
    auto& db = *lease;
    std::map<IsoWeek, WeekReporting> weeks;
    SQLite::Statement query(db, "SELECT week, released, enrolled FROM week_reporting "
                                "WHERE week >= ? AND week <= ?");
    query.bind(1, from.to_string());
    query.bind(2, to.to_string());
    while (query.executeStep())
        if (auto week = IsoWeek::parse(query.getColumn(0).getString()))
            weeks[*week] = {*week, query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    // A week before the first kiosk's enrollment in which nothing was counted had no kiosk to
    // release it: 0 of 0, whether it was sealed before the station kept these figures or is
    // simply older than its first kiosk. Any other week without a row was sealed before
    // schema 8, when who was enrolled was not recorded: it stays out of the list (unknown).
    IsoWeek before_any_kiosk = to.next();
    SQLite::Statement first(db, "SELECT min(coalesce(enrolled_at, created_at)) FROM kiosks "
                                "WHERE enrolled = 1");
    if (first.executeStep() && !first.getColumn(0).isNull())
        before_any_kiosk = std::min(
            before_any_kiosk,
            IsoWeek::from_local_time(static_cast<std::time_t>(first.getColumn(0).getInt64())));
    if (from < before_any_kiosk) {
        std::set<std::string> counted;
        SQLite::Statement counted_weeks(db, "SELECT DISTINCT week FROM weekly_counts "
                                            "WHERE week >= ? AND week < ?");
        counted_weeks.bind(1, from.to_string());
        counted_weeks.bind(2, before_any_kiosk.to_string());
        while (counted_weeks.executeStep())
            counted.insert(counted_weeks.getColumn(0).getString());
        for (IsoWeek week = from; week < before_any_kiosk; week = week.next())
            if (!counted.contains(week.to_string()))
                weeks.try_emplace(week, WeekReporting{week, 0, 0});
    }
    std::vector<WeekReporting> ordered;
    ordered.reserve(weeks.size());
    for (const auto& entry : weeks)
        ordered.push_back(entry.second);
    return ordered;
}

std::vector<WeeklyCount> StationStore::weekly_counts(const IsoWeek& from, const IsoWeek& to) {
    auto lease = borrow();
    // "YYYY-Www" sorts as text in week order for four-digit years.
    SQLite::Statement query(*lease, "SELECT week, metric, key, n FROM weekly_counts "
                                    "WHERE week >= ? AND week <= ?");
    query.bind(1, from.to_string());
    query.bind(2, to.to_string());
    std::vector<WeeklyCount> counts;
    while (query.executeStep()) {
        auto week = IsoWeek::parse(query.getColumn(0).getString());
        if (!week)
            continue; // written only through decode_batch, so never expected
        counts.push_back({*week, query.getColumn(1).getString(), query.getColumn(2).getString(),
                          query.getColumn(3).getInt64()});
    }
    return counts;
}

void StationStore::record_audit(const AuditStamp& stamp, const std::string& action,
                                const std::string& object) {
    auto lease = borrow();
    write_audit(*lease, stamp, action, object);
}

std::vector<AuditEntry> StationStore::audit_log(int limit) {
    auto lease = borrow();
    SQLite::Statement query(
        *lease,
        "SELECT at, admin, action, object, details FROM audit_log ORDER BY id DESC LIMIT ?");
    query.bind(1, limit);
    std::vector<AuditEntry> entries;
    while (query.executeStep())
        entries.push_back({static_cast<std::time_t>(query.getColumn(0).getInt64()),
                           query.getColumn(1).getString(), query.getColumn(2).getString(),
                           query.getColumn(3).getString(), query.getColumn(4).getString()});
    return entries;
}

} // namespace wellness::station
