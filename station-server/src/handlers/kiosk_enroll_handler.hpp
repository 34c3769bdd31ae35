#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "login_throttle.hpp"
#include "station_store.hpp"

namespace wellness::station {

// POST /api/v1/kiosk/enroll {"enrollment_code"}: trades a single-use, unexpired code for the
// kiosk's token; failed codes are throttled per address.
class KioskEnrollHandler : public StationHandler {
  public:
    KioskEnrollHandler(const StationServices& services, LoginThrottle& throttle)
        : StationHandler(services), throttle_(throttle) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    LoginThrottle& throttle_;
};

} // namespace wellness::station
