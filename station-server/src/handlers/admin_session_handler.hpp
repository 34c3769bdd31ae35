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
    AdminSessionHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                        LoginThrottle& throttle, AccountThrottle& account_throttle,
                        Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config),
          throttle_(throttle), account_throttle_(account_throttle) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    void sign_in(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void sign_out(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
    LoginThrottle& throttle_;
    AccountThrottle& account_throttle_;
};

} // namespace wellness::station
