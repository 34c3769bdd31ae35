#pragma once

#include "config.hpp"
#include "login_throttle.hpp"
#include "station_metrics.hpp"
#include "station_store.hpp"

#include <Poco/Logger.h>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace Poco {
class ThreadPool;
}

namespace wellness::station {

class ManifestCache;
class CountsWriter;
class ReleaseGate;
class ConnectionWatch;
class WatchedHttpServer;
class StationTls;
class DataDirLock;

// One running station: the store, the HTTP server on its own bounded thread pool, its router
// and what the handlers share. Used by `station-server serve`, the tests and the benchmark alike.
class Station {
  public:
    // Validates the settings, creates the data directory and opens (migrates) the database.
    // Throws std::invalid_argument / StoreError with words for the operator.
    Station(StationConfig config, Clock clock, Poco::Logger& logger);
    ~Station();
    Station(const Station&) = delete;
    Station& operator=(const Station&) = delete;

    // Publishes the default content when none is published yet, then listens.
    void start();
    // Stops accepting, lets requests in flight finish, and joins every worker.
    void stop();
    std::uint16_t port() const { return port_; }

    // When the station has no admin: creates "admin" with a random password, written to
    // first_admin_password_file (0600) in the data directory, and returns it.
    std::optional<std::string> create_first_admin();

    StationStore& store() { return *store_; }
    // The TLS identity; nullptr when the station speaks plain HTTP (loopback only).
    const StationTls* tls() const { return tls_.get(); }
    const StationConfig& config() const { return config_; }

  private:
    void publish_default_content();

    StationConfig config_;
    Clock clock_;
    Poco::Logger& logger_;
    std::unique_ptr<DataDirLock> data_lock_; // declared before store_: held until it closes
    std::unique_ptr<StationStore> store_;
    LoginThrottle login_throttle_;
    AccountThrottle account_throttle_;
    LoginThrottle enroll_throttle_;
    RequestMetrics request_metrics_; // outlives every server: answers are counted in it
    MetricsToken metrics_token_;
    std::unique_ptr<ManifestCache> manifests_;
    std::string ledger_id_; // station_backup.hpp, load_or_make_ledger_id
    std::unique_ptr<StationTls> tls_;
    std::unique_ptr<CountsWriter> counts_writer_; // declared after store_: stops before it closes
    std::unique_ptr<ReleaseGate> release_gate_;
    std::unique_ptr<ConnectionWatch> connections_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<WatchedHttpServer> server_;
    std::uint16_t port_ = 0;
};

// In the data directory, readable by the service user only: the first admin's password until
// it is changed.
inline constexpr const char* first_admin_password_file = "first-admin-password";

// Reads an admin name's rules: 1 to 64 of a-z A-Z 0-9 . _ - @.
bool is_valid_admin_name(const std::string& name);

// Sets up glibc's allocator for a server of many threads; call first thing in main(). Every
// request makes one allocation of a kilobyte or more (its body), and glibc first sweeps all its
// small freed chunks ("fastbins") into larger ones before such an allocation: measured at 4 % of
// the station's time under load. Without fastbins, small chunks are still served from the
// per-thread cache and the sweep never runs.
void tune_allocator();

} // namespace wellness::station
