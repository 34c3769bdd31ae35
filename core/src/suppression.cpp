#include "wellness/suppression.hpp"

#include "wellness/content.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <tuple>
#include <utility>

namespace wellness {
namespace {

using Table = std::vector<std::vector<std::int64_t>>;
using Pattern = std::vector<std::vector<bool>>;

// What hiding one more cell costs the reader, compared in this order. A hidden zero comes
// last: counts are never negative, so a zero on a cycle pins its neighbours to a bound. Then
// the smallest hidden total (information lost), then the fewest cells.
struct HidingCost {
    std::int64_t zeros = 0;
    std::int64_t total = 0;
    std::int64_t cells = 0;
    auto operator<=>(const HidingCost&) const = default;
    HidingCost operator+(const HidingCost& other) const {
        return {zeros + other.zeros, total + other.total, cells + other.cells};
    }
};

HidingCost cost_of_hiding(std::int64_t n) {
    return {n == 0 ? 1 : 0, n < 0 ? -n : n, 1};
}

bool is_primary(std::int64_t n, int k) {
    return n != 0 && n < k;
}

int effective_k(int k) {
    return std::max(k, minimum_k);
}

struct Cell {
    std::size_t row = 0;
    std::size_t column = 0;
};

// A table with one row (or one column) publishes only that line's sum: a hidden cell is
// determined exactly when it is the line's only hidden cell, so it needs one partner.
void protect_single_line(const Table& values, Pattern& hidden, const std::vector<Cell>& line) {
    const auto hidden_count = std::count_if(
        line.begin(), line.end(), [&](const Cell& cell) { return hidden[cell.row][cell.column]; });
    if (hidden_count != 1) {
        return;
    }
    std::optional<Cell> partner;
    HidingCost partner_cost;
    for (const Cell& cell : line) {
        if (hidden[cell.row][cell.column]) {
            continue;
        }
        const HidingCost cost = cost_of_hiding(values[cell.row][cell.column]);
        if (!partner || cost < partner_cost) {
            partner = cell;
            partner_cost = cost;
        }
    }
    if (partner) {
        hidden[partner->row][partner->column] = true;
    }
}

// Rows are nodes 0..rows-1, columns rows..rows+columns-1, hidden cells the edges. With both row
// and column sums published, a hidden cell is determined exactly when its edge is a bridge
// (lies on no cycle): the constraints' nullspace is the graph's cycle space. In row-major order.
std::vector<Cell> bridges(const Pattern& hidden, std::size_t rows, std::size_t columns) {
    const std::size_t nodes = rows + columns;
    struct Link {
        std::size_t to;
        std::size_t edge;
    };
    std::vector<std::vector<Link>> links(nodes);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns; ++c) {
            if (hidden[r][c]) {
                const std::size_t edge = r * columns + c;
                links[r].push_back({rows + c, edge});
                links[rows + c].push_back({r, edge});
            }
        }
    }
    constexpr std::size_t unvisited = static_cast<std::size_t>(-1);
    constexpr std::size_t no_edge = static_cast<std::size_t>(-1);
    std::vector<std::size_t> discovered(nodes, unvisited);
    std::vector<std::size_t> low(nodes, 0);
    std::size_t clock = 0;
    std::vector<std::size_t> bridge_edges;
    struct Frame {
        std::size_t node;
        std::size_t parent_edge;
        std::size_t next_link;
    };
    std::vector<Frame> stack;
    for (std::size_t start = 0; start < nodes; ++start) {
        if (discovered[start] != unvisited || links[start].empty()) {
            continue;
        }
        discovered[start] = low[start] = clock++;
        stack.push_back({start, no_edge, 0});
        while (!stack.empty()) {
            Frame& frame = stack.back();
            if (frame.next_link < links[frame.node].size()) {
                const Link link = links[frame.node][frame.next_link++];
                if (link.edge == frame.parent_edge) {
                    continue;
                }
                if (discovered[link.to] == unvisited) {
                    discovered[link.to] = low[link.to] = clock++;
                    stack.push_back({link.to, link.edge, 0});
                } else {
                    low[frame.node] = std::min(low[frame.node], discovered[link.to]);
                }
                continue;
            }
            const Frame finished = frame;
            stack.pop_back();
            if (stack.empty()) {
                continue;
            }
            const std::size_t parent = stack.back().node;
            low[parent] = std::min(low[parent], low[finished.node]);
            if (low[finished.node] > discovered[parent]) {
                bridge_edges.push_back(finished.parent_edge);
            }
        }
    }
    std::sort(bridge_edges.begin(), bridge_edges.end());
    std::vector<Cell> cells;
    for (const std::size_t edge : bridge_edges) {
        cells.push_back({edge / columns, edge % columns});
    }
    return cells;
}

// Puts the bridge `bridge` on a cycle at the least cost: the cheapest path from its row to its
// column that avoids the bridge itself, where already hidden cells are free. In a table of 2+
// rows and 2+ columns such a path always exists (at worst a 4-cycle), and it holds at least
// one visible cell, else the bridge would already be on a cycle.
void close_cycle_through(const Table& values, Pattern& hidden, Cell bridge) {
    const std::size_t rows = values.size();
    const std::size_t columns = values.front().size();
    const std::size_t nodes = rows + columns;
    const std::size_t source = bridge.row;
    const std::size_t target = rows + bridge.column;
    auto cell_between = [&](std::size_t a, std::size_t b) {
        return a < rows ? Cell{a, b - rows} : Cell{b, a - rows};
    };

    std::vector<std::optional<HidingCost>> best(nodes);
    std::vector<std::size_t> previous(nodes, 0);
    std::vector<bool> settled(nodes, false);
    // Ties go to the lower node number, so the same table always gives the same pattern.
    using Entry = std::pair<HidingCost, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> frontier;
    best[source] = HidingCost{};
    frontier.push({HidingCost{}, source});
    while (!frontier.empty()) {
        const auto [cost, node] = frontier.top();
        frontier.pop();
        if (settled[node]) {
            continue;
        }
        settled[node] = true;
        if (node == target) {
            break;
        }
        const bool is_row = node < rows;
        const std::size_t first = is_row ? rows : 0;
        const std::size_t last = is_row ? nodes : rows;
        for (std::size_t other = first; other < last; ++other) {
            if (settled[other]) {
                continue;
            }
            const Cell cell = cell_between(node, other);
            if (cell.row == bridge.row && cell.column == bridge.column) {
                continue;
            }
            const HidingCost step = hidden[cell.row][cell.column]
                                        ? HidingCost{}
                                        : cost_of_hiding(values[cell.row][cell.column]);
            const HidingCost candidate = cost + step;
            if (!best[other] || candidate < *best[other]) {
                best[other] = candidate;
                previous[other] = node;
                frontier.push({candidate, other});
            }
        }
    }
    if (!best[target]) {
        return; // cannot happen for 2+ rows and 2+ columns
    }
    for (std::size_t node = target; node != source; node = previous[node]) {
        const Cell cell = cell_between(node, previous[node]);
        hidden[cell.row][cell.column] = true;
    }
}

// Adds complementary cells to `hidden` until no hidden cell is determined by the visible ones
// and the published line sums. Each round hides at least one more cell, so it ends.
void add_complementary(const Table& values, Pattern& hidden) {
    const std::size_t rows = values.size();
    const std::size_t columns = rows == 0 ? 0 : values.front().size();
    if (rows == 0 || columns == 0 || (rows == 1 && columns == 1)) {
        return; // no sum is published that could give a cell away
    }
    if (rows == 1 || columns == 1) {
        std::vector<Cell> line;
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < columns; ++c) {
                line.push_back({r, c});
            }
        }
        protect_single_line(values, hidden, line);
        return;
    }
    // Closing one bridge's cycle often closes others' too; their search then finds a path of
    // hidden cells and hides nothing more.
    for (auto open = bridges(hidden, rows, columns); !open.empty();
         open = bridges(hidden, rows, columns)) {
        for (const Cell& bridge : open) {
            close_cycle_through(values, hidden, bridge);
        }
    }
}

// Primary suppression on top of cells already hidden (by stations, or absent), then
// complementary suppression.
Pattern protect(const Table& values, Pattern hidden, int k) {
    for (std::size_t r = 0; r < values.size(); ++r) {
        for (std::size_t c = 0; c < values[r].size(); ++c) {
            if (is_primary(values[r][c], k)) {
                hidden[r][c] = true;
            }
        }
    }
    add_complementary(values, hidden);
    return hidden;
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
        return a.period < b.period; // "YYYY-Www" and "YYYY-MM" sort by time as text
    }
    if (a.metric != b.metric) {
        return MetricOrder{}(a.metric, b.metric);
    }
    return a.key < b.key;
}

// One metric's published cells, laid out as rows (periods) x keys.
struct MetricGrid {
    std::vector<std::string> keys;
    Table values;
    Pattern hidden;
    std::vector<std::vector<std::optional<std::int64_t>>> at_least;
    Pattern present;
};

std::vector<SummaryCell> grid_cells(const std::vector<std::string>& periods,
                                    const std::map<std::string, MetricGrid, MetricOrder>& grids) {
    std::vector<SummaryCell> cells;
    for (std::size_t r = 0; r < periods.size(); ++r) {
        for (const auto& [metric, grid] : grids) {
            for (std::size_t c = 0; c < grid.keys.size(); ++c) {
                if (!grid.present[r][c]) {
                    continue;
                }
                SummaryCell cell;
                cell.period = periods[r];
                cell.metric = metric;
                cell.key = grid.keys[c];
                if (grid.hidden[r][c]) {
                    cell.suppressed = true;
                    cell.at_least = grid.at_least[r][c];
                } else {
                    cell.n = grid.values[r][c];
                }
                cells.push_back(std::move(cell));
            }
        }
    }
    return cells;
}

} // namespace

std::optional<Period> parse_period(std::string_view text) {
    if (text == "week") {
        return Period::week;
    }
    if (text == "month") {
        return Period::month;
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
    case Period::total:
        return "total";
    }
    return "week";
}

bool is_valid_k(int k) {
    return k >= minimum_k;
}

std::optional<std::string> summary_request_problem(const SummaryRequest& request) {
    if (request.to < request.from) {
        return "the range ends before it starts";
    }
    if (request.to.weeks_since(request.from) >= max_summary_weeks) {
        return "the range is longer than " + std::to_string(max_summary_weeks) + " weeks";
    }
    if (!is_valid_k(request.k)) {
        return "k must be at least " + std::to_string(minimum_k);
    }
    return std::nullopt;
}

std::vector<std::vector<bool>>
suppression_pattern(const std::vector<std::vector<std::int64_t>>& table, int k) {
    Pattern hidden;
    const bool ragged = std::any_of(table.begin(), table.end(), [&](const auto& row) {
        return row.size() != table.front().size();
    });
    for (const auto& row : table) {
        hidden.emplace_back(row.size(), ragged);
    }
    if (ragged) {
        return hidden;
    }
    return protect(table, std::move(hidden), effective_k(k));
}

Summary summarize(const std::vector<WeeklyCount>& counts, const SummaryRequest& request) {
    Summary summary;
    summary.from = request.from;
    summary.to = request.to;
    summary.period = request.period;
    summary.k = effective_k(request.k);
    SummaryRequest checked = request;
    checked.k = summary.k;
    if (summary_request_problem(checked)) {
        return summary;
    }

    std::vector<std::string> periods;
    std::vector<std::size_t> row_of_week; // by weeks since `from`
    for (IsoWeek week = request.from; week <= request.to; week = week.next()) {
        std::string label = request.period == Period::week    ? week.to_string()
                            : request.period == Period::month ? week.month()
                                                              : std::string("total");
        if (periods.empty() || periods.back() != label) {
            periods.push_back(std::move(label));
        }
        row_of_week.push_back(periods.size() - 1);
    }

    std::map<std::string, std::map<std::string, std::vector<std::int64_t>>, MetricOrder> sums;
    for (const WeeklyCount& count : counts) {
        if (count.week < request.from || request.to < count.week) {
            continue;
        }
        auto& by_row = sums[count.metric][count.key];
        by_row.resize(periods.size(), 0);
        by_row[row_of_week[static_cast<std::size_t>(count.week.weeks_since(request.from))]] +=
            count.n;
    }

    std::map<std::string, MetricGrid, MetricOrder> grids;
    for (const auto& [metric, by_key] : sums) {
        MetricGrid& grid = grids[metric];
        grid.values.assign(periods.size(), {});
        for (const auto& [key, by_row] : by_key) {
            grid.keys.push_back(key);
            for (std::size_t r = 0; r < periods.size(); ++r) {
                grid.values[r].push_back(by_row[r]);
            }
        }
        grid.hidden = suppression_pattern(grid.values, summary.k);
        grid.at_least.assign(periods.size(),
                             std::vector<std::optional<std::int64_t>>(by_key.size()));
        grid.present.assign(periods.size(), std::vector<bool>(by_key.size(), true));
    }
    summary.cells = grid_cells(periods, grids);
    return summary;
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
    return {{"from", summary.from.to_string()},
            {"to", summary.to.to_string()},
            {"period", std::string(to_string(summary.period))},
            {"k", summary.k},
            {"rows", std::move(rows)}};
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
    std::string csv = "period,metric,key,n,suppressed,at_least\r\n";
    for (const SummaryCell& cell : summary.cells) {
        const bool hidden = cell.suppressed || !cell.n;
        csv += csv_field(cell.period) + ',' + csv_field(cell.metric) + ',' + csv_field(cell.key) +
               ',' + (hidden ? std::string() : std::to_string(*cell.n)) + ',' +
               (hidden ? "true" : "false") + ',' +
               (hidden && cell.at_least ? std::to_string(*cell.at_least) : std::string()) + "\r\n";
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

std::optional<std::string> unknown_field(const Json& object,
                                         std::initializer_list<std::string_view> allowed) {
    for (const auto& item : object.items()) {
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
            return "unknown field " + quoted_name(item.key());
        }
    }
    for (const std::string_view name : allowed) {
        if (name != "at_least" && !object.contains(name)) {
            return "missing field \"" + std::string(name) + "\"";
        }
    }
    return std::nullopt;
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

bool is_month_label(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') {
        return false;
    }
    for (std::size_t i = 0; i < 7; ++i) {
        if (i != 4 && (text[i] < '0' || text[i] > '9')) {
            return false;
        }
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    return month >= 1 && month <= 12;
}

std::optional<std::string> period_problem(const std::string& period, const Summary& summary) {
    switch (summary.period) {
    case Period::week: {
        const auto week = IsoWeek::parse(period);
        if (!week || *week < summary.from || summary.to < *week) {
            return "a week outside the summary's range";
        }
        return std::nullopt;
    }
    case Period::month:
        if (!is_month_label(period) || period < summary.from.month() ||
            summary.to.month() < period) {
            return "a month outside the summary's range";
        }
        return std::nullopt;
    case Period::total:
        if (period != "total") {
            return "a period other than \"total\" in a total summary";
        }
        return std::nullopt;
    }
    return "an unknown period";
}

std::optional<Summary> decode_summary(const Json& json, std::string& error) {
    if (!json.is_object()) {
        error = "a summary must be a JSON object";
        return std::nullopt;
    }
    if (auto problem = unknown_field(json, {"from", "to", "period", "k", "rows"})) {
        error = "summary: " + *problem;
        return std::nullopt;
    }
    Summary summary;
    const Json& from = json.at("from");
    const Json& to = json.at("to");
    const auto from_week =
        from.is_string() ? IsoWeek::parse(from.get<std::string>()) : std::nullopt;
    const auto to_week = to.is_string() ? IsoWeek::parse(to.get<std::string>()) : std::nullopt;
    if (!from_week || !to_week) {
        error = "summary: from and to must be ISO weeks like \"2026-W47\"";
        return std::nullopt;
    }
    const Json& period = json.at("period");
    const auto period_kind =
        period.is_string() ? parse_period(period.get<std::string>()) : std::nullopt;
    if (!period_kind) {
        error = "summary: period must be \"week\", \"month\" or \"total\"";
        return std::nullopt;
    }
    const auto k = integer_in(json.at("k"), minimum_k, max_count);
    if (!k) {
        error = "summary: k must be a whole number of at least " + std::to_string(minimum_k);
        return std::nullopt;
    }
    summary.from = *from_week;
    summary.to = *to_week;
    summary.period = *period_kind;
    summary.k = static_cast<int>(*k);
    if (auto problem =
            summary_request_problem({summary.from, summary.to, summary.period, summary.k})) {
        error = "summary: " + *problem;
        return std::nullopt;
    }

    const Json& rows = json.at("rows");
    if (!rows.is_array()) {
        error = "summary: rows must be an array";
        return std::nullopt;
    }
    if (rows.size() > max_summary_cells) {
        error = "summary: more than " + std::to_string(max_summary_cells) + " rows";
        return std::nullopt;
    }
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Json& row = rows[i];
        const std::string where = "summary row " + std::to_string(i) + ": ";
        if (!row.is_object()) {
            error = where + "must be an object";
            return std::nullopt;
        }
        if (auto problem =
                unknown_field(row, {"period", "metric", "key", "n", "suppressed", "at_least"})) {
            error = where + *problem;
            return std::nullopt;
        }
        SummaryCell cell;
        if (!row.at("period").is_string() || !row.at("metric").is_string() ||
            !row.at("key").is_string()) {
            error = where + "period, metric and key must be strings";
            return std::nullopt;
        }
        cell.period = row.at("period").get<std::string>();
        cell.metric = row.at("metric").get<std::string>();
        cell.key = row.at("key").get<std::string>();
        if (auto problem = period_problem(cell.period, summary)) {
            error = where + *problem;
            return std::nullopt;
        }
        if (!is_known_metric(cell.metric)) {
            error = where + "unknown metric " + quoted_name(cell.metric);
            return std::nullopt;
        }
        if (!is_valid_slug(cell.key)) {
            error = where + "a key must be 1 to 32 of a-z 0-9 -";
            return std::nullopt;
        }
        if (!row.at("suppressed").is_boolean()) {
            error = where + "suppressed must be true or false";
            return std::nullopt;
        }
        cell.suppressed = row.at("suppressed").get<bool>();
        const Json& n = row.at("n");
        if (cell.suppressed) {
            if (!n.is_null()) {
                error = where + "a suppressed cell must have n null";
                return std::nullopt;
            }
        } else {
            cell.n = integer_in(n, 0, max_summary_n);
            if (!cell.n) {
                error =
                    where + "n must be a whole number from 0 to " + std::to_string(max_summary_n);
                return std::nullopt;
            }
        }
        if (row.contains("at_least")) {
            cell.at_least = integer_in(row.at("at_least"), 0, max_summary_n);
            if (!cell.suppressed || !cell.at_least) {
                error = where + "at_least must be a whole number, and only on a suppressed cell";
                return std::nullopt;
            }
        }
        if (!seen.emplace(cell.period, cell.metric, cell.key).second) {
            error = where + "the same period, metric and key appear twice";
            return std::nullopt;
        }
        summary.cells.push_back(std::move(cell));
    }
    std::sort(summary.cells.begin(), summary.cells.end(), canonical_order);
    return summary;
}

} // namespace

std::optional<Summary> summary_from_json(const Json& json, std::string& error) {
    try {
        return decode_summary(json, error);
    } catch (const std::exception&) {
        error = "summary: malformed";
        return std::nullopt;
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

    struct MergedPart {
        std::int64_t shown = 0; // what stations showed (plus earlier lower bounds)
        bool hidden = false;    // some station hid its part
    };
    std::map<std::string, std::map<std::string, std::map<std::string, MergedPart>>, MetricOrder>
        parts; // metric -> key -> period
    std::set<std::string> period_set;
    for (const Summary& summary : summaries) {
        for (const SummaryCell& cell : summary.cells) {
            MergedPart& part = parts[cell.metric][cell.key][cell.period];
            period_set.insert(cell.period);
            if (cell.suppressed || !cell.n) {
                part.hidden = true;
                part.shown += cell.at_least.value_or(0);
            } else {
                part.shown += *cell.n;
            }
        }
    }
    const std::vector<std::string> periods(period_set.begin(), period_set.end());

    std::map<std::string, MetricGrid, MetricOrder> grids;
    for (const auto& [metric, by_key] : parts) {
        MetricGrid& grid = grids[metric];
        const std::size_t columns = by_key.size();
        grid.values.assign(periods.size(), std::vector<std::int64_t>(columns, 0));
        // A cell no station published is unknown to a reader: treat it as hidden, never emit it.
        grid.hidden.assign(periods.size(), std::vector<bool>(columns, true));
        grid.present.assign(periods.size(), std::vector<bool>(columns, false));
        grid.at_least.assign(periods.size(), std::vector<std::optional<std::int64_t>>(columns));
        std::size_t c = 0;
        for (const auto& [key, by_period] : by_key) {
            grid.keys.push_back(key);
            for (std::size_t r = 0; r < periods.size(); ++r) {
                const auto found = by_period.find(periods[r]);
                if (found == by_period.end()) {
                    continue;
                }
                const MergedPart& part = found->second;
                grid.present[r][c] = true;
                grid.hidden[r][c] = part.hidden;
                grid.values[r][c] = part.shown;
                if (part.hidden && part.shown > 0) {
                    grid.at_least[r][c] = part.shown;
                }
            }
            ++c;
        }
        const Pattern already_hidden = grid.hidden;
        grid.hidden = protect(grid.values, grid.hidden, merged.k);
        for (std::size_t r = 0; r < periods.size(); ++r) {
            for (std::size_t col = 0; col < columns; ++col) {
                if (grid.hidden[r][col] && !already_hidden[r][col]) {
                    grid.at_least[r][col].reset(); // newly hidden: nothing to show about it
                }
            }
        }
    }
    merged.cells = grid_cells(periods, grids);
    return merged;
}

} // namespace wellness
