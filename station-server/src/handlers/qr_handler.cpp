#include "qr_handler.hpp"

#include "qr_svg.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void QrHandler::serve(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    std::string data;
    int found = 0;
    for (const auto& [name, value] : query_)
        if (name == "data") {
            data = value;
            ++found;
        }
    if (found != 1 || data.empty() || data.size() > 1024)
        throw invalid_request("invalid_query", "give data=TEXT once, 1 to 1024 bytes");
    auto svg = qr_svg(data);
    if (!svg)
        throw invalid_request("invalid_query", "the text does not fit a QR code");
    send_bytes(response, Status::HTTP_OK, "image/svg+xml", *svg);
}

} // namespace wellness::station
