#include "coordinator_tokens_handler.hpp"

#include "security.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

namespace {

Json token_json(const CoordinatorTokenRecord& token) {
    return {{"id", std::to_string(token.id)},
            {"label", token.label},
            {"created_at", utc_timestamp(token.created_at)},
            {"revoked", token.revoked}};
}

} // namespace

void CoordinatorTokensHandler::serve(Poco::Net::HTTPServerRequest& request,
                                     Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    if (request.getMethod() == "GET") {
        Json tokens = Json::array();
        for (const auto& token : store_.list_coordinator_tokens())
            tokens.push_back(token_json(token));
        send_json(response, Status::HTTP_OK, {{"tokens", tokens}});
        return;
    }
    Json body = read_json_body(request, config_.max_json_body_bytes);
    std::string label = required_text(body, "label", 64);
    std::string secret = random_secret();
    auto id =
        store_.create_coordinator_token(label, sha256_hex(secret), {clock_(), admin.admin_name});
    Json answer = token_json(*store_.find_coordinator_token(id));
    answer["token"] = make_token('c', id, secret);
    send_json(response, Status::HTTP_CREATED, answer);
}

void CoordinatorTokenHandler::serve(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    auto id = parse_id(id_);
    if (!id || !store_.revoke_coordinator_token(*id, {clock_(), admin.admin_name}))
        throw not_found("no such coordinator token");
    send_json(response, Status::HTTP_OK, token_json(*store_.find_coordinator_token(*id)));
}

} // namespace wellness::station
