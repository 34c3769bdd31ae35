#pragma once

// The sync worker's decisions about time, as pure functions of "now" and a random source, so
// tests can step time exactly instead of sleeping.

#include "wellness/iso_week.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>

namespace wellness::kiosk {

// The random source the scheduler draws from: production seeds it from std::random_device,
// tests seed it with a constant.
using RandomSource = std::mt19937_64;

inline constexpr long long minimum_contact_gap_seconds = 5;

// The instant a week ends: the following Monday at 00:00 local time.
std::time_t week_end(const IsoWeek& week);

// When a closed week may be released: a moment within `spread` after its end, derived from the
// kiosk's random secret and the week, so it is decided once per week (a restart does not draw
// again, which would let repeated restarts pull the release towards the week's end) and cannot
// be predicted by anyone who lacks the secret.
std::time_t release_moment(const IsoWeek& week, const std::string& kiosk_secret,
                           std::chrono::seconds spread);

bool release_due(const IsoWeek& week, std::time_t now, const std::string& kiosk_secret,
                 std::chrono::seconds spread);

// The next contact: `interval` after `now`, moved by a uniform random amount in
// [-jitter, +jitter], and never sooner than minimum_contact_gap_seconds away (a misconfigured
// interval must not make the kiosk hammer the station; short enough for end-to-end tests).
std::time_t next_contact_after(std::time_t now, std::chrono::seconds interval,
                               std::chrono::seconds jitter, RandomSource& random);

// A fresh random secret (64 hex digits) for release_moment.
std::string make_kiosk_secret();

} // namespace wellness::kiosk
