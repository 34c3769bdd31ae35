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
// Two separate histograms, keyed by rating_buckets(); never paired, never per exercise.
inline constexpr std::string_view rating_before = "rating.before";
inline constexpr std::string_view rating_after = "rating.after";
inline constexpr std::string_view card_viewed = "card.viewed"; // key topic card id
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

// The body of a counts batch, padded with trailing JSON whitespace to the length the same batch
// would have with every n at its maximum: every release of the same shape has the same size on
// the wire, so the size of a batch says nothing about how much the kiosk was used.
std::string encode_fixed_size_batch(const CountsBatch& batch);

// THE rule that decides a closed week's release (privacy promises 5 and 7); the kiosk's store
// only persists what it returns, and nothing else shapes a release.
// - Shape: exactly the keys of `catalogue`, the catalogue in force for `week` (plus visit/start,
//   which every catalogue has), zeros included, in key order. Nothing that was used decides
//   which keys are listed, so the entry count and the padded byte size depend only on the
//   catalogue.
// - Counts for keys outside the catalogue (carried from a pooled week whose key the next
//   week's content dropped, or a hostile row) are never released: listing them would make the
//   shape depend on use. They are dropped and only their number is reported.
// - Pooling: `closed_week` plus `carried_in` (restricted to the catalogue) is pooled when it
//   holds any non-zero count and fewer than k visits; its release is then all zeros and the
//   combined counts are carried out. Otherwise the release holds them and nothing is carried.
//   A k below minimum_k is raised to it.
// - Every n is clamped to 0..max_count; the body is padded as encode_fixed_size_batch does.
struct ReleaseDecision {
    CountsBatch batch;    // week, every catalogue key, the released n
    std::string body;     // the exact POST body, byte-identical on every resend
    Counters carried_out; // what the next week's release starts from
    bool pooled = false;
    std::int64_t dropped = 0; // counted uses outside the catalogue, never released
};
ReleaseDecision decide_release(const IsoWeek& week, const std::vector<CounterKey>& catalogue,
                               const Counters& closed_week, const Counters& carried_in, int k,
                               const std::string& batch_id);

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
