#include "station_identity_handler.hpp"

#include "station_tls.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void StationIdentityHandler::serve(Poco::Net::HTTPServerRequest&,
                                   Poco::Net::HTTPServerResponse& response) {
    if (form_ == Form::pem) {
        if (!tls_)
            throw not_found();
        const std::string pem = tls_->certificate_pem();
        response.set("Content-Disposition", "attachment; filename=\"station-certificate.pem\"");
        send_bytes(response, Status::HTTP_OK, "application/x-pem-file", pem);
        return;
    }
    Json identity{{"name", config().station_name},
                  {"time", utc_timestamp(station_time())},
                  {"tls", tls_ != nullptr},
                  {"k", config().k},
                  {"seal_after_days", config().seal_after_days}};
    if (tls_) {
        identity["fingerprint"] = tls_->fingerprint();
        identity["certificate_expires_at"] = utc_timestamp(tls_->not_after());
        if (auto next = tls_->next_fingerprint())
            identity["next_fingerprint"] = *next;
    }
    send_json(response, Status::HTTP_OK, identity);
}

} // namespace wellness::station
