#include "health_handler.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void HealthHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    // A station that cannot write loses counts and sign-ins: monitoring must hear of it.
    if (auto problem = store().storage_problem(std::time(nullptr))) {
        logger().error("health: the database takes no writes: " + *problem);
        send_json(response, Status::HTTP_SERVICE_UNAVAILABLE,
                  {{"status", "storage_failing"},
                   {"reason", "the database takes no writes (disk full or read-only?)"}});
        return;
    }
    auto current = store().current_content();
    send_json(response, Status::HTTP_OK,
              {{"status", "ok"},
               {"content_version", current ? std::to_string(current->version) : std::string()}});
}

} // namespace wellness::station
