// Summaries and small-number suppression (privacy promises 7 and 8). Sections, in order:
//   1. Helpers: effective k, the cells' canonical order, period labels.
//   2. Requests: parse_period, check_summary_request, first_week_of / last_week_of.
//   3. The suppression pattern: publish_week (a sealed week's cells), publish_whole (a month's
//      or year's), answer_from_published, summarize.
//   4. The wire: summary_to_json, summary_to_csv.
//   5. Reading a summary back (the rollup's side): decode_summary, summary_from_json.
//   6. The rollup merge: merge_summaries.

#include "wellness/suppression.hpp"

#include "wellness/content.hpp"
#include "wellness/limits.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace wellness {
namespace {

int effective_k(int k) {
    return std::max(k, minimum_k);
}

std::size_t metric_rank(std::string_view metric) {
    const auto& metrics = known_metrics();
    const auto found = std::find(metrics.begin(), metrics.end(), metric);
    return static_cast<std::size_t>(found - metrics.begin()); // unknown metrics sort last
}

// Metrics in catalogue order (unknown ones after, by name).
struct MetricOrder {
    bool operator()(const std::string& a, const std::string& b) const {
        return std::make_pair(metric_rank(a), std::string_view(a)) <
               std::make_pair(metric_rank(b), std::string_view(b));
    }
};

bool canonical_order(const SummaryCell& a, const SummaryCell& b) {
    if (a.period != b.period) {
        return a.period < b.period; // "YYYY", "YYYY-Www" and "YYYY-MM" sort by time as text
    }
    if (a.metric != b.metric) {
        return MetricOrder{}(a.metric, b.metric);
    }
    return a.key < b.key;
}

using CellKey = std::pair<std::string, std::string>; // metric, key

struct CellKeyOrder {
    bool operator()(const CellKey& a, const CellKey& b) const {
        if (a.first != b.first) {
            return MetricOrder{}(a.first, b.first);
        }
        return a.second < b.second;
    }
};

// A period's cells: (metric, key) -> n, empty when hidden.
using PeriodCells = std::map<CellKey, std::optional<std::int64_t>, CellKeyOrder>;

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool is_year_label(std::string_view text) {
    return text.size() == 4 && is_digits(text);
}

bool is_month_label(std::string_view text) {
    if (text.size() != 7 || text[4] != '-' || !is_digits(text.substr(0, 4)) ||
        !is_digits(text.substr(5, 2))) {
        return false;
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    return month >= 1 && month <= 12;
}

int year_of(std::string_view label) {
    return (label[0] - '0') * 1000 + (label[1] - '0') * 100 + (label[2] - '0') * 10 +
           (label[3] - '0');
}

} // namespace

std::optional<Period> parse_period(std::string_view text) {
    if (text == "week") {
        return Period::week;
    }
    if (text == "month") {
        return Period::month;
    }
    if (text == "year") {
        return Period::year;
    }
    if (text == "total") {
        return Period::total;
    }
    return std::nullopt;
}

std::string_view to_string(Period period) {
    switch (period) {
    case Period::week:
        return "week";
    case Period::month:
        return "month";
    case Period::year:
        return "year";
    case Period::total:
        return "total";
    }
    return "week";
}

bool is_valid_k(int k) {
    return k >= minimum_k;
}

SummaryRequestCheck check_summary_request(const SummaryRequest& request) {
    if (request.to < request.from) {
        return {"the range ends before it starts"};
    }
    if (request.to.weeks_since(request.from) >= max_summary_weeks) {
        return {"the range is longer than " + std::to_string(max_summary_weeks) + " weeks"};
    }
    if (!is_valid_k(request.k)) {
        return {"k must be at least " + std::to_string(minimum_k)};
    }
    return {};
}

std::string year_label(const IsoWeek& week) {
    std::string label = std::to_string(week.year());
    return std::string(label.size() < 4 ? 4 - label.size() : 0, '0') + label;
}

std::optional<IsoWeek> first_week_of(std::string_view label) {
    if (auto week = IsoWeek::parse(label)) {
        return week;
    }
    if (is_year_label(label)) {
        return IsoWeek::parse(std::string(label) + "-W01");
    }
    if (is_month_label(label)) {
        // The week holding the month's 4th is the first whose Thursday lies in the month.
        const CivilDate fourth{year_of(label),
                               static_cast<unsigned>((label[5] - '0') * 10 + (label[6] - '0')), 4};
        return IsoWeek::from_date(fourth);
    }
    return std::nullopt;
}

std::optional<IsoWeek> last_week_of(std::string_view label) {
    if (auto week = IsoWeek::parse(label)) {
        return week;
    }
    if (is_year_label(label)) {
        const int year = year_of(label);
        char text[16];
        std::snprintf(text, sizeof text, "%04d-W%02d", year, IsoWeek::weeks_in_year(year));
        return IsoWeek::parse(text);
    }
    if (auto first = first_week_of(label)) {
        IsoWeek week = *first;
        while (week.next().month() == label) {
            week = week.next();
        }
        return week;
    }
    return std::nullopt;
}

std::vector<PublishedCell> publish_week(const IsoWeek& week, const std::vector<WeeklyCount>& counts,
                                        int k) {
    const int protect_k = effective_k(k);
    std::map<CellKey, std::int64_t, CellKeyOrder> sums;
    for (const WeeklyCount& count : counts) {
        if (count.week == week) {
            sums[{count.metric, count.key}] += count.n;
        }
    }
    std::vector<PublishedCell> cells;
    for (const auto& [cell_key, n] : sums) {
        const bool small = n > 0 && n < protect_k;
        cells.push_back({week.to_string(), cell_key.first, cell_key.second,
                         small ? std::nullopt : std::optional<std::int64_t>(n)});
    }
    return cells;
}

std::vector<PublishedCell> publish_whole(const std::string& label,
                                         const std::vector<PublishedCell>& parts) {
    PeriodCells whole;
    for (const PublishedCell& part : parts) {
        auto [at, fresh] = whole.try_emplace({part.metric, part.key}, std::int64_t{0});
        (void)fresh;
        if (!at->second) {
            continue; // already hidden
        }
        if (!part.n) {
            at->second.reset(); // a hidden part hides the whole
        } else {
            *at->second += *part.n;
        }
    }
    std::vector<PublishedCell> cells;
    for (const auto& [cell_key, n] : whole) {
        cells.push_back({label, cell_key.first, cell_key.second, n});
    }
    return cells;
}

Summary answer_from_published(const std::vector<PublishedCell>& published,
                              const SummaryRequest& request,
                              std::optional<IsoWeek> published_through) {
    Summary summary;
    summary.from = request.from;
    summary.to = request.to;
    summary.period = request.period;
    summary.k = effective_k(request.k);
    summary.published_through = published_through;
    SummaryRequest checked = request;
    checked.k = summary.k;
    if (!check_summary_request(checked).ok() || !published_through ||
        *published_through < request.from) {
        return summary;
    }
    const IsoWeek through = std::min(request.to, *published_through);

    // Which published periods answer this request: whole ones inside [from, through] only.
    auto wanted = [&](const std::string& label) {
        const auto first = first_week_of(label);
        const auto last = last_week_of(label);
        if (!first || !last) {
            return false;
        }
        switch (request.period) {
        case Period::week:
            return label.size() == 8 && request.from <= *first && *last <= through;
        case Period::month:
            return is_month_label(label) && request.from <= *first && *last <= through;
        case Period::year:
            return is_year_label(label) && request.from <= *first && *last <= through;
        case Period::total:
            return label.size() == 8 && request.from <= *first && *last <= through;
        }
        return false;
    };
    std::map<std::string, PeriodCells> periods;
    std::set<CellKey, CellKeyOrder> keys;
    for (const PublishedCell& cell : published) {
        if (!wanted(cell.period)) {
            continue;
        }
        periods[cell.period][{cell.metric, cell.key}] = cell.n;
        keys.insert({cell.metric, cell.key});
    }
    // Every whole period of the range answers, zero-filled: a sealed period without a cell for a
    // key counted nothing there.
    std::set<std::string> labels;
    for (IsoWeek week = request.from; week <= through; week = week.next()) {
        const std::string label = request.period == Period::month  ? week.month()
                                  : request.period == Period::year ? year_label(week)
                                                                   : week.to_string();
        if (wanted(label)) {
            labels.insert(label);
        }
    }
    if (request.period == Period::total) {
        if (labels.empty()) {
            return summary;
        }
        for (const CellKey& cell_key : keys) {
            std::optional<std::int64_t> sum = 0;
            for (const std::string& label : labels) {
                const auto& cells = periods[label];
                const auto found = cells.find(cell_key);
                if (found == cells.end()) {
                    continue;
                }
                if (!found->second) {
                    sum.reset(); // a total of shown cells only, else hidden
                    break;
                }
                *sum += *found->second;
            }
            summary.cells.push_back({"total", cell_key.first, cell_key.second, sum, !sum, {}});
        }
        return summary;
    }
    for (const std::string& label : labels) {
        const auto& cells = periods[label];
        for (const CellKey& cell_key : keys) {
            const auto found = cells.find(cell_key);
            const std::optional<std::int64_t> n =
                found == cells.end() ? std::optional<std::int64_t>(0) : found->second;
            summary.cells.push_back({label, cell_key.first, cell_key.second, n, !n, {}});
        }
    }
    return summary;
}

Summary summarize(const std::vector<WeeklyCount>& counts, const SummaryRequest& request) {
    std::set<IsoWeek> weeks;
    for (const WeeklyCount& count : counts) {
        weeks.insert(count.week);
    }
    std::vector<PublishedCell> published;
    std::map<std::string, std::vector<PublishedCell>> months;
    std::map<std::string, std::vector<PublishedCell>> years;
    if (!weeks.empty()) {
        const IsoWeek last = std::max(*weeks.rbegin(), request.to);
        const IsoWeek first = std::min(*weeks.begin(), request.from);
        for (IsoWeek week = first; week <= last && week.weeks_since(first) < max_summary_weeks * 2;
             week = week.next()) {
            auto cells = publish_week(week, counts, request.k);
            auto& month = months[week.month()];
            month.insert(month.end(), cells.begin(), cells.end());
            published.insert(published.end(), cells.begin(), cells.end());
        }
        for (const auto& [label, parts] : months) {
            auto cells = publish_whole(label, parts);
            auto& year = years[label.substr(0, 4)];
            year.insert(year.end(), cells.begin(), cells.end());
            published.insert(published.end(), cells.begin(), cells.end());
        }
        for (const auto& [label, parts] : years) {
            auto cells = publish_whole(label, parts);
            published.insert(published.end(), cells.begin(), cells.end());
        }
    }
    return answer_from_published(published, request, request.to);
}

Json summary_to_json(const Summary& summary) {
    Json rows = Json::array();
    for (const SummaryCell& cell : summary.cells) {
        const bool hidden = cell.suppressed || !cell.n;
        Json row = {{"period", cell.period},
                    {"metric", cell.metric},
                    {"key", cell.key},
                    {"n", hidden ? Json(nullptr) : Json(*cell.n)},
                    {"suppressed", hidden}};
        if (hidden && cell.at_least) {
            row["at_least"] = *cell.at_least;
        }
        rows.push_back(std::move(row));
    }
    Json reporting = Json::array();
    for (const WeekReporting& week : summary.reporting) {
        reporting.push_back({{"week", week.week.to_string()},
                             {"released", week.released},
                             {"enrolled", week.enrolled}});
    }
    Json answer = {{"from", summary.from.to_string()},
                   {"to", summary.to.to_string()},
                   {"period", std::string(to_string(summary.period))},
                   {"k", summary.k},
                   {"published_through", summary.published_through
                                             ? Json(summary.published_through->to_string())
                                             : Json(nullptr)},
                   {"rows", std::move(rows)}};
    // Absent, not empty, when there are no figures: as a station from before them answered.
    if (!reporting.empty()) {
        answer["kiosks_reporting"] = std::move(reporting);
    }
    return answer;
}

std::optional<WeekReporting> reporting_of(const Summary& summary, std::string_view period) {
    if (!summary.published_through || summary.reporting.empty()) {
        return std::nullopt;
    }
    const IsoWeek last_published = std::min(summary.to, *summary.published_through);
    IsoWeek first = summary.from;
    IsoWeek last = last_published;
    if (period != "total") {
        const auto period_first = first_week_of(period);
        const auto period_last = last_week_of(period);
        if (!period_first || !period_last) {
            return std::nullopt;
        }
        first = std::max(first, *period_first);
        last = std::min(last, *period_last);
    }
    if (last < first) {
        return std::nullopt;
    }
    WeekReporting sum{first, 0, 0};
    auto entry = std::lower_bound(
        summary.reporting.begin(), summary.reporting.end(), first,
        [](const WeekReporting& one, const IsoWeek& week) { return one.week < week; });
    for (IsoWeek week = first; week <= last; week = week.next()) {
        if (entry == summary.reporting.end() || entry->week != week) {
            return std::nullopt;
        }
        sum.released += entry->released;
        sum.enrolled += entry->enrolled;
        ++entry;
    }
    return sum;
}

namespace {

// RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (const char ch : text) {
        if (ch == '"') {
            quoted += '"';
        }
        quoted += ch;
    }
    quoted += '"';
    return quoted;
}

} // namespace

std::string summary_to_csv(const Summary& summary) {
    std::string csv = "period,metric,key,n,suppressed,at_least,kiosks_reported\r\n";
    std::map<std::string, std::string, std::less<>> reported; // per period label
    for (const SummaryCell& cell : summary.cells) {
        auto [place, fresh] = reported.try_emplace(cell.period);
        if (fresh) {
            // "unknown", never blank: a blank would read as nothing missing.
            const auto figures = reporting_of(summary, cell.period);
            place->second = figures ? std::to_string(figures->released) + " of " +
                                          std::to_string(figures->enrolled)
                                    : "unknown";
        }
    }
    for (const SummaryCell& cell : summary.cells) {
        const bool hidden = cell.suppressed || !cell.n;
        csv += csv_field(cell.period) + ',' + csv_field(cell.metric) + ',' + csv_field(cell.key) +
               ',' + (hidden ? std::string() : std::to_string(*cell.n)) + ',' +
               (hidden ? "true" : "false") + ',' +
               (hidden && cell.at_least ? std::to_string(*cell.at_least) : std::string()) + ',' +
               reported.find(cell.period)->second + "\r\n";
    }
    return csv;
}

namespace {

// A name from untrusted input, fit for an error message: JSON-escaped and cut short.
std::string quoted_name(const std::string& name) {
    std::string text = Json(name).dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 40) {
        text = text.substr(0, 36) + "...\"";
    }
    return text;
}

Outcome check_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
    for (const auto& item : object.items()) {
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
            return {"unknown field " + quoted_name(item.key())};
        }
    }
    for (const std::string_view name : allowed) {
        if (name != "at_least" && name != "published_through" && name != "kiosks_reporting" &&
            !object.contains(name)) {
            return {"missing field \"" + std::string(name) + "\""};
        }
    }
    return {};
}

std::optional<std::int64_t> integer_in(const Json& value, std::int64_t lowest,
                                       std::int64_t highest) {
    if (value.is_number_unsigned()) {
        const auto n = value.get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(highest)) {
            return std::nullopt;
        }
        const auto signed_n = static_cast<std::int64_t>(n);
        if (signed_n < lowest) {
            return std::nullopt;
        }
        return signed_n;
    }
    if (value.is_number_integer()) {
        const auto n = value.get<std::int64_t>();
        if (n < lowest || n > highest) {
            return std::nullopt;
        }
        return n;
    }
    return std::nullopt;
}

Outcome check_period(const std::string& period, const Summary& summary) {
    switch (summary.period) {
    case Period::week: {
        const auto week = IsoWeek::parse(period);
        if (!week || *week < summary.from || summary.to < *week) {
            return {"a week outside the summary's range"};
        }
        return {};
    }
    case Period::month:
        if (!is_month_label(period) || period < summary.from.month() ||
            summary.to.month() < period) {
            return {"a month outside the summary's range"};
        }
        return {};
    case Period::year:
        if (!is_year_label(period) || period < year_label(summary.from) ||
            year_label(summary.to) < period) {
            return {"a year outside the summary's range"};
        }
        return {};
    case Period::total:
        if (period != "total") {
            return {"a period other than \"total\" in a total summary"};
        }
        return {};
    }
    return {"an unknown period"};
}

// Fills summary.reporting from an untrusted list, or says what is wrong with it.
Outcome decode_reporting(const Json& list, Summary& summary) {
    if (!list.is_array()) {
        return {"must be an array"};
    }
    if (list.size() > static_cast<std::size_t>(max_summary_weeks)) {
        return {"lists more weeks than a summary covers"};
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Json& entry = list[i];
        const std::string where = "entry " + std::to_string(i) + ": ";
        if (!entry.is_object()) {
            return {where + "must be an object"};
        }
        for (const auto& item : entry.items()) {
            if (item.key() != "week" && item.key() != "released" && item.key() != "enrolled") {
                return {where + "unknown field " + quoted_name(item.key())};
            }
        }
        if (!entry.contains("week") || !entry.contains("released") || !entry.contains("enrolled")) {
            return {where + "needs week, released and enrolled"};
        }
        const Json& week_text = entry.at("week");
        const auto week =
            week_text.is_string() ? IsoWeek::parse(week_text.get<std::string>()) : std::nullopt;
        if (!week || *week < summary.from || summary.to < *week || !summary.published_through ||
            *summary.published_through < *week) {
            return {where + "week must be a published ISO week of the summary's range"};
        }
        if (!summary.reporting.empty() && !(summary.reporting.back().week < *week)) {
            return {where + "weeks must be listed once each, in order"};
        }
        const auto released = integer_in(entry.at("released"), 0, max_summary_n);
        const auto enrolled = integer_in(entry.at("enrolled"), 0, max_summary_n);
        if (!released || !enrolled || *released > *enrolled) {
            return {where + "released and enrolled must be whole numbers with released <= "
                            "enrolled"};
        }
        summary.reporting.push_back({*week, *released, *enrolled});
    }
    return {};
}

SummaryReadResult decode_summary(const Json& json) {
    const auto refused = [](std::string error) {
        return SummaryReadResult{std::nullopt, std::move(error)};
    };
    if (!json.is_object()) {
        return refused("a summary must be a JSON object");
    }
    if (const auto fields = check_fields(
            json, {"from", "to", "period", "k", "published_through", "kiosks_reporting", "rows"});
        !fields.ok()) {
        return refused("summary: " + fields.problem);
    }
    Summary summary;
    const Json& from = json.at("from");
    const Json& to = json.at("to");
    const auto from_week =
        from.is_string() ? IsoWeek::parse(from.get<std::string>()) : std::nullopt;
    const auto to_week = to.is_string() ? IsoWeek::parse(to.get<std::string>()) : std::nullopt;
    if (!from_week || !to_week) {
        return refused("summary: from and to must be ISO weeks like \"2026-W47\"");
    }
    const Json& period = json.at("period");
    const auto period_kind =
        period.is_string() ? parse_period(period.get<std::string>()) : std::nullopt;
    if (!period_kind) {
        return refused("summary: period must be \"week\", \"month\" or \"total\"");
    }
    const auto k = integer_in(json.at("k"), minimum_k, shared_limits::max_k);
    if (!k) {
        return refused("summary: k must be a whole number from " + std::to_string(minimum_k) +
                       " to " + std::to_string(shared_limits::max_k));
    }
    summary.from = *from_week;
    summary.to = *to_week;
    summary.period = *period_kind;
    summary.k = static_cast<int>(*k);
    // The last sealed week the station has published; a station from before sealing does not
    // say, and then everything up to `to` is taken as published.
    summary.published_through = *to_week;
    if (json.contains("published_through")) {
        const Json& through = json.at("published_through");
        if (through.is_null()) {
            summary.published_through.reset();
        } else {
            const auto week =
                through.is_string() ? IsoWeek::parse(through.get<std::string>()) : std::nullopt;
            if (!week) {
                return refused("summary: published_through must be an ISO week or null");
            }
            summary.published_through = *week;
        }
    }
    if (const auto check =
            check_summary_request({summary.from, summary.to, summary.period, summary.k});
        !check.ok()) {
        return refused("summary: " + check.problem);
    }

    if (json.contains("kiosks_reporting")) {
        if (const auto reporting = decode_reporting(json.at("kiosks_reporting"), summary);
            !reporting.ok()) {
            return refused("summary: kiosks_reporting " + reporting.problem);
        }
    }

    const Json& rows = json.at("rows");
    if (!rows.is_array()) {
        return refused("summary: rows must be an array");
    }
    if (rows.size() > max_summary_cells) {
        return refused("summary: more than " + std::to_string(max_summary_cells) + " rows");
    }
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Json& row = rows[i];
        const std::string where = "summary row " + std::to_string(i) + ": ";
        if (!row.is_object()) {
            return refused(where + "must be an object");
        }
        if (const auto fields =
                check_fields(row, {"period", "metric", "key", "n", "suppressed", "at_least"});
            !fields.ok()) {
            return refused(where + fields.problem);
        }
        SummaryCell cell;
        if (!row.at("period").is_string() || !row.at("metric").is_string() ||
            !row.at("key").is_string()) {
            return refused(where + "period, metric and key must be strings");
        }
        cell.period = row.at("period").get<std::string>();
        cell.metric = row.at("metric").get<std::string>();
        cell.key = row.at("key").get<std::string>();
        if (const auto in_range = check_period(cell.period, summary); !in_range.ok()) {
            return refused(where + in_range.problem);
        }
        if (!is_known_metric(cell.metric)) {
            return refused(where + "unknown metric " + quoted_name(cell.metric));
        }
        if (!is_valid_slug(cell.key)) {
            return refused(where + "a key must be 1 to " +
                           std::to_string(shared_limits::max_id_chars) + " of a-z 0-9 -");
        }
        if (!row.at("suppressed").is_boolean()) {
            return refused(where + "suppressed must be true or false");
        }
        cell.suppressed = row.at("suppressed").get<bool>();
        const Json& n = row.at("n");
        if (cell.suppressed) {
            if (!n.is_null()) {
                return refused(where + "a suppressed cell must have n null");
            }
        } else {
            cell.n = integer_in(n, 0, max_summary_n);
            if (!cell.n) {
                return refused(where + "n must be a whole number from 0 to " +
                               std::to_string(max_summary_n));
            }
        }
        if (row.contains("at_least")) {
            cell.at_least = integer_in(row.at("at_least"), 0, max_summary_n);
            if (!cell.suppressed || !cell.at_least) {
                return refused(where +
                               "at_least must be a whole number, and only on a suppressed cell");
            }
        }
        if (!seen.emplace(cell.period, cell.metric, cell.key).second) {
            return refused(where + "the same period, metric and key appear twice");
        }
        summary.cells.push_back(std::move(cell));
    }
    std::sort(summary.cells.begin(), summary.cells.end(), canonical_order);
    return {std::move(summary), ""};
}

} // namespace

SummaryReadResult summary_from_json(const Json& json) {
    try {
        return decode_summary(json);
    } catch (const std::exception&) {
        return {std::nullopt, "summary: malformed"};
    }
}

Summary merge_summaries(const std::vector<Summary>& summaries, int k) {
    Summary merged;
    merged.k = effective_k(k);
    if (summaries.empty()) {
        return merged;
    }
    merged.from = summaries.front().from;
    merged.to = summaries.front().to;
    merged.period = summaries.front().period;
    merged.published_through = summaries.front().published_through;
    for (const Summary& summary : summaries) {
        if (!summary.published_through || !merged.published_through) {
            merged.published_through.reset();
        } else {
            merged.published_through =
                std::min(*merged.published_through, *summary.published_through);
        }
    }

    // Merged per published cell: one (period, metric, key) of every station. A station's part
    // is its shown n; a part it hid, or a period it has not published yet, leaves the merged
    // cell hidden with at_least = what the others showed.
    struct MergedPart {
        std::int64_t shown = 0;
        bool hidden = false;
    };
    std::map<std::tuple<std::string, std::string, std::string>, MergedPart> parts;
    for (const Summary& summary : summaries) {
        for (const SummaryCell& cell : summary.cells) {
            parts.try_emplace({cell.period, cell.metric, cell.key});
        }
    }
    for (const Summary& summary : summaries) {
        std::map<std::tuple<std::string, std::string, std::string>, const SummaryCell*> own;
        std::set<std::string> own_periods;
        for (const SummaryCell& cell : summary.cells) {
            own[{cell.period, cell.metric, cell.key}] = &cell;
            own_periods.insert(cell.period);
        }
        for (auto& [where, part] : parts) {
            const auto found = own.find(where);
            if (found != own.end()) {
                const SummaryCell& cell = *found->second;
                if (cell.suppressed || !cell.n) {
                    part.hidden = true;
                    part.shown += cell.at_least.value_or(0);
                } else {
                    part.shown += *cell.n;
                }
                continue;
            }
            // No cell: a zero if the station published that period, else unknown.
            const std::string& period = std::get<0>(where);
            bool covered = own_periods.contains(period);
            if (!covered) {
                const auto last =
                    period == "total" ? std::optional<IsoWeek>(summary.from) : last_week_of(period);
                covered = last && summary.published_through && *last <= *summary.published_through;
            }
            if (!covered) {
                part.hidden = true;
            }
        }
    }
    for (const auto& [where, part] : parts) {
        SummaryCell cell;
        cell.period = std::get<0>(where);
        cell.metric = std::get<1>(where);
        cell.key = std::get<2>(where);
        if (part.hidden) {
            cell.suppressed = true;
            if (part.shown > 0) {
                cell.at_least = part.shown;
            }
        } else if (part.shown > 0 && part.shown < merged.k) {
            cell.suppressed = true; // below the rollup's own k: hidden, nothing more said
        } else {
            cell.n = part.shown;
        }
        merged.cells.push_back(std::move(cell));
    }
    std::sort(merged.cells.begin(), merged.cells.end(), canonical_order);

    // A week's figures only when every station gave them: a station that did not say may have
    // had a kiosk off, so a sum without it would claim a completeness nobody vouched for.
    std::map<IsoWeek, std::pair<WeekReporting, std::size_t>> weeks;
    for (const Summary& summary : summaries) {
        for (const WeekReporting& week : summary.reporting) {
            auto& [sum, stations] =
                weeks.try_emplace(week.week, WeekReporting{week.week, 0, 0}, std::size_t{0})
                    .first->second;
            sum.released += week.released;
            sum.enrolled += week.enrolled;
            ++stations;
        }
    }
    for (const auto& [week, entry] : weeks) {
        if (entry.second == summaries.size() && merged.published_through &&
            week <= *merged.published_through) {
            merged.reporting.push_back(entry.first);
        }
    }
    return merged;
}

} // namespace wellness
