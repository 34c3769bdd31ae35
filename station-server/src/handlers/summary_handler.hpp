#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <Poco/URI.h>

namespace wellness::station {

// GET /api/v1/summary?from&to&period&format: counts through core's suppression with the
// station's k, by week, month or total; JSON or CSV. For coordinators and admins.
class SummaryHandler : public StationHandler {
  public:
    SummaryHandler(const StationServices& services, Poco::URI::QueryParameters query)
        : StationHandler(services), query_(std::move(query)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    Poco::URI::QueryParameters query_;
};

} // namespace wellness::station
