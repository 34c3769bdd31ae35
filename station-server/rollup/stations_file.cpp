#include "stations_file.hpp"

#include "wellness/fingerprint.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>
#include <fstream>
#include <set>

namespace wellness::rollup {
namespace {

bool is_loopback_host(const std::string& host) {
    Poco::Net::IPAddress address;
    if (host == "localhost")
        return true;
    return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

bool is_blank(char ch) {
    return ch == ' ' || ch == '\t';
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && is_blank(line[at]))
            ++at;
        if (at >= line.size())
            break;
        std::size_t end = at;
        while (end < line.size() && !is_blank(line[end]))
            ++end;
        fields.push_back(line.substr(at, end - at));
        at = end;
    }
    return fields;
}

std::optional<std::string> check_token(std::string_view token) {
    if (token.empty() || token.size() > max_token_chars)
        return "the token must be 1 to " + std::to_string(max_token_chars) + " characters";
    for (unsigned char ch : token)
        if (ch < 0x21 || ch > 0x7e)
            return std::string("the token may hold only printable ASCII characters");
    return std::nullopt;
}

std::optional<std::string> fill_url(std::string_view text, StationEntry& entry) {
    if (text.size() > max_url_chars)
        return "the URL is longer than " + std::to_string(max_url_chars) + " characters";
    for (unsigned char ch : text)
        if (ch < 0x21 || ch > 0x7e)
            return std::string("the URL may hold only printable ASCII characters");
    Poco::URI uri;
    try {
        uri = Poco::URI(std::string(text));
    } catch (const Poco::Exception&) {
        return std::string("the URL does not parse");
    }
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
        return std::string("the URL must start with http:// or https://");
    if (uri.getHost().empty())
        return std::string("the URL has no host");
    if (!uri.getUserInfo().empty())
        return std::string("the URL must not hold a user name or password");
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty() ||
        text.find_first_of("?#") != std::string_view::npos)
        return std::string("the URL must not have a query or fragment");
    if (uri.getPort() == 0)
        return std::string("the URL's port must be 1 to 65535");
    std::string path = uri.getPath();
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    entry.scheme = uri.getScheme();
    entry.host = uri.getHost();
    entry.port = uri.getPort();
    entry.path_prefix = path;
    std::string url(text);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    entry.url = url;
    return std::nullopt;
}

} // namespace

StationsFileResult parse_stations_file(std::string_view text) {
    StationsFileResult result;
    auto fail = [&](std::size_t line, const std::string& why) {
        result.stations.clear();
        result.error = line == 0 ? why : "line " + std::to_string(line) + ": " + why;
        return result;
    };
    if (text.size() > max_stations_file_bytes)
        return fail(0, "the file is larger than " + std::to_string(max_stations_file_bytes) +
                           " bytes");
    if (text.find('\0') != std::string_view::npos)
        return fail(0, "the file holds a NUL byte");
    std::set<std::string> urls;
    std::size_t line_number = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        auto fields = split_fields(line);
        if (fields.empty() || fields.front().front() == '#') {
            if (end == text.size())
                break;
            continue;
        }
        for (std::size_t i = 2; i < fields.size(); ++i)
            if (fields[i].front() == '#') {
                fields.resize(i);
                break;
            }
        if (fields.size() != 2 && fields.size() != 3)
            return fail(line_number,
                        "expected \"URL TOKEN [FINGERPRINT]\" (two or three fields), found " +
                            std::to_string(fields.size()));
        StationEntry entry;
        entry.line = line_number;
        if (auto problem = fill_url(fields[0], entry))
            return fail(line_number, *problem);
        if (auto problem = check_token(fields[1]))
            return fail(line_number, *problem);
        entry.token = std::string(fields[1]);
        if (fields.size() == 3) {
            auto fingerprint = wellness::tls::parse_fingerprint(fields[2]);
            if (!fingerprint)
                return fail(line_number, "the third field must be the station certificate's "
                                         "SHA-256 fingerprint (64 hex digits, colons optional)");
            entry.fingerprint = *fingerprint;
        }
        if (entry.scheme == "https" && entry.fingerprint.empty())
            return fail(line_number, "an https station needs its certificate's fingerprint as "
                                     "a third field (its console shows it on the sign-in page)");
        if (entry.scheme == "http" && !is_loopback_host(entry.host))
            return fail(line_number, "plain http:// is only for a station on this machine: the "
                                     "token would cross the network in clear; use https://");
        if (!urls.insert(entry.url).second)
            return fail(line_number, "the station " + entry.url + " is listed twice");
        if (result.stations.size() >= max_stations)
            return fail(line_number, "more than " + std::to_string(max_stations) + " stations");
        result.stations.push_back(std::move(entry));
        if (end == text.size())
            break;
    }
    if (result.stations.empty())
        return fail(line_number, "the file lists no station");
    return result;
}

StationsFileResult read_stations_file(const std::string& path) {
    StationsFileResult result;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        result.error = "cannot open " + path;
        return result;
    }
    std::string text;
    text.resize(max_stations_file_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        result.error = "cannot read " + path;
        return result;
    }
    return parse_stations_file(text);
}

} // namespace wellness::rollup
