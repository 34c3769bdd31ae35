#pragma once

// The station's TLS identity: the certificate every handshake presents, its fingerprint (what
// kiosks and the rollup pin, shown by the console next to each enrollment code) and its renewal.
//
// Without a configured certificate the station makes its own on first start (ECDSA P-256,
// self-signed, names and addresses of this box) and keeps it in data_dir/tls/station.pem (key and
// certificate in one file, 0600, so a crash never leaves a key beside the wrong certificate).
// `renew_days` before it ends the station makes the next one (next.pem) and announces its
// fingerprint to kiosks over the pinned channel; half that time before the end the next one
// takes over. Both steps happen at the first handshake after their moment, by the station's
// clock, so no restart is needed and tests step time.

#include "config.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct ssl_st;

namespace wellness::station {

class StationTls {
  public:
    // Loads the configured or own certificate, making or renewing the own one as `now` needs.
    // Throws std::runtime_error with words for the operator when a file is unreadable or wrong.
    StationTls(const StationConfig& config, Clock clock, Poco::Logger& logger);
    ~StationTls();
    StationTls(const StationTls&) = delete;
    StationTls& operator=(const StationTls&) = delete;

    // The server context; each handshake presents the certificate current at that moment.
    Poco::Net::Context::Ptr context() const { return context_; }

    std::string fingerprint() const;
    // The renewal's fingerprint while one waits to take over.
    std::optional<std::string> next_fingerprint() const;
    std::string certificate_pem() const;
    std::time_t not_after() const;

    // Makes the renewal, or lets it take over, when `now` has reached its moment.
    void maintain(std::time_t now);

    // Called by OpenSSL at each handshake: puts the current certificate on `ssl`.
    bool present(ssl_st* ssl);

    struct Identity;

  private:
    const StationConfig& config_;
    Clock clock_;
    Poco::Logger& logger_;
    bool own_ = true; // false: a configured certificate, renewed by its owner
    mutable std::mutex mutex_;
    std::shared_ptr<const Identity> current_;
    std::shared_ptr<const Identity> next_;
    Poco::Net::Context::Ptr context_;
};

// The names a station's own certificate carries when tls.names is not set: localhost, this
// box's host name, the bind address (unless it is a wildcard) and every interface address.
std::vector<std::string> default_certificate_names(const StationConfig& config);

} // namespace wellness::station
