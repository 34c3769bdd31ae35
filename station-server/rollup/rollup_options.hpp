#pragma once

#include "wellness/suppression.hpp"

#include <optional>
#include <string>
#include <vector>

namespace wellness::rollup {

enum class OutputFormat { json, csv };

struct RollupOptions {
    std::string stations_file;
    SummaryRequest request; // from, to, period, k
    OutputFormat format = OutputFormat::json;
    int timeout_seconds = 5;
    bool help = false;
};

struct OptionsResult {
    std::optional<RollupOptions> options;
    std::string error; // for a person: what is wrong and how to fix it
};

inline constexpr int max_timeout_seconds = 120;
inline constexpr int max_rollup_weeks = 520;

// Strict: every option once, known values only, --stations, --from, --to and --period
// required (unless --help), from <= to, k >= 3, timeout 1 to 120 s. Accepts "--name value"
// and "--name=value".
OptionsResult parse_rollup_options(const std::vector<std::string>& arguments);

std::string rollup_usage();

} // namespace wellness::rollup
