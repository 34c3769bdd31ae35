#include "admin_kiosks_handler.hpp"

#include "security.hpp"
#include "station_metrics.hpp"
#include "station_tls.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

namespace {

// `health` ("ok", "late", "silent") is /metrics' classification; null for a kiosk not in
// service (not enrolled yet, or revoked).
Json kiosk_json(const KioskRecord& kiosk, std::time_t now, std::chrono::seconds sync_interval) {
    const auto health = kiosk_health(kiosk, now, sync_interval);
    return {
        {"kiosk_id", std::to_string(kiosk.id)},
        {"name", kiosk.name},
        {"created_at", utc_timestamp(kiosk.created_at)},
        {"enrolled", kiosk.enrolled},
        {"revoked", kiosk.revoked},
        {"enrollment_code_expires_at",
         kiosk.code_expires_at ? Json(utc_timestamp(*kiosk.code_expires_at)) : Json()},
        {"last_contact", kiosk.last_contact ? Json(utc_timestamp(*kiosk.last_contact)) : Json()},
        // A kiosk that was off past its token's end must be enrolled again.
        {"token_expires_at",
         kiosk.token_expires_at ? Json(utc_timestamp(*kiosk.token_expires_at)) : Json()},
        {"content_version", kiosk.content_version.empty() ? Json() : Json(kiosk.content_version)},
        {"health", health ? Json(std::string(kiosk_health_name(*health))) : Json()}};
}

std::string format_code(const std::string& code) {
    return code.substr(0, 5) + "-" + code.substr(5);
}

} // namespace

void AdminKiosksHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    if (request.getMethod() == "GET") {
        Json kiosks = Json::array();
        for (const auto& kiosk : store_.list_kiosks())
            kiosks.push_back(kiosk_json(kiosk, clock_(), config_.kiosk_sync_interval));
        send_json(response, Status::HTTP_OK, {{"kiosks", kiosks}});
        return;
    }
    Json body = read_json_body(request, config_.max_json_body_bytes);
    std::string name = required_text(body, "name", 64);
    std::string code = random_code(10);
    std::time_t now = clock_();
    std::time_t expires = now + static_cast<std::time_t>(config_.enrollment_code_lifetime.count());
    auto id = store_.create_kiosk(name, sha256_hex(code), expires, {now, admin.admin_name});
    Json created{{"kiosk_id", std::to_string(id)},
                 {"name", name},
                 {"enrollment_code", format_code(code)},
                 {"expires_at", utc_timestamp(expires)}};
    // The kiosk's config takes both: the code enrolls it, the fingerprint is the only
    // certificate it will talk to (a plain-HTTP trial station on loopback has none).
    if (tls_)
        created["station_fingerprint"] = tls_->fingerprint();
    send_json(response, Status::HTTP_CREATED, created);
}

void AdminKioskHandler::serve(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    auto id = parse_id(id_);
    if (!id || !store_.revoke_kiosk(*id, {clock_(), admin.admin_name}))
        throw not_found("no such kiosk");
    send_json(response, Status::HTTP_OK, kiosk_json(*store_.find_kiosk(*id), clock_(), {}));
}

} // namespace wellness::station
