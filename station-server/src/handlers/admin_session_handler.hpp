#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "login_throttle.hpp"
#include "station_store.hpp"

namespace wellness::station {

// /api/v1/admin/session: POST signs an admin in (throttled per address and per account),
// DELETE signs out.
class AdminSessionHandler : public StationHandler {
  public:
    AdminSessionHandler(const StationServices& services, LoginThrottle& throttle,
                        AccountThrottle& account_throttle)
        : StationHandler(services), throttle_(throttle), account_throttle_(account_throttle) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    void sign_in(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void sign_out(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    LoginThrottle& throttle_;
    AccountThrottle& account_throttle_;
};

} // namespace wellness::station
