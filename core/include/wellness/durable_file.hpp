#pragma once

// Small files written so that a crash leaves either the old file or the new one, never half:
// the kiosk's token, pins and content cache, the station's certificate and key.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace wellness {

// Writes `data` to a new temporary file beside `path` created with O_CREAT|O_EXCL and `mode`
// (so it is never readable by others, not even for a moment), fsyncs it, renames it over
// `path` and fsyncs the directory. Throws std::runtime_error on failure, leaving `path` as it was.
void write_file_atomically(const std::filesystem::path& path, std::string_view data, mode_t mode);

// Reads at most `max_bytes` from a regular file; nullopt if it is missing, not a regular file,
// unreadable or larger than `max_bytes`.
std::optional<std::string> read_file_limited(const std::filesystem::path& path,
                                             std::size_t max_bytes);

} // namespace wellness
