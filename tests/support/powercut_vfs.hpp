#pragma once

// A fault-injecting SQLite VFS for power-loss tests, a shim over the default (unix) one in the
// manner of SQLite's own crash tests (test6.c): it keeps, for every file under a directory, the
// bytes a disk would still hold after a power cut, and cuts the power at a chosen operation.
//
// The model of the disk:
// - a write reaches the platter only when its file is synced (xSync, that is fsync);
//   a truncation likewise;
// - a file's existence (its directory entry) is durable only once its directory is synced:
//   by an xDelete asked to sync it, or by the first sync of a journal or WAL the unix VFS
//   created (it syncs the directory then). Until then a created file vanishes at a cut and a
//   deleted one comes back with its synced bytes;
// - at the cut every unsynced write is lost, except that, when the plan says so, the most
//   recent one is torn: a random prefix of it (down to a single byte) reached the disk;
// - from the cut on every call that reads or changes a file fails (an I/O error), as a dead
//   machine's would; closing and unlocking still work so the test can let go of its objects.
// power_on() then writes the surviving image of every file, and the next open finds the disk
// as the machine would at its next boot.
//
// Reads are served from the real file (the operating system's cache), as on a live machine.
// While armed no real fsync is made: the model alone decides what survives, and power_on()
// writes it.
// The -shm wal-index is memory, never durable: SQLite rebuilds it from the WAL at the first
// open after every connection closed, so it is passed through untouched.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace wellness::test {

struct PowerCutPlan {
    // The power goes at this write, sync, truncation or deletion of a file under the scope,
    // counted from 1 at arm().
    std::uint64_t cut_at = 1;
    // Whether the most recent unsynced write is torn (a random prefix of it survives).
    bool tear_last_write = false;
    // Picks the torn prefix's length.
    std::uint64_t tear_seed = 0;
};

// idle: the power went between two operations (cut_power()).
enum class CutOperation { write, sync, truncate, remove, idle };

struct CutReport {
    CutOperation operation = CutOperation::write;
    std::string file_name; // the file the cut operation was on
    bool torn = false;     // a prefix of the last unsynced write survived
    std::size_t writes_lost = 0;
    std::size_t entries_lost = 0; // creations undone or deletions come back
};

class PowerCutVfs {
  public:
    // Registers itself as SQLite's default VFS; files outside `scope` (a directory) are passed
    // through untouched, and so is everything until arm().
    explicit PowerCutVfs(std::filesystem::path scope);
    // Every connection opened through it must be closed first.
    ~PowerCutVfs();
    PowerCutVfs(const PowerCutVfs&) = delete;
    PowerCutVfs& operator=(const PowerCutVfs&) = delete;

    // From now on: counts operations, keeps what would survive, and cuts at plan.cut_at. The
    // files as they are now are taken as durable (the test's premise: a machine that synced).
    void arm(const PowerCutPlan& plan);
    // arm() with no cut planned: the power goes only at cut_power(). Real syncs are skipped
    // all the same, so checks between cycles cost no fsync on a loaded disk.
    void arm_without_cut();
    bool power_is_off() const;
    // The power goes now, between two operations: the moment just after a call returned.
    void cut_power();
    // Operations counted since arm().
    std::uint64_t operations() const;

    // The machine boots again: every file under the scope is given what survived the cut, and
    // the VFS passes everything through until the next arm(). Throws std::logic_error while a
    // file under the scope is still open (its connection belongs to the dead machine) or when
    // no cut happened.
    CutReport power_on();

    struct State;

  private:
    std::unique_ptr<State> state_;
};

const char* to_string(CutOperation operation);

} // namespace wellness::test
