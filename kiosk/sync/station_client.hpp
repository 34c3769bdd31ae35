#pragma once

// The kiosk's HTTP client for the station's kiosk API: timeouts, response size limits, bearer
// token. Every call is made from the sync worker thread only.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wellness::kiosk {

// The header in which the station says its current k on every manifest answer, 304 included.
inline constexpr std::string_view station_k_header = "X-Station-K";

struct StationResponse {
    int status = 0;
    std::string body;
    std::string etag;
    std::optional<int> station_k; // from station_k_header, when it is a number
};

struct StationRequest {
    std::string method; // "GET" / "POST"
    std::string path;   // "/api/v1/kiosk/content"
    std::string body;   // JSON, sent when not empty
    std::string bearer_token;
    std::string if_none_match;
    std::size_t max_response_bytes = 64 * 1024;
};

class StationClient {
  public:
    // `base_url`: "http://host:port" (optionally with a path prefix); https when built with it.
    explicit StationClient(std::string base_url,
                           std::chrono::seconds timeout = std::chrono::seconds(5));

    bool configured() const { return !base_url_.empty(); }

    // nullopt when the station could not be reached, timed out, or answered more than
    // max_response_bytes; `error` then says why in technical words.
    std::optional<StationResponse> send(const StationRequest& request, std::string& error) const;

    // The content version the kiosk runs, sent as X-Content-Version on every request, so the
    // console's version column is true (a counting change waits on the kiosk for the next week).
    void set_content_version(std::string version) { content_version_ = std::move(version); }

  private:
    std::string base_url_;
    std::string content_version_;
    std::chrono::seconds timeout_;
};

} // namespace wellness::kiosk
