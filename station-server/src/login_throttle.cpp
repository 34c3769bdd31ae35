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

} // namespace wellness::station
