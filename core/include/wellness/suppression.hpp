#pragma once

#include "wellness/counts.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/json_input.hpp"
#include "wellness/problem.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

enum class Period { week, month, year, total };
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
    std::string period; // "2026-W47", "2026-11", "2026" or "total"
    std::string metric;
    std::string key;
    std::optional<std::int64_t> n;
    bool suppressed = false;
    std::optional<std::int64_t> at_least;
    bool operator==(const SummaryCell&) const = default;
};

// How many of a station's kiosks released a sealed week, of how many were enrolled for it
// (decided at the week's seal). About devices, not people: every enrolled kiosk releases every
// week in the same fixed shape, used or not (privacy promise 5), so a week short of kiosks was
// a kiosk switched off or cut off, never a quiet room.
struct WeekReporting {
    IsoWeek week;
    std::int64_t released = 0;
    std::int64_t enrolled = 0;
    bool operator==(const WeekReporting&) const = default;
};

struct Summary {
    IsoWeek from;
    IsoWeek to;
    Period period = Period::week;
    int k = default_k;
    // The last sealed week the answer could draw on (nullopt: nothing sealed yet). Weeks after
    // it are not published at all, and are absent from the answer.
    std::optional<IsoWeek> published_through;
    std::vector<SummaryCell> cells; // ordered by period, then metric (catalogue order), then key
    // Per published week of the range, in week order; a week absent is one whose kiosks
    // reporting are unknown (sealed before the station kept these figures, or, merged, a
    // station that did not say), and so is every longer period holding it. The JSON leaves
    // such a week out of `kiosks_reporting` (the whole list when no week has figures); the CSV
    // and the summary page say "unknown".
    std::vector<WeekReporting> reporting;
};

// The kiosk-weeks released and enrolled over the published weeks of one period label of
// `summary` (a week, "YYYY-MM", "YYYY" or "total"), or nullopt when a published week of it has
// no reporting figures.
std::optional<WeekReporting> reporting_of(const Summary& summary, std::string_view period);

bool is_valid_k(int k); // k >= minimum_k

// Bounds a summary request and a summary read from the wire must respect.
inline constexpr long max_summary_weeks = 5300; // the most a station may be configured to serve
inline constexpr std::int64_t max_summary_n = 1'000'000'000'000; // room for many stations' sums
inline constexpr std::size_t max_summary_cells = 500'000;

// Whether a request can be answered: `problem` says why not (from after to, a range longer than
// max_summary_weeks, a k below minimum_k) and is empty when it can.
using SummaryRequestCheck = Outcome;
SummaryRequestCheck check_summary_request(const SummaryRequest& request);

// Privacy promise 8: a station publishes fixed, calendar-aligned cells only, decided once when
// a week is sealed and kept: the sealed week ("2026-W44"), and once their last week is sealed,
// the whole month of the weeks' Thursdays ("2026-10") and the whole ISO year ("2026"). `n` is
// empty when the cell is hidden.
struct PublishedCell {
    std::string period;
    std::string metric;
    std::string key;
    std::optional<std::int64_t> n;
    bool operator==(const PublishedCell&) const = default;
};

// A week's cells: one per (metric, key) counted in `week` (zeros included), hidden when
// 0 < n < k (k raised to minimum_k). Nothing else is ever hidden in a week.
std::vector<PublishedCell> publish_week(const IsoWeek& week, const std::vector<WeeklyCount>& counts,
                                        int k);
// A month's (or year's) cells from the cells of all its weeks (or months): the sum, shown only
// when every part is shown (a part without a cell counted 0), else hidden. So no shown cell
// involves a hidden one, and no difference of shown cells can give a hidden one away.
std::vector<PublishedCell> publish_whole(const std::string& label,
                                         const std::vector<PublishedCell>& parts);

// "2026" for any week of ISO year 2026.
std::string year_label(const IsoWeek& week);
// The first / last ISO week of a period label (week, "YYYY-MM" by Thursdays, ISO year "YYYY").
std::optional<IsoWeek> first_week_of(std::string_view label);
std::optional<IsoWeek> last_week_of(std::string_view label);

// Any request answered from published cells alone: for period week, month or year, the whole
// published periods lying inside [from, min(to, published_through)], each zero-filled for every
// (metric, key) they hold; a month or year cut short by from / to is left out. For total, one
// row per (metric, key): the sum of the range's published week cells, shown only if every one
// of them is shown (a function of shown cells only), else hidden. Weeks after
// published_through are not published: absent. A k below minimum_k is raised to minimum_k; a
// range check_summary_request refuses gives no cells.
Summary answer_from_published(const std::vector<PublishedCell>& published,
                              const SummaryRequest& request,
                              std::optional<IsoWeek> published_through);

// The whole pipeline on its own, for tests and the bench: every week from the first counted to
// request.to taken as sealed with request.k, published, then answered.
Summary summarize(const std::vector<WeeklyCount>& counts, const SummaryRequest& request);

// Wire format shared by the station, its pages and the rollup.
Json summary_to_json(const Summary& summary);
std::string
summary_to_csv(const Summary& summary); // header: period,metric,key,n,suppressed,at_least,
                                        // kiosks_reported ("2 of 3" kiosk-weeks, or
                                        // "unknown" where reporting_of has no figures)
// Strict decode of an untrusted summary (a station's answer read by the rollup): unknown or
// missing fields, unknown metrics, bad keys or periods, n and `suppressed` disagreeing, counts
// outside 0..max_summary_n, duplicate cells are refused with `error` set. Cells come back in the
// canonical order. `kiosks_reporting` may be absent (a station from before it: no figures);
// when present each entry is a published week of the range, once, 0 <= released <= enrolled.
// Never throws.
struct SummaryReadResult {
    std::optional<Summary> summary; // set only when error is empty
    std::string error;
};
SummaryReadResult summary_from_json(const Json& json);

// Regional rollup: add up stations' summaries of the same request per published cell, without
// un-hiding anything. A cell that any station hid, or that a station has not published yet (a
// period after its published_through), becomes suppressed with at_least = the sum of the shown
// parts (unset when that is 0). A shown sum 0 < n < k is hidden (only `suppressed`). The request
// fields (from, to, period) come from the first summary, published_through is the earliest of
// all; k is raised to minimum_k if below. A week's reporting figures are the stations' sums,
// kept only for weeks every station gave figures for.
Summary merge_summaries(const std::vector<Summary>& summaries, int k);

} // namespace wellness
