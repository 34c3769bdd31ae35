#include "kiosk_token_handler.hpp"

#include "security.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

bool kiosk_token_rotation_due(const KioskCredentials& credentials, const StationConfig& config,
                              std::time_t now) {
    const std::time_t age = now - credentials.token_issued_at;
    return age >= static_cast<std::time_t>(config.kiosk_token_rotate_days) * 86400 ||
           (credentials.token_expires_at != 0 &&
            credentials.token_expires_at - now <=
                static_cast<std::time_t>(config.kiosk_token_rotate_days) * 86400);
}

void KioskTokenHandler::serve(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
    const std::time_t now = station_time();
    Principal kiosk = require_role(request, store(), now, {Role::kiosk});
    auto credentials = store().kiosk_credentials(kiosk.id);
    if (!credentials || !kiosk_token_rotation_due(*credentials, config(), now))
        throw HttpError(Status::HTTP_CONFLICT, "rotation_not_due",
                        "this kiosk's token is not due to be swapped yet");
    const std::string secret = random_secret();
    const std::time_t expires_at =
        config().kiosk_token_days > 0
            ? now + static_cast<std::time_t>(config().kiosk_token_days) * 86400
            : 0; // no end (station-bench only)
    store().begin_kiosk_token_rotation(kiosk.id, sha256_hex(secret), expires_at);
    logger().information("a kiosk was handed a fresh token");
    send_json(response, Status::HTTP_OK,
              {{"token", make_token('k', kiosk.id, secret)},
               {"expires_at", expires_at != 0 ? Json(utc_timestamp(expires_at)) : Json()}});
}

} // namespace wellness::station
