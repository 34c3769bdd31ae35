#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::rollup {

// One station of a rollup: where it is and the coordinator token it gave us.
struct StationEntry {
    std::string url;    // as written, without a trailing slash: "http://10.0.0.5:8080"
    std::string scheme; // "http" or "https"
    std::string host;
    unsigned short port = 0;
    std::string path_prefix; // "" or "/station" (the station behind a reverse proxy)
    std::string token;
    std::string fingerprint; // an https station's pinned certificate (the third field)
    std::size_t line = 0;    // 1-based line in the stations file
};

inline constexpr std::size_t max_stations_file_bytes = 256 * 1024;
inline constexpr std::size_t max_stations = 500;
inline constexpr std::size_t max_token_chars = 512;
inline constexpr std::size_t max_url_chars = 512;

struct StationsFileResult {
    std::vector<StationEntry> stations; // set only when error is empty
    std::string error;                  // "line 3: ..." for a person to fix
};

// Strict parse of a stations file: one station per line, "URL TOKEN [FINGERPRINT]", separated
// by spaces or tabs. An https station needs its certificate's SHA-256 fingerprint (as its
// console shows it) and no other certificate is trusted; plain http is only for a station on
// this machine (loopback), since the token would cross the network in clear. Blank lines and lines
// whose first non-blank character is '#' are ignored, as is a trailing "# ..." after the two
// fields. URLs are http(s), with a host, optional port and path, and no credentials, query or
// fragment; each URL appears once. Tokens are 1 to 512 printable ASCII characters. Any bad line
// rejects the whole file.
StationsFileResult parse_stations_file(std::string_view text);

// Reads and parses the file, refusing one larger than max_stations_file_bytes.
StationsFileResult read_stations_file(const std::string& path);

} // namespace wellness::rollup
