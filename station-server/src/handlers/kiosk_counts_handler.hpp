#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// POST /api/v1/kiosk/counts: a closed-week batch, decoded by core (anything it refuses is
// refused whole) and applied exactly once per batch id. Never logs the batch.
class KioskCountsHandler : public StationHandler {
  public:
    KioskCountsHandler(StationStore& store, const Clock& clock, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
};

} // namespace wellness::station
