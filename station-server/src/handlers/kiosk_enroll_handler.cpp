#include "kiosk_enroll_handler.hpp"

#include "security.hpp"
#include "wellness/limits.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <cctype>

namespace wellness::station {

namespace {

// Codes are typed by a person: ignore case, spaces and dashes.
std::string normalize_code(const std::string& code) {
    std::string normalized;
    for (char c : code) {
        if (c == '-' || c == ' ')
            continue;
        normalized.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return normalized;
}

} // namespace

void KioskEnrollHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    std::string address = request.clientAddress().host().toString();
    // Counted as failed from its start, so guesses sent side by side cannot all be tried.
    if (auto wait = throttle_.begin_attempt(address, station_time())) {
        HttpError error(Status::HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                        "too many failed enrollments from this address: try again later");
        error.retry_after_seconds = *wait;
        throw error;
    }
    Json body = read_json_body(request, config().max_json_body_bytes);
    std::string code = normalize_code(
        required_text(body, "enrollment_code", shared_limits::max_enrollment_code_chars));
    std::string secret = random_secret();
    auto enrollment =
        store().enroll_kiosk(sha256_hex(code), sha256_hex(secret), station_time(),
                             static_cast<std::time_t>(config().kiosk_token_days) * 86400);
    switch (enrollment.outcome) {
    case EnrollOutcome::enrolled:
        throttle_.record_success(address);
        logger().information("a kiosk enrolled");
        send_json(response, Status::HTTP_OK,
                  {{"kiosk_id", std::to_string(enrollment.kiosk_id)},
                   {"token", make_token('k', enrollment.kiosk_id, secret)}});
        return;
    case EnrollOutcome::expired:
        throw unauthorized("enrollment_code_expired",
                           "the enrollment code has expired: ask the admin for a new kiosk code");
    case EnrollOutcome::already_used:
        throw unauthorized("enrollment_code_used", "the enrollment code has already been used");
    case EnrollOutcome::revoked:
        throw unauthorized("kiosk_revoked", "this kiosk has been revoked");
    case EnrollOutcome::unknown_code:
        break;
    }
    throw unauthorized("invalid_enrollment_code", "the enrollment code is not valid");
}

} // namespace wellness::station
