#pragma once

#include <filesystem>
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

} // namespace wellness::station
