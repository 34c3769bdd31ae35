#pragma once

#include "station_store.hpp"
#include "wellness/counts.hpp"

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace wellness::station {

// Issue 12: what the station itself vouches for in each counts release, whoever holds the kiosk
// token. A release is refused whole (nothing applied) when
// - a week is already sealed (promise 8: a sealed week never changes, and a late batch may not
//   move into another week either, or one token could add a release per sealed week to it),
// - a week lies before the week the kiosk was enrolled in (a new kiosk cannot add to weeks other
//   kiosks closed before it existed),
// - a week's entries are not exactly the full catalogue (every metric and key, zeros included)
//   of content that kiosk could have counted that week by (promise 5),
// - a week has 1 to k-1 visits (promise 7),
// and a kiosk sending more batches in an hour than a real kiosk ever does waits (429).
// A second release of a kiosk-week is refused by the counts writer, where it is decided in the
// commit's transaction. Thread-safe.
class ReleaseGate {
  public:
    struct Settings {
        int k = default_k;
        SealPolicy seal;
        int max_batches_per_hour = 60;
    };
    // `shipped_catalogue`: the catalogue of the default content this station ships with, which
    // a new kiosk counts by until it has the station's content (nullopt when not readable).
    ReleaseGate(StationStore& store, Settings settings,
                std::optional<std::vector<CounterKey>> shipped_catalogue);

    // Counts one counts request of `kiosk_id` at `now`. Throws the 429 (with Retry-After) when
    // the kiosk has used up its batches of this hour; a refused request does not count.
    void admit(std::int64_t kiosk_id, std::time_t now);

    // Throws the 422 of the first rule above that `batch` breaks, its details naming each
    // offending entry; returns when the batch may go to the counts writer.
    void check(const CountsBatch& batch, std::time_t enrolled_at, std::time_t now);

  private:
    using Catalogue = std::shared_ptr<const std::vector<CounterKey>>;
    struct Version {
        std::int64_t version = 0;
        std::time_t published_at = 0;
        IsoWeek published_week; // of published_at, in the station's local time
        Catalogue catalogue;    // null when the stored document does not parse
    };
    // The catalogues a kiosk enrolled at `enrolled_at` may have counted `week` by.
    std::vector<Catalogue> catalogues_for(const IsoWeek& week, std::time_t enrolled_at);
    void refresh_versions(); // with mutex_ held

    StationStore& store_;
    Settings settings_;
    Catalogue shipped_;

    std::mutex mutex_;
    std::optional<std::uint64_t> generation_;  // of the versions read
    std::vector<Version> versions_;            // oldest first
    std::map<std::int64_t, Catalogue> parsed_; // content versions never change once published

    struct Hour {
        long index = 0; // hours since the epoch on the station's clock
        int batches = 0;
    };
    std::mutex hours_mutex_;
    std::unordered_map<std::int64_t, Hour> hours_; // per kiosk id
};

} // namespace wellness::station
