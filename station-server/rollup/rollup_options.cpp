#include "rollup_options.hpp"

#include "wellness/limits.hpp"

#include <charconv>
#include <map>

namespace wellness::rollup {
namespace {

std::optional<int> parse_int(const std::string& text) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

std::string rollup_usage() {
    return "Usage: station-rollup --stations FILE --from YYYY-Www --to YYYY-Www\n"
           "                      --period week|month|year|total [--format json|csv] [--k N]\n"
           "                      [--timeout SECONDS]\n"
           "\n"
           "Fetches the anonymous usage summaries of several precinct stations at once and\n"
           "merges them without un-hiding anything: a count that any station hid stays hidden\n"
           "in the merged table (with \"at_least\", the sum of what the others showed), and the\n"
           "merged table is suppressed again with k.\n"
           "\n"
           "  --stations FILE   one station per line: \"URL TOKEN\" (a coordinator token);\n"
           "                    blank lines and lines starting with # are ignored\n"
           "  --from, --to      ISO weeks, inclusive, e.g. 2026-W40\n"
           "  --period          week, month (a week counts in the month of its Thursday), year "
           "(ISO)\n"
           "                    or total; stations answer from their sealed, published cells\n"
           "  --format          json (default; adds \"unreachable\": [URLs]) or csv\n"
           "  --k               the smallest count shown (default 5, at least 3)\n"
           "  --timeout         seconds to connect and for each read (default 5, 1 to 120)\n"
           "  --help            this text\n"
           "\n"
           "Writes the merged summary to standard output and names every station that did not\n"
           "answer on standard error. Exit status: 0 when at least one station answered, 1 when\n"
           "none did, 2 for a bad command line or stations file.\n";
}

OptionsResult parse_rollup_options(const std::vector<std::string>& arguments) {
    OptionsResult result;
    std::map<std::string, std::string> values;
    static const std::vector<std::string> known = {"stations", "from", "to",     "period",
                                                   "format",   "k",    "timeout"};
    bool help = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            help = true;
            continue;
        }
        if (argument.rfind("--", 0) != 0) {
            result.error = "unexpected argument \"" + argument + "\"";
            return result;
        }
        std::string name = argument.substr(2);
        std::string value;
        if (auto equals = name.find('='); equals != std::string::npos) {
            value = name.substr(equals + 1);
            name = name.substr(0, equals);
        } else {
            if (i + 1 >= arguments.size()) {
                result.error = "--" + name + " needs a value";
                return result;
            }
            value = arguments[++i];
        }
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            result.error = "unknown option --" + name;
            return result;
        }
        if (!values.emplace(name, value).second) {
            result.error = "--" + name + " given twice";
            return result;
        }
    }
    RollupOptions options;
    if (help) {
        options.help = true;
        result.options = options;
        return result;
    }
    for (const char* required : {"stations", "from", "to", "period"}) {
        if (!values.contains(required)) {
            result.error = std::string("--") + required + " is required";
            return result;
        }
    }
    options.stations_file = values["stations"];
    auto from = IsoWeek::parse(values["from"]);
    auto to = IsoWeek::parse(values["to"]);
    if (!from || !to) {
        result.error =
            std::string("--") + (from ? "to" : "from") + " must be an ISO week like 2026-W40";
        return result;
    }
    if (*from > *to) {
        result.error = "--from must not be after --to";
        return result;
    }
    if (to->weeks_since(*from) + 1 > max_rollup_weeks) {
        result.error = "a rollup covers at most " + std::to_string(max_rollup_weeks) + " weeks";
        return result;
    }
    auto period = parse_period(values["period"]);
    if (!period) {
        result.error = "--period must be week, month, year or total";
        return result;
    }
    options.request.from = *from;
    options.request.to = *to;
    options.request.period = *period;
    if (values.contains("format")) {
        if (values["format"] == "json")
            options.format = OutputFormat::json;
        else if (values["format"] == "csv")
            options.format = OutputFormat::csv;
        else {
            result.error = "--format must be json or csv";
            return result;
        }
    }
    if (values.contains("k")) {
        auto k = parse_int(values["k"]);
        if (!k || !shared_limits::is_k_in_range(*k)) {
            result.error = "--k must be a whole number from " + std::to_string(minimum_k) + " to " +
                           std::to_string(shared_limits::max_k);
            return result;
        }
        options.request.k = *k;
    }
    if (values.contains("timeout")) {
        auto timeout = parse_int(values["timeout"]);
        if (!timeout || *timeout < 1 || *timeout > max_timeout_seconds) {
            result.error =
                "--timeout must be 1 to " + std::to_string(max_timeout_seconds) + " seconds";
            return result;
        }
        options.timeout_seconds = *timeout;
    }
    result.options = options;
    return result;
}

} // namespace wellness::rollup
