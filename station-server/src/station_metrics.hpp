#pragma once

// What /metrics tells the precinct's IT (handlers/metrics_handler.cpp): answers by route, kiosks
// by how recently they were heard from, storage. Never a count of any use: nothing here reads
// weekly counts or what a batch holds, and no label names a kiosk.

#include "station_store.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::station {

// The answers one route gave, by status class (1xx .. 5xx). Lock-free: every request adds one.
class RouteCounters {
  public:
    explicit RouteCounters(std::string route) : route_(std::move(route)) {}
    void count(int status);
    const std::string& route() const { return route_; }
    // Answers of the status class (1 to 5), e.g. answered(4) for 4xx.
    std::uint64_t answered(int status_class) const;
    std::uint64_t total() const;

  private:
    std::string route_;
    std::array<std::atomic<std::uint64_t>, 5> by_class_{};
};

// Every route's counters, registered once each (by the router, before the server starts) and
// kept for the station's life, so a counter's address stays valid for the answers it counts.
class RequestMetrics {
  public:
    // The counters of `route` (its path pattern, e.g. "/api/v1/admin/kiosks/{id}"), made on
    // first use.
    RouteCounters& route(const std::string& route);
    std::vector<const RouteCounters*> routes() const;

  private:
    mutable std::mutex mutex_;
    std::deque<RouteCounters> routes_;
};

// The bearer token a metrics scraper (Prometheus) presents. An admin makes one (replacing any
// other) or revokes it; only its SHA-256 is kept, in a file of the data directory (0600).
class MetricsToken {
  public:
    // Reads the file, if any; a file that holds no valid hash means no token.
    explicit MetricsToken(std::filesystem::path file);
    // Makes a new token, stores its hash durably and returns the token (shown once).
    std::string issue();
    void revoke();
    bool configured() const;
    bool matches(std::string_view token) const;

  private:
    std::filesystem::path file_;
    mutable std::mutex mutex_;
    std::string hash_; // "" when there is none
};

inline constexpr const char* metrics_token_file = "metrics-token.sha256";

// The Prometheus text exposition format (version 0.0.4): each metric family's HELP and TYPE
// lines, then its samples.
class PrometheusText {
  public:
    enum class Type { counter, gauge };
    using Labels = std::vector<std::pair<std::string, std::string>>;

    // Starts a family; `name` must be a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
    void family(std::string_view name, Type type, std::string_view help);
    // A sample of the current family.
    void sample(const Labels& labels, double value);
    const std::string& text() const { return text_; }

    // HELP text escapes backslash and line feed; label values also the double quote.
    static std::string escape_help(std::string_view text);
    static std::string escape_label_value(std::string_view text);

  private:
    static std::string escape(std::string_view text, bool quote);
    std::string name_;
    std::string text_;
};

} // namespace wellness::station
