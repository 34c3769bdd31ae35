#include "wellness/suppression.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace wellness;

namespace {

using Table = std::vector<std::vector<std::int64_t>>;
using Pattern = std::vector<std::vector<bool>>;

IsoWeek week(const char* text) {
    const auto parsed = IsoWeek::parse(text);
    REQUIRE(parsed);
    return *parsed;
}

// An exact fraction, enough for eliminating 0/1 constraint matrices.
struct Fraction {
    std::int64_t num = 0;
    std::int64_t den = 1;

    static Fraction make(std::int64_t n, std::int64_t d) {
        if (d < 0) {
            n = -n;
            d = -d;
        }
        const std::int64_t g = std::gcd(n < 0 ? -n : n, d);
        return g == 0 ? Fraction{0, 1} : Fraction{n / g, d / g};
    }
    bool is_zero() const { return num == 0; }
    Fraction operator-(const Fraction& o) const {
        return make(num * o.den - o.num * den, den * o.den);
    }
    Fraction operator*(const Fraction& o) const { return make(num * o.num, den * o.den); }
    Fraction operator/(const Fraction& o) const { return make(num * o.den, den * o.num); }
};

struct CellAt {
    std::size_t row;
    std::size_t column;
    bool operator==(const CellAt&) const = default;
};

// The attacker: knows every visible cell and the published line sums (row sums when the table
// has 2+ columns, column sums when it has 2+ rows), so for each line the sum of its hidden cells.
// Returns the hidden cells those linear equations pin to one value: after reducing the system
// on the hidden unknowns to row echelon form, a cell is determined exactly when some equation
// has it as its only unknown.
std::vector<CellAt> determined_hidden_cells(const Pattern& hidden) {
    const std::size_t rows = hidden.size();
    const std::size_t columns = rows == 0 ? 0 : hidden.front().size();
    std::vector<CellAt> unknowns;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns; ++c) {
            if (hidden[r][c]) {
                unknowns.push_back({r, c});
            }
        }
    }
    std::vector<std::vector<Fraction>> system;
    if (columns >= 2) {
        for (std::size_t r = 0; r < rows; ++r) {
            std::vector<Fraction> equation(unknowns.size());
            for (std::size_t u = 0; u < unknowns.size(); ++u) {
                equation[u] = Fraction{unknowns[u].row == r ? 1 : 0, 1};
            }
            system.push_back(equation);
        }
    }
    if (rows >= 2) {
        for (std::size_t c = 0; c < columns; ++c) {
            std::vector<Fraction> equation(unknowns.size());
            for (std::size_t u = 0; u < unknowns.size(); ++u) {
                equation[u] = Fraction{unknowns[u].column == c ? 1 : 0, 1};
            }
            system.push_back(equation);
        }
    }
    // Reduced row echelon form.
    std::size_t pivot_row = 0;
    for (std::size_t u = 0; u < unknowns.size() && pivot_row < system.size(); ++u) {
        std::size_t found = pivot_row;
        while (found < system.size() && system[found][u].is_zero()) {
            ++found;
        }
        if (found == system.size()) {
            continue;
        }
        std::swap(system[pivot_row], system[found]);
        const Fraction pivot = system[pivot_row][u];
        for (auto& value : system[pivot_row]) {
            value = value / pivot;
        }
        for (std::size_t other = 0; other < system.size(); ++other) {
            if (other == pivot_row || system[other][u].is_zero()) {
                continue;
            }
            const Fraction factor = system[other][u];
            for (std::size_t v = 0; v < unknowns.size(); ++v) {
                system[other][v] = system[other][v] - factor * system[pivot_row][v];
            }
        }
        ++pivot_row;
    }
    std::vector<CellAt> determined;
    for (const auto& equation : system) {
        std::vector<std::size_t> nonzero;
        for (std::size_t u = 0; u < unknowns.size(); ++u) {
            if (!equation[u].is_zero()) {
                nonzero.push_back(u);
            }
        }
        if (nonzero.size() == 1) {
            determined.push_back(unknowns[nonzero.front()]);
        }
    }
    return determined;
}

Pattern primary_only(const Table& table, int k) {
    Pattern hidden;
    for (const auto& row : table) {
        std::vector<bool> line;
        for (const auto n : row) {
            line.push_back(n > 0 && n < k);
        }
        hidden.push_back(line);
    }
    return hidden;
}

std::size_t count_hidden(const Pattern& pattern) {
    std::size_t hidden = 0;
    for (const auto& row : pattern) {
        for (const bool cell : row) {
            hidden += cell ? 1 : 0;
        }
    }
    return hidden;
}

const SummaryCell& find_cell(const Summary& summary, const std::string& period,
                             const std::string& metric, const std::string& key) {
    for (const auto& cell : summary.cells) {
        if (cell.period == period && cell.metric == metric && cell.key == key) {
            return cell;
        }
    }
    FAIL("no cell " << period << " " << metric << " " << key);
    return summary.cells.front();
}

SummaryCell shown(std::string period, std::string metric, std::string key, std::int64_t n) {
    return {std::move(period), std::move(metric), std::move(key), n, false, std::nullopt};
}

SummaryCell hidden_cell(std::string period, std::string metric, std::string key,
                        std::optional<std::int64_t> at_least = std::nullopt) {
    return {std::move(period), std::move(metric), std::move(key), std::nullopt, true, at_least};
}

Summary total_summary(std::vector<SummaryCell> cells) {
    Summary summary;
    summary.from = week("2026-W40");
    summary.to = week("2026-W47");
    summary.period = Period::total;
    summary.k = 5;
    summary.cells = std::move(cells);
    return summary;
}

} // namespace

TEST_CASE("Periods are read and written as week, month and total", "[summary]") {
    for (const auto period : {Period::week, Period::month, Period::total}) {
        REQUIRE(parse_period(to_string(period)) == period);
    }
    CHECK(to_string(Period::month) == "month");
    CHECK_FALSE(parse_period("day"));
    CHECK_FALSE(parse_period("Week"));
    CHECK_FALSE(parse_period(""));
}

TEST_CASE("A k below 3 is refused and never used to publish", "[suppression]") {
    CHECK_FALSE(is_valid_k(2));
    CHECK_FALSE(is_valid_k(0));
    CHECK_FALSE(is_valid_k(-5));
    CHECK(is_valid_k(3));
    CHECK(is_valid_k(default_k));
    CHECK(summary_request_problem({week("2026-W40"), week("2026-W47"), Period::week, 2}));
    CHECK_FALSE(summary_request_problem({week("2026-W40"), week("2026-W47"), Period::week, 3}));

    // Even if a caller forgets to check, a summary is published with at least k = 3.
    const auto summary = summarize({{week("2026-W40"), "visit", "start", 2}},
                                   {week("2026-W40"), week("2026-W40"), Period::week, 1});
    CHECK(summary.k == 3);
    REQUIRE(summary.cells.size() == 1);
    CHECK(summary.cells[0].suppressed);
}

TEST_CASE("A request ending before it starts or spanning over a century is refused", "[summary]") {
    CHECK(summary_request_problem({week("2026-W47"), week("2026-W40"), Period::week, 5}));
    CHECK(summary_request_problem({week("1920-W01"), week("2026-W40"), Period::week, 5}));
    CHECK_FALSE(summary_request_problem({week("2000-W01"), week("2026-W40"), Period::week, 5}));
    CHECK(summarize({{week("2026-W45"), "visit", "start", 9}},
                    {week("2026-W47"), week("2026-W40"), Period::week, 5})
              .cells.empty());
}

TEST_CASE("Non-zero counts below k are hidden, zeros and counts of k or more are shown",
          "[suppression]") {
    // One week, one key per metric: each table is a single cell, so nothing but the small
    // count itself needs hiding.
    const std::vector<WeeklyCount> counts = {
        {week("2026-W45"), "visit", "start", 12},
        {week("2026-W45"), "crisis.viewed", "list", 0},
        {week("2026-W45"), "handoff.shown", "eap", 4},
    };
    const auto summary = summarize(counts, {week("2026-W45"), week("2026-W45"), Period::week, 5});
    REQUIRE(summary.cells.size() == 3);

    const auto& visits = find_cell(summary, "2026-W45", "visit", "start");
    CHECK(visits.n == 12);
    CHECK_FALSE(visits.suppressed);

    const auto& crisis = find_cell(summary, "2026-W45", "crisis.viewed", "list");
    CHECK(crisis.n == 0);
    CHECK_FALSE(crisis.suppressed);

    const auto& handoff = find_cell(summary, "2026-W45", "handoff.shown", "eap");
    CHECK_FALSE(handoff.n);
    CHECK(handoff.suppressed);
    CHECK_FALSE(handoff.at_least);
}

TEST_CASE("A count of exactly k is shown on its own and k-1 is hidden", "[suppression]") {
    const auto pattern = suppression_pattern({{5}, {4}}, 5);
    // Two rows, one column: the column total is published, so hiding 4 alone would reveal it;
    // the 5 goes too.
    CHECK(pattern == Pattern{{true}, {true}});
    CHECK(suppression_pattern({{5}}, 5) == Pattern{{false}});
    CHECK(suppression_pattern({{4}}, 5) == Pattern{{true}});
}

TEST_CASE("Every week of the range appears zero-filled, ordered by period, catalogue metric, key",
          "[summary]") {
    const std::vector<WeeklyCount> counts = {
        {week("2026-W42"), "checkin.level", "okay", 20},
        {week("2026-W41"), "visit", "start", 30},
        {week("2026-W42"), "checkin.level", "heavy", 9},
        {week("2026-W39"), "visit", "start", 3}, // before the range: ignored
        {week("2026-W44"), "visit", "start", 3}, // after the range: ignored
    };
    const auto summary = summarize(counts, {week("2026-W41"), week("2026-W43"), Period::week, 5});
    std::vector<std::string> order;
    for (const auto& cell : summary.cells) {
        order.push_back(cell.period + " " + cell.metric + " " + cell.key + " " +
                        (cell.n ? std::to_string(*cell.n) : "-"));
    }
    CHECK(order == std::vector<std::string>{
                       "2026-W41 visit start 30",
                       "2026-W41 checkin.level heavy 0",
                       "2026-W41 checkin.level okay 0",
                       "2026-W42 visit start 0",
                       "2026-W42 checkin.level heavy 9",
                       "2026-W42 checkin.level okay 20",
                       "2026-W43 visit start 0",
                       "2026-W43 checkin.level heavy 0",
                       "2026-W43 checkin.level okay 0",
                   });
}

TEST_CASE("A week counts in the month of its Thursday", "[summary]") {
    // 2026-W40 runs Monday 28 September to Sunday 4 October; its Thursday is 1 October.
    // 2026-W53 runs 28 December 2026 to 3 January 2027; its Thursday is 31 December.
    const std::vector<WeeklyCount> counts = {
        {week("2026-W39"), "visit", "start", 10}, {week("2026-W40"), "visit", "start", 20},
        {week("2026-W41"), "visit", "start", 40}, {week("2026-W53"), "visit", "start", 7},
        {week("2027-W01"), "visit", "start", 6},
    };
    const auto autumn = summarize(counts, {week("2026-W39"), week("2026-W41"), Period::month, 5});
    REQUIRE(autumn.cells.size() == 2);
    CHECK(autumn.cells[0] == shown("2026-09", "visit", "start", 10));
    CHECK(autumn.cells[1] == shown("2026-10", "visit", "start", 60));

    const auto new_year = summarize(counts, {week("2026-W53"), week("2027-W01"), Period::month, 5});
    REQUIRE(new_year.cells.size() == 2);
    CHECK(new_year.cells[0] == shown("2026-12", "visit", "start", 7));
    CHECK(new_year.cells[1] == shown("2027-01", "visit", "start", 6));
}

TEST_CASE("A total summary adds every week of the range into one row", "[summary]") {
    const std::vector<WeeklyCount> counts = {
        {week("2026-W40"), "breathing.started", "box", 2},
        {week("2026-W41"), "breathing.started", "box", 2},
        {week("2026-W42"), "breathing.started", "box", 3},
        {week("2026-W42"), "breathing.started", "sigh", 30},
        {week("2026-W41"), "breathing.started", "resonance", 12},
    };
    const auto summary = summarize(counts, {week("2026-W40"), week("2026-W47"), Period::total, 5});
    REQUIRE(summary.cells.size() == 3);
    CHECK(summary.cells[0] == shown("total", "breathing.started", "box", 7));
    CHECK(summary.cells[1] == shown("total", "breathing.started", "resonance", 12));
    CHECK(summary.cells[2] == shown("total", "breathing.started", "sigh", 30));
}

TEST_CASE("A hidden cell alone in a published total takes its cheapest neighbour with it",
          "[suppression]") {
    const std::vector<WeeklyCount> counts = {
        {week("2026-W40"), "checkin.level", "heavy", 2},
        {week("2026-W40"), "checkin.level", "okay", 40},
        {week("2026-W40"), "checkin.level", "steady", 9},
        {week("2026-W40"), "checkin.level", "strained", 0},
    };
    const auto summary = summarize(counts, {week("2026-W40"), week("2026-W40"), Period::total, 5});
    CHECK(find_cell(summary, "total", "checkin.level", "heavy").suppressed);
    CHECK(find_cell(summary, "total", "checkin.level", "steady").suppressed);
    CHECK(find_cell(summary, "total", "checkin.level", "okay").n == 40);
    CHECK(find_cell(summary, "total", "checkin.level", "strained").n == 0);
}

TEST_CASE("A lone hidden cell is paired with a zero only when nothing else is left",
          "[suppression]") {
    CHECK(suppression_pattern({{3, 0, 0}}, 5) == Pattern{{true, true, false}});
    CHECK(suppression_pattern({{0, 3, 8}}, 5) == Pattern{{false, true, true}});
}

TEST_CASE("Two hidden blocks joined by one hidden cell are made safe against the bridge",
          "[suppression]") {
    // Every row and column holds at least two hidden cells, so a one-per-line check passes,
    // yet (1,2) is the only link between the blocks {rows 0-1, columns 0-1} and
    // {rows 2-3, columns 2-3}: row sums 0-1 minus column sums 0-1 give it away.
    const Table table = {
        {1, 2, 50, 60},
        {3, 4, 2, 70},
        {80, 90, 1, 2},
        {55, 65, 3, 4},
    };
    const Pattern naive = primary_only(table, 5);
    for (const auto& row : naive) {
        CHECK(std::count(row.begin(), row.end(), true) >= 2);
    }
    CHECK(determined_hidden_cells(naive) == std::vector<CellAt>{{1, 2}});

    const Pattern pattern = suppression_pattern(table, 5);
    CHECK(determined_hidden_cells(pattern).empty());
    // The cheapest cycle through (1,2) costs one cell: the 50 at (0,2).
    CHECK(pattern[0][2]);
    CHECK(count_hidden(pattern) == count_hidden(naive) + 1);
}

TEST_CASE("A single small cell in a 2D table is hidden with the cheapest 4-cycle",
          "[suppression]") {
    const Table table = {
        {3, 40, 9},
        {20, 7, 30},
        {8, 50, 60},
    };
    const Pattern pattern = suppression_pattern(table, 5);
    // Cheapest 4-cycle through (0,0): 9 + 30 + 20, cheaper than any other.
    CHECK(pattern == Pattern{{true, false, true}, {true, false, true}, {false, false, false}});
    CHECK(determined_hidden_cells(pattern).empty());
}

TEST_CASE("Random tables: every small cell is hidden and no hidden cell can be solved for",
          "[suppression]") {
    std::mt19937 random(20261123);
    auto pick = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    int tables_with_complements = 0;
    for (int round = 0; round < 4000; ++round) {
        const auto rows = static_cast<std::size_t>(pick(1, 6));
        const auto columns = static_cast<std::size_t>(pick(1, 6));
        const int k = std::array{3, 5, 5, 5, 10}[static_cast<std::size_t>(pick(0, 4))];
        Table table(rows, std::vector<std::int64_t>(columns));
        for (auto& row : table) {
            for (auto& n : row) {
                const int kind = pick(0, 9);
                n = kind < 3 ? 0 : kind < 9 ? pick(1, 12) : pick(13, 5000);
            }
        }
        INFO("round " << round << ", " << rows << "x" << columns << ", k " << k);
        const Pattern pattern = suppression_pattern(table, k);
        REQUIRE(pattern.size() == rows);
        bool any_primary = false;
        for (std::size_t r = 0; r < rows; ++r) {
            REQUIRE(pattern[r].size() == columns);
            for (std::size_t c = 0; c < columns; ++c) {
                if (table[r][c] > 0 && table[r][c] < k) {
                    any_primary = true;
                    REQUIRE(pattern[r][c]);
                }
            }
        }
        if (!any_primary) {
            REQUIRE(count_hidden(pattern) == 0);
        }
        if (count_hidden(pattern) > count_hidden(primary_only(table, k))) {
            ++tables_with_complements;
        }
        const auto determined = determined_hidden_cells(pattern);
        if (!determined.empty()) {
            FAIL("cell (" << determined.front().row << "," << determined.front().column
                          << ") can be solved for");
        }
        REQUIRE(suppression_pattern(table, k) == pattern); // deterministic
    }
    // The generator must actually exercise complementary suppression.
    CHECK(tables_with_complements > 1000);
}

TEST_CASE("A summary is written as JSON with null n for hidden cells", "[summary]") {
    auto summary = total_summary({shown("total", "visit", "start", 31),
                                  hidden_cell("total", "checkin.level", "heavy"),
                                  hidden_cell("total", "checkin.level", "okay", 12)});
    const Json json = summary_to_json(summary);
    CHECK(json == Json::parse(R"({
        "from": "2026-W40", "to": "2026-W47", "period": "total", "k": 5,
        "rows": [
            {"period": "total", "metric": "visit", "key": "start", "n": 31, "suppressed": false},
            {"period": "total", "metric": "checkin.level", "key": "heavy", "n": null,
             "suppressed": true},
            {"period": "total", "metric": "checkin.level", "key": "okay", "n": null,
             "suppressed": true, "at_least": 12}
        ]})"));

    std::string error;
    const auto back = summary_from_json(json, error);
    REQUIRE(back);
    CHECK(error.empty());
    CHECK(back->from == summary.from);
    CHECK(back->to == summary.to);
    CHECK(back->period == Period::total);
    CHECK(back->k == 5);
    CHECK(back->cells == summary.cells);
}

TEST_CASE("A summary is written as CSV with an empty n for hidden cells", "[summary]") {
    const auto summary = total_summary({shown("total", "visit", "start", 31),
                                        hidden_cell("total", "checkin.level", "heavy"),
                                        hidden_cell("total", "checkin.level", "okay", 12)});
    CHECK(summary_to_csv(summary) == "period,metric,key,n,suppressed,at_least\r\n"
                                     "total,visit,start,31,false,\r\n"
                                     "total,checkin.level,heavy,,true,\r\n"
                                     "total,checkin.level,okay,,true,12\r\n");
}

TEST_CASE("CSV fields holding commas, quotes or line breaks are quoted", "[summary]") {
    const auto summary = total_summary(
        {shown("total", "odd,metric", "say \"hi\"", 8), shown("total", "visit", "two\nlines", 9)});
    CHECK(summary_to_csv(summary) == "period,metric,key,n,suppressed,at_least\r\n"
                                     "total,\"odd,metric\",\"say \"\"hi\"\"\",8,false,\r\n"
                                     "total,visit,\"two\nlines\",9,false,\r\n");
}

TEST_CASE("A cell marked suppressed never shows its number on the wire", "[summary]") {
    auto cell = shown("total", "visit", "start", 4);
    cell.suppressed = true;
    const auto summary = total_summary({cell});
    CHECK(summary_to_json(summary)["rows"][0]["n"].is_null());
    CHECK(summary_to_csv(summary).find('4') == std::string::npos);
}

TEST_CASE("A station's summary with anything wrong is refused with a reason", "[summary]") {
    const Json good = Json::parse(R"({
        "from": "2026-W40", "to": "2026-W47", "period": "week", "k": 5,
        "rows": [
            {"period": "2026-W41", "metric": "visit", "key": "start", "n": 31, "suppressed": false},
            {"period": "2026-W41", "metric": "checkin.level", "key": "heavy", "n": null,
             "suppressed": true, "at_least": 3}
        ]})");
    std::string error;
    REQUIRE(summary_from_json(good, error));

    // Each entry replaces (or, with null, sets to null) the named fields of a copy.
    auto with = [&](const Json& changes) {
        Json json = good;
        for (const auto& change : changes.items()) {
            json[change.key()] = change.value();
        }
        return json;
    };
    auto with_row = [&](const Json& changes) {
        Json json = good;
        for (const auto& change : changes.items()) {
            json["rows"][0][change.key()] = change.value();
        }
        return json;
    };
    Json without_rows = good;
    without_rows.erase("rows");
    Json row_not_object = good;
    row_not_object["rows"][0] = 7;
    Json row_missing_field = good;
    row_missing_field["rows"][0].erase("suppressed");
    Json duplicate = good;
    duplicate["rows"].push_back(good["rows"][0]);

    const std::vector<std::pair<std::string, Json>> bad = {
        {"not an object", Json::array()},
        {"unknown field", with(R"({"extra": 1})"_json)},
        {"missing rows", without_rows},
        {"bad from", with(R"({"from": "2026-W54"})"_json)},
        {"to before from", with(R"({"to": "2026-W39"})"_json)},
        {"bad period kind", with(R"({"period": "day"})"_json)},
        {"k too small", with(R"({"k": 2})"_json)},
        {"k not a number", with(R"({"k": "5"})"_json)},
        {"rows not an array", with(R"({"rows": {}})"_json)},
        {"row not an object", row_not_object},
        {"row missing a field", row_missing_field},
        {"the same cell twice", duplicate},
        {"unknown row field", with_row(R"({"week": "2026-W41"})"_json)},
        {"week outside range", with_row(R"({"period": "2026-W48"})"_json)},
        {"month in a week summary", with_row(R"({"period": "2026-10"})"_json)},
        {"unknown metric", with_row(R"({"metric": "mood.typed"})"_json)},
        {"bad key", with_row(R"({"key": "Start!"})"_json)},
        {"negative n", with_row(R"({"n": -1})"_json)},
        {"fractional n", with_row(R"({"n": 1.5})"_json)},
        {"huge n", with_row(R"({"n": 18446744073709551615})"_json)},
        {"n as text", with_row(R"({"n": "31"})"_json)},
        {"visible cell without n", with_row(R"({"n": null})"_json)},
        {"hidden cell with n", with_row(R"({"suppressed": true})"_json)},
        {"suppressed not boolean", with_row(R"({"suppressed": 0})"_json)},
        {"at_least on a visible cell", with_row(R"({"at_least": 4})"_json)},
        {"negative at_least", with_row(R"({"suppressed": true, "n": null, "at_least": -4})"_json)},
    };
    for (const auto& [what, json] : bad) {
        INFO(what);
        error.clear();
        CHECK_FALSE(summary_from_json(json, error));
        CHECK_FALSE(error.empty());
    }
}

TEST_CASE("Merged summaries add shown cells and keep hidden ones as lower bounds", "[summary]") {
    const auto north = total_summary({shown("total", "visit", "start", 40),
                                      hidden_cell("total", "checkin.level", "heavy"),
                                      hidden_cell("total", "checkin.level", "okay"),
                                      shown("total", "checkin.level", "steady", 30)});
    const auto south = total_summary({shown("total", "visit", "start", 25),
                                      shown("total", "checkin.level", "heavy", 6),
                                      shown("total", "checkin.level", "okay", 0),
                                      shown("total", "checkin.level", "steady", 20)});
    const auto merged = merge_summaries({north, south}, 5);
    CHECK(merged.period == Period::total);
    CHECK(merged.k == 5);
    REQUIRE(merged.cells.size() == 4);
    CHECK(merged.cells[0] == shown("total", "visit", "start", 65));
    CHECK(merged.cells[1] == hidden_cell("total", "checkin.level", "heavy", 6));
    // Only zeros were shown for this one: "at least 0" says nothing.
    CHECK(merged.cells[2] == hidden_cell("total", "checkin.level", "okay"));
    CHECK(merged.cells[3] == shown("total", "checkin.level", "steady", 50));

    // Merging merged summaries adds the lower bounds up.
    const auto region = merge_summaries({merged, merged}, 5);
    CHECK(find_cell(region, "total", "checkin.level", "heavy") ==
          hidden_cell("total", "checkin.level", "heavy", 12));
    CHECK(find_cell(region, "total", "visit", "start").n == 130);
}

TEST_CASE("A merged cell left alone in its line by station hiding takes a neighbour with it",
          "[summary]") {
    const auto north = total_summary({hidden_cell("total", "checkin.level", "heavy"),
                                      shown("total", "checkin.level", "okay", 10),
                                      shown("total", "checkin.level", "steady", 20)});
    const auto south = total_summary({shown("total", "checkin.level", "heavy", 6),
                                      shown("total", "checkin.level", "okay", 7),
                                      shown("total", "checkin.level", "steady", 30)});
    const auto merged = merge_summaries({north, south}, 5);
    REQUIRE(merged.cells.size() == 3);
    CHECK(merged.cells[0] == hidden_cell("total", "checkin.level", "heavy", 6));
    // Newly hidden by the merge: no lower bound, just hidden.
    CHECK(merged.cells[1] == hidden_cell("total", "checkin.level", "okay"));
    CHECK(merged.cells[2] == shown("total", "checkin.level", "steady", 50));
}

TEST_CASE("A merged sum below the rollup's k is hidden", "[summary]") {
    auto north = total_summary({shown("total", "visit", "start", 3)});
    north.k = 3;
    auto south = total_summary({shown("total", "visit", "start", 0)});
    south.k = 3;
    const auto merged = merge_summaries({north, south}, 5);
    REQUIRE(merged.cells.size() == 1);
    CHECK(merged.cells[0] == hidden_cell("total", "visit", "start"));
}

TEST_CASE("A rollup of random stations never shows a cell any station hid", "[summary]") {
    std::mt19937 random(4711);
    auto pick = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    const std::vector<std::string> keys = {"heavy", "okay", "steady", "strained"};
    for (int round = 0; round < 40; ++round) {
        std::vector<Summary> stations;
        for (int station = 0; station < 3; ++station) {
            std::vector<WeeklyCount> counts;
            for (IsoWeek w = week("2026-W40"); w <= week("2026-W45"); w = w.next()) {
                for (const auto& key : keys) {
                    counts.push_back(
                        {w, "checkin.level", key, pick(0, 3) == 0 ? pick(0, 40) : pick(0, 6)});
                }
            }
            stations.push_back(
                summarize(counts, {week("2026-W40"), week("2026-W45"), Period::week, 5}));
        }
        auto hidden_grid = [&](const Summary& summary) {
            Pattern grid(6, std::vector<bool>(keys.size()));
            REQUIRE(summary.cells.size() == 6 * keys.size());
            for (std::size_t i = 0; i < summary.cells.size(); ++i) {
                grid[i / keys.size()][i % keys.size()] = summary.cells[i].suppressed;
            }
            return grid;
        };
        for (const auto& station : stations) {
            CHECK(determined_hidden_cells(hidden_grid(station)).empty());
        }
        const auto merged = merge_summaries(stations, 5);
        REQUIRE(merged.cells.size() == stations.front().cells.size());
        for (std::size_t i = 0; i < merged.cells.size(); ++i) {
            const auto& cell = merged.cells[i];
            bool hidden_somewhere = false;
            std::int64_t shown_sum = 0;
            for (const auto& station : stations) {
                REQUIRE(station.cells[i].period == cell.period);
                REQUIRE(station.cells[i].key == cell.key);
                hidden_somewhere = hidden_somewhere || station.cells[i].suppressed;
                shown_sum += station.cells[i].n.value_or(0);
            }
            if (hidden_somewhere) {
                CHECK(cell.suppressed);
                CHECK_FALSE(cell.n);
                CHECK(cell.at_least.value_or(0) == shown_sum);
            } else if (!cell.suppressed) {
                CHECK(cell.n == shown_sum);
            }
        }
        CHECK(determined_hidden_cells(hidden_grid(merged)).empty());
    }
}
