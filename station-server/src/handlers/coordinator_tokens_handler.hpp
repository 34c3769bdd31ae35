#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// /api/v1/admin/coordinator-tokens: GET lists them without secrets, POST creates one and shows
// its token once.
class CoordinatorTokensHandler : public StationHandler {
  public:
    CoordinatorTokensHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                             Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
};

// DELETE /api/v1/admin/coordinator-tokens/{id}: revokes one.
class CoordinatorTokenHandler : public StationHandler {
  public:
    CoordinatorTokenHandler(StationStore& store, const Clock& clock, std::string id,
                            Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), id_(std::move(id)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    std::string id_;
};

} // namespace wellness::station
