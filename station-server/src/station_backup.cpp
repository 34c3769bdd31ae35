#include "station_backup.hpp"

#include "security.hpp"
#include "station_store.hpp"
#include "wellness/durable_file.hpp"
#include "wellness/kiosk_headers.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace wellness::station {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view format_line = "wellness-station-backup 1";
constexpr const char* database_name = "station.sqlite3";
constexpr const char* lock_file_name = "station.lock";
// The files a backup may hold besides the database, each at most this size.
constexpr std::array<const char*, 3> secret_files{"tls/station.pem", "tls/next.pem",
                                                  "first-admin-password"};
constexpr std::size_t max_secret_file_bytes = 1024 * 1024;
// The head is a few short lines; anything longer is not a backup.
constexpr std::size_t max_head_bytes = 4096;
constexpr std::string_view nightly_prefix = "station-";
constexpr std::string_view nightly_suffix = ".backup";

bool allowed_name(std::string_view name) {
    return name == database_name ||
           std::find(secret_files.begin(), secret_files.end(), name) != secret_files.end();
}

std::optional<std::size_t> parse_size(std::string_view text) {
    std::size_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t start = 0;
    while (start <= line.size()) {
        const std::size_t space = line.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? line.size() : space;
        words.push_back(line.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

BackupError not_a_backup() {
    return BackupError("not a station backup (its first line is not \"" + std::string(format_line) +
                       "\")");
}

// A private directory beside `near` for SQLite to write a copy into; removed when destroyed.
class ScratchDirectory {
  public:
    explicit ScratchDirectory(const fs::path& near) {
        std::string pattern = (near / ".station-backup-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw BackupError("cannot make a temporary directory in " + near.string() + ": " +
                              std::strerror(errno));
        path_ = pattern;
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

fs::path directory_of(const fs::path& file) {
    return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

// The database as one consistent snapshot: VACUUM INTO reads in one transaction, so under WAL
// the station's writers go on meanwhile and every batch is in the copy wholly or not at all.
// The copy has no free pages, so nothing deleted travels in a backup.
std::pair<int, std::string> snapshot_database(const fs::path& database, const fs::path& near) {
    ScratchDirectory scratch(near);
    const fs::path copy = scratch.path() / database_name;
    {
        SQLite::Database source(database.string(), SQLite::OPEN_READWRITE, 5000);
        SQLite::Statement vacuum(source, "VACUUM INTO ?");
        vacuum.bind(1, copy.string());
        vacuum.exec();
    }
    int schema = 0;
    {
        SQLite::Database snapshot(copy.string(), SQLite::OPEN_READONLY);
        schema = snapshot.execAndGet("PRAGMA user_version").getInt();
    }
    auto bytes = read_file_limited(copy, max_backup_bytes);
    if (!bytes)
        throw BackupError("the database is larger than a backup may be (" +
                          std::to_string(max_backup_bytes >> 20) + " MiB)");
    return {schema, std::move(*bytes)};
}

// Checks the database of a backup before it replaces anything: SQLite's full integrity check, a
// schema this program knows, the station's tables, and none of the triggers or views the
// station never makes (a crafted file could hide code there that would run on its writes).
void check_restored_database(const fs::path& file, int claimed_schema) {
    try {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA trusted_schema=OFF");
        const std::string check = db.execAndGet("PRAGMA integrity_check").getString();
        if (check != "ok")
            throw BackupError("the backup's database failed SQLite's integrity check (" + check +
                              ")");
        const int schema = db.execAndGet("PRAGMA user_version").getInt();
        if (schema != claimed_schema)
            throw BackupError("the backup is damaged: its head says schema " +
                              std::to_string(claimed_schema) + ", its database " +
                              std::to_string(schema));
        SQLite::Statement tables(db, "SELECT count(*) FROM sqlite_master "
                                     "WHERE type = 'table' AND name IN (?, ?, ?)");
        tables.bind(1, "kiosks");
        tables.bind(2, "weekly_counts");
        tables.bind(3, "content_versions");
        tables.executeStep();
        if (schema < 1 || tables.getColumn(0).getInt() != 3)
            throw BackupError("the backup's database is not a station's");
        SQLite::Statement code(db, "SELECT count(*) FROM sqlite_master "
                                   "WHERE type IN ('trigger', 'view')");
        code.executeStep();
        if (code.getColumn(0).getInt() != 0)
            throw BackupError("the backup's database holds triggers or views a station never "
                              "makes; refused");
    } catch (const SQLite::Exception& error) {
        throw BackupError(std::string("the backup's database cannot be read (") + error.what() +
                          ")");
    }
}

std::string nightly_name(std::time_t now) {
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    return std::string(nightly_prefix) + stamp + std::string(nightly_suffix);
}

bool is_nightly_name(const std::string& name) {
    // station-YYYYMMDDTHHMMSSZ.backup
    if (name.size() != nightly_prefix.size() + 16 + nightly_suffix.size() ||
        !name.starts_with(nightly_prefix) || !name.ends_with(nightly_suffix))
        return false;
    const std::string_view stamp = std::string_view(name).substr(nightly_prefix.size(), 16);
    for (std::size_t i = 0; i < stamp.size(); ++i) {
        const bool digit = stamp[i] >= '0' && stamp[i] <= '9';
        if (i == 8 ? stamp[i] != 'T' : i == 15 ? stamp[i] != 'Z' : !digit)
            return false;
    }
    return true;
}

// The nightly backups in `dir`, oldest first (their names sort by time).
std::vector<fs::path> nightly_backups(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && is_nightly_name(it->path().filename().string()))
            found.push_back(it->path());
    std::sort(found.begin(), found.end());
    return found;
}

// Makes a rename in `dir` survive a power cut.
void sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
        ::close(fd);
    if (!synced)
        throw BackupError("cannot sync " + dir.string() + ": " + std::strerror(errno));
}

// A restore run as root (sudo) gives what it writes to the data directory's owner, the
// service user, who could not read root's 0600 files otherwise.
class OwnerOf {
  public:
    explicit OwnerOf(const fs::path& dir) {
        struct stat info {};
        if (::geteuid() == 0 && ::stat(dir.c_str(), &info) == 0 && info.st_uid != 0)
            owner_ = std::make_pair(info.st_uid, info.st_gid);
    }
    void give(const fs::path& path) const {
        if (owner_ && ::chown(path.c_str(), owner_->first, owner_->second) != 0)
            throw BackupError("cannot give " + path.string() +
                              " to the data directory's owner: " + std::strerror(errno));
    }

  private:
    std::optional<std::pair<uid_t, gid_t>> owner_;
};

void remove_file(const fs::path& file) {
    std::error_code ec;
    fs::remove(file, ec);
    if (ec)
        throw BackupError("cannot remove " + file.string() + ": " + ec.message());
}

} // namespace

DataDirLock::DataDirLock(const fs::path& data_dir, Mode mode) {
    const fs::path file = data_dir / lock_file_name;
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0)
        throw BackupError("cannot open " + file.string() + ": " + std::strerror(errno));
    const int operation = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    int result = 0;
    do
        result = ::flock(fd_, operation);
    while (result != 0 && errno == EINTR);
    if (result != 0) {
        const int error = errno;
        ::close(fd_);
        if (error != EWOULDBLOCK)
            throw BackupError("cannot lock " + file.string() + ": " + std::strerror(error));
        throw BackupError(mode == Mode::shared
                              ? "a restore is under way in " + data_dir.string()
                              : "a station-server is using " + data_dir.string() +
                                    ": stop it first (systemctl stop station-server)");
    }
}

DataDirLock::~DataDirLock() {
    ::close(fd_);
}

std::string encode_backup(const BackupContents& contents) {
    std::string head =
        std::string(format_line) + "\nschema " + std::to_string(contents.schema) + "\n";
    std::size_t size = 0;
    for (const auto& entry : contents.entries) {
        head += "file " + entry.name + " " + std::to_string(entry.bytes.size()) + " " +
                sha256_hex(entry.bytes) + "\n";
        size += entry.bytes.size();
    }
    head += "end\n";
    std::string out;
    out.reserve(head.size() + size);
    out += head;
    for (const auto& entry : contents.entries)
        out += entry.bytes;
    return out;
}

BackupContents decode_backup(std::string_view bytes) {
    if (!bytes.starts_with(std::string(format_line) + "\n"))
        throw not_a_backup();
    const std::size_t head_end = bytes.substr(0, max_head_bytes).find("\nend\n");
    if (head_end == std::string_view::npos)
        throw BackupError(bytes.size() < max_head_bytes
                              ? "the backup is truncated (its list of files has no end)"
                              : "the backup is damaged (its list of files has no end)");
    const std::string_view head = bytes.substr(0, head_end + 1);
    std::size_t offset = head_end + 5;

    BackupContents contents;
    struct Listed {
        std::string name;
        std::size_t size;
        std::string sha256;
    };
    std::vector<Listed> listed;
    std::set<std::string> names;
    bool schema_seen = false;
    std::size_t line_start = format_line.size() + 1;
    while (line_start < head.size()) {
        const std::size_t line_end = head.find('\n', line_start);
        const auto words = split_words(head.substr(line_start, line_end - line_start));
        line_start = line_end + 1;
        if (words.size() == 2 && words[0] == "schema" && !schema_seen) {
            auto schema = parse_size(words[1]);
            if (!schema || *schema > 1000000)
                throw BackupError("the backup is damaged (its schema line is not a number)");
            contents.schema = static_cast<int>(*schema);
            schema_seen = true;
            continue;
        }
        if (words.size() != 4 || words[0] != "file")
            throw BackupError("the backup is damaged (a line of its head is not understood)");
        const std::string name(words[1]);
        auto size = parse_size(words[2]);
        if (!allowed_name(name) || !names.insert(name).second)
            throw BackupError("the backup is damaged (it lists \"" + name.substr(0, 64) +
                              "\", not a file a backup holds, or twice)");
        if (!size || *size > max_backup_bytes || words[3].size() != 64)
            throw BackupError("the backup is damaged (the entry of " + name + " is not valid)");
        listed.push_back({name, *size, std::string(words[3])});
    }
    if (!schema_seen || !names.contains(database_name))
        throw BackupError("the backup is damaged (it names no schema or no database)");
    if (contents.schema > StationStore::schema_version())
        throw BackupError("the backup was made by a newer station-server (schema " +
                          std::to_string(contents.schema) + "; this one knows up to " +
                          std::to_string(StationStore::schema_version()) + ")");
    std::size_t total = 0;
    for (const auto& file : listed)
        total += file.size;
    if (bytes.size() - offset < total)
        throw BackupError("the backup is truncated (" + std::to_string(bytes.size()) +
                          " bytes; its head promises " + std::to_string(offset + total) + ")");
    if (bytes.size() - offset > total)
        throw BackupError("the backup is damaged (it has bytes after its last file)");
    for (const auto& file : listed) {
        BackupEntry entry{file.name, std::string(bytes.substr(offset, file.size))};
        offset += file.size;
        if (sha256_hex(entry.bytes) != file.sha256)
            throw BackupError("the backup is damaged (" + file.name + " fails its SHA-256)");
        contents.entries.push_back(std::move(entry));
    }
    return contents;
}

void write_backup(const fs::path& data_dir, const fs::path& file) {
    DataDirLock lock(data_dir, DataDirLock::Mode::shared);
    const fs::path database = data_dir / database_name;
    std::error_code ec;
    if (!fs::is_regular_file(database, ec))
        throw BackupError("no station database in " + data_dir.string());
    BackupContents contents;
    try {
        auto [schema, bytes] = snapshot_database(database, directory_of(file));
        contents.schema = schema;
        contents.entries.push_back({database_name, std::move(bytes)});
    } catch (const SQLite::Exception& error) {
        throw BackupError(std::string("cannot copy the database: ") + error.what());
    }
    for (const char* name : secret_files) {
        if (!fs::exists(data_dir / name, ec))
            continue;
        auto bytes = read_file_limited(data_dir / name, max_secret_file_bytes);
        if (!bytes)
            throw BackupError("cannot read " + (data_dir / name).string());
        contents.entries.push_back({name, std::move(*bytes)});
    }
    try {
        write_file_atomically(file, encode_backup(contents), 0600);
    } catch (const std::runtime_error& error) {
        throw BackupError(error.what());
    }
}

fs::path write_backup_into(const fs::path& data_dir, const fs::path& dir, int keep,
                           std::time_t now) {
    if (keep < 1 || keep > 365)
        throw BackupError("--keep must be 1 to 365");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw BackupError("cannot make " + dir.string() + ": " + ec.message());
    // Backups hold password and token hashes and the TLS key: the service user's only.
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    const fs::path file = dir / nightly_name(now);
    write_backup(data_dir, file);
    // Made by root by hand, it is still the service's to serve and prune.
    OwnerOf(dir).give(file);
    auto backups = nightly_backups(dir);
    const auto surplus = backups.size() > static_cast<std::size_t>(keep)
                             ? backups.size() - static_cast<std::size_t>(keep)
                             : 0;
    for (std::size_t i = 0; i < surplus; ++i)
        remove_file(backups[i]);
    return file;
}

std::optional<fs::path> latest_backup(const fs::path& dir) {
    auto backups = nightly_backups(dir);
    if (backups.empty())
        return std::nullopt;
    return backups.back();
}

namespace {

std::string fresh_ledger_id() {
    // random_secret() is longer and not hex: the id is the first 128 bits of its hash.
    return sha256_hex(random_secret()).substr(0, 32);
}

} // namespace

std::string load_or_make_ledger_id(const fs::path& data_dir) {
    const fs::path file = data_dir / ledger_file_name;
    if (auto text = read_file_limited(file, 64)) {
        std::string id = text->substr(0, text->find('\n'));
        if (wellness::is_valid_ledger_id(id))
            return id;
    }
    std::string id = fresh_ledger_id();
    write_file_atomically(file, id + "\n", 0600);
    return id;
}

void restore_backup(const fs::path& data_dir, const fs::path& file) {
    auto bytes = read_file_limited(file, max_backup_bytes);
    if (!bytes)
        throw BackupError("cannot read " + file.string() + " (missing, not a file, or over " +
                          std::to_string(max_backup_bytes >> 20) + " MiB)");
    BackupContents contents = decode_backup(*bytes);
    bytes.reset();

    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec)
        throw BackupError("cannot make " + data_dir.string() + ": " + ec.message());
    fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    DataDirLock lock(data_dir, DataDirLock::Mode::exclusive);
    const OwnerOf owner(data_dir);
    owner.give(data_dir / lock_file_name);

    // The database goes in beside the old one under another name and is checked there; only
    // then is anything of the data directory replaced.
    const fs::path database = data_dir / database_name;
    fs::path incoming = database;
    incoming += ".restoring";
    const auto db_entry =
        std::find_if(contents.entries.begin(), contents.entries.end(),
                     [](const auto& entry) { return entry.name == database_name; });
    try {
        write_file_atomically(incoming, db_entry->bytes, 0600);
        owner.give(incoming);
        check_restored_database(incoming, contents.schema);
    } catch (const std::exception& error) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            fs::path leftover = incoming;
            leftover += suffix;
            fs::remove(leftover, ec);
        }
        if (dynamic_cast<const BackupError*>(&error))
            throw;
        throw BackupError(error.what());
    }

    try {
        for (const char* name : secret_files) {
            auto entry =
                std::find_if(contents.entries.begin(), contents.entries.end(),
                             [name](const auto& candidate) { return candidate.name == name; });
            const fs::path target = data_dir / name;
            if (entry == contents.entries.end()) {
                remove_file(target);
                continue;
            }
            // tls/ as the station makes it: the service user's only.
            if (fs::create_directories(target.parent_path())) {
                fs::permissions(target.parent_path(), fs::perms::owner_all,
                                fs::perm_options::replace);
                owner.give(target.parent_path());
            }
            write_file_atomically(target, entry->bytes, 0600);
            owner.give(target);
        }
        // The old database's log must go before the new file takes its name: SQLite would
        // otherwise replay the old pages into it.
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            fs::path old = database;
            old += suffix;
            remove_file(old);
        }
        // A new ledger before the database takes its place: a restore stopped in between leaves
        // the old database with a new ledger, which costs kiosks only duplicates.
        write_file_atomically(data_dir / ledger_file_name, fresh_ledger_id() + "\n", 0600);
        owner.give(data_dir / ledger_file_name);
        fs::rename(incoming, database);
        sync_directory(data_dir);
    } catch (const std::exception& error) {
        throw BackupError(std::string("the restore stopped half-way (run it again): ") +
                          error.what());
    }
}

} // namespace wellness::station
