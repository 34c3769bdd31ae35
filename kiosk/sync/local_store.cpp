#include "local_store.hpp"

#include "sync_schedule.hpp"
#include "wellness/kiosk_headers.hpp"
#include "wellness/limits.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <sqlite3.h>
#include <stdexcept>

namespace wellness::kiosk {

namespace {

constexpr const char* schema_sql = R"sql(
CREATE TABLE counters (
  week TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (week, metric, key));
CREATE TABLE carry (
  metric TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (metric, key));
CREATE TABLE outbox (
  batch_id TEXT PRIMARY KEY NOT NULL, week TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE released_weeks (week TEXT PRIMARY KEY NOT NULL);
CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
)sql";

// Since version 3: releases the station acknowledged, kept for a few weeks with the ledger that
// acknowledged them, so that a station restored from an older backup gets them again.
constexpr const char* kept_releases_sql = R"sql(
CREATE TABLE kept_releases (
  batch_id TEXT PRIMARY KEY NOT NULL, week TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
  ledger TEXT NOT NULL);
)sql";

// Each table's columns as "name type notnull pk", in order: anything else is not our schema
// (a table with the right names but no primary key would break the upserts later).
const std::vector<std::pair<std::string, std::vector<std::string>>>& expected_tables() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
        {"counters", {"week TEXT 1 1", "metric TEXT 1 2", "key TEXT 1 3", "n INTEGER 1 0"}},
        {"carry", {"metric TEXT 1 1", "key TEXT 1 2", "n INTEGER 1 0"}},
        {"outbox", {"batch_id TEXT 1 1", "week TEXT 1 0", "body TEXT 1 0"}},
        {"released_weeks", {"week TEXT 1 1"}},
        {"meta", {"name TEXT 1 1", "value TEXT 1 0"}},
        {"kept_releases",
         {"batch_id TEXT 1 1", "week TEXT 1 0", "body TEXT 1 0", "ledger TEXT 1 0"}},
    };
    return tables;
}

bool valid_week_text(const std::string& text) {
    const auto week = IsoWeek::parse(text);
    return week && week->to_string() == text;
}

bool valid_counter(const std::string& metric, const std::string& key) {
    return is_known_metric(metric) && is_valid_slug(key);
}

std::int64_t clamp_count(std::int64_t n) {
    return std::clamp<std::int64_t>(n, 0, max_count);
}

// Reads (metric, key, n) rows of a statement whose first columns are exactly those.
Counters read_counters(SQLite::Statement& query) {
    Counters counters;
    while (query.executeStep()) {
        counters[CounterKey{query.getColumn(0).getString(), query.getColumn(1).getString()}] =
            query.getColumn(2).getInt64();
    }
    return counters;
}

// Reads (batch_id, week, body) rows: the outbox's and the kept releases'.
std::vector<OutboxEntry> read_releases(SQLite::Statement& query) {
    std::vector<OutboxEntry> entries;
    while (query.executeStep()) {
        const auto week = IsoWeek::parse(query.getColumn(1).getString());
        if (!week)
            continue;
        entries.push_back(
            OutboxEntry{query.getColumn(0).getString(), *week, query.getColumn(2).getString()});
    }
    return entries;
}

// A week far in the future: outbox entries are checked with the station's own strict decoder,
// which refuses weeks that have not ended relative to the week it is given.
IsoWeek far_future_week() {
    return *IsoWeek::parse("9999-W01");
}

// An outbox or kept row (batch_id, week, body, ...): the body must be the batch it says it is,
// of its week only, as the station's own strict decoder reads it.
bool valid_release_row(SQLite::Statement& row) {
    if (!row.getColumn(0).isText() || !row.getColumn(1).isText() || !row.getColumn(2).isText())
        return false;
    const std::string batch_id = row.getColumn(0).getString();
    const std::string week = row.getColumn(1).getString();
    if (!is_valid_uuid(batch_id) || !valid_week_text(week))
        return false;
    const std::string body = row.getColumn(2).getString();
    if (body.size() > max_batch_bytes)
        return false;
    const auto decoded = decode_batch(body, far_future_week());
    if (!decoded.batch || decoded.batch->batch_id != batch_id)
        return false;
    return std::all_of(decoded.batch->counts.begin(), decoded.batch->counts.end(),
                       [&](const CountEntry& entry) { return entry.week.to_string() == week; });
}

// Only these say the file itself is damaged; every other error may pass.
bool says_file_is_unusable(const SQLite::Exception& error) {
    const int primary_code = error.getErrorCode() & 0xff;
    return primary_code == SQLITE_CORRUPT || primary_code == SQLITE_NOTADB;
}

} // namespace

LocalStore::LocalStore(std::filesystem::path file, TechnicalLog log,
                       std::chrono::milliseconds busy_timeout)
    : file_(std::move(file)), log_(std::move(log)), busy_timeout_(busy_timeout) {
    if (!log_)
        log_ = [](Poco::Message::Priority, const std::string&) {};
    if (!try_open()) {
        move_aside();
        if (!try_open())
            throw std::runtime_error("cannot create the kiosk database " + file_.string());
    }
    rows_dropped_ = drop_invalid_rows();
    if (rows_dropped_ > 0)
        log_(Poco::Message::PRIO_WARNING,
             "local store: dropped " + std::to_string(rows_dropped_) + " invalid rows at open");
}

LocalStore::~LocalStore() = default;

bool LocalStore::try_open() {
    try {
        db_ = std::make_unique<SQLite::Database>(file_.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db_->setBusyTimeout(static_cast<int>(busy_timeout_.count()));
        // Promise 4: a rollback journal deleted at each commit (a WAL would keep one frame per
        // write, in order, and its -shm's mtime); freed pages zeroed. EXTRA, not FULL: a commit
        // in DELETE mode is the journal's unlink, and only EXTRA syncs the directory after it;
        // under FULL a power cut soon after a commit brought the journal back and the next open
        // rolled the commit back (a timer write's uses, a prepared release already sent).
        // Switching a WAL file to DELETE checkpoints it and removes the -wal and -shm files.
        db_->exec("PRAGMA journal_mode=DELETE");
        db_->exec("PRAGMA secure_delete=ON");
        db_->exec("PRAGMA synchronous=EXTRA");
        if (db_->execAndGet("PRAGMA quick_check").getString() != "ok") {
            log_(Poco::Message::PRIO_ERROR, "local store: integrity check failed");
            db_.reset();
            return false;
        }
        const int version = db_->execAndGet("PRAGMA user_version").getInt();
        const int tables =
            db_->execAndGet("SELECT count(*) FROM sqlite_schema WHERE type='table'").getInt();
        if (version == 0 && tables == 0) {
            create_schema();
        } else if (version == 1) {
            migrate_from_version_1();
        } else if (version == 2) {
            migrate_from_version_2();
        } else if (version != schema_version) {
            log_(Poco::Message::PRIO_ERROR,
                 "local store: unexpected schema version " + std::to_string(version));
            db_.reset();
            return false;
        }
        for (const auto& [table, columns] : expected_tables()) {
            std::vector<std::string> found;
            {
                SQLite::Statement query(
                    *db_, "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || pk "
                          "FROM pragma_table_info(?) ORDER BY cid");
                query.bind(1, table);
                while (query.executeStep())
                    found.push_back(query.getColumn(0).getString());
            }
            if (found != columns) {
                log_(Poco::Message::PRIO_ERROR,
                     "local store: table " + table + " does not have the expected columns");
                db_.reset();
                return false;
            }
        }
        return true;
    } catch (const SQLite::Exception& error) {
        db_.reset();
        if (!says_file_is_unusable(error)) {
            // Locked, busy, I/O error, disk full: the file may be fine. Setting it aside would
            // lose its weeks, outbox and secret for good; the caller tries again later.
            log_(Poco::Message::PRIO_WARNING,
                 std::string("local store: cannot open the database for now: ") + error.what());
            throw;
        }
        log_(Poco::Message::PRIO_ERROR,
             std::string("local store: cannot read the database: ") + error.what());
        return false;
    }
}

void LocalStore::create_schema() {
    SQLite::Transaction transaction(*db_);
    db_->exec(schema_sql);
    db_->exec(kept_releases_sql);
    db_->exec("PRAGMA user_version=" + std::to_string(schema_version));
    transaction.commit();
}

// Version 1 ran in WAL mode without secure_delete: its free pages may still hold old rows.
// The tables are the same (checked after this like any file's); VACUUM rebuilds the file with
// no free pages, and the WAL is gone already (journal_mode=DELETE at open).
void LocalStore::migrate_from_version_1() {
    db_->exec("VACUUM");
    migrate_from_version_2();
    log_(Poco::Message::PRIO_INFORMATION, "local store: migrated from schema version 1");
}

// Version 2 had no kept releases: acknowledged ones were deleted.
void LocalStore::migrate_from_version_2() {
    SQLite::Transaction transaction(*db_);
    db_->exec(kept_releases_sql);
    db_->exec("PRAGMA user_version=" + std::to_string(schema_version));
    transaction.commit();
}

void LocalStore::move_aside() {
    db_.reset();
    for (int n = 1; n < 1000; ++n) {
        std::filesystem::path target = file_;
        target += ".corrupt-" + std::to_string(n);
        std::error_code exists_error;
        if (std::filesystem::exists(target, exists_error))
            continue;
        std::filesystem::rename(file_, target);
        // The journal files belong to the moved file; left in place SQLite would try to apply
        // them to the fresh one.
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            std::filesystem::path sibling = file_;
            sibling += suffix;
            std::filesystem::path sibling_target = target;
            sibling_target += suffix;
            std::error_code ignored;
            if (std::filesystem::exists(sibling, ignored))
                std::filesystem::rename(sibling, sibling_target, ignored);
        }
        moved_aside_ = target;
        log_(Poco::Message::PRIO_WARNING,
             "local store: unreadable database moved aside to " + target.filename().string());
        return;
    }
    throw std::runtime_error("too many corrupt kiosk databases beside " + file_.string());
}

std::size_t LocalStore::drop_invalid_rows() {
    std::size_t dropped = 0;
    SQLite::Transaction transaction(*db_);
    // `table` is always one of the literal names below, never input.
    auto drop_where = [&](const char* table, auto&& keep) {
        std::vector<std::int64_t> bad_rows;
        {
            SQLite::Statement query(*db_, std::string("SELECT * , rowid FROM ") + table);
            const int rowid_column = query.getColumnCount() - 1;
            while (query.executeStep())
                if (!keep(query))
                    bad_rows.push_back(query.getColumn(rowid_column).getInt64());
        }
        SQLite::Statement erase(*db_, std::string("DELETE FROM ") + table + " WHERE rowid = ?");
        for (std::int64_t rowid : bad_rows) {
            erase.reset();
            erase.bind(1, rowid);
            dropped += static_cast<std::size_t>(erase.exec());
        }
    };
    auto integer_in_range = [](const SQLite::Column& column) {
        return column.isInteger() && column.getInt64() >= 0 && column.getInt64() <= max_count;
    };
    drop_where("counters", [&](SQLite::Statement& row) {
        return row.getColumn(0).isText() && valid_week_text(row.getColumn(0).getString()) &&
               row.getColumn(1).isText() && row.getColumn(2).isText() &&
               valid_counter(row.getColumn(1).getString(), row.getColumn(2).getString()) &&
               integer_in_range(row.getColumn(3));
    });
    drop_where("carry", [&](SQLite::Statement& row) {
        return row.getColumn(0).isText() && row.getColumn(1).isText() &&
               valid_counter(row.getColumn(0).getString(), row.getColumn(1).getString()) &&
               integer_in_range(row.getColumn(2));
    });
    drop_where("released_weeks", [&](SQLite::Statement& row) {
        return row.getColumn(0).isText() && valid_week_text(row.getColumn(0).getString());
    });
    drop_where("outbox", [&](SQLite::Statement& row) { return valid_release_row(row); });
    drop_where("kept_releases", [&](SQLite::Statement& row) {
        return valid_release_row(row) && row.getColumn(3).isText() &&
               (row.getColumn(3).getString().empty() ||
                is_valid_ledger_id(row.getColumn(3).getString()));
    });
    drop_where("meta", [&](SQLite::Statement& row) {
        if (!row.getColumn(0).isText() || !row.getColumn(1).isText())
            return false;
        const std::string name = row.getColumn(0).getString();
        const std::string value = row.getColumn(1).getString();
        if (name == "kiosk_secret")
            return value.size() == 64 &&
                   value.find_first_not_of("0123456789abcdef") == std::string::npos;
        if (name == "station_k") {
            if (value.empty() || value.size() > 5 ||
                value.find_first_not_of("0123456789") != std::string::npos)
                return false;
            const int k = std::stoi(value);
            return shared_limits::is_k_in_range(k);
        }
        return false;
    });
    transaction.commit();
    return dropped;
}

std::string LocalStore::meta(const std::string& name) {
    SQLite::Statement query(*db_, "SELECT value FROM meta WHERE name = ?");
    query.bind(1, name);
    return query.executeStep() ? query.getColumn(0).getString() : std::string();
}

void LocalStore::set_meta(const std::string& name, const std::string& value) {
    SQLite::Statement upsert(*db_, "INSERT INTO meta(name, value) VALUES (?, ?) "
                                   "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    upsert.bind(1, name);
    upsert.bind(2, value);
    upsert.exec();
}

void LocalStore::add_uses(const std::vector<Use>& uses) {
    SQLite::Transaction transaction(*db_);
    // Every open row, with what this write adds to it.
    std::map<std::pair<std::string, CounterKey>, std::int64_t> rows;
    {
        SQLite::Statement query(*db_, "SELECT week, metric, key, n FROM counters WHERE week NOT IN "
                                      "(SELECT week FROM released_weeks)");
        while (query.executeStep())
            rows[{query.getColumn(0).getString(),
                  CounterKey{query.getColumn(1).getString(), query.getColumn(2).getString()}}] =
                query.getColumn(3).getInt64();
    }
    Counters carried = carry();
    std::map<std::pair<std::string, CounterKey>, std::int64_t> new_rows;
    SQLite::Statement released(*db_, "SELECT 1 FROM released_weeks WHERE week = ?");
    for (const Use& use : uses) {
        if (!valid_counter(use.counter.metric, use.counter.key))
            continue;
        const std::string week = use.week.to_string();
        released.reset();
        released.bind(1, week);
        if (released.executeStep()) {
            carried[use.counter] = clamp_count(carried[use.counter] + 1);
        } else if (const auto found = rows.find({week, use.counter}); found != rows.end()) {
            found->second = clamp_count(found->second + 1);
        } else {
            auto& n = new_rows[{week, use.counter}];
            n = clamp_count(n + 1);
        }
    }
    // The same writes for every row whether its value changed or not, so the pages written
    // (and journaled) do not depend on which counters were used. SQLite skips a row whose new
    // bytes equal the old ones, so every open row is first changed to a value no count has,
    // then set to its count: both happen in this transaction, and only the counts are
    // committed.
    db_->exec("UPDATE counters SET n = -1 - n WHERE week NOT IN (SELECT week FROM released_weeks)");
    db_->exec("UPDATE carry SET n = -1 - n");
    SQLite::Statement rewrite(
        *db_, "UPDATE counters SET n = ? WHERE week = ? AND metric = ? AND key = ?");
    for (const auto& [row, n] : rows) {
        rewrite.reset();
        rewrite.bind(1, n);
        rewrite.bind(2, row.first);
        rewrite.bind(3, row.second.metric);
        rewrite.bind(4, row.second.key);
        rewrite.exec();
    }
    SQLite::Statement insert(*db_, "INSERT INTO counters(week, metric, key, n) VALUES (?, ?, ?, ?) "
                                   "ON CONFLICT(week, metric, key) DO UPDATE SET n = excluded.n");
    for (const auto& [row, n] : new_rows) {
        insert.reset();
        insert.bind(1, row.first);
        insert.bind(2, row.second.metric);
        insert.bind(3, row.second.key);
        insert.bind(4, n);
        insert.exec();
    }
    SQLite::Statement write_carry(*db_, "INSERT INTO carry(metric, key, n) VALUES (?, ?, ?) "
                                        "ON CONFLICT(metric, key) DO UPDATE SET n = excluded.n");
    for (const auto& [key, n] : carried) {
        write_carry.reset();
        write_carry.bind(1, key.metric);
        write_carry.bind(2, key.key);
        write_carry.bind(3, n);
        write_carry.exec();
    }
    transaction.commit();
}

bool LocalStore::has_week(const IsoWeek& week) {
    SQLite::Statement query(*db_, "SELECT 1 FROM counters WHERE week = ? LIMIT 1");
    query.bind(1, week.to_string());
    return query.executeStep();
}

std::vector<CounterKey> LocalStore::week_catalogue(const IsoWeek& week) {
    std::vector<CounterKey> keys;
    for (const auto& [key, n] : week_counters(week))
        keys.push_back(key);
    return keys;
}

void LocalStore::seed_week(const IsoWeek& week, const std::vector<CounterKey>& keys) {
    if (is_released(week))
        return;
    SQLite::Transaction transaction(*db_);
    SQLite::Statement seed(
        *db_, "INSERT OR IGNORE INTO counters(week, metric, key, n) VALUES (?, ?, ?, 0)");
    for (const CounterKey& key : keys) {
        if (!valid_counter(key.metric, key.key))
            continue;
        seed.reset();
        seed.bind(1, week.to_string());
        seed.bind(2, key.metric);
        seed.bind(3, key.key);
        seed.exec();
    }
    transaction.commit();
}

std::vector<IsoWeek> LocalStore::unreleased_weeks_before(const IsoWeek& current) {
    SQLite::Statement query(*db_, "SELECT DISTINCT week FROM counters "
                                  "WHERE week NOT IN (SELECT week FROM released_weeks)");
    std::vector<IsoWeek> weeks;
    while (query.executeStep()) {
        const auto week = IsoWeek::parse(query.getColumn(0).getString());
        if (week && *week < current)
            weeks.push_back(*week);
    }
    std::sort(weeks.begin(), weeks.end());
    return weeks;
}

PreparedRelease LocalStore::prepare_release(const IsoWeek& week,
                                            const std::vector<CounterKey>& shape, int k,
                                            const std::string& batch_id,
                                            const std::function<void()>& before_commit) {
    if (!is_valid_uuid(batch_id))
        throw std::invalid_argument("batch id is not a lowercase uuid");
    SQLite::Transaction transaction(*db_);
    const ReleaseDecision decision =
        decide_release(week, shape, week_counters(week), carry(), k, batch_id);
    const std::string& body = decision.body;
    // decision.dropped is not logged: even that some count was dropped says something of use.

    SQLite::Statement add_outbox(*db_, "INSERT INTO outbox(batch_id, week, body) VALUES (?, ?, ?)");
    add_outbox.bind(1, batch_id);
    add_outbox.bind(2, week.to_string());
    add_outbox.bind(3, body);
    add_outbox.exec();
    SQLite::Statement mark(*db_, "INSERT INTO released_weeks(week) VALUES (?)");
    mark.bind(1, week.to_string());
    mark.exec();
    db_->exec("DELETE FROM carry");
    SQLite::Statement add_carry(*db_, "INSERT INTO carry(metric, key, n) VALUES (?, ?, ?)");
    for (const auto& [key, n] : decision.carried_out) {
        if (n <= 0)
            continue;
        add_carry.reset();
        add_carry.bind(1, key.metric);
        add_carry.bind(2, key.key);
        add_carry.bind(3, clamp_count(n));
        add_carry.exec();
    }
    SQLite::Statement forget(*db_, "DELETE FROM counters WHERE week = ?");
    forget.bind(1, week.to_string());
    forget.exec();
    if (before_commit)
        before_commit();
    transaction.commit();
    return PreparedRelease{week, batch_id, decision.pooled};
}

std::vector<OutboxEntry> LocalStore::outbox() {
    SQLite::Statement query(*db_, "SELECT batch_id, week, body FROM outbox ORDER BY week");
    return read_releases(query);
}

void LocalStore::remove_from_outbox(const std::string& batch_id) {
    SQLite::Statement erase(*db_, "DELETE FROM outbox WHERE batch_id = ?");
    erase.bind(1, batch_id);
    erase.exec();
}

void LocalStore::acknowledge(const std::string& batch_id, const std::string& ledger) {
    SQLite::Transaction transaction(*db_);
    SQLite::Statement keep(*db_, "INSERT OR REPLACE INTO kept_releases(batch_id, week, body, "
                                 "ledger) SELECT batch_id, week, body, ? FROM outbox "
                                 "WHERE batch_id = ?");
    keep.bind(1, ledger);
    keep.bind(2, batch_id);
    keep.exec();
    remove_from_outbox(batch_id);
    transaction.commit();
}

int LocalStore::resend_unless_acknowledged_by(const std::string& ledger) {
    SQLite::Transaction transaction(*db_);
    SQLite::Statement resend(*db_, "INSERT OR IGNORE INTO outbox(batch_id, week, body) "
                                   "SELECT batch_id, week, body FROM kept_releases "
                                   "WHERE ledger <> ?");
    resend.bind(1, ledger);
    const int resent = resend.exec();
    SQLite::Statement forget(*db_, "DELETE FROM kept_releases WHERE ledger <> ?");
    forget.bind(1, ledger);
    forget.exec();
    transaction.commit();
    return resent;
}

void LocalStore::forget_kept_before(const IsoWeek& oldest_kept) {
    std::vector<std::string> old_weeks;
    {
        SQLite::Statement query(*db_, "SELECT week FROM kept_releases");
        while (query.executeStep()) {
            const auto week = IsoWeek::parse(query.getColumn(0).getString());
            if (!week || *week < oldest_kept)
                old_weeks.push_back(query.getColumn(0).getString());
        }
    }
    if (old_weeks.empty())
        return;
    SQLite::Transaction transaction(*db_);
    SQLite::Statement forget(*db_, "DELETE FROM kept_releases WHERE week = ?");
    for (const std::string& week : old_weeks) {
        forget.reset();
        forget.bind(1, week);
        forget.exec();
    }
    transaction.commit();
}

std::vector<OutboxEntry> LocalStore::kept_releases() {
    SQLite::Statement query(*db_, "SELECT batch_id, week, body FROM kept_releases ORDER BY week");
    return read_releases(query);
}

int LocalStore::station_k() {
    const std::string value = meta("station_k");
    return value.empty() ? default_k : std::stoi(value);
}

void LocalStore::set_station_k(int k) {
    if (!shared_limits::is_k_in_range(k))
        return;
    if (k != station_k())
        set_meta("station_k", std::to_string(k));
}

std::string LocalStore::kiosk_secret() {
    std::string secret = meta("kiosk_secret");
    if (secret.empty()) {
        secret = make_kiosk_secret();
        set_meta("kiosk_secret", secret);
    }
    return secret;
}

void LocalStore::set_kiosk_secret(const std::string& secret) {
    if (secret.size() != 64 || secret.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw std::invalid_argument("a kiosk secret is 64 lowercase hex digits");
    set_meta("kiosk_secret", secret);
}

int LocalStore::weeks_waiting(const IsoWeek& current) {
    const int in_outbox = db_->execAndGet("SELECT count(*) FROM outbox").getInt();
    return in_outbox + static_cast<int>(unreleased_weeks_before(current).size());
}

Counters LocalStore::week_counters(const IsoWeek& week) {
    SQLite::Statement query(*db_, "SELECT metric, key, n FROM counters WHERE week = ?");
    query.bind(1, week.to_string());
    return read_counters(query);
}

Counters LocalStore::carry() {
    SQLite::Statement query(*db_, "SELECT metric, key, n FROM carry");
    return read_counters(query);
}

bool LocalStore::is_released(const IsoWeek& week) {
    SQLite::Statement query(*db_, "SELECT 1 FROM released_weeks WHERE week = ?");
    query.bind(1, week.to_string());
    return query.executeStep();
}

} // namespace wellness::kiosk
