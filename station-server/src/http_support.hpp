#pragma once

#include "station_services.hpp"
#include "station_store.hpp"
#include "wellness/json_input.hpp"
#include "wellness/problem.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
} // namespace Poco::Net

namespace wellness::station {

class RequestConnection;
class RouteCounters;

using Status = Poco::Net::HTTPResponse::HTTPStatus;

// Thrown by handlers to answer with the contract's error shape; anything else becomes a 500
// that shows no internals.
class HttpError : public std::runtime_error {
  public:
    HttpError(Status status_in, std::string code_in, std::string message, Problems details_in = {})
        : std::runtime_error(message), status(status_in), code(std::move(code_in)),
          details(std::move(details_in)) {}
    Status status;
    std::string code;
    Problems details;
    std::optional<long> retry_after_seconds;
};

HttpError not_found(const std::string& message = "no such resource");
HttpError unauthorized(const std::string& code, const std::string& message);
HttpError invalid_request(const std::string& code, const std::string& message);

// When a request's body must have arrived. The receive timeout bounds each wait for bytes; this
// bounds them all together, so a client sending a byte now and then cannot hold a thread.
using BodyDeadline = std::chrono::steady_clock::time_point;

// Reads the request body, refusing (413) more than `limit` bytes whatever Content-Length says,
// chunked bodies included, and (408) a body still arriving at `deadline`.
std::string read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                      BodyDeadline deadline);

// Reads, limits and parses a JSON body through parse_json_input; 400 / 408 / 413 / 415 otherwise.
Json read_json_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                    BodyDeadline deadline);

// The base of every station handler: runs serve() and turns what it throws into the contract's
// error answer (HttpError as itself, anything else as a logged 500 that shows no internals).
// It keeps the shared services so each handler declares only its own dependencies.
class StationHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit StationHandler(const StationServices& services) : services_(services) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) final;

    // How long the request's body may take to arrive, counted from when its handling began, the
    // connection it came on (told when the request begins and ends, so it is not cut meanwhile;
    // nullptr outside a StationConnection), and the route's counters its answer is counted in.
    void guard(std::chrono::milliseconds body_time, RequestConnection* connection,
               RouteCounters& counters) {
        body_time_ = body_time;
        connection_ = connection;
        counters_ = &counters;
    }

  protected:
    virtual void serve(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) = 0;
    StationStore& store() const { return services_.store; }
    // The station's clock decides which weeks are over and when tokens end, whatever a
    // client's clock says.
    std::time_t station_time() const { return services_.clock(); }
    const StationConfig& config() const { return services_.config; }
    Poco::Logger& logger() const { return services_.logger; }
    // Where an answer written later (DeferredAnswer) is counted; nullptr outside the router.
    RouteCounters* route_counters() { return counters_; }
    // The request's connection, for an answer written later; nullptr outside a StationConnection.
    RequestConnection* connection() { return connection_; }

    // The free functions of the same names, with this request's deadline.
    std::string read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
        return station::read_body(request, limit, deadline_);
    }
    Json read_json_body(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
        return station::read_json_body(request, limit, deadline_);
    }

  private:
    StationServices services_;
    std::chrono::milliseconds body_time_{30000};
    RequestConnection* connection_ = nullptr;
    RouteCounters* counters_ = nullptr;
    BodyDeadline deadline_;
};

// Who a bearer token belongs to.
enum class Role { admin, coordinator, kiosk };

struct Principal {
    Role role = Role::kiosk;
    std::int64_t id = 0;    // session id, coordinator token id or kiosk id
    std::string admin_name; // admins only
};

// Checks the request's bearer token against the store: 401 without a valid, unexpired,
// unrevoked one.
Principal authenticate(const Poco::Net::HTTPServerRequest& request, StationStore& store,
                       std::time_t now);
// authenticate(), then 403 unless the token's role is one of `roles`.
Principal require_role(const Poco::Net::HTTPServerRequest& request, StationStore& store,
                       std::time_t now, std::initializer_list<Role> roles);

// Tokens look like "<role letter><id>.<secret>": the id finds the row, the secret's SHA-256 is
// compared with the stored one in constant time.
std::string make_token(char role, std::int64_t id, const std::string& secret);

// A positive decimal id of at most 18 digits, as used in paths and tokens.
std::optional<std::int64_t> parse_id(std::string_view text);

// A content document the store holds (written only after validation).
Json parse_stored_document(const std::string& text);

// 415 unless the request says its body is `media_type` (parameters such as charset allowed).
void require_media_type(const Poco::Net::HTTPServerRequest& request, std::string_view media_type);

// Maps parse_json_input's refusal to the error answer.
HttpError json_input_error(JsonInputError error, const std::string& message);

// Every answer refuses sniffing, caching (unless already set) and framing. The console's own
// files (pages, scripts, styles, images) get the console's policy; anything else (JSON, CSV,
// SVG, kiosk images, redirects, errors) may run or load nothing at all, which is also the
// shorter header on the kiosks' frequent calls.
enum class SecurityPolicy { console_file, data };
void add_security_headers(Poco::Net::HTTPResponse& response,
                          SecurityPolicy policy = SecurityPolicy::data);
// The headers of an answer with a body: the security headers, its media type and its length.
void describe_body(Poco::Net::HTTPResponse& response, std::string_view media_type, std::size_t size,
                   SecurityPolicy policy = SecurityPolicy::data);
// The contract's error body: {"error":{"code","message","details"?}}.
std::string error_json(const HttpError& error);
void send_json(Poco::Net::HTTPServerResponse& response, Status status, const Json& body);
void send_error(Poco::Net::HTTPServerResponse& response, const HttpError& error);
// As send_error, with the answer on the wire when it returns: Poco keeps the answer of a
// sendBuffer() in the response until the response is destroyed, too late for a connection that
// is shut down for sending right after.
void send_error_now(Poco::Net::HTTPServerResponse& response, const HttpError& error);
void send_bytes(Poco::Net::HTTPServerResponse& response, Status status, std::string_view media_type,
                std::string_view bytes, SecurityPolicy policy = SecurityPolicy::data);
void send_no_content(Poco::Net::HTTPServerResponse& response);

// The token of an "Authorization: Bearer ..." header, or "" when there is none.
std::string bearer_token(const Poco::Net::HTTPServerRequest& request);

// "2026-11-20T08:00:00Z"
std::string utc_timestamp(std::time_t instant);

// A required string member of a JSON object, 1 to max_length bytes without control characters;
// 422 otherwise.
std::string required_text(const Json& body, const std::string& member, std::size_t max_length);

} // namespace wellness::station
