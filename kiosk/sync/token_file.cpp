#include "token_file.hpp"

#include "durable_file.hpp"
#include "wellness/limits.hpp"

#include <algorithm>
#include <stdexcept>
#include <sys/stat.h>

namespace wellness::kiosk {

bool is_plausible_token(const std::string& token) {
    return !token.empty() && token.size() <= shared_limits::max_token_chars &&
           std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::optional<std::string> read_token(const std::filesystem::path& file) {
    auto text = read_file_limited(file, 1024);
    if (!text)
        return std::nullopt;
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
        ::chmod(file.c_str(), 0600);
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r'))
        text->pop_back();
    if (!is_plausible_token(*text))
        return std::nullopt;
    return text;
}

void write_token(const std::filesystem::path& file, const std::string& token) {
    if (!is_plausible_token(token))
        throw std::invalid_argument("not a plausible token");
    write_file_atomically(file, token + "\n", 0600);
}

} // namespace wellness::kiosk
