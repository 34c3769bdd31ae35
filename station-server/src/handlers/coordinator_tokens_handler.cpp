#include "coordinator_tokens_handler.hpp"

#include "security.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

namespace {

Json token_json(const CoordinatorTokenRecord& token) {
    return {
        {"id", std::to_string(token.id)},
        {"label", token.label},
        {"created_at", utc_timestamp(token.created_at)},
        {"expires_at", utc_timestamp(token.expires_at)},
        {"revoked", token.revoked},
        {"last_used_day", token.last_used_day.empty() ? Json(nullptr) : Json(token.last_used_day)}};
}

} // namespace

void CoordinatorTokensHandler::serve(Poco::Net::HTTPServerRequest& request,
                                     Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "GET") {
        Json tokens = Json::array();
        for (const auto& token : store().list_coordinator_tokens())
            tokens.push_back(token_json(token));
        // The station's own time, so the console says "today" by the station's calendar.
        send_json(response, Status::HTTP_OK,
                  {{"tokens", tokens}, {"station_time", utc_timestamp(station_time())}});
        return;
    }
    Json body = read_json_body(request, config().max_json_body_bytes);
    std::string label = required_text(body, "label", 64);
    long days = config().coordinator_token_days;
    if (body.contains("days")) {
        if (!body["days"].is_number_integer() || body["days"].get<long>() < 1 ||
            body["days"].get<long>() > 730)
            throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_days",
                            "days: a whole number of days from 1 to 730");
        days = body["days"].get<long>();
    }
    std::string secret = random_secret();
    const std::time_t now = station_time();
    auto id = store().create_coordinator_token(label, sha256_hex(secret), now + days * 24 * 3600,
                                               {now, admin.admin_name});
    Json answer = token_json(*store().find_coordinator_token(id));
    answer["token"] = make_token('c', id, secret);
    send_json(response, Status::HTTP_CREATED, answer);
}

void CoordinatorTokenHandler::serve(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    auto id = parse_id(id_);
    if (!id || !store().revoke_coordinator_token(*id, {station_time(), admin.admin_name}))
        throw not_found("no such coordinator token");
    send_json(response, Status::HTTP_OK, token_json(*store().find_coordinator_token(*id)));
}

} // namespace wellness::station
