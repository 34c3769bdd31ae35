#include "health_handler.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void HealthHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    auto current = store_.current_content();
    send_json(response, Status::HTTP_OK,
              {{"status", "ok"},
               {"content_version", current ? std::to_string(current->version) : std::string()}});
}

} // namespace wellness::station
