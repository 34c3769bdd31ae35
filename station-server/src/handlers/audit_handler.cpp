#include "audit_handler.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void AuditHandler::serve(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    Json entries = Json::array();
    for (const auto& entry : store().audit_log(500))
        entries.push_back({{"time", utc_timestamp(entry.at)},
                           {"admin", entry.admin},
                           {"action", entry.action},
                           {"object", entry.object},
                           {"details", entry.details}});
    send_json(response, Status::HTTP_OK, {{"entries", entries}});
}

} // namespace wellness::station
