#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace wellness::station {

struct StaticFile {
    std::filesystem::path file;
    std::string media_type;
};

// Maps a request path under /admin/ or /summary/ (already percent-decoded) to a file of the web
// directory: index.html for a folder, only regular files inside `web_dir`, no "..", no hidden
// files, no symlink escaping it. Nothing when there is no such file.
std::optional<StaticFile> resolve_static_file(const std::filesystem::path& web_dir,
                                              std::string_view request_path);

std::string media_type_for_file(const std::filesystem::path& file);

// A console file as it is sent: its bytes and their gzip form (when smaller), each with its own
// strong ETag (a hash of the bytes, so an upgrade that changes a file changes its tag).
struct StaticAnswer {
    std::string bytes;
    std::string etag;
    std::optional<std::string> gzipped;
    std::string gzipped_etag;
};

// The console's files, read, hashed and compressed once, and again only when a file's size or
// modification time changes. Holds at most one entry per file of the web directory. Thread-safe.
class StaticFileCache {
  public:
    // Nothing when the file cannot be read.
    std::shared_ptr<const StaticAnswer> load(const std::filesystem::path& file);

  private:
    struct Entry {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified;
        std::shared_ptr<const StaticAnswer> answer;
    };
    std::mutex mutex_;
    std::map<std::filesystem::path, Entry> entries_;
};

// Whether an If-None-Match header names `etag` ("*", a list, weak or strong forms alike).
bool none_match_names(std::string_view if_none_match, std::string_view etag);
// Whether an Accept-Encoding header accepts gzip (listed without q=0).
bool accepts_gzip(std::string_view accept_encoding);

} // namespace wellness::station
