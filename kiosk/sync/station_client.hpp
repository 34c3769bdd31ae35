#pragma once

// The kiosk's HTTP client for the station's kiosk API: timeouts, response size limits, bearer
// token. Every call is made from the sync worker thread only.

#include "wellness/pinned_context.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wellness::kiosk {

struct StationResponse {
    int status = 0;
    std::string body;
    std::string etag;
    std::optional<int> station_k;                // from station_k_header, when it is a number
    std::optional<std::string> next_certificate; // a valid fingerprint in next_certificate_header
    bool token_rotation_due = false;             // token_rotation_header said "due"
    std::optional<std::string> station_ledger;   // a valid id in station_ledger_header
};

struct StationRequest {
    std::string method; // "GET" / "POST"
    std::string path;   // "/api/v1/kiosk/content"
    std::string body;   // JSON, sent when not empty
    std::string bearer_token;
    std::string if_none_match;
    std::size_t max_response_bytes = 64 * 1024;
};

// An exchange with the station: the answer, or why there is none (CONTRIBUTING.md: a result
// struct).
struct StationCallResult {
    std::optional<StationResponse> response; // set only when error is empty
    std::string error;                       // technical words otherwise
};

class StationClient {
  public:
    // `base_url`: "https://host:port" (optionally with a path prefix), or http:// for a station
    // on this machine. An https station must show a certificate whose fingerprint is in `pins`.
    explicit StationClient(std::string base_url,
                           std::chrono::seconds timeout = std::chrono::seconds(5),
                           std::vector<std::string> pins = {});
    ~StationClient();
    StationClient(const StationClient&) = delete;
    StationClient& operator=(const StationClient&) = delete;

    std::vector<std::string> pins() const;
    void set_pins(std::vector<std::string> pins);

    bool configured() const { return !base_url_.empty(); }

    // No response when the station could not be reached, timed out, or answered more than
    // max_response_bytes; `error` then says why in technical words.
    StationCallResult send(const StationRequest& request) const;

    // The content version the kiosk runs, sent as X-Content-Version on every request, so the
    // console's version column is true (a counting change waits on the kiosk for the next week).
    void set_content_version(std::string version) { content_version_ = std::move(version); }

  private:
    std::unique_ptr<tls::PinnedContext> tls_;
    std::string base_url_;
    std::string content_version_;
    std::chrono::seconds timeout_;
};

} // namespace wellness::kiosk
