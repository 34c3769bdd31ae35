#include "admin_kiosks_handler.hpp"

#include "kiosk_health.hpp"
#include "security.hpp"
#include "station_tls.hpp"
#include "wellness/limits.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <filesystem>
#include <system_error>

namespace wellness::station {

namespace {

Json kiosk_json(const KioskRecord& kiosk) {
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
        {"content_version", kiosk.content_version.empty() ? Json() : Json(kiosk.content_version)}};
}

std::string format_code(const std::string& code) {
    return code.substr(0, 5) + "-" + code.substr(5);
}

} // namespace

void AdminKiosksHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "GET") {
        // The console's health dashboard: every time here is the station's, so a laptop with
        // a wrong clock still shows how long ago each kiosk called.
        const std::time_t now = station_time();
        Json kiosks = Json::array();
        for (const auto& kiosk : store().list_kiosks()) {
            Json entry = kiosk_json(kiosk);
            entry["health"] = to_string(kiosk_health(kiosk, now, config().kiosk_contact_interval));
            kiosks.push_back(std::move(entry));
        }
        const auto live = store().current_content();
        const auto storage_problem = store().storage_problem(now);
        std::error_code space_error;
        const auto space = std::filesystem::space(config().data_dir, space_error);
        send_json(response, Status::HTTP_OK,
                  {{"kiosks", kiosks},
                   {"station_time", utc_timestamp(now)},
                   {"contact_interval_seconds", config().kiosk_contact_interval.count()},
                   {"live_content_version", live ? Json(std::to_string(live->version)) : Json()},
                   {"storage",
                    {{"ok", !storage_problem.has_value()},
                     {"problem", storage_problem ? Json(*storage_problem) : Json()},
                     {"free_bytes", space_error ? Json() : Json(space.available)}}}});
        return;
    }
    Json body = read_json_body(request, config().max_json_body_bytes);
    std::string name = required_text(body, "name", shared_limits::max_kiosk_name_chars);
    std::string code = random_code(10);
    std::time_t now = station_time();
    std::time_t expires = now + static_cast<std::time_t>(config().enrollment_code_lifetime.count());
    auto id = store().create_kiosk(name, sha256_hex(code), expires, {now, admin.admin_name});
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
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    auto id = parse_id(id_);
    if (!id || !store().revoke_kiosk(*id, {station_time(), admin.admin_name}))
        throw not_found("no such kiosk");
    send_json(response, Status::HTTP_OK, kiosk_json(*store().find_kiosk(*id)));
}

} // namespace wellness::station
