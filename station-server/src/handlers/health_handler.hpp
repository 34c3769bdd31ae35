#pragma once

#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// GET /healthz: anyone; says the station runs and which content version is live.
class HealthHandler : public StationHandler {
  public:
    HealthHandler(StationStore& store, Poco::Logger& logger)
        : StationHandler(logger), store_(store) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
};

} // namespace wellness::station
