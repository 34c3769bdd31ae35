#pragma once

#include "config.hpp"
#include "http_support.hpp"

namespace wellness::station {

class StationTls;

// GET /api/v1/station: anyone; how to recognise this station: {"name", "time", "tls",
// "fingerprint", "next_fingerprint", "certificate_expires_at"}, and the summary rules a coordinator
// page states in plain words {"k", "seal_after_days"}. "time" is the station's clock, which decides
// which weeks are over and when sessions end, whatever a laptop's clock says. The console's sign-in
// page shows the fingerprint so an admin can compare it with what the browser shows before typing a
// password. GET /station-certificate.pem: the certificate, for an admin to import into a browser.
class StationIdentityHandler : public StationHandler {
  public:
    enum class Form { json, pem };
    StationIdentityHandler(const StationServices& services, const StationTls* tls, Form form)
        : StationHandler(services), tls_(tls), form_(form) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    const StationTls* tls_;
    Form form_;
};

} // namespace wellness::station
