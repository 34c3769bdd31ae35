#include "login_throttle.hpp"

#include <algorithm>

namespace wellness::station {

LoginThrottle::LoginThrottle(int max_failures, std::chrono::seconds window,
                             std::size_t max_addresses)
    : max_failures_(max_failures), window_seconds_(static_cast<long>(window.count())),
      max_addresses_(max_addresses) {}

void LoginThrottle::forget_stale(std::deque<std::time_t>& failures, std::time_t now) const {
    while (!failures.empty() && failures.front() + window_seconds_ <= now)
        failures.pop_front();
}

std::optional<long> LoginThrottle::begin_attempt(const std::string& address, std::time_t now) {
    std::lock_guard lock(mutex_);
    if (auto wait = retry_after_locked(address, now))
        return wait;
    record_failure_locked(address, now);
    return std::nullopt;
}

std::optional<long> LoginThrottle::retry_after_locked(const std::string& address, std::time_t now) {
    auto found = failures_.find(address);
    if (found == failures_.end())
        return std::nullopt;
    forget_stale(found->second, now);
    if (static_cast<int>(found->second.size()) < max_failures_)
        return std::nullopt;
    // Allowed again once the oldest failure in the window has aged out.
    return std::max<long>(1, static_cast<long>(found->second.front() + window_seconds_ - now));
}

void LoginThrottle::record_failure_locked(const std::string& address, std::time_t now) {
    if (failures_.size() >= max_addresses_ && !failures_.contains(address)) {
        for (auto it = failures_.begin(); it != failures_.end();) {
            forget_stale(it->second, now);
            it = it->second.empty() ? failures_.erase(it) : std::next(it);
        }
        if (failures_.size() >= max_addresses_)
            failures_.erase(failures_.begin());
    }
    auto& failures = failures_[address];
    failures.push_back(now);
    while (static_cast<int>(failures.size()) > max_failures_)
        failures.pop_front();
}

void LoginThrottle::record_success(const std::string& address) {
    std::lock_guard lock(mutex_);
    failures_.erase(address);
}

AccountThrottle::AccountThrottle(int free_failures, long max_delay_seconds,
                                 std::size_t max_accounts)
    : free_failures_(free_failures), max_delay_seconds_(max_delay_seconds),
      max_accounts_(max_accounts) {}

bool AccountThrottle::known_locked(const Account& account, const std::string& address) const {
    return std::find(account.known_addresses.begin(), account.known_addresses.end(), address) !=
           account.known_addresses.end();
}

std::optional<long> AccountThrottle::begin_attempt(const std::string& account,
                                                   const std::string& address, std::time_t now,
                                                   bool& gated) {
    std::lock_guard lock(mutex_);
    gated = false;
    if (accounts_.size() >= max_accounts_ && !accounts_.contains(account)) {
        // Forget the account failed longest ago that no one has signed in to.
        auto oldest = accounts_.end();
        for (auto it = accounts_.begin(); it != accounts_.end(); ++it)
            if (it->second.known_addresses.empty() &&
                (oldest == accounts_.end() ||
                 it->second.last_failure < oldest->second.last_failure))
                oldest = it;
        accounts_.erase(oldest == accounts_.end() ? accounts_.begin() : oldest);
    }
    Account& record = accounts_[account];
    // Attempts from the account's own addresses neither wait nor count against it: the owner's
    // typo must not make a new address wait, and only the per-address throttle limits them.
    if (known_locked(record, address))
        return std::nullopt;
    if (record.failures >= free_failures_) {
        const int doublings = std::min(record.failures - free_failures_, 30);
        const long delay = std::min<long>(max_delay_seconds_, 1L << doublings);
        if (now < record.last_failure + delay)
            return std::max<long>(1, static_cast<long>(record.last_failure + delay - now));
    }
    if (unknown_checks_running_ >= 1)
        return 1; // a password check for an unknown address is running already
    ++unknown_checks_running_;
    gated = true;
    ++record.failures;
    record.last_failure = now;
    return std::nullopt;
}

void AccountThrottle::finish_attempt(bool gated) {
    if (!gated)
        return;
    std::lock_guard lock(mutex_);
    --unknown_checks_running_;
}

void AccountThrottle::record_success(const std::string& account, const std::string& address,
                                     std::time_t) {
    std::lock_guard lock(mutex_);
    Account& record = accounts_[account];
    // Only a success from a new address (one that got past the wait) forgives the failures:
    // were the owner's everyday sign-in to do it, each would hand a guesser its free tries
    // again, and each of those is a password check on the station's CPU.
    if (!known_locked(record, address))
        record.failures = 0;
    auto& known = record.known_addresses;
    known.erase(std::remove(known.begin(), known.end(), address), known.end());
    known.push_front(address);
    while (known.size() > 8)
        known.pop_back();
}

} // namespace wellness::station
