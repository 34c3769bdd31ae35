#pragma once

// The kiosk's settings: command-line flags and an optional key=value config file. Flags win
// over the file. Both are validated strictly; a bad setting stops start-up with a clear message.

#include "wellness/log_channel.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::kiosk {

struct KioskOptions {
    bool windowed = false;
    int window_width = 0;
    int window_height = 0;
    std::filesystem::path data_dir;
    std::string station_url;
    std::string enrollment_code;
    std::string station_fingerprint; // pinned: the only certificate an https station may show
    std::filesystem::path config_file;
    std::int64_t clock_offset_seconds = 0; // test only: shifts the wall clock handed to sync
    std::optional<int> sync_interval_seconds;
    // The display's DPI when the driver reports a wrong one (X often says 96 on a 133 dpi panel).
    std::optional<float> dpi;
    std::filesystem::path script;
    // OpenGL ES 3 through EGL, desktop GL not tried: what a kmsdrm box without
    // desktop GL runs, selectable under X11 too so it is tested there.
    bool gles = false;
    // Log lines for the journal (sd-daemon priority prefixes) or plain; unset: journal exactly
    // when standard error is the journal's stream (JOURNAL_STREAM).
    std::optional<LogFormat> log_format;
    bool bench = false;
    // Leave right after the first frame is shown (the side-by-side benchmark's start-up figure).
    bool first_frame_exit = false;
    bool help = false;
};

struct OptionsResult {
    std::optional<KioskOptions> options;
    std::string error;
};

// Parses argv[1..]; reads the --config file when given (at most max_config_bytes).
OptionsResult parse_options(const std::vector<std::string>& args);

// The config file's text: "key = value" lines, '#' comments. Keys: data, station, enroll,
// fingerprint, windowed (WxH), sync-interval,
// dpi (50 to 600), gles (yes or no), log-format (auto, journal or plain). Unknown or repeated
// keys are errors. An https station needs its fingerprint; a plain http one must be on this
// machine (loopback).
OptionsResult parse_config_text(std::string_view text, KioskOptions base);

inline constexpr std::size_t max_config_bytes = 16 * 1024;

std::string usage_text();

} // namespace wellness::kiosk
