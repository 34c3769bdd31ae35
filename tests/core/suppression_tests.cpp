#include "core_test_support.hpp"
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

using core_test::week;

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
    summary.published_through = week("2026-W47");
    summary.cells = std::move(cells);
    return summary;
}

} // namespace

TEST_CASE("Periods are read and written as week, month, year and total", "[summary]") {
    for (const auto period : {Period::week, Period::month, Period::year, Period::total}) {
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
    CHECK_FALSE(check_summary_request({week("2026-W40"), week("2026-W47"), Period::week, 2}).ok());
    CHECK(check_summary_request({week("2026-W40"), week("2026-W47"), Period::week, 3}).ok());

    // Even if a caller forgets to check, a summary is published with at least k = 3.
    const auto summary = summarize({{week("2026-W40"), "visit", "start", 2}},
                                   {week("2026-W40"), week("2026-W40"), Period::week, 1});
    CHECK(summary.k == 3);
    REQUIRE(summary.cells.size() == 1);
    CHECK(summary.cells[0].suppressed);
}

TEST_CASE("A request ending before it starts or spanning over a century is refused", "[summary]") {
    CHECK_FALSE(check_summary_request({week("2026-W47"), week("2026-W40"), Period::week, 5}).ok());
    CHECK_FALSE(check_summary_request({week("1920-W01"), week("2026-W40"), Period::week, 5}).ok());
    CHECK(check_summary_request({week("2000-W01"), week("2026-W40"), Period::week, 5}).ok());
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
    const auto cells = publish_week(week("2026-W45"),
                                    {{week("2026-W45"), "checkin.level", "okay", 5},
                                     {week("2026-W45"), "checkin.level", "heavy", 4},
                                     {week("2026-W45"), "checkin.level", "steady", 0}},
                                    5);
    REQUIRE(cells.size() == 3);
    CHECK(cells[0] == PublishedCell{"2026-W45", "checkin.level", "heavy", std::nullopt});
    CHECK(cells[1] == PublishedCell{"2026-W45", "checkin.level", "okay", 5});
    CHECK(cells[2] == PublishedCell{"2026-W45", "checkin.level", "steady", 0});
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
    // Whole months only: September 2026 is W36..W39, October W40..W44.
    const auto autumn = summarize(counts, {week("2026-W36"), week("2026-W44"), Period::month, 5});
    REQUIRE(autumn.cells.size() == 2);
    CHECK(autumn.cells[0] == shown("2026-09", "visit", "start", 10));
    CHECK(autumn.cells[1] == shown("2026-10", "visit", "start", 60));

    // December 2026 is W49..W53, January 2027 W01..W04.
    const auto new_year = summarize(counts, {week("2026-W49"), week("2027-W04"), Period::month, 5});
    REQUIRE(new_year.cells.size() == 2);
    CHECK(new_year.cells[0] == shown("2026-12", "visit", "start", 7));
    CHECK(new_year.cells[1] == shown("2027-01", "visit", "start", 6));

    // A month cut short by from / to is no published cell: it is left out.
    CHECK(summarize(counts, {week("2026-W53"), week("2027-W01"), Period::month, 5}).cells.empty());
    CHECK(first_week_of("2026-10") == week("2026-W40"));
    CHECK(last_week_of("2026-10") == week("2026-W44"));
    CHECK(last_week_of("2026") == week("2026-W53"));
    CHECK(first_week_of("2027") == week("2027-W01"));
}

TEST_CASE("A total summary adds the range's weeks into one row, hidden if any week is hidden",
          "[summary]") {
    const std::vector<WeeklyCount> counts = {
        {week("2026-W40"), "breathing.started", "box", 2},
        {week("2026-W41"), "breathing.started", "box", 2},
        {week("2026-W42"), "breathing.started", "box", 3},
        {week("2026-W42"), "breathing.started", "sigh", 30},
        {week("2026-W41"), "breathing.started", "resonance", 12},
    };
    const auto summary = summarize(counts, {week("2026-W40"), week("2026-W47"), Period::total, 5});
    REQUIRE(summary.cells.size() == 3);
    // Each box week is hidden (2, 2, 3), so their total is too: a total of shown weeks only.
    CHECK(summary.cells[0] == hidden_cell("total", "breathing.started", "box"));
    CHECK(summary.cells[1] == shown("total", "breathing.started", "resonance", 12));
    CHECK(summary.cells[2] == shown("total", "breathing.started", "sigh", 30));
}

TEST_CASE("A month is shown only when every week in it is shown, a year only when every month is",
          "[suppression]") {
    // October 2026 is W40..W44: one hidden week hides the month and the year, never a
    // neighbouring week (so no week is a complement and no zero is used as one).
    std::vector<WeeklyCount> counts;
    for (IsoWeek w = week("2026-W01"); w <= week("2026-W53"); w = w.next()) {
        counts.push_back({w, "checkin.level", "red", w == week("2026-W44") ? 1 : 0});
        counts.push_back({w, "checkin.level", "green", 9});
    }
    const auto months = summarize(counts, {week("2026-W36"), week("2026-W48"), Period::month, 5});
    CHECK(find_cell(months, "2026-09", "checkin.level", "red").n == 0);
    CHECK(find_cell(months, "2026-10", "checkin.level", "red").suppressed);
    CHECK(find_cell(months, "2026-10", "checkin.level", "green").n == 45);
    CHECK(find_cell(months, "2026-11", "checkin.level", "red").n == 0);
    const auto weeks = summarize(counts, {week("2026-W40"), week("2026-W44"), Period::week, 5});
    CHECK(find_cell(weeks, "2026-W43", "checkin.level", "red").n == 0);
    CHECK(find_cell(weeks, "2026-W44", "checkin.level", "red").suppressed);
    const auto year = summarize(counts, {week("2026-W01"), week("2026-W53"), Period::year, 5});
    REQUIRE(year.cells.size() == 2);
    CHECK(find_cell(year, "2026", "checkin.level", "red").suppressed);
    CHECK(find_cell(year, "2026", "checkin.level", "green").n == 9 * 53);
}

TEST_CASE("Totals over ranges differing by a hidden week never show both sides of the difference",
          "[suppression]") {
    // The differencing of issue 11: W40..W44 minus W40..W43 gave W44's hidden 1.
    std::vector<WeeklyCount> counts;
    for (IsoWeek w = week("2026-W40"); w <= week("2026-W48"); w = w.next()) {
        counts.push_back({w, "checkin.level", "red", w == week("2026-W44") ? 1 : 7});
    }
    for (const char* from : {"2026-W40", "2026-W41", "2026-W44"}) {
        const auto with = summarize(counts, {week(from), week("2026-W44"), Period::total, 5});
        CHECK(find_cell(with, "total", "checkin.level", "red").suppressed);
    }
    const auto without = summarize(counts, {week("2026-W40"), week("2026-W43"), Period::total, 5});
    CHECK(find_cell(without, "total", "checkin.level", "red").n == 28);
}

TEST_CASE("Weeks after the last sealed week are absent from every answer", "[summary]") {
    const std::vector<PublishedCell> published = {
        {"2026-W44", "visit", "start", 9},
        {"2026-W45", "visit", "start", 12},
    };
    const auto answer = answer_from_published(
        published, {week("2026-W44"), week("2026-W47"), Period::week, 5}, week("2026-W45"));
    REQUIRE(answer.cells.size() == 2);
    CHECK(answer.published_through == week("2026-W45"));
    CHECK(answer.cells[1] == shown("2026-W45", "visit", "start", 12));
    const auto total = answer_from_published(
        published, {week("2026-W44"), week("2026-W47"), Period::total, 5}, week("2026-W45"));
    CHECK(total.cells == std::vector<SummaryCell>{shown("total", "visit", "start", 21)});
    CHECK(answer_from_published(published, {week("2026-W44"), week("2026-W47"), Period::week, 5},
                                std::nullopt)
              .cells.empty());
}

TEST_CASE("A summary is written as JSON with null n for hidden cells", "[summary]") {
    auto summary = total_summary({shown("total", "visit", "start", 31),
                                  hidden_cell("total", "checkin.level", "heavy"),
                                  hidden_cell("total", "checkin.level", "okay", 12)});
    const Json json = summary_to_json(summary);
    CHECK(json == Json::parse(R"({
        "from": "2026-W40", "to": "2026-W47", "period": "total", "k": 5,
        "published_through": "2026-W47",
        "rows": [
            {"period": "total", "metric": "visit", "key": "start", "n": 31, "suppressed": false},
            {"period": "total", "metric": "checkin.level", "key": "heavy", "n": null,
             "suppressed": true},
            {"period": "total", "metric": "checkin.level", "key": "okay", "n": null,
             "suppressed": true, "at_least": 12}
        ]})"));

    const auto read = summary_from_json(json);
    const auto& back = read.summary;
    REQUIRE(back);
    CHECK(read.error.empty());
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
    CHECK(summary_to_csv(summary) == "period,metric,key,n,suppressed,at_least,kiosks_reported\r\n"
                                     "total,visit,start,31,false,,unknown\r\n"
                                     "total,checkin.level,heavy,,true,,unknown\r\n"
                                     "total,checkin.level,okay,,true,12,unknown\r\n");
}

TEST_CASE("CSV fields holding commas, quotes or line breaks are quoted", "[summary]") {
    const auto summary = total_summary(
        {shown("total", "odd,metric", "say \"hi\"", 8), shown("total", "visit", "two\nlines", 9)});
    CHECK(summary_to_csv(summary) == "period,metric,key,n,suppressed,at_least,kiosks_reported\r\n"
                                     "total,\"odd,metric\",\"say \"\"hi\"\"\",8,false,,unknown\r\n"
                                     "total,visit,\"two\nlines\",9,false,,unknown\r\n");
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
    REQUIRE(summary_from_json(good).summary);

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
        const auto read = summary_from_json(json);
        CHECK_FALSE(read.summary);
        CHECK_FALSE(read.error.empty());
    }
}

namespace {

// Weeks 2026-W44 to W46 published, a kiosk of three off in W45.
Summary reported_weeks() {
    Summary summary;
    summary.from = week("2026-W44");
    summary.to = week("2026-W46");
    summary.period = Period::week;
    summary.published_through = week("2026-W46");
    for (const char* label : {"2026-W44", "2026-W45", "2026-W46"})
        summary.cells.push_back({label, "visit", "start", std::int64_t{20}, false, std::nullopt});
    summary.reporting = {
        {week("2026-W44"), 3, 3}, {week("2026-W45"), 2, 3}, {week("2026-W46"), 3, 3}};
    return summary;
}

} // namespace

TEST_CASE("Each published week says how many kiosks released it of how many were enrolled, in "
          "JSON and CSV",
          "[summary]") {
    const Summary summary = reported_weeks();
    const Json json = summary_to_json(summary);
    CHECK(json["kiosks_reporting"][1] ==
          Json::parse(R"({"week": "2026-W45", "released": 2, "enrolled": 3})"));
    const auto back = summary_from_json(json).summary;
    REQUIRE(back);
    CHECK(back->reporting == summary.reporting);
    CHECK(summary_to_csv(summary) == "period,metric,key,n,suppressed,at_least,kiosks_reported\r\n"
                                     "2026-W44,visit,start,20,false,,3 of 3\r\n"
                                     "2026-W45,visit,start,20,false,,2 of 3\r\n"
                                     "2026-W46,visit,start,20,false,,3 of 3\r\n");
    // A longer period adds its weeks up as kiosk-weeks.
    const auto total = reporting_of(summary, "total");
    REQUIRE(total);
    CHECK(total->released == 8);
    CHECK(total->enrolled == 9);
    const auto november = reporting_of(summary, "2026-11");
    REQUIRE(november);
    CHECK(november->released == 5); // W45 and W46; W44's Thursday is in October
}

TEST_CASE("A summary from a station that keeps no kiosk figures is read, and its CSV says the "
          "kiosks reporting are unknown",
          "[summary]") {
    Summary summary = reported_weeks();
    Json json = summary_to_json(summary);
    json.erase("kiosks_reporting");
    const auto back = summary_from_json(json).summary;
    REQUIRE(back);
    CHECK(back->reporting.empty());
    CHECK_FALSE(reporting_of(*back, "2026-W45"));
    CHECK(summary_to_csv(*back).find("2026-W45,visit,start,20,false,,unknown\r\n") !=
          std::string::npos);
    // A week without figures leaves every longer period that holds it without figures too.
    summary.reporting.erase(summary.reporting.begin() + 1);
    CHECK(reporting_of(summary, "2026-W44"));
    CHECK_FALSE(reporting_of(summary, "2026-W45"));
    CHECK_FALSE(reporting_of(summary, "total"));
    const std::string csv = summary_to_csv(summary);
    CHECK(csv.find("2026-W44,visit,start,20,false,,3 of 3\r\n") != std::string::npos);
    CHECK(csv.find("2026-W45,visit,start,20,false,,unknown\r\n") != std::string::npos);
}

TEST_CASE("Kiosk figures that cannot be true are refused with a reason", "[summary]") {
    const Json good = summary_to_json(reported_weeks());
    auto with_entry = [&](std::size_t i, const Json& entry) {
        Json json = good;
        json["kiosks_reporting"][i] = entry;
        return json;
    };
    Json not_array = good;
    not_array["kiosks_reporting"] = Json::object();
    Json repeated = good;
    repeated["kiosks_reporting"][1]["week"] = "2026-W44";
    const std::vector<std::pair<std::string, Json>> bad = {
        {"not an array", not_array},
        {"entry not an object", with_entry(0, 3)},
        {"more released than enrolled",
         with_entry(0, R"({"week": "2026-W44", "released": 4, "enrolled": 3})"_json)},
        {"negative", with_entry(0, R"({"week": "2026-W44", "released": -1, "enrolled": 3})"_json)},
        {"as text", with_entry(0, R"({"week": "2026-W44", "released": "3", "enrolled": 3})"_json)},
        {"missing enrolled", with_entry(0, R"({"week": "2026-W44", "released": 3})"_json)},
        {"unknown field",
         with_entry(0, R"({"week": "2026-W44", "released": 3, "enrolled": 3, "x": 1})"_json)},
        {"week outside the range",
         with_entry(2, R"({"week": "2026-W47", "released": 3, "enrolled": 3})"_json)},
        {"not a week", with_entry(0, R"({"week": "2026-13", "released": 3, "enrolled": 3})"_json)},
        {"a week twice", repeated},
    };
    for (const auto& [what, json] : bad) {
        INFO(what);
        const auto read = summary_from_json(json);
        CHECK_FALSE(read.summary);
        CHECK(read.error.find("kiosks_reporting") != std::string::npos);
    }
}

TEST_CASE("Merged summaries add kiosk figures per week, only for weeks every station gave",
          "[summary]") {
    const Summary north = reported_weeks();
    Summary south = reported_weeks();
    south.reporting = {{week("2026-W44"), 1, 2}, {week("2026-W46"), 2, 2}};
    Summary old_station = reported_weeks();
    old_station.reporting.clear();
    CHECK(merge_summaries({north, south}, 5).reporting ==
          std::vector<WeekReporting>{{week("2026-W44"), 4, 5}, {week("2026-W46"), 5, 5}});
    CHECK(merge_summaries({north, old_station}, 5).reporting.empty());
    // A station published only through W45 leaves W46 out of the merged figures.
    south.published_through = week("2026-W45");
    south.reporting.pop_back();
    CHECK(merge_summaries({north, south}, 5).reporting ==
          std::vector<WeekReporting>{{week("2026-W44"), 4, 5}});
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

TEST_CASE("Merging goes per published cell: a station's hidden cell hides only that merged cell",
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
    // No row totals are published, so no complement is needed in the merged table.
    CHECK(merged.cells[1] == shown("total", "checkin.level", "okay", 17));
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
    }
}
