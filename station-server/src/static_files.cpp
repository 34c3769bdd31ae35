#include "static_files.hpp"

#include <algorithm>
#include <map>

namespace wellness::station {

std::string media_type_for_file(const std::filesystem::path& file) {
    static const std::map<std::string, std::string> types{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json; charset=utf-8"},
    };
    auto found = types.find(file.extension().string());
    return found == types.end() ? "application/octet-stream" : found->second;
}

std::optional<StaticFile> resolve_static_file(const std::filesystem::path& web_dir,
                                              std::string_view request_path) {
    if (request_path.empty() || request_path.front() != '/')
        return std::nullopt;
    std::filesystem::path relative;
    std::size_t start = 1;
    while (start <= request_path.size()) {
        auto end = request_path.find('/', start);
        if (end == std::string_view::npos)
            end = request_path.size();
        std::string_view segment = request_path.substr(start, end - start);
        if (!segment.empty()) {
            if (segment.front() == '.' || segment.find('\\') != std::string_view::npos ||
                segment.find('\0') != std::string_view::npos)
                return std::nullopt;
            relative /= std::string(segment);
        }
        start = end + 1;
    }
    std::error_code ec;
    auto root = std::filesystem::canonical(web_dir, ec);
    if (ec)
        return std::nullopt;
    auto candidate = root / relative;
    if (std::filesystem::is_directory(candidate, ec))
        candidate /= "index.html";
    auto resolved = std::filesystem::canonical(candidate, ec);
    if (ec || !std::filesystem::is_regular_file(resolved, ec))
        return std::nullopt;
    // After symlinks are resolved the file must still lie inside the web directory.
    auto [root_end, unused] =
        std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (root_end != root.end())
        return std::nullopt;
    return StaticFile{resolved, media_type_for_file(resolved)};
}

} // namespace wellness::station
