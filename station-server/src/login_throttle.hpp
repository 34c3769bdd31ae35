#pragma once

#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace wellness::station {

// Counts failed credential attempts per client address in a sliding window. Time comes from
// the caller (the station's injected clock). Memory is bounded: at most `max_addresses`
// addresses are tracked; stale ones are dropped first.
class LoginThrottle {
  public:
    LoginThrottle(int max_failures, std::chrono::seconds window, std::size_t max_addresses = 10000);

    // Seconds until `address` may try again, or nothing when it may try now. An attempt let
    // through counts as failed from its start until record_success, so attempts sent side by
    // side cannot all pass the check before any of them has failed.
    std::optional<long> begin_attempt(const std::string& address, std::time_t now);
    void record_success(const std::string& address);

  private:
    void forget_stale(std::deque<std::time_t>& failures, std::time_t now) const;
    std::optional<long> retry_after_locked(const std::string& address, std::time_t now);
    void record_failure_locked(const std::string& address, std::time_t now);

    int max_failures_;
    long window_seconds_;
    std::size_t max_addresses_;
    std::mutex mutex_;
    std::map<std::string, std::deque<std::time_t>> failures_;
};

} // namespace wellness::station
