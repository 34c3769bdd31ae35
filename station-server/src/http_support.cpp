#include "http_support.hpp"

#include "request_connection.hpp"
#include "security.hpp"
#include "station_metrics.hpp"
#include "wellness/limits.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <charconv>
#include <istream>

namespace wellness::station {

namespace {

struct ParsedToken {
    char role = 0;
    std::int64_t id = 0;
    std::string secret;
};

std::optional<ParsedToken> parse_token(const std::string& token) {
    auto dot = token.find('.');
    if (token.size() < 3 || token.size() > shared_limits::max_token_chars ||
        dot == std::string::npos || dot < 2)
        return std::nullopt;
    auto id = parse_id(std::string_view(token).substr(1, dot - 1));
    if (!id)
        return std::nullopt;
    return ParsedToken{token[0], *id, token.substr(dot + 1)};
}

enum class BodyRead { ended, stopped, too_slow, broken };

// Calls `take` with each piece of the body as it arrives (one receive at most per piece), until
// the body ends, `take` says stop, `deadline` passes, or the stream fails (a broken chunked
// encoding, a connection lost mid-body).
template <typename Take>
BodyRead read_pieces(std::istream& stream, BodyDeadline deadline, Take take) {
    char buffer[16384];
    for (;;) {
        if (std::chrono::steady_clock::now() >= deadline)
            return BodyRead::too_slow;
        if (stream.peek() == std::char_traits<char>::eof()) // waits for one receive at most
            return stream.bad() ? BodyRead::broken : BodyRead::ended;
        auto got = stream.readsome(buffer, sizeof buffer);
        if (got <= 0) { // nothing buffered after all: take the one character peek() saw
            buffer[0] = static_cast<char>(stream.get());
            got = 1;
        }
        if (!take(buffer, static_cast<std::size_t>(got)))
            return BodyRead::stopped;
    }
}

// Reads on (a bounded amount, until the body's deadline) after a refused body, so the client can
// still receive the answer before the connection closes.
void discard_body(Poco::Net::HTTPServerRequest& request, std::size_t limit, BodyDeadline deadline) {
    try {
        std::size_t skipped = 0;
        read_pieces(request.stream(), deadline, [&](const char*, std::size_t size) {
            skipped += size;
            return skipped < limit;
        });
    } catch (const std::exception&) {
    }
}

bool has_body(const Poco::Net::HTTPServerRequest& request) {
    return request.getChunkedTransferEncoding() ||
           (request.hasContentLength() && request.getContentLength64() > 0);
}

} // namespace

HttpError not_found(const std::string& message) {
    return HttpError(Status::HTTP_NOT_FOUND, "not_found", message);
}

HttpError unauthorized(const std::string& code, const std::string& message) {
    return HttpError(Status::HTTP_UNAUTHORIZED, code, message);
}

HttpError invalid_request(const std::string& code, const std::string& message) {
    return HttpError(Status::HTTP_BAD_REQUEST, code, message);
}

void StationHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
    deadline_ = std::chrono::steady_clock::now() + body_time_;
    if (connection_)
        connection_->request_began();
    struct Ended {
        RequestConnection* connection;
        RouteCounters* counters;
        Poco::Net::HTTPServerResponse& response;
        ~Ended() {
            // A deferred answer's connection reports the end, and the answer is counted, once
            // the answer is written.
            if (connection && connection->deferred())
                return;
            if (counters)
                counters->count(static_cast<int>(response.getStatus()));
            if (connection)
                connection->request_ended();
        }
    } ended{connection_, counters_, response};
    try {
        serve(request, response);
    } catch (const HttpError& error) {
        if (response.sent())
            return;
        // A refused body may not have been read to its end, and what is left of it would be
        // parsed as the next request: do not reuse the connection. The answer goes at once, and
        // what the client still sends is read and dropped off this thread (a lingering close),
        // so closing does not reset the connection before the client has the answer.
        if (!has_body(request)) {
            send_error(response, error);
            return;
        }
        response.setKeepAlive(false);
        if (!connection_) {
            discard_body(request, 8 * 1024 * 1024, deadline_);
            send_error(response, error);
            return;
        }
        send_error_now(response, error);
        connection_->close_lingering();
    } catch (const std::exception& error) {
        logger().error(std::string("request failed: ") + error.what());
        if (response.sent())
            return;
        response.setKeepAlive(false);
        send_error(response, HttpError(Status::HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                                       "the station could not do that; it has been logged"));
    }
}

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 1)
        return std::nullopt;
    return value;
}

std::string make_token(char role, std::int64_t id, const std::string& secret) {
    return std::string(1, role) + std::to_string(id) + "." + secret;
}

Principal authenticate(const Poco::Net::HTTPServerRequest& request, StationStore& store,
                       std::time_t now) {
    std::string token = bearer_token(request);
    if (token.empty())
        throw unauthorized("unauthenticated", "this needs an Authorization: Bearer token");
    auto parsed = parse_token(token);
    auto bad = [] { return unauthorized("invalid_token", "the token is not valid"); };
    if (!parsed)
        throw bad();
    std::string secret_hash = sha256_hex(parsed->secret);
    switch (parsed->role) {
    case 'a': {
        auto session = store.find_session(parsed->id);
        if (!session || !constant_time_equal(secret_hash, session->token_hash))
            throw bad();
        if (session->expires_at <= now)
            throw unauthorized("session_expired", "the session has expired: sign in again");
        return {Role::admin, parsed->id, session->admin_name};
    }
    case 'c': {
        auto record = store.find_coordinator_token(parsed->id);
        if (!record || !constant_time_equal(secret_hash, record->token_hash))
            throw bad();
        if (record->revoked)
            throw unauthorized("token_revoked", "the token has been revoked");
        if (record->expires_at <= now)
            throw unauthorized("token_expired", "the token expired on " +
                                                    utc_timestamp(record->expires_at) +
                                                    ": ask the station's admin for a new one");
        // The day only, written once a day at most: enough to tell a token still in use from
        // one to revoke, and no record of when in a day a coordinator reads.
        if (std::string day = utc_timestamp(now).substr(0, 10); day != record->last_used_day)
            store.note_coordinator_token_use(parsed->id, day);
        return {Role::coordinator, parsed->id, ""};
    }
    case 'k': {
        auto kiosk = store.kiosk_credentials(parsed->id);
        if (!kiosk || !kiosk->enrolled)
            throw bad();
        // The first use of a rotated token retires the one it replaces, so a copy of the old
        // one stops working from then on.
        const bool fresh = !kiosk->next_token_hash.empty() &&
                           constant_time_equal(secret_hash, kiosk->next_token_hash);
        if (!fresh && !constant_time_equal(secret_hash, kiosk->token_hash))
            throw bad();
        if (kiosk->revoked)
            throw unauthorized("token_revoked", "the kiosk has been revoked");
        if (fresh) {
            // A request beside the first use may find the swap already finished.
            if (!store.finish_kiosk_token_rotation(parsed->id, secret_hash, now)) {
                auto swapped = store.kiosk_credentials(parsed->id);
                if (!swapped || !constant_time_equal(secret_hash, swapped->token_hash))
                    throw bad();
            }
        } else if (kiosk->token_expires_at != 0 && kiosk->token_expires_at <= now) {
            throw unauthorized("token_expired",
                               "the kiosk's token ended on " +
                                   utc_timestamp(kiosk->token_expires_at) +
                                   ": enroll it again with a new code from the console");
        }
        return {Role::kiosk, parsed->id, ""};
    }
    default:
        throw bad();
    }
}

Principal require_role(const Poco::Net::HTTPServerRequest& request, StationStore& store,
                       std::time_t now, std::initializer_list<Role> roles) {
    Principal principal = authenticate(request, store, now);
    for (Role role : roles)
        if (role == principal.role)
            return principal;
    throw HttpError(Status::HTTP_FORBIDDEN, "forbidden", "this token may not do that");
}

Json parse_stored_document(const std::string& text) {
    JsonLimits limits;
    limits.max_bytes = 16 * 1024 * 1024;
    auto parsed = parse_json_input(text, limits);
    if (!parsed.value)
        throw std::runtime_error("a stored content document does not parse");
    return std::move(*parsed.value);
}

std::string read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                      BodyDeadline deadline) {
    auto too_large = [&] {
        return HttpError(Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                         "the request body is larger than " + std::to_string(limit) + " bytes");
    };
    if (request.hasContentLength() &&
        request.getContentLength64() > static_cast<Poco::Int64>(limit))
        throw too_large();
    std::string body;
    auto read = BodyRead::broken;
    try {
        read = read_pieces(request.stream(), deadline, [&](const char* piece, std::size_t size) {
            if (body.size() + size > limit)
                throw too_large();
            body.append(piece, size);
            return true;
        });
    } catch (const Poco::Exception&) {
        read = BodyRead::broken;
    }
    if (read == BodyRead::too_slow)
        throw HttpError(Status::HTTP_REQUEST_TIMEOUT, "body_too_slow",
                        "the request body did not arrive in time; send it again");
    // A body cut short is refused whole, never taken for a shorter request.
    if (read == BodyRead::broken ||
        (request.hasContentLength() &&
         static_cast<Poco::Int64>(body.size()) != request.getContentLength64()))
        throw HttpError(Status::HTTP_BAD_REQUEST, "invalid_body",
                        "the request body could not be read to its end");
    return body;
}

void require_media_type(const Poco::Net::HTTPServerRequest& request, std::string_view media_type) {
    bool matches = false;
    if (request.has("Content-Type")) {
        try {
            Poco::Net::MediaType type(request.getContentType());
            matches = Poco::icompare(type.getType() + "/" + type.getSubType(),
                                     std::string(media_type)) == 0;
        } catch (const std::exception&) {
            matches = false;
        }
    }
    if (!matches)
        throw HttpError(Status::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "the body must be " + std::string(media_type));
}

HttpError json_input_error(JsonInputError error, const std::string& message) {
    switch (error) {
    case JsonInputError::too_large:
        return HttpError(Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large", message);
    case JsonInputError::nul_byte:
        return HttpError(Status::HTTP_BAD_REQUEST, "nul_byte", message);
    case JsonInputError::invalid_utf8:
        return HttpError(Status::HTTP_BAD_REQUEST, "invalid_utf8", message);
    case JsonInputError::too_deep:
        return HttpError(Status::HTTP_BAD_REQUEST, "too_deep", message);
    case JsonInputError::malformed:
    case JsonInputError::none:
        break;
    }
    return HttpError(Status::HTTP_BAD_REQUEST, "invalid_json",
                     message.empty() ? "the body is not JSON" : message);
}

Json read_json_body(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                    BodyDeadline deadline) {
    require_media_type(request, "application/json");
    std::string body = read_body(request, limit, deadline);
    JsonLimits limits;
    limits.max_bytes = limit;
    auto parsed = parse_json_input(body, limits);
    if (!parsed.value)
        throw json_input_error(parsed.error, parsed.message);
    return std::move(*parsed.value);
}

void add_security_headers(Poco::Net::HTTPResponse& response, SecurityPolicy policy) {
    if (policy == SecurityPolicy::console_file)
        response.set("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self'; "
                     "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
                     "base-uri 'none'; form-action 'self'");
    else
        response.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    if (!response.has("Cache-Control"))
        response.set("Cache-Control", "no-store");
}

void describe_body(Poco::Net::HTTPResponse& response, std::string_view media_type, std::size_t size,
                   SecurityPolicy policy) {
    add_security_headers(response, policy);
    response.setContentType(std::string(media_type));
    response.setContentLength64(static_cast<Poco::Int64>(size));
}

std::string error_json(const HttpError& error) {
    Json body = {{"error", {{"code", error.code}, {"message", error.what()}}}};
    if (!error.details.empty()) {
        Json details = Json::array();
        for (const auto& problem : error.details)
            details.push_back({{"path", problem.path}, {"message", problem.message}});
        body["error"]["details"] = std::move(details);
    }
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void send_bytes(Poco::Net::HTTPServerResponse& response, Status status, std::string_view media_type,
                std::string_view bytes, SecurityPolicy policy) {
    describe_body(response, media_type, bytes.size(), policy);
    response.setStatusAndReason(status);
    response.sendBuffer(bytes.data(), bytes.size());
}

void send_json(Poco::Net::HTTPServerResponse& response, Status status, const Json& body) {
    // Replace, not throw, on any invalid UTF-8 that slipped into stored text.
    send_bytes(response, status, "application/json; charset=utf-8",
               body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void send_error_now(Poco::Net::HTTPServerResponse& response, const HttpError& error) {
    if (error.retry_after_seconds)
        response.set("Retry-After", std::to_string(*error.retry_after_seconds));
    const std::string body = error_json(error);
    describe_body(response, "application/json; charset=utf-8", body.size());
    response.setStatusAndReason(error.status);
    std::ostream& out = response.send();
    out << body;
    out.flush();
}

void send_error(Poco::Net::HTTPServerResponse& response, const HttpError& error) {
    if (error.retry_after_seconds)
        response.set("Retry-After", std::to_string(*error.retry_after_seconds));
    send_bytes(response, error.status, "application/json; charset=utf-8", error_json(error));
}

void send_no_content(Poco::Net::HTTPServerResponse& response) {
    add_security_headers(response);
    response.setStatusAndReason(Status::HTTP_NO_CONTENT);
    response.setContentLength(0);
    response.send();
}

std::string bearer_token(const Poco::Net::HTTPServerRequest& request) {
    if (!request.hasCredentials())
        return {};
    std::string scheme;
    std::string token;
    try {
        request.getCredentials(scheme, token);
    } catch (const std::exception&) {
        return {};
    }
    if (Poco::icompare(scheme, "Bearer") != 0)
        return {};
    return Poco::trim(token);
}

std::string utc_timestamp(std::time_t instant) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(instant),
                                           Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string required_text(const Json& body, const std::string& member, std::size_t max_length) {
    auto problem = [&](const std::string& message) {
        return HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "validation_failed",
                         "the request is not valid", {{"/" + member, message}});
    };
    if (!body.is_object())
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "validation_failed",
                        "the body must be a JSON object", {{"", "expected an object"}});
    auto found = body.find(member);
    if (found == body.end() || !found->is_string())
        throw problem("required, a string");
    const auto& text = found->get_ref<const std::string&>();
    if (text.empty() || text.size() > max_length)
        throw problem("must be 1 to " + std::to_string(max_length) + " bytes");
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f)
            throw problem("must not contain control characters");
    return text;
}

} // namespace wellness::station
