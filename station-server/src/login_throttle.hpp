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

// Failed sign-ins per account name, across addresses, so that a fresh source address per guess
// gets nowhere: after `free_failures`, each further attempt on the account from an address it
// has not signed in from waits twice as long as the one before (1 s, 2 s, 4 s, ... up to
// `max_delay`), refused before any password is hashed. Addresses the account signed in from
// (the last few) skip that wait and are not counted, so a flood from elsewhere never locks the
// real admin out, and the real admin's sign-ins there do not forgive the flood's failures; at
// most one password check at a time is spent on attempts from unknown addresses, so a flood
// of made-up names cannot take the CPU the real sign-in needs. In memory only.
class AccountThrottle {
  public:
    explicit AccountThrottle(int free_failures = 3, long max_delay_seconds = 900,
                             std::size_t max_accounts = 10000);

    // Seconds to wait before `account` may be tried from `address`, or nothing: then the
    // attempt counts as failed until record_success, and the caller holds `gated` (a password
    // check for an unknown address) until it calls finish_attempt(gated) after the check.
    std::optional<long> begin_attempt(const std::string& account, const std::string& address,
                                      std::time_t now, bool& gated);
    void finish_attempt(bool gated);
    void record_success(const std::string& account, const std::string& address, std::time_t now);

  private:
    struct Account {
        int failures = 0;
        std::time_t last_failure = 0;
        std::deque<std::string> known_addresses; // newest first
    };
    bool known_locked(const Account& account, const std::string& address) const;

    int free_failures_;
    long max_delay_seconds_;
    std::size_t max_accounts_;
    std::mutex mutex_;
    std::map<std::string, Account> accounts_;
    int unknown_checks_running_ = 0;
};

} // namespace wellness::station
