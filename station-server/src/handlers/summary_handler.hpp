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
    SummaryHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                   Poco::URI::QueryParameters query, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config),
          query_(std::move(query)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
    Poco::URI::QueryParameters query_;
};

} // namespace wellness::station
