#pragma once

#include "wellness/counts.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/json_input.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

enum class Period { week, month, total };
std::optional<Period> parse_period(std::string_view text);
std::string_view to_string(Period period);

struct WeeklyCount {
    IsoWeek week;
    std::string metric;
    std::string key;
    std::int64_t n = 0;
};

struct SummaryRequest {
    IsoWeek from; // inclusive
    IsoWeek to;   // inclusive
    Period period = Period::week;
    int k = default_k;
};

// One published cell. When `suppressed`, `n` is empty. `at_least` is set only by the regional
// rollup: the sum of what the stations did show for a cell some station hid.
struct SummaryCell {
    std::string period; // "2026-W47", "2026-11" or "total"
    std::string metric;
    std::string key;
    std::optional<std::int64_t> n;
    bool suppressed = false;
    std::optional<std::int64_t> at_least;
    bool operator==(const SummaryCell&) const = default;
};

struct Summary {
    IsoWeek from;
    IsoWeek to;
    Period period = Period::week;
    int k = default_k;
    std::vector<SummaryCell> cells; // ordered by period, then metric (catalogue order), then key
};

bool is_valid_k(int k); // k >= minimum_k

// Bounds a summary request and a summary read from the wire must respect.
inline constexpr long max_summary_weeks = 5300; // the most a station may be configured to serve
inline constexpr std::int64_t max_summary_n = 1'000'000'000'000; // room for many stations' sums
inline constexpr std::size_t max_summary_cells = 500'000;

// Why a request cannot be answered (from after to, a range longer than max_summary_weeks, a k
// below minimum_k), or nullopt when it can.
std::optional<std::string> summary_request_problem(const SummaryRequest& request);

// Privacy promise 6: group weekly counts into periods, hide every non-zero cell below k and
// add complementary suppression so no hidden cell can be derived from the others and the
// row / column totals. Counts outside [from, to] are ignored. Every period of the range appears,
// zero-filled, for every (metric, key) counted in it. A k below minimum_k is raised to minimum_k
// (never publish with less protection than the promise); a range summary_request_problem
// refuses gives no cells.
Summary summarize(const std::vector<WeeklyCount>& counts, const SummaryRequest& request);

// The suppression pattern on its own, exposed for tests: one table (rows are periods, columns
// are a metric's keys). Returns which cells are hidden: every cell with 0 < n < k, plus
// complementary cells so that no hidden cell is determined by the visible cells together with
// the row sums (when there are 2+ columns) and the column sums (when there are 2+ rows).
// Zero cells are shown unless no non-zero cell can do the complementary job. A ragged table
// (rows of different lengths) is not a table: every cell is hidden.
std::vector<std::vector<bool>>
suppression_pattern(const std::vector<std::vector<std::int64_t>>& table, int k);

// Wire format shared by the station, its pages and the rollup.
Json summary_to_json(const Summary& summary);
std::string
summary_to_csv(const Summary& summary); // header: period,metric,key,n,suppressed,at_least
// Strict decode of an untrusted summary (a station's answer read by the rollup): unknown or
// missing fields, unknown metrics, bad keys or periods, n and `suppressed` disagreeing, counts
// outside 0..max_summary_n, duplicate cells are refused with `error` set. Cells come back in the
// canonical order. Never throws.
std::optional<Summary> summary_from_json(const Json& json, std::string& error);

// Regional rollup: add up stations' summaries of the same request without un-hiding anything.
// A cell that any station hid becomes suppressed with at_least = the sum of the shown parts;
// the merged table then goes through suppression with k again (a cell hidden there is only
// `suppressed`). at_least is left unset when the shown parts add up to 0. The request fields
// (from, to, period) are taken from the first summary; k is raised to minimum_k if below.
Summary merge_summaries(const std::vector<Summary>& summaries, int k);

} // namespace wellness
