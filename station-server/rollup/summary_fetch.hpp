#pragma once

#include "stations_file.hpp"
#include "wellness/suppression.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace wellness::rollup {

struct FetchLimits {
    std::chrono::seconds timeout{5};                  // connect, each read, and the whole answer
    std::size_t max_response_bytes = 8 * 1024 * 1024; // a summary of a year by week is far smaller
};

struct FetchOutcome {
    std::optional<Summary> summary; // set when the station answered with a usable summary
    std::string error;              // why not, in words (never the token)
};

// GET {station}/api/v1/summary for the request, with the station's coordinator token. The
// answer must be JSON within the size limit, decode as a summary, and cover exactly the
// requested weeks and period.
FetchOutcome fetch_summary(const StationEntry& station, const SummaryRequest& request,
                           const FetchLimits& limits);

// Fetches every station concurrently (at most `max_parallel` at a time); the outcomes are in
// the stations' order.
std::vector<FetchOutcome> fetch_all(const std::vector<StationEntry>& stations,
                                    const SummaryRequest& request, const FetchLimits& limits,
                                    std::size_t max_parallel = 16);

} // namespace wellness::rollup
