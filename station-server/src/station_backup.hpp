#pragma once

// Backup and restore of a station's data directory, as one file: `station-server backup` and
// `restore`, the nightly timer's `backup --into DIR --keep N`, and the console's download of the
// latest one.
//
// A backup holds what cannot be made again: the database (a consistent copy taken with VACUUM
// INTO while the station serves), the TLS key and certificate the kiosks pin (tls/station.pem and
// tls/next.pem when a renewal is announced) and the first admin's password while it is unchanged.
// What the station rewrites at every start (port, fingerprint, tls/station-certificate.pem) is
// left out.
//
// The file: a text head, then the files' bytes one after another.
//   wellness-station-backup 1
//   schema N
//   file NAME SIZE SHA256
//   ...
//   end
// Every file's SHA-256 is checked before anything is restored, so a damaged or truncated backup
// is refused as a whole.

#include <cstddef>
#include <ctime>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::station {

// A backup that cannot be made or restored; the message is for the operator.
class BackupError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Where in the data directory the nightly backups go.
inline constexpr const char* backups_directory = "backups";
// No backup larger than this is read back (restore, download): the whole file is checked in
// memory before anything is applied.
inline constexpr std::size_t max_backup_bytes = std::size_t{1} << 30;

// Marks the data directory in use: a station (serve, add-admin) and a backup hold it shared, a
// restore alone. Kept until destroyed; the kernel lets go when the process ends, crashed or not.
class DataDirLock {
  public:
    enum class Mode { shared, exclusive };
    // Throws BackupError when the directory is held in the other mode.
    DataDirLock(const std::filesystem::path& data_dir, Mode mode);
    ~DataDirLock();
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

  private:
    int fd_ = -1;
};

// One file of a backup, by its path inside the data directory.
struct BackupEntry {
    std::string name;
    std::string bytes;
};

struct BackupContents {
    int schema = 0;
    std::vector<BackupEntry> entries;
};

// The backup file's bytes for these contents.
std::string encode_backup(const BackupContents& contents);
// Reads a backup file's bytes; BackupError when they are not a whole, undamaged station backup.
// Checks the format only, not the database inside (restore_backup does).
BackupContents decode_backup(std::string_view bytes);

// Writes a backup of the station in `data_dir` to `file` (mode 0600, synced, replacing it at
// once or not at all). Safe while the station serves; a batch is in it wholly or not at all.
void write_backup(const std::filesystem::path& data_dir, const std::filesystem::path& file);

// The nightly backup: writes `dir`/station-YYYYMMDDTHHMMSSZ.backup named by `now` (UTC), then
// removes the oldest such files until `keep` (1 to 365) are left. Other files in `dir` stay.
// Returns the new backup's path.
std::filesystem::path write_backup_into(const std::filesystem::path& data_dir,
                                        const std::filesystem::path& dir, int keep,
                                        std::time_t now);

// The newest backup write_backup_into left in `dir`, if any.
std::optional<std::filesystem::path> latest_backup(const std::filesystem::path& dir);

// The id of the station's ledger of acknowledged batches (kiosk_headers.hpp,
// station_ledger_header), kept in `data_dir`/ledger-id: read, or made and written when missing
// or damaged. restore_backup gives the restored station a new one, so kiosks send again what
// the old ledger acknowledged after the backup was taken.
inline constexpr const char* ledger_file_name = "ledger-id";
std::string load_or_make_ledger_id(const std::filesystem::path& data_dir);

// Puts the backup `file` into the data directory of a stopped station. Refuses (BackupError,
// the data directory untouched) a file that is not a station backup, damaged or truncated, a
// database that fails SQLite's integrity check or is from a newer station-server, and a data
// directory a station is using. The restored station gets a new ledger id.
void restore_backup(const std::filesystem::path& data_dir, const std::filesystem::path& file);

} // namespace wellness::station
