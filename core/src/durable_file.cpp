#include "wellness/durable_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace wellness {

namespace {

std::string errno_text(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

void fsync_directory(const std::filesystem::path& dir) {
    FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0)
        ::fsync(fd.get());
}

} // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode) {
    std::random_device random;
    std::filesystem::path temporary = path;
    temporary += ".tmp-" + std::to_string(random());
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0)
        throw std::runtime_error(errno_text("cannot create " + temporary.string()));
    const char* cursor = data.data();
    std::size_t left = data.size();
    bool ok = true;
    while (left > 0) {
        const ssize_t written = ::write(fd.get(), cursor, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        cursor += written;
        left -= static_cast<std::size_t>(written);
    }
    ok = ok && ::fsync(fd.get()) == 0;
    const int closed = ::close(fd.release());
    if (!ok || closed != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string message = errno_text("cannot write " + path.string());
        ::unlink(temporary.c_str());
        throw std::runtime_error(message);
    }
    fsync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

std::optional<std::string> read_file_limited(const std::filesystem::path& path,
                                             std::size_t max_bytes) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0)
        return std::nullopt;
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        return std::nullopt;
    if (static_cast<std::size_t>(info.st_size) > max_bytes)
        return std::nullopt;
    std::string data;
    char buffer[65536];
    while (true) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return std::nullopt;
        }
        if (got == 0)
            break;
        data.append(buffer, static_cast<std::size_t>(got));
        if (data.size() > max_bytes)
            return std::nullopt;
    }
    return data;
}

} // namespace wellness
