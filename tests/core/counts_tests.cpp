#include "core_test_support.hpp"
#include "wellness/counts.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

using wellness::BatchDecodeResult;
using wellness::ContentDocument;
using wellness::CountEntry;
using wellness::CounterKey;
using wellness::Counters;
using wellness::CountsBatch;
using wellness::decode_batch;
using wellness::encode_batch;
using wellness::IsoWeek;
using wellness::Json;
using wellness::JsonInputError;
using namespace std::string_literals;

namespace {

using core_test::week;

const char* const batch_id = "0f8fad5b-d9cb-469f-a165-70867728950e";

ContentDocument small_content() {
    ContentDocument content;
    for (const char* id : {"box", "resonance"}) {
        wellness::Exercise exercise;
        exercise.id = id;
        content.exercises.push_back(exercise);
    }
    for (const char* id : {"healthy", "reacting", "injured", "ill"}) {
        wellness::CheckinLevel level;
        level.id = id;
        content.checkin.levels.push_back(level);
    }
    for (const char* id : {"sleep", "family"}) {
        wellness::Topic topic;
        topic.id = id;
        content.checkin.topics.push_back(topic);
    }
    wellness::Provider provider;
    provider.id = "eap";
    content.providers.push_back(provider);
    wellness::CrisisLine line;
    line.id = "988";
    content.crisis_lines.push_back(line);
    return content;
}

CounterKey key(std::string metric, std::string name) {
    return CounterKey{std::move(metric), std::move(name)};
}

CounterKey visits() {
    return key("visit", "start");
}

// A batch body with one entry whose fields are given as raw JSON text.
std::string body_with_entry(const std::string& entry) {
    return R"({"batch_id":")"s + batch_id + R"(","counts":[)" + entry + "]}";
}

std::string entry_text(const std::string& week_json, const std::string& metric_json,
                       const std::string& key_json, const std::string& n_json) {
    return R"({"week":)" + week_json + R"(,"metric":)" + metric_json + R"(,"key":)" + key_json +
           R"(,"n":)" + n_json + "}";
}

const IsoWeek today = IsoWeek::from_date({2026, 11, 19}); // 2026-W47

// Decodes and expects exactly one problem, at `path`.
void require_one_problem(const std::string& body, const std::string& path) {
    const BatchDecodeResult result = decode_batch(body, today);
    INFO("body: " << body);
    CHECK_FALSE(result.batch.has_value());
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0].path == path);
    CHECK_FALSE(result.problems[0].message.empty());
}

} // namespace

TEST_CASE("The catalogue knows exactly the metrics of the design", "[counts]") {
    CHECK(wellness::known_metrics() ==
          std::vector<std::string>{
              "visit", "breathing.started", "breathing.completed", "checkin.level", "checkin.topic",
              "handoff.shown", "crisis.viewed", "rating.before", "rating.after", "card.viewed"});
    for (const auto& metric : wellness::known_metrics()) {
        CHECK(wellness::is_known_metric(metric));
    }
    for (const char* unknown : {"", "visits", "Visit", "checkin", "checkin.combo", "visit "}) {
        CHECK_FALSE(wellness::is_known_metric(unknown));
    }
}

TEST_CASE("A content document implies every counter key, each once and in order", "[counts]") {
    auto content = small_content();
    content.checkin.topics.push_back(content.checkin.topics[0]); // a repeated id counts once
    const auto keys = wellness::catalogue_keys(content);
    const std::vector<CounterKey> expected{
        key("breathing.completed", "box"),
        key("breathing.completed", "resonance"),
        key("breathing.started", "box"),
        key("breathing.started", "resonance"),
        key("checkin.level", "healthy"),
        key("checkin.level", "ill"),
        key("checkin.level", "injured"),
        key("checkin.level", "reacting"),
        key("checkin.topic", "family"),
        key("checkin.topic", "sleep"),
        key("crisis.viewed", "list"),
        key("handoff.shown", "eap"),
        key("visit", "start"),
    };
    CHECK(keys == expected);
    CHECK(std::is_sorted(keys.begin(), keys.end()));
    for (const auto& each : keys) {
        CHECK(wellness::is_known_metric(each.metric));
    }
}

TEST_CASE("Content without topics or providers still lists visits and crisis views", "[counts]") {
    ContentDocument bare;
    const auto keys = wellness::catalogue_keys(bare);
    CHECK(keys == std::vector<CounterKey>{key("crisis.viewed", "list"), visits()});
}

namespace {

wellness::ReleaseDecision
decide(const Counters& closed, const Counters& carried, int k,
       const std::vector<CounterKey>& catalogue = wellness::catalogue_keys(small_content())) {
    return wellness::decide_release(week("2026-W46"), catalogue, closed, carried, k, batch_id);
}

Counters released(const wellness::ReleaseDecision& decision) {
    Counters counters;
    for (const auto& entry : decision.batch.counts)
        counters[key(entry.metric, entry.key)] = entry.n;
    return counters;
}

} // namespace

TEST_CASE("A release lists exactly the keys of the week's catalogue, zeros included", "[counts]") {
    const auto shape = wellness::catalogue_keys(small_content());
    const auto quiet = decide({}, {}, 5);
    CHECK(quiet.batch.counts.size() == shape.size());
    for (const auto& entry : quiet.batch.counts) {
        CHECK(entry.n == 0);
        CHECK(entry.week == week("2026-W46"));
    }

    const Counters counted{{visits(), 7},
                           {key("checkin.topic", "sleep"), 2},
                           {key("breathing.started", "old-exercise"), 1}};
    const auto decision = decide(counted, {}, 5);
    const Counters release = released(decision);
    // Changed for privacy (issue 11, break 6): a counted key outside the catalogue is never
    // listed, so the release's shape cannot say what was used.
    CHECK(release.size() == shape.size());
    CHECK(release.at(visits()) == 7);
    CHECK(release.at(key("checkin.topic", "sleep")) == 2);
    CHECK(release.at(key("checkin.topic", "family")) == 0);
    CHECK(release.count(key("breathing.started", "old-exercise")) == 0);
    CHECK(decision.dropped == 1);
    CHECK(decision.body == wellness::encode_fixed_size_batch(decision.batch));
    CHECK(decide({}, {}, 5).body.size() == decision.body.size());
}

TEST_CASE("A pooled all-zero release has the same entries and bytes whether or not a dropped "
          "key was used",
          "[counts]") {
    // Issue 11, break 6: content dropped provider "eap"; the pooled visitor was or was not shown
    // its QR. Both releases must be identical but for nothing.
    ContentDocument without_eap = small_content();
    without_eap.providers.clear();
    const auto catalogue = wellness::catalogue_keys(without_eap);
    const auto shown = decide({{visits(), 1}, {key("handoff.shown", "eap"), 1}}, {}, 5, catalogue);
    const auto not_shown = decide({{visits(), 1}}, {}, 5, catalogue);
    CHECK(shown.pooled);
    CHECK(not_shown.pooled);
    CHECK(shown.batch.counts == not_shown.batch.counts);
    CHECK(shown.body == not_shown.body);
    CHECK(shown.batch.counts.size() == catalogue.size());
}

TEST_CASE("A closed week with no count at all is released as it is", "[counts]") {
    const auto outcome = decide({{visits(), 0}, {key("crisis.viewed", "list"), 0}}, {}, 5);
    CHECK_FALSE(outcome.pooled);
    for (const auto& entry : outcome.batch.counts)
        CHECK(entry.n == 0);
    CHECK(outcome.carried_out.empty());
}

TEST_CASE("A closed week with 1 to k-1 visits is pooled into the next week", "[counts]") {
    const Counters closed{{visits(), 2},
                          {key("checkin.level", "ill"), 1},
                          {key("crisis.viewed", "list"), 1},
                          {key("checkin.topic", "sleep"), 0}};
    const Counters carried{{visits(), 1}, {key("checkin.level", "healthy"), 1}};
    const auto outcome = decide(closed, carried, 5);
    CHECK(outcome.pooled);
    // Released with the catalogue's shape and every count at zero.
    CHECK(outcome.batch.counts.size() == wellness::catalogue_keys(small_content()).size());
    for (const auto& entry : outcome.batch.counts) {
        CHECK(entry.n == 0);
    }
    CHECK(outcome.carried_out.at(visits()) == 3);
    CHECK(outcome.carried_out.at(key("checkin.level", "ill")) == 1);
    CHECK(outcome.carried_out.at(key("checkin.level", "healthy")) == 1);
    CHECK(outcome.carried_out.at(key("crisis.viewed", "list")) == 1);

    // k-1 visits are still pooled, k are not.
    CHECK(decide({{visits(), 4}}, {}, 5).pooled);
    CHECK(decide({{visits(), 1}}, {}, 5).pooled);
    CHECK_FALSE(decide({{visits(), 5}}, {}, 5).pooled);
}

TEST_CASE("A week with counts but no visit of its own is pooled, not released as it is",
          "[counts]") {
    // Issue 11, break 3: a session across Sunday midnight left a week with 0 visits but a
    // check-in in it; pooling that looked only at visits 1..k-1 let it out.
    const Counters leftover{{visits(), 0},
                            {key("checkin.level", "ill"), 1},
                            {key("checkin.topic", "sleep"), 1},
                            {key("crisis.viewed", "list"), 1}};
    const auto outcome = decide(leftover, {}, 5);
    CHECK(outcome.pooled);
    for (const auto& entry : outcome.batch.counts)
        CHECK(entry.n == 0);
    CHECK(outcome.carried_out.at(key("checkin.level", "ill")) == 1);
}

TEST_CASE("A k below the minimum still pools weeks of fewer than minimum_k visits", "[counts]") {
    for (const int k : {-1, 0, 1, 2}) {
        INFO("k = " << k);
        CHECK(decide({{visits(), 1}}, {}, k).pooled);
        CHECK(decide({{visits(), wellness::minimum_k - 1}}, {}, k).pooled);
        CHECK_FALSE(decide({{visits(), wellness::minimum_k}}, {}, k).pooled);
    }
}

TEST_CASE("Carried weeks are released together once they reach k visits", "[counts]") {
    const Counters carried{{visits(), 3}, {key("checkin.level", "ill"), 2}};
    const Counters closed{
        {visits(), 2}, {key("checkin.level", "ill"), 1}, {key("handoff.shown", "eap"), 1}};
    const auto outcome = decide(closed, carried, 5);
    CHECK_FALSE(outcome.pooled);
    CHECK(outcome.carried_out.empty());
    const Counters release = released(outcome);
    CHECK(release.at(visits()) == 5);
    CHECK(release.at(key("checkin.level", "ill")) == 3);
    CHECK(release.at(key("handoff.shown", "eap")) == 1);
    CHECK(release.at(key("checkin.level", "healthy")) == 0);
}

TEST_CASE("A carried week is never lost when the next week has no visit of its own", "[counts]") {
    const Counters carried{{visits(), 2}, {key("crisis.viewed", "list"), 1}};
    const Counters quiet{{visits(), 0}, {key("crisis.viewed", "list"), 0}};
    const auto outcome = decide(quiet, carried, 5);
    CHECK(outcome.pooled);
    CHECK(outcome.carried_out == carried);
    for (const auto& entry : outcome.batch.counts)
        CHECK(entry.n == 0);
}

TEST_CASE("Released counts are clamped to the wire's range and the body decodes strictly",
          "[counts]") {
    const auto outcome = decide({{visits(), 250000}, {key("checkin.level", "ill"), -3}}, {}, 5);
    const Counters release = released(outcome);
    CHECK(release.at(visits()) == wellness::max_count);
    CHECK(release.at(key("checkin.level", "ill")) == 0);
    const auto decoded = decode_batch(outcome.body, week("2026-W48"));
    REQUIRE(decoded.batch);
    CHECK(decoded.batch->counts == outcome.batch.counts);
}

TEST_CASE("Batch ids must be lowercase uuids", "[counts]") {
    CHECK(wellness::is_valid_uuid(batch_id));
    CHECK(wellness::is_valid_uuid("00000000-0000-0000-0000-000000000000"));
    for (const char* bad :
         {"", "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950",
          "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5bd9cb-469f-a165-70867728950e-",
          "0f8fad5b_d9cb_469f_a165_70867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e}",
          "0f8fad5b-d9cb-469f-a165-70867728950g", " 0f8fad5b-d9cb-469f-a165-70867728950"}) {
        INFO(bad);
        CHECK_FALSE(wellness::is_valid_uuid(bad));
    }
}

TEST_CASE("A batch survives encoding and strict decoding unchanged", "[counts]") {
    CountsBatch batch;
    batch.batch_id = batch_id;
    batch.counts = {
        CountEntry{week("2026-W46"), "visit", "start", 12},
        CountEntry{week("2026-W46"), "checkin.level", "ill", 0},
        CountEntry{week("2026-W45"), "visit", "start", 100000},
        CountEntry{week("2025-W52"), "breathing.completed", "box", 3},
        CountEntry{week("2020-W53"), "crisis.viewed", "list", 1},
    };
    const std::string body = encode_batch(batch);
    const auto wire = Json::parse(body);
    CHECK(wire.size() == 2);
    CHECK(wire["batch_id"] == batch_id);
    CHECK(wire["counts"][0] ==
          Json{{"week", "2026-W46"}, {"metric", "visit"}, {"key", "start"}, {"n", 12}});

    const auto decoded = decode_batch(body, today);
    CHECK(decoded.problems.empty());
    CHECK(decoded.json_error == JsonInputError::none);
    REQUIRE(decoded.batch.has_value());
    CHECK(decoded.batch->batch_id == batch.batch_id);
    CHECK(decoded.batch->counts == batch.counts);
}

TEST_CASE("An empty batch is valid: a kiosk checks in even when nobody came", "[counts]") {
    const auto decoded = decode_batch(R"({"batch_id":")"s + batch_id + R"(","counts":[]})", today);
    REQUIRE(decoded.batch.has_value());
    CHECK(decoded.batch->counts.empty());
}

TEST_CASE("A batch that is not acceptable JSON is refused with the JSON error", "[counts]") {
    struct Case {
        std::string body;
        JsonInputError error;
    };
    const std::string nested = std::string(9, '[') + std::string(9, ']');
    for (const auto& [body, error] :
         {Case{"{\"batch_id\":", JsonInputError::malformed},
          Case{body_with_entry("") + " trailing", JsonInputError::malformed},
          Case{body_with_entry("") + "\0"s, JsonInputError::nul_byte},
          Case{"{\"batch_id\":\"\xFF\"}", JsonInputError::invalid_utf8},
          Case{R"({"batch_id":"x","counts":)" + nested + "}", JsonInputError::too_deep},
          Case{std::string(wellness::max_batch_bytes + 1, ' '), JsonInputError::too_large},
          Case{R"({"batch_id":"a","batch_id":"b","counts":[]})", JsonInputError::malformed}}) {
        INFO("body starts: " << body.substr(0, 60));
        const auto result = decode_batch(body, today);
        CHECK_FALSE(result.batch.has_value());
        CHECK(result.json_error == error);
        REQUIRE(result.problems.size() == 1);
        CHECK(result.problems[0].path.empty());
        CHECK_FALSE(result.problems[0].message.empty());
    }
}

TEST_CASE("A batch must be an object of exactly batch_id and counts", "[counts]") {
    const auto counts_only = R"({"counts":[]})"s;
    for (const auto& body : {"[]"s, "42"s, "\"batch\""s, "null"s}) {
        const auto result = decode_batch(body, today);
        CHECK_FALSE(result.batch.has_value());
        CHECK(result.json_error == JsonInputError::none);
        REQUIRE(result.problems.size() == 1);
        CHECK(result.problems[0].path.empty());
    }
    require_one_problem(counts_only, "/batch_id");
    require_one_problem(R"({"batch_id":")"s + batch_id + R"("})", "/counts");
    require_one_problem(R"({"batch_id":")"s + batch_id + R"(","counts":{}})", "/counts");
    require_one_problem(R"({"batch_id":")"s + batch_id + R"(","counts":[],"kiosk":"a/b"})",
                        "/kiosk");
    require_one_problem(R"({"batch_id":")"s + batch_id + R"(","counts":[],"a/b~c":1})", "/a~1b~0c");
    require_one_problem(R"({"batch_id":"ABC","counts":[]})", "/batch_id");
    require_one_problem(R"({"batch_id":7,"counts":[]})", "/batch_id");
}

TEST_CASE("Each count entry must have exactly week, metric, key and n", "[counts]") {
    const std::string good = entry_text(R"("2026-W46")", R"("visit")", R"("start")", "1");
    REQUIRE(decode_batch(body_with_entry(good), today).batch.has_value());

    require_one_problem(body_with_entry("[]"), "/counts/0");
    require_one_problem(body_with_entry("\"visit\""), "/counts/0");
    require_one_problem(body_with_entry(R"({"metric":"visit","key":"start","n":1})"),
                        "/counts/0/week");
    require_one_problem(body_with_entry(R"({"week":"2026-W46","key":"start","n":1})"),
                        "/counts/0/metric");
    require_one_problem(body_with_entry(R"({"week":"2026-W46","metric":"visit","n":1})"),
                        "/counts/0/key");
    require_one_problem(body_with_entry(R"({"week":"2026-W46","metric":"visit","key":"start"})"),
                        "/counts/0/n");
    require_one_problem(
        body_with_entry(R"({"week":"2026-W46","metric":"visit","key":"start","n":1,"hour":"09"})"),
        "/counts/0/hour");
}

TEST_CASE("Arrays and objects where a batch expects plain values are refused at their path",
          "[counts]") {
    const std::string id = R"("batch_id":")"s + batch_id + R"(")";
    require_one_problem(R"({"batch_id":{"batch_id":"x"},"counts":[]})", "/batch_id");
    require_one_problem(R"({"batch_id":[")"s + batch_id + R"("],"counts":[]})", "/batch_id");
    require_one_problem("{" + id + R"(,"counts":{"0":[]}})", "/counts");
    require_one_problem(
        body_with_entry(entry_text(R"({"week":"2026-W46"})", R"("visit")", R"("start")", "1")),
        "/counts/0/week");
    require_one_problem(
        body_with_entry(entry_text(R"("2026-W46")", R"(["visit"])", R"("start")", "1")),
        "/counts/0/metric");
    // An unknown field's insides are not read as the batch's own fields.
    require_one_problem("{" + id + R"(,"counts":[],"extra":{"counts":[1],"batch_id":7}})",
                        "/extra");
    const auto nested_counts =
        decode_batch("{" + id + R"(,"extra":[{"counts":[]}],"counts":[)" +
                         entry_text(R"("2026-W46")", R"("visit")", R"("start")", "2") + "]}",
                     today);
    REQUIRE(nested_counts.problems.size() == 1);
    CHECK(nested_counts.problems[0].path == "/extra");
}

TEST_CASE("Unknown fields are all reported, in name order", "[counts]") {
    const auto result = decode_batch(R"({"zeta":1,"batch_id":")"s + batch_id +
                                         R"(","counts":[],"alpha":{"x":[1,2]},"mid":null})",
                                     today);
    std::vector<std::string> paths;
    for (const auto& problem : result.problems)
        paths.push_back(problem.path);
    CHECK(paths == std::vector<std::string>{"/alpha", "/mid", "/zeta"});
}

TEST_CASE("A batch with thousands of problems lists a bounded number and says how many more",
          "[counts]") {
    std::string body = R"({"batch_id":")"s + batch_id + R"(","counts":[])";
    for (int i = 0; i < 3000; ++i)
        body += ",\"extra" + std::to_string(i) + "\":0";
    body += "}";
    const auto result = decode_batch(body, today);
    CHECK_FALSE(result.batch.has_value());
    CHECK(result.json_error == JsonInputError::none);
    REQUIRE(result.problems.size() == wellness::content_limits::max_problems + 1);
    CHECK(result.problems.front().path == "/extra0");
    CHECK(result.problems.back().path.empty());
    CHECK(result.problems.back().message.find(
              std::to_string(3000 - wellness::content_limits::max_problems)) == 0);
}

TEST_CASE("A repeated key is refused at any depth, even among thousands of keys", "[counts]") {
    std::string many = "{";
    for (int i = 0; i < 5000; ++i)
        many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    const auto distinct = decode_batch(R"({"batch_id":")"s + batch_id +
                                           R"(","counts":[],"extra":)" + many + R"("end":0}})",
                                       today);
    CHECK(distinct.json_error == JsonInputError::none);
    REQUIRE(distinct.problems.size() == 1);
    CHECK(distinct.problems[0].path == "/extra");
    const auto repeated = decode_batch(R"({"batch_id":")"s + batch_id +
                                           R"(","counts":[],"extra":)" + many + R"("k17":0}})",
                                       today);
    CHECK(repeated.json_error == JsonInputError::malformed);
    CHECK_FALSE(repeated.batch.has_value());
    const auto in_entry = decode_batch(
        body_with_entry(R"({"week":"2026-W46","metric":"visit","key":"start","n":1,"n":2})"),
        today);
    CHECK(in_entry.json_error == JsonInputError::malformed);
}

TEST_CASE("n must be a whole number from 0 to 100000", "[counts]") {
    for (const char* n :
         {"1.5", "-1", "100001", "1e3", "2.0", "true", "false", "null", "\"3\"", "[1]",
          "18446744073709551615", "-9223372036854775808", "99999999999999999999999"}) {
        INFO("n = " << n);
        require_one_problem(
            body_with_entry(entry_text(R"("2026-W46")", R"("visit")", R"("start")", n)),
            "/counts/0/n");
    }
    for (const char* n : {"0", "100000"}) {
        CHECK(
            decode_batch(
                body_with_entry(entry_text(R"("2026-W46")", R"("visit")", R"("start")", n)), today)
                .batch.has_value());
    }
}

TEST_CASE("Weeks must be real, strictly written and already over", "[counts]") {
    for (const char* bad :
         {R"("2026-W54")", R"("2025-W53")", R"("2026-W00")", R"("2026-w46")", R"(" 2026-W46")",
          R"("2026-W4")", R"("2026-11-12")", "202646", "null", R"("")"}) {
        INFO("week = " << bad);
        require_one_problem(body_with_entry(entry_text(bad, R"("visit")", R"("start")", "1")),
                            "/counts/0/week");
    }
    // The receiver's current week and later have not ended.
    for (const char* open : {R"("2026-W47")", R"("2026-W48")", R"("2027-W01")"}) {
        INFO("week = " << open);
        const auto body = body_with_entry(entry_text(open, R"("visit")", R"("start")", "1"));
        require_one_problem(body, "/counts/0/week");
        CHECK(decode_batch(body, IsoWeek::parse("2027-W02").value()).batch.has_value());
    }
    // The last week of a 53-week year has ended once the next year's first week begins.
    const auto week_53 =
        body_with_entry(entry_text(R"("2026-W53")", R"("visit")", R"("start")", "1"));
    CHECK(decode_batch(week_53, week("2027-W01")).batch.has_value());
    CHECK_FALSE(decode_batch(week_53, week("2026-W53")).batch.has_value());
}

TEST_CASE("Metrics must be known and keys must fit them", "[counts]") {
    for (const char* metric : {R"("visits")", R"("checkin.combo")", R"("")", "1", "null"}) {
        INFO("metric = " << metric);
        require_one_problem(body_with_entry(entry_text(R"("2026-W46")", metric, R"("x")", "1")),
                            "/counts/0/metric");
    }
    for (const char* bad_key : {R"("Box")", R"("")", R"("box exercise")", R"("é")", "3",
                                R"("a-very-long-key-of-thirty-three-c")", R"("box/../x")"}) {
        INFO("key = " << bad_key);
        require_one_problem(
            body_with_entry(entry_text(R"("2026-W46")", R"("breathing.started")", bad_key, "1")),
            "/counts/0/key");
    }
    // visit counts only "start", crisis views only "list".
    require_one_problem(
        body_with_entry(entry_text(R"("2026-W46")", R"("visit")", R"("list")", "1")),
        "/counts/0/key");
    require_one_problem(
        body_with_entry(entry_text(R"("2026-W46")", R"("crisis.viewed")", R"("988")", "1")),
        "/counts/0/key");
    CHECK(decode_batch(
              body_with_entry(entry_text(R"("2026-W46")", R"("crisis.viewed")", R"("list")", "1")),
              today)
              .batch.has_value());
    CHECK(decode_batch(body_with_entry(entry_text(R"("2026-W46")", R"("checkin.topic")",
                                                  R"("critical-incident")", "1")),
                       today)
              .batch.has_value());
}

TEST_CASE("The same week, metric and key may appear only once in a batch", "[counts]") {
    const std::string first = entry_text(R"("2026-W46")", R"("visit")", R"("start")", "1");
    const std::string other_week = entry_text(R"("2026-W45")", R"("visit")", R"("start")", "1");
    const std::string again = entry_text(R"("2026-W46")", R"("visit")", R"("start")", "4");
    CHECK(decode_batch(body_with_entry(first + "," + other_week), today).batch.has_value());
    require_one_problem(body_with_entry(first + "," + other_week + "," + again), "/counts/2");
}

TEST_CASE("Each entry's week is judged on its own, whatever its neighbours carry", "[counts]") {
    const std::string body =
        R"({"batch_id":"0f8fad5b-d9cb-469f-a165-70867728950e","counts":[)" +
        entry_text(R"("2026-W46")", R"("visit")", R"("start")", "1") + "," +
        entry_text(R"("2026-W54")", R"("visit")", R"("start")", "1") + "," +
        entry_text(R"("2026-W54")", R"("crisis.viewed")", R"("list")", "1") + "," +
        entry_text(R"("2026-W46")", R"("crisis.viewed")", R"("list")", "2") + "," +
        entry_text(R"("2026-W47")", R"("checkin.level")", R"("ok")", "1") + "," +
        entry_text(R"("2026-W45")", R"("checkin.level")", R"("ok")", "3") + "]}";
    const auto result = decode_batch(body, today);
    std::vector<std::string> paths;
    for (const auto& problem : result.problems)
        paths.push_back(problem.path);
    CHECK(paths == std::vector<std::string>{"/counts/1/week", "/counts/2/week", "/counts/4/week"});
    // Without the broken entries, the weeks decode to what each entry said.
    const std::string good =
        R"({"batch_id":"0f8fad5b-d9cb-469f-a165-70867728950e","counts":[)" +
        entry_text(R"("2026-W46")", R"("visit")", R"("start")", "1") + "," +
        entry_text(R"("2026-W46")", R"("crisis.viewed")", R"("list")", "2") + "," +
        entry_text(R"("2026-W45")", R"("checkin.level")", R"("ok")", "3") + "]}";
    const auto decoded = decode_batch(good, today);
    REQUIRE(decoded.batch.has_value());
    REQUIRE(decoded.batch->counts.size() == 3);
    CHECK(decoded.batch->counts[0].week == week("2026-W46"));
    CHECK(decoded.batch->counts[1].week == week("2026-W46"));
    CHECK(decoded.batch->counts[2].week == week("2026-W45"));
    CHECK(decoded.batch->counts[2].metric == "checkin.level");
    CHECK(decoded.batch->counts[2].key == "ok");
}

TEST_CASE("A repeat is found among the most entries a batch may hold", "[counts]") {
    CountsBatch batch;
    batch.batch_id = batch_id;
    for (std::size_t i = 0; i + 1 < wellness::max_batch_entries; ++i)
        batch.counts.push_back(CountEntry{week("2026-W46"), "breathing.completed",
                                          "exercise-number-" + std::to_string(i), 1});
    batch.counts.push_back(batch.counts.front());
    const auto result = decode_batch(encode_batch(batch), today);
    CHECK_FALSE(result.batch.has_value());
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0].path == "/counts/" + std::to_string(wellness::max_batch_entries - 1));
    CHECK(result.problems[0].message.find("exercise-number-0") != std::string::npos);
}

TEST_CASE("A batch may hold at most max_batch_entries counts", "[counts]") {
    auto build = [](std::size_t entries) {
        CountsBatch batch;
        batch.batch_id = batch_id;
        IsoWeek each = week("2026-W46");
        for (std::size_t i = 0; i < entries; ++i) {
            // The longest metric, a longest key and the largest n: the worst case still fits
            // the byte limit, so a kiosk never builds a batch refused for its size.
            batch.counts.push_back(CountEntry{each, "breathing.completed",
                                              "a-thirty-two-character-long-key1", 100000});
            each = each.prev();
        }
        return encode_batch(batch);
    };
    const auto full = build(wellness::max_batch_entries);
    REQUIRE(full.size() <= wellness::max_batch_bytes);
    const auto decoded = decode_batch(full, today);
    REQUIRE(decoded.batch.has_value());
    CHECK(decoded.batch->counts.size() == wellness::max_batch_entries);
    require_one_problem(build(wellness::max_batch_entries + 1), "/counts");
}

TEST_CASE("Every problem of a batch is reported, each at its own path", "[counts]") {
    const std::string body = R"({"batch_id":"nope","counts":[)" +
                             entry_text(R"("2026-W46")", R"("visit")", R"("start")", "1") + "," +
                             entry_text(R"("2026-W47")", R"("visit")", R"("start")", "1.5") + "," +
                             entry_text(R"("2026-W10")", R"("bogus")", R"("x")", "1") + "," +
                             entry_text(R"("2026-W10")", R"("handoff.shown")", R"("eap")", "-3") +
                             "]}";
    const auto result = decode_batch(body, today);
    CHECK_FALSE(result.batch.has_value());
    CHECK(result.json_error == JsonInputError::none);
    std::vector<std::string> paths;
    for (const auto& problem : result.problems) {
        paths.push_back(problem.path);
        CHECK_FALSE(problem.message.empty());
    }
    CHECK(paths == std::vector<std::string>{"/batch_id", "/counts/1/week", "/counts/1/n",
                                            "/counts/2/metric", "/counts/3/n"});
}

TEST_CASE("The zero-filled release of the default content is a batch the decoder accepts",
          "[counts]") {
    std::ifstream file(std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json");
    REQUIRE(file.good());
    std::stringstream text;
    text << file.rdbuf();
    const auto parsed = wellness::parse_content(text.str());
    REQUIRE(parsed.document.has_value());
    const ContentDocument& content = *parsed.document;

    const auto shape = wellness::catalogue_keys(content);
    CHECK(shape.size() == 2 + 2 * content.exercises.size() + content.checkin.levels.size() +
                              content.checkin.topics.size() + content.providers.size() +
                              (content.stress_rating
                                   ? 2 * wellness::rating_buckets(*content.stress_rating).size()
                                   : 0) +
                              content.topic_cards.size());
    CountsBatch batch;
    batch.batch_id = batch_id;
    for (const IsoWeek closed : {week("2026-W45"), week("2026-W46")}) {
        for (const auto& entry :
             wellness::decide_release(closed, shape, {}, {}, 5, batch_id).batch.counts) {
            batch.counts.push_back(entry);
        }
    }
    const auto decoded = decode_batch(encode_batch(batch), today);
    CHECK(decoded.problems.empty());
    REQUIRE(decoded.batch.has_value());
    CHECK(decoded.batch->counts == batch.counts);
}

TEST_CASE("Damaged batches never throw, and whatever decodes still keeps every rule", "[counts]") {
    CountsBatch batch;
    batch.batch_id = batch_id;
    batch.counts = {CountEntry{week("2026-W46"), "visit", "start", 9},
                    CountEntry{week("2026-W46"), "checkin.topic", "sleep", 100000},
                    CountEntry{week("2026-W01"), "crisis.viewed", "list", 0}};
    const std::string body = encode_batch(batch);
    const std::string replacements = "{}[]\",:0-9eWx\\ .";
    int decoded_count = 0;
    for (std::size_t position = 0; position < body.size(); ++position) {
        for (const char replacement : replacements) {
            std::string damaged = body;
            damaged[position] = replacement;
            BatchDecodeResult result;
            REQUIRE_NOTHROW(result = decode_batch(damaged, today));
            REQUIRE(result.batch.has_value() == result.problems.empty());
            if (!result.batch) {
                continue;
            }
            ++decoded_count;
            CHECK(wellness::is_valid_uuid(result.batch->batch_id));
            for (const auto& entry : result.batch->counts) {
                CHECK(entry.week < today);
                CHECK(wellness::is_known_metric(entry.metric));
                CHECK(wellness::is_valid_slug(entry.key));
                CHECK(entry.n >= 0);
                CHECK(entry.n <= wellness::max_count);
            }
            // What was accepted encodes back to text that decodes to the same batch.
            const auto again = decode_batch(encode_batch(*result.batch), today);
            REQUIRE(again.batch.has_value());
            CHECK(again.batch->counts == result.batch->counts);
        }
    }
    // Some damage is harmless (a digit of n, a hex digit of the id): those must still pass.
    CHECK(decoded_count > 0);
}
