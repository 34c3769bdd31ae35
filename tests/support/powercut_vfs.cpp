#include "powercut_vfs.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <sqlite3.h>
#include <stdexcept>
#include <vector>

namespace wellness::test {

namespace {

// One unsynced change of a file: a write of `bytes` at `offset`, or a truncation to `offset`.
struct PendingChange {
    bool truncation = false;
    sqlite3_int64 offset = 0;
    std::string bytes;
};

void apply_change(std::string& image, const PendingChange& change) {
    const auto offset = static_cast<std::size_t>(change.offset);
    if (change.truncation) {
        image.resize(offset);
        return;
    }
    if (image.size() < offset + change.bytes.size())
        image.resize(offset + change.bytes.size(), '\0');
    std::memcpy(image.data() + offset, change.bytes.data(), change.bytes.size());
}

struct FileRecord {
    std::string synced; // what the platter holds
    std::vector<PendingChange> pending;
    bool entry_durable = true;
};

std::string read_whole_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_whole_file(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("power_on: cannot write " + file.string());
}

struct Handle;

// The sqlite3_file SQLite allocates for us (szOsFile): its methods, then our handle.
struct ShimFile {
    sqlite3_file base;
    Handle* handle;
};

} // namespace

struct PowerCutVfs::State {
    std::filesystem::path scope;
    sqlite3_vfs* real = nullptr;
    sqlite3_vfs vfs{};

    mutable std::mutex mutex;
    bool armed = false;
    bool dead = false;
    PowerCutPlan plan;
    std::uint64_t operations = 0;
    CutReport report;
    std::map<std::string, FileRecord> files;
    // Deleted, the deletion not yet durable: what comes back at a cut.
    std::map<std::string, std::string> ghosts;
    // The most recent write while it is unsynced: the one a cut may tear.
    std::optional<std::pair<std::string, PendingChange>> last_write;
    int open_in_scope = 0;

    bool in_scope(const char* name) const {
        if (name == nullptr)
            return false;
        const std::filesystem::path parent = std::filesystem::path(name).parent_path();
        return parent == scope;
    }

    FileRecord& record_of(const std::string& path) {
        auto found = files.find(path);
        if (found != files.end())
            return found->second;
        FileRecord record;
        std::error_code error;
        if (std::filesystem::exists(path, error)) {
            record.synced = read_whole_file(path); // on disk before arm(): durable
        } else {
            record.entry_durable = false;
        }
        return files.emplace(path, std::move(record)).first->second;
    }

    void directory_synced() {
        ghosts.clear();
        for (auto& [path, record] : files)
            record.entry_durable = true;
    }

    // True when this operation is the one the power goes at; the caller fails it.
    bool counts_as_cut(CutOperation operation, const std::string& path) {
        if (!armed)
            return false;
        ++operations;
        if (operations != plan.cut_at)
            return false;
        dead = true;
        report = CutReport{};
        report.operation = operation;
        report.file_name = std::filesystem::path(path).filename().string();
        return true;
    }
};

namespace {

struct Handle {
    PowerCutVfs::State* state = nullptr;
    std::unique_ptr<std::max_align_t[]> storage; // the real VFS's sqlite3_file
    sqlite3_file* real = nullptr;
    std::string path;
    bool tracked = false;
    // The unix VFS syncs the directory at the first sync of a journal or WAL it created.
    bool directory_sync_pending = false;
};

Handle& handle_of(sqlite3_file* file) {
    return *reinterpret_cast<ShimFile*>(file)->handle;
}

// Whether a call on this handle must fail because the power is off.
bool dead(const Handle& handle) {
    std::lock_guard lock(handle.state->mutex);
    return handle.state->dead;
}

int shim_close(sqlite3_file* file) {
    Handle* handle = &handle_of(file);
    const int rc = handle->real->pMethods ? handle->real->pMethods->xClose(handle->real) : 0;
    if (handle->tracked) {
        std::lock_guard lock(handle->state->mutex);
        --handle->state->open_in_scope;
    }
    delete handle;
    return rc;
}

int shim_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    Handle& handle = handle_of(file);
    if (dead(handle))
        return SQLITE_IOERR_READ;
    return handle.real->pMethods->xRead(handle.real, buffer, amount, offset);
}

int shim_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
    Handle& handle = handle_of(file);
    PowerCutVfs::State& state = *handle.state;
    std::lock_guard lock(state.mutex);
    if (state.dead)
        return SQLITE_IOERR_WRITE;
    if (!handle.tracked || !state.armed)
        return handle.real->pMethods->xWrite(handle.real, buffer, amount, offset);
    PendingChange change{
        false, offset,
        std::string(static_cast<const char*>(buffer), static_cast<std::size_t>(amount))};
    FileRecord& record = state.record_of(handle.path);
    if (state.counts_as_cut(CutOperation::write, handle.path)) {
        // The write the power goes during: unsynced like the rest, and the one a tear cuts.
        record.pending.push_back(change);
        state.last_write.emplace(handle.path, std::move(change));
        return SQLITE_IOERR_WRITE;
    }
    const int rc = handle.real->pMethods->xWrite(handle.real, buffer, amount, offset);
    if (rc == SQLITE_OK) {
        record.pending.push_back(change);
        state.last_write.emplace(handle.path, std::move(change));
    }
    return rc;
}

int shim_truncate(sqlite3_file* file, sqlite3_int64 size) {
    Handle& handle = handle_of(file);
    PowerCutVfs::State& state = *handle.state;
    std::lock_guard lock(state.mutex);
    if (state.dead)
        return SQLITE_IOERR_TRUNCATE;
    if (!handle.tracked || !state.armed)
        return handle.real->pMethods->xTruncate(handle.real, size);
    FileRecord& record = state.record_of(handle.path);
    if (state.counts_as_cut(CutOperation::truncate, handle.path))
        return SQLITE_IOERR_TRUNCATE;
    const int rc = handle.real->pMethods->xTruncate(handle.real, size);
    if (rc == SQLITE_OK)
        record.pending.push_back(PendingChange{true, size, {}});
    return rc;
}

int shim_sync(sqlite3_file* file, int flags) {
    Handle& handle = handle_of(file);
    PowerCutVfs::State& state = *handle.state;
    std::lock_guard lock(state.mutex);
    if (state.dead)
        return SQLITE_IOERR_FSYNC;
    if (!handle.tracked || !state.armed)
        return handle.real->pMethods->xSync(handle.real, flags);
    FileRecord& record = state.record_of(handle.path);
    if (state.counts_as_cut(CutOperation::sync, handle.path))
        return SQLITE_IOERR_FSYNC;
    // No real fsync: what survives a cut is the model's to say, never the disk's (it keeps its
    // power), so the loops run at the speed of the page cache, not of a loaded disk.
    for (const PendingChange& change : record.pending)
        apply_change(record.synced, change);
    record.pending.clear();
    if (state.last_write && state.last_write->first == handle.path)
        state.last_write.reset();
    if (handle.directory_sync_pending) {
        handle.directory_sync_pending = false;
        state.directory_synced();
    }
    return SQLITE_OK;
}

int shim_file_size(sqlite3_file* file, sqlite3_int64* size) {
    Handle& handle = handle_of(file);
    if (dead(handle))
        return SQLITE_IOERR_FSTAT;
    return handle.real->pMethods->xFileSize(handle.real, size);
}

int shim_lock(sqlite3_file* file, int level) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xLock(handle.real, level);
}

int shim_unlock(sqlite3_file* file, int level) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xUnlock(handle.real, level);
}

int shim_check_reserved_lock(sqlite3_file* file, int* out) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xCheckReservedLock(handle.real, out);
}

int shim_file_control(sqlite3_file* file, int op, void* argument) {
    Handle& handle = handle_of(file);
    // A size hint may grow the file: a change the dead machine cannot make.
    if (op == SQLITE_FCNTL_SIZE_HINT && dead(handle))
        return SQLITE_IOERR_TRUNCATE;
    return handle.real->pMethods->xFileControl(handle.real, op, argument);
}

int shim_sector_size(sqlite3_file* file) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xSectorSize(handle.real);
}

int shim_device_characteristics(sqlite3_file* file) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xDeviceCharacteristics(handle.real);
}

int shim_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** memory) {
    Handle& handle = handle_of(file);
    if (dead(handle))
        return SQLITE_IOERR_SHMMAP;
    return handle.real->pMethods->xShmMap(handle.real, region, size, extend, memory);
}

int shim_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    Handle& handle = handle_of(file);
    return handle.real->pMethods->xShmLock(handle.real, offset, n, flags);
}

void shim_shm_barrier(sqlite3_file* file) {
    Handle& handle = handle_of(file);
    handle.real->pMethods->xShmBarrier(handle.real);
}

int shim_shm_unmap(sqlite3_file* file, int delete_flag) {
    Handle& handle = handle_of(file);
    // Never deletes the -shm of a dead machine's connection: it is not ours to tidy.
    return handle.real->pMethods->xShmUnmap(handle.real, dead(handle) ? 0 : delete_flag);
}

// Version 2: with the shared-memory methods WAL needs, without xFetch (SQLite then reads
// through xRead, which the model sees).
const sqlite3_io_methods shim_methods = {
    2,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved_lock,
    shim_file_control,
    shim_sector_size,
    shim_device_characteristics,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    nullptr,
    nullptr,
};

PowerCutVfs::State& state_of(sqlite3_vfs* vfs) {
    return *static_cast<PowerCutVfs::State*>(vfs->pAppData);
}

int shim_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    PowerCutVfs::State& state = state_of(vfs);
    file->pMethods = nullptr;
    auto handle = std::make_unique<Handle>();
    handle->state = &state;
    const std::size_t words =
        (static_cast<std::size_t>(state.real->szOsFile) + sizeof(std::max_align_t) - 1) /
        sizeof(std::max_align_t);
    handle->storage = std::make_unique<std::max_align_t[]>(words);
    handle->real = reinterpret_cast<sqlite3_file*>(handle->storage.get());
    handle->real->pMethods = nullptr;
    const int type = flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL |
                              SQLITE_OPEN_SUPER_JOURNAL);
    handle->tracked = type != 0 && state.in_scope(name);
    std::lock_guard lock(state.mutex);
    if (state.dead)
        return SQLITE_CANTOPEN;
    if (handle->tracked) {
        handle->path = name;
        handle->directory_sync_pending =
            (flags & SQLITE_OPEN_CREATE) != 0 && (type & ~SQLITE_OPEN_MAIN_DB) != 0;
        if (state.armed)
            state.record_of(handle->path); // before the open may create it
    }
    const int rc = state.real->xOpen(state.real, name, handle->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (handle->real->pMethods)
            handle->real->pMethods->xClose(handle->real);
        return rc;
    }
    if (handle->tracked)
        ++state.open_in_scope;
    reinterpret_cast<ShimFile*>(file)->handle = handle.release();
    file->pMethods = &shim_methods;
    return SQLITE_OK;
}

int shim_delete(sqlite3_vfs* vfs, const char* name, int sync_directory) {
    PowerCutVfs::State& state = state_of(vfs);
    std::lock_guard lock(state.mutex);
    if (state.dead)
        return SQLITE_IOERR_DELETE;
    if (!state.armed || !state.in_scope(name))
        return state.real->xDelete(state.real, name, sync_directory);
    const std::string path = name;
    std::error_code error;
    const bool known = state.files.count(path) != 0 || std::filesystem::exists(path, error);
    if (known)
        state.record_of(path); // its bytes before they go
    if (state.counts_as_cut(CutOperation::remove, path))
        return SQLITE_IOERR_DELETE;
    const int rc = state.real->xDelete(state.real, name, sync_directory);
    if (rc != SQLITE_OK || !known)
        return rc;
    auto found = state.files.find(path);
    if (found->second.entry_durable && !state.ghosts.count(path))
        state.ghosts[path] = found->second.synced;
    if (state.last_write && state.last_write->first == path)
        state.last_write.reset();
    state.files.erase(found);
    if (sync_directory)
        state.directory_synced();
    return rc;
}

int shim_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
    PowerCutVfs::State& state = state_of(vfs);
    {
        std::lock_guard lock(state.mutex);
        if (state.dead)
            return SQLITE_IOERR_ACCESS;
    }
    return state.real->xAccess(state.real, name, flags, result);
}

int shim_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xFullPathname(real, name, size, out);
}

void* shim_dl_open(sqlite3_vfs* vfs, const char* name) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xDlOpen(real, name);
}

void shim_dl_error(sqlite3_vfs* vfs, int size, char* message) {
    sqlite3_vfs* real = state_of(vfs).real;
    real->xDlError(real, size, message);
}

void (*shim_dl_sym(sqlite3_vfs* vfs, void* library, const char* symbol))(void) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xDlSym(real, library, symbol);
}

void shim_dl_close(sqlite3_vfs* vfs, void* library) {
    sqlite3_vfs* real = state_of(vfs).real;
    real->xDlClose(real, library);
}

int shim_randomness(sqlite3_vfs* vfs, int size, char* out) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xRandomness(real, size, out);
}

int shim_sleep(sqlite3_vfs* vfs, int microseconds) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xSleep(real, microseconds);
}

int shim_current_time(sqlite3_vfs* vfs, double* now) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xCurrentTime(real, now);
}

int shim_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xGetLastError(real, size, out);
}

int shim_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now) {
    sqlite3_vfs* real = state_of(vfs).real;
    return real->xCurrentTimeInt64(real, now);
}

} // namespace

PowerCutVfs::PowerCutVfs(std::filesystem::path scope) : state_(std::make_unique<State>()) {
    state_->scope = std::filesystem::weakly_canonical(std::filesystem::absolute(scope));
    state_->real = sqlite3_vfs_find("unix");
    if (state_->real == nullptr)
        throw std::runtime_error("SQLite has no unix VFS to wrap");
    sqlite3_vfs& vfs = state_->vfs;
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(ShimFile));
    vfs.mxPathname = state_->real->mxPathname;
    vfs.zName = "powercut";
    vfs.pAppData = state_.get();
    vfs.xOpen = shim_open;
    vfs.xDelete = shim_delete;
    vfs.xAccess = shim_access;
    vfs.xFullPathname = shim_full_pathname;
    vfs.xDlOpen = shim_dl_open;
    vfs.xDlError = shim_dl_error;
    vfs.xDlSym = shim_dl_sym;
    vfs.xDlClose = shim_dl_close;
    vfs.xRandomness = shim_randomness;
    vfs.xSleep = shim_sleep;
    vfs.xCurrentTime = shim_current_time;
    vfs.xGetLastError = shim_get_last_error;
    vfs.xCurrentTimeInt64 = shim_current_time_int64;
    if (sqlite3_vfs_register(&vfs, 1) != SQLITE_OK)
        throw std::runtime_error("cannot register the power-cut VFS");
}

PowerCutVfs::~PowerCutVfs() {
    sqlite3_vfs_unregister(&state_->vfs);
}

void PowerCutVfs::arm(const PowerCutPlan& plan) {
    std::lock_guard lock(state_->mutex);
    state_->armed = true;
    state_->dead = false;
    state_->plan = plan;
    state_->operations = 0;
    state_->files.clear();
    state_->ghosts.clear();
    state_->last_write.reset();
}

void PowerCutVfs::arm_without_cut() {
    arm(PowerCutPlan{std::numeric_limits<std::uint64_t>::max(), false, 0});
}

bool PowerCutVfs::power_is_off() const {
    std::lock_guard lock(state_->mutex);
    return state_->dead;
}

void PowerCutVfs::cut_power() {
    std::lock_guard lock(state_->mutex);
    if (!state_->armed)
        throw std::logic_error("cut_power: arm() first");
    state_->dead = true;
    state_->report = CutReport{};
    state_->report.operation = CutOperation::idle;
}

std::uint64_t PowerCutVfs::operations() const {
    std::lock_guard lock(state_->mutex);
    return state_->operations;
}

CutReport PowerCutVfs::power_on() {
    std::lock_guard lock(state_->mutex);
    State& state = *state_;
    if (!state.dead)
        throw std::logic_error("power_on: the power was never cut");
    if (state.open_in_scope != 0)
        throw std::logic_error("power_on: a connection of the dead machine still has a file open");
    CutReport report = state.report;
    std::optional<std::pair<std::string, std::size_t>> tear; // path, bytes of the write kept
    if (state.plan.tear_last_write && state.last_write &&
        state.last_write->second.bytes.size() > 1) {
        std::mt19937_64 random(state.plan.tear_seed);
        const std::size_t size = state.last_write->second.bytes.size();
        tear.emplace(state.last_write->first, 1 + static_cast<std::size_t>(random() % (size - 1)));
    }
    for (auto& [path, record] : state.files) {
        report.writes_lost += record.pending.size();
        if (!record.entry_durable) {
            if (!state.ghosts.count(path)) {
                std::error_code ignored;
                if (std::filesystem::remove(path, ignored))
                    ++report.entries_lost;
            }
            continue;
        }
        std::string image = record.synced;
        if (tear && tear->first == path) {
            PendingChange torn = state.last_write->second;
            torn.bytes.resize(tear->second);
            apply_change(image, torn);
            report.torn = true;
        }
        write_whole_file(path, image);
    }
    for (const auto& [path, bytes] : state.ghosts) {
        write_whole_file(path, bytes);
        ++report.entries_lost;
    }
    state.armed = false;
    state.dead = false;
    state.files.clear();
    state.ghosts.clear();
    state.last_write.reset();
    return report;
}

const char* to_string(CutOperation operation) {
    switch (operation) {
    case CutOperation::write:
        return "write";
    case CutOperation::sync:
        return "sync";
    case CutOperation::truncate:
        return "truncate";
    case CutOperation::remove:
        return "delete";
    case CutOperation::idle:
        return "between operations";
    }
    return "?";
}

} // namespace wellness::test
