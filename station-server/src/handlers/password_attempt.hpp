#pragma once

#include "http_support.hpp"
#include "login_throttle.hpp"

#include <ctime>
#include <string>

namespace wellness::station {

// One password check under both throttles (per address, then per account): construction
// refuses with 429 and Retry-After, before any hashing, or holds the attempt until succeeded()
// or destruction (a failure).
class PasswordAttempt {
  public:
    PasswordAttempt(LoginThrottle& by_address, AccountThrottle& by_account, std::string address,
                    std::time_t now)
        : by_address_(by_address), by_account_(by_account), address_(std::move(address)) {
        if (auto wait = by_address_.begin_attempt(address_, now))
            throw too_many(*wait, "too many failed attempts from this address: try again later");
    }
    // The account part, once the request says which account it is for.
    void for_account(std::string account, std::time_t now) {
        account_ = std::move(account);
        if (auto wait = by_account_.begin_attempt(account_, address_, now, gated_))
            throw too_many(*wait, "too many failed attempts on this account from addresses it "
                                  "has not signed in from: try again later");
        counted_ = true;
    }
    void succeeded(std::time_t now) {
        by_address_.record_success(address_);
        if (counted_)
            by_account_.record_success(account_, address_, now);
    }
    ~PasswordAttempt() { by_account_.finish_attempt(gated_); }
    PasswordAttempt(const PasswordAttempt&) = delete;
    PasswordAttempt& operator=(const PasswordAttempt&) = delete;

  private:
    static HttpError too_many(long wait, const std::string& message) {
        HttpError error(Status::HTTP_TOO_MANY_REQUESTS, "too_many_attempts", message);
        error.retry_after_seconds = wait;
        return error;
    }

    LoginThrottle& by_address_;
    AccountThrottle& by_account_;
    std::string address_;
    std::string account_;
    bool gated_ = false;
    bool counted_ = false;
};

} // namespace wellness::station
