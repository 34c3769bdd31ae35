#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// GET /api/v1/admin/audit: the newest admin changes (who, when, what object).
class AuditHandler : public StationHandler {
  public:
    AuditHandler(StationStore& store, const Clock& clock, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
};

} // namespace wellness::station
