#include "test_script.hpp"

#include <charconv>

namespace wellness::kiosk {

namespace {

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) {
            ++at;
        }
        const std::size_t start = at;
        while (at < line.size() && line[at] != ' ' && line[at] != '\t') {
            ++at;
        }
        if (at > start) {
            words.emplace_back(line.substr(start, at - start));
        }
    }
    return words;
}

bool parse_integer(const std::string& word, std::int64_t low, std::int64_t high,
                   std::int64_t& out) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc{} || end != word.data() + word.size() || value < low || value > high) {
        return false;
    }
    out = value;
    return true;
}

bool parse_coordinate(const std::string& word, float& out) {
    std::int64_t value = 0;
    if (!parse_integer(word, -100000, 100000, value)) {
        return false;
    }
    out = static_cast<float>(value);
    return true;
}

bool printable_word(const std::string& word) {
    for (unsigned char c : word) {
        if (c < 0x21 || c == 0x7f) {
            return false;
        }
    }
    return !word.empty() && word.size() <= 256;
}

} // namespace

ScriptParseResult parse_script(std::string_view text) {
    ScriptParseResult result;
    if (text.size() > max_script_bytes) {
        result.errors.push_back("script is larger than " + std::to_string(max_script_bytes) +
                                " bytes");
        return result;
    }
    if (text.find('\0') != std::string_view::npos) {
        result.errors.push_back("script contains a NUL byte");
        return result;
    }
    using Kind = ScriptCommand::Kind;
    int line_number = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++line_number;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const auto words = split_words(line);
        if (words.empty()) {
            continue;
        }
        auto fail = [&](const std::string& why) {
            result.errors.push_back("line " + std::to_string(line_number) + ": " + why);
        };
        const std::string& verb = words[0];
        const std::size_t arguments = words.size() - 1;
        ScriptCommand command;
        command.line = line_number;
        auto want = [&](std::size_t count) {
            if (arguments != count) {
                fail("'" + verb + "' takes " + std::to_string(count) + " argument(s)");
                return false;
            }
            return true;
        };
        if (verb == "tap" || verb == "touch" || verb == "expect-widget" ||
            verb == "expect-no-widget" || verb == "screenshot" || verb == "expect-screen") {
            if (!want(1)) {
                continue;
            }
            if (!printable_word(words[1])) {
                fail("bad argument");
                continue;
            }
            command.kind = verb == "tap"                ? Kind::tap
                           : verb == "touch"            ? Kind::touch
                           : verb == "expect-widget"    ? Kind::expect_widget
                           : verb == "expect-no-widget" ? Kind::expect_no_widget
                           : verb == "screenshot"       ? Kind::screenshot
                                                        : Kind::expect_screen;
            command.argument = words[1];
        } else if (verb == "expect-inside") {
            if (!want(2)) {
                continue;
            }
            if (!printable_word(words[1]) || !printable_word(words[2])) {
                fail("bad argument");
                continue;
            }
            command.kind = Kind::expect_inside;
            command.argument = words[1];
            command.outer = words[2];
        } else if (verb == "tap-at" || verb == "touch-at") {
            if (!want(2)) {
                continue;
            }
            if (!parse_coordinate(words[1], command.x) || !parse_coordinate(words[2], command.y)) {
                fail("coordinates must be whole pixels");
                continue;
            }
            command.kind = verb == "tap-at" ? Kind::tap_at : Kind::touch_at;
        } else if (verb == "drag") {
            if (!want(3)) {
                continue;
            }
            if (!printable_word(words[1]) || !parse_coordinate(words[2], command.x) ||
                !parse_coordinate(words[3], command.y)) {
                fail("drag takes a widget id and whole-pixel distances");
                continue;
            }
            command.kind = Kind::drag;
            command.argument = words[1];
        } else if (verb == "corner-taps" || verb == "wait-frames" || verb == "advance-ms") {
            if (!want(1)) {
                continue;
            }
            const std::int64_t high = verb == "advance-ms" ? 24LL * 3600 * 1000 : 10000;
            if (!parse_integer(words[1], 0, high, command.number)) {
                fail("expected a whole number from 0 to " + std::to_string(high));
                continue;
            }
            command.kind = verb == "corner-taps"   ? Kind::corner_taps
                           : verb == "wait-frames" ? Kind::wait_frames
                                                   : Kind::advance_ms;
        } else if (verb == "expect-no-hover" || verb == "expect-layout" || verb == "quit" ||
                   verb == "hold-clock") {
            if (!want(0)) {
                continue;
            }
            command.kind = verb == "quit"            ? Kind::quit
                           : verb == "expect-layout" ? Kind::expect_layout
                           : verb == "hold-clock"    ? Kind::hold_clock
                                                     : Kind::expect_no_hover;
        } else {
            fail("unknown command '" + verb.substr(0, 40) + "'");
            continue;
        }
        if (result.commands.size() >= max_script_commands) {
            fail("more than " + std::to_string(max_script_commands) + " commands");
            break;
        }
        result.commands.push_back(std::move(command));
    }
    if (!result.errors.empty()) {
        result.commands.clear();
    }
    return result;
}

} // namespace wellness::kiosk
