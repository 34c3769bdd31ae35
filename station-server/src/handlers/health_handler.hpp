#pragma once

#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// GET /healthz: anyone; says the station runs and which content version is live.
class HealthHandler : public StationHandler {
  public:
    explicit HealthHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
