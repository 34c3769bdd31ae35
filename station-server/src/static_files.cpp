#include "static_files.hpp"

#include "security.hpp"

#include <Poco/DeflatingStream.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

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

namespace {

std::string gzip(const std::string& bytes) {
    std::ostringstream out;
    Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 9);
    deflate.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    deflate.close();
    return out.str();
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// Calls `each` with every comma-separated member of a header list, trimmed.
template <typename Each> void for_each_member(std::string_view list, Each each) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        each(trimmed(list.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
}

} // namespace

std::shared_ptr<const StaticAnswer> StaticFileCache::load(const std::filesystem::path& file) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    const auto modified = std::filesystem::last_write_time(file, error);
    if (error)
        return nullptr;
    {
        std::lock_guard lock(mutex_);
        auto found = entries_.find(file);
        if (found != entries_.end() && found->second.size == size &&
            found->second.modified == modified)
            return found->second.answer;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in)
        return nullptr;
    auto answer = std::make_shared<StaticAnswer>();
    answer->bytes = contents.str();
    const std::string hash = sha256_hex(answer->bytes).substr(0, 32);
    answer->etag = "\"" + hash + "\"";
    if (std::string packed = gzip(answer->bytes); packed.size() < answer->bytes.size()) {
        answer->gzipped = std::move(packed);
        answer->gzipped_etag = "\"" + hash + "-gzip\"";
    }
    std::lock_guard lock(mutex_);
    entries_[file] = {size, modified, answer};
    return answer;
}

bool none_match_names(std::string_view if_none_match, std::string_view etag) {
    bool named = false;
    for_each_member(if_none_match, [&](std::string_view tag) {
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        if (tag == "*" || tag == etag)
            named = true;
    });
    return named;
}

bool accepts_gzip(std::string_view accept_encoding) {
    bool accepted = false;
    for_each_member(accept_encoding, [&](std::string_view member) {
        const auto semicolon = member.find(';');
        std::string name(trimmed(member.substr(0, semicolon)));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name != "gzip")
            return;
        std::string_view parameters =
            semicolon == std::string_view::npos ? "" : member.substr(semicolon + 1);
        parameters = trimmed(parameters);
        // q=0 (or 0.0, 0.00...) refuses it; any other weight accepts.
        const bool refused = parameters.starts_with("q=0") &&
                             parameters.find_first_not_of("0.", 2) == std::string_view::npos;
        accepted = !refused;
    });
    return accepted;
}

} // namespace wellness::station
