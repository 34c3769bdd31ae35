#pragma once

#include "wellness/content.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/json_input.hpp"
#include "wellness/problem.hpp"

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

// The counts catalogue of DESIGN.md.
namespace metric {
inline constexpr std::string_view visit = "visit";                         // key "start"
inline constexpr std::string_view breathing_started = "breathing.started"; // key exercise id
inline constexpr std::string_view breathing_completed = "breathing.completed";
inline constexpr std::string_view checkin_level = "checkin.level"; // key level id
inline constexpr std::string_view checkin_topic = "checkin.topic"; // key topic id
inline constexpr std::string_view handoff_shown = "handoff.shown"; // key provider id
inline constexpr std::string_view crisis_viewed = "crisis.viewed"; // key "list"
} // namespace metric

inline constexpr std::string_view visit_key = "start";
inline constexpr std::string_view crisis_key = "list";
inline constexpr std::int64_t max_count = 100000;
inline constexpr int default_k = 5;
inline constexpr int minimum_k = 3;

const std::vector<std::string>& known_metrics(); // in catalogue order
bool is_known_metric(std::string_view metric);

struct CounterKey {
    std::string metric;
    std::string key;
    auto operator<=>(const CounterKey&) const = default;
};

using Counters = std::map<CounterKey, std::int64_t>;

// Every (metric, key) a content document implies, zero use or not: the fixed shape of a
// release for that content.
std::vector<CounterKey> catalogue_keys(const ContentDocument& content);

// A release: every key of `shape` (zeros included) plus any counted key outside it.
Counters build_release(const std::vector<CounterKey>& shape, const Counters& counted);

// Privacy promise 5. `closed_week` holds a closed week's counts, `carried_in` what earlier
// pooled weeks carried forward. If their combined visits are 1 to k-1 the week is pooled:
// its release holds the same keys all at zero and everything is carried into the next week.
// Otherwise the release holds the combined counts and nothing is carried. A k below
// minimum_k is raised to it.
struct PoolingOutcome {
    Counters release;
    Counters carried_out;
    bool pooled = false;
};
PoolingOutcome pool_closed_week(const Counters& closed_week, const Counters& carried_in, int k);

struct CountEntry {
    IsoWeek week;
    std::string metric;
    std::string key;
    std::int64_t n = 0;
    bool operator==(const CountEntry&) const = default;
};

// The body of POST /api/v1/kiosk/counts.
struct CountsBatch {
    std::string batch_id; // lowercase uuid, 8-4-4-4-12 hex
    std::vector<CountEntry> counts;
};

bool is_valid_uuid(std::string_view text);

std::string encode_batch(const CountsBatch& batch);

struct BatchDecodeResult {
    std::optional<CountsBatch> batch; // set only when problems is empty
    JsonInputError json_error = JsonInputError::none;
    Problems problems;
};

inline constexpr std::size_t max_batch_bytes = 256 * 1024;
inline constexpr std::size_t max_batch_entries = 2000;

// Strict decode of an untrusted batch. `current_week` is the receiver's current local week: a
// week at or after it has not ended and is refused. Refuses unknown fields and metrics, bad keys,
// n outside 0..100000, malformed weeks, duplicate (week, metric, key) entries, more than
// max_batch_entries entries, and whatever parse_json_input refuses. Never throws.
BatchDecodeResult decode_batch(std::string_view body, IsoWeek current_week);

} // namespace wellness
