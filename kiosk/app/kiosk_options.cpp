#include "kiosk_options.hpp"

#include "wellness/fingerprint.hpp"
#include "wellness/limits.hpp"
#include "wellness/problem.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <set>

namespace wellness::kiosk {

namespace {

bool parse_int(std::string_view text, std::int64_t low, std::int64_t high, std::int64_t& out) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < low ||
        value > high) {
        return false;
    }
    out = value;
    return true;
}

// "WxH", each 320 to 7680.
bool parse_size(std::string_view text, int& width, int& height) {
    const auto x = text.find('x');
    if (x == std::string_view::npos) {
        return false;
    }
    std::int64_t w = 0;
    std::int64_t h = 0;
    if (!parse_int(text.substr(0, x), 320, 7680, w) ||
        !parse_int(text.substr(x + 1), 240, 4320, h)) {
        return false;
    }
    width = static_cast<int>(w);
    height = static_cast<int>(h);
    return true;
}

bool valid_station_url(std::string_view url) {
    if (url.size() > 512 || !(url.starts_with("http://") || url.starts_with("https://"))) {
        return false;
    }
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }
    const auto host_start = url.find("://") + 3;
    return host_start < url.size() && url[host_start] != '/';
}

// The host part of an http(s) URL: "[::1]" stays bracketed.
std::string_view url_host(std::string_view url) {
    auto host = url.substr(url.find("://") + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    if (host.starts_with('['))
        return host.substr(0, host.find(']') + 1);
    return host.substr(0, host.find(':'));
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// Tokens and counts never cross a network in clear, and https means the pinned certificate.
Outcome check_transport(const KioskOptions& options) {
    if (options.station_url.starts_with("http://") &&
        !is_loopback_host(url_host(options.station_url)))
        return {"station: plain http:// is only for a station on this machine; use the "
                "station's https:// address with its fingerprint"};
    if (options.station_url.starts_with("https://") && options.station_fingerprint.empty())
        return {"fingerprint: an https station needs its certificate's fingerprint (the console "
                "shows it with the enrollment code)"};
    return {};
}

bool valid_enrollment_code(std::string_view code) {
    if (code.empty() || code.size() > shared_limits::max_enrollment_code_chars) {
        return false;
    }
    for (char c : code) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool valid_path(std::string_view path) {
    return !path.empty() && path.size() <= 4096 && path.find('\0') == std::string_view::npos;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

// Applies one setting shared by flags and the config file; returns an error or "".
std::string apply_setting(const std::string& key, std::string_view value, KioskOptions& options) {
    if (key == "data") {
        if (!valid_path(value)) {
            return "data: expected a directory path";
        }
        options.data_dir = std::string(value);
    } else if (key == "station") {
        if (!valid_station_url(value)) {
            return "station: expected an http:// or https:// URL of at most 512 characters";
        }
        options.station_url = std::string(value);
    } else if (key == "enroll") {
        if (!valid_enrollment_code(value)) {
            return "enroll: expected 1 to 64 letters, digits, '-' or '_'";
        }
        options.enrollment_code = std::string(value);
    } else if (key == "fingerprint") {
        auto fingerprint = wellness::tls::parse_fingerprint(value);
        if (!fingerprint) {
            return "fingerprint: expected the station certificate's SHA-256 fingerprint, 64 hex "
                   "digits (colons optional), as the console shows it";
        }
        options.station_fingerprint = *fingerprint;
    } else if (key == "windowed") {
        if (!parse_size(value, options.window_width, options.window_height)) {
            return "windowed: expected WIDTHxHEIGHT, e.g. 1280x720";
        }
        options.windowed = true;
    } else if (key == "sync-interval") {
        std::int64_t seconds = 0;
        if (!parse_int(value, 1, 7 * 24 * 3600, seconds)) {
            return "sync-interval: expected 1 to 604800 seconds";
        }
        options.sync_interval_seconds = static_cast<int>(seconds);
    } else if (key == "dpi") {
        std::int64_t dpi = 0;
        if (!parse_int(value, 50, 600, dpi)) {
            return "dpi: expected the display's dots per inch, 50 to 600";
        }
        options.dpi = static_cast<float>(dpi);
    } else if (key == "gles") {
        if (value == "yes") {
            options.gles = true;
        } else if (value == "no") {
            options.gles = false;
        } else {
            return "gles: expected yes or no";
        }
    } else if (key == "log-format") {
        try {
            options.log_format = parse_log_format(value);
        } catch (const std::invalid_argument&) {
            return "log-format: expected auto, journal or plain";
        }
    } else if (key == "clock-offset") {
        std::int64_t seconds = 0;
        if (!parse_int(value, -400LL * 24 * 3600, 400LL * 24 * 3600, seconds)) {
            return "clock-offset: expected seconds within 400 days";
        }
        options.clock_offset_seconds = seconds;
    } else if (key == "config") {
        if (!valid_path(value)) {
            return "config: expected a file path";
        }
        options.config_file = std::string(value);
    } else if (key == "script") {
        if (!valid_path(value)) {
            return "script: expected a file path";
        }
        options.script = std::string(value);
    } else {
        return "unknown setting '" + key.substr(0, 40) + "'";
    }
    return {};
}

const std::set<std::string>& config_file_keys() {
    static const std::set<std::string> keys{"data",        "station",  "enroll",
                                            "fingerprint", "windowed", "sync-interval",
                                            "dpi",         "gles",     "log-format"};
    return keys;
}

} // namespace

std::string usage_text() {
    return "Usage: wellness-kiosk [options]\n"
           "  --windowed WxH         run in a window instead of fullscreen\n"
           "  --data DIR             kiosk data directory (counters, content cache, token)\n"
           "  --station URL          the precinct station, e.g. https://station.lan:8443\n"
           "                         (http:// only for a station on this machine)\n"
           "  --fingerprint SHA256   the station certificate's fingerprint, as the console\n"
           "                         shows it with the enrollment code; no other is trusted\n"
           "  --enroll CODE          enrollment code for the first contact with the station\n"
           "  --config FILE          key = value settings (data, station, enroll, fingerprint,\n"
           "                         windowed, sync-interval, dpi, gles, log-format); flags\n"
           "                         win over the file\n"
           "  --dpi N                the display's real DPI when the driver reports a wrong one\n"
           "  --gles                 OpenGL ES 3 through EGL instead of desktop GL\n"
           "                         (config: gles = yes), for GPUs that only have ES\n"
           "  --log-format FORMAT    auto (journal prefixes when stderr is the journal),\n"
           "                         journal or plain\n"
           "  --sync-interval SEC    seconds between station contacts (tests)\n"
           "  --clock-offset SEC     shift the wall clock given to sync (tests only)\n"
           "  --script FILE          drive the kiosk with injected input events (tests)\n"
           "  --bench                print performance figures as JSON lines and exit\n"
           "  --first-frame-exit     exit as soon as the first frame is shown (benchmarks)\n"
           "  --help                 show this text\n";
}

OptionsResult parse_config_text(std::string_view text, KioskOptions base) {
    OptionsResult result;
    if (text.size() > max_config_bytes) {
        result.error = "config file is larger than " + std::to_string(max_config_bytes) + " bytes";
        return result;
    }
    if (text.find('\0') != std::string_view::npos) {
        result.error = "config file contains a NUL byte";
        return result;
    }
    std::set<std::string> seen;
    int line_number = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = trim(text.substr(at, end - at));
        at = end + 1;
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto where = "config line " + std::to_string(line_number) + ": ";
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            result.error = where + "expected key = value";
            return result;
        }
        const std::string key(trim(line.substr(0, equals)));
        const std::string_view value = trim(line.substr(equals + 1));
        if (!config_file_keys().contains(key)) {
            result.error = where + "unknown key '" + key.substr(0, 40) + "'";
            return result;
        }
        if (!seen.insert(key).second) {
            result.error = where + "'" + key + "' is set twice";
            return result;
        }
        if (auto error = apply_setting(key, value, base); !error.empty()) {
            result.error = where + error;
            return result;
        }
    }
    result.options = std::move(base);
    return result;
}

OptionsResult parse_options(const std::vector<std::string>& args) {
    OptionsResult result;
    KioskOptions flags;
    std::map<std::string, std::string> given; // flag -> value, in the order settings apply
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            flags.help = true;
            continue;
        }
        if (arg == "--bench") {
            flags.bench = true;
            continue;
        }
        if (arg == "--first-frame-exit") {
            flags.first_frame_exit = true;
            continue;
        }
        if (arg == "--gles") {
            flags.gles = true;
            continue;
        }
        if (!arg.starts_with("--")) {
            result.error = "unexpected argument '" + arg.substr(0, 40) + "'";
            return result;
        }
        std::string key = arg.substr(2);
        std::string value;
        if (const auto equals = key.find('='); equals != std::string::npos) {
            value = key.substr(equals + 1);
            key = key.substr(0, equals);
        } else {
            if (i + 1 >= args.size()) {
                result.error = "--" + key.substr(0, 40) + " needs a value";
                return result;
            }
            value = args[++i];
        }
        if (given.contains(key)) {
            result.error = "--" + key.substr(0, 40) + " is given twice";
            return result;
        }
        KioskOptions probe;
        if (auto error = apply_setting(key, value, probe); !error.empty()) {
            result.error = "--" + error;
            return result;
        }
        given.emplace(key, value);
    }
    if (flags.help) {
        result.options = flags;
        return result;
    }
    KioskOptions options;
    options.bench = flags.bench;
    options.first_frame_exit = flags.first_frame_exit;
    if (auto config = given.find("config"); config != given.end()) {
        std::ifstream file(config->second, std::ios::binary);
        if (!file) {
            result.error = "cannot read config file " + config->second;
            return result;
        }
        std::string text(max_config_bytes + 1, '\0');
        file.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(file.gcount()));
        auto from_file = parse_config_text(text, options);
        if (!from_file.options) {
            result.error = config->second + ": " + from_file.error;
            return result;
        }
        options = std::move(*from_file.options);
    }
    options.gles = options.gles || flags.gles;
    for (const auto& [key, value] : given) {
        (void)apply_setting(key, value, options); // validated above
    }
    if (auto transport = check_transport(options); !transport.ok()) {
        result.error = std::move(transport.problem);
        return result;
    }
    result.options = std::move(options);
    return result;
}

} // namespace wellness::kiosk
