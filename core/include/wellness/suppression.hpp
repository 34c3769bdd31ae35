#pragma once

#include "wellness/counts.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/json_input.hpp"

#include <cstdint>
#include <optional>
#include <string>
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

// Privacy promise 6: group weekly counts into periods, hide every non-zero cell below k and
// add complementary suppression so no hidden cell can be derived from the others and the
// row / column totals. Counts outside [from, to] are ignored.
Summary summarize(const std::vector<WeeklyCount>& counts, const SummaryRequest& request);

// The suppression pattern on its own, exposed for tests: one table (rows are periods, columns
// are a metric's keys). Returns which cells are hidden: every cell with 0 < n < k, plus
// complementary cells so that no hidden cell is determined by the visible cells together with
// the row sums (when there are 2+ columns) and the column sums (when there are 2+ rows).
std::vector<std::vector<bool>> suppression_pattern(const std::vector<std::vector<std::int64_t>>& table,
                                                   int k);

// Wire format shared by the station, its pages and the rollup.
Json summary_to_json(const Summary& summary);
std::string summary_to_csv(const Summary& summary); // header: period,metric,key,n,suppressed,at_least
std::optional<Summary> summary_from_json(const Json& json, std::string& error);

// Regional rollup: add up stations' summaries of the same request without un-hiding anything.
// A cell that any station hid becomes suppressed with at_least = the sum of the shown parts;
// the merged table then goes through suppression with k again.
Summary merge_summaries(const std::vector<Summary>& summaries, int k);

} // namespace wellness
