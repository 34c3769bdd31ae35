#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// GET /api/v1/admin/audit: the newest admin changes (who, when, what object).
class AuditHandler : public StationHandler {
  public:
    explicit AuditHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
