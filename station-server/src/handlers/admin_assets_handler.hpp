#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// GET /api/v1/admin/assets: every uploaded asset, without bytes.
class AdminAssetListHandler : public StationHandler {
  public:
    AdminAssetListHandler(StationStore& store, const Clock& clock, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
};

// /api/v1/admin/assets/{name}: GET the bytes, PUT uploads a checked PNG / JPEG (immutable: the
// same name with other bytes is a conflict).
class AdminAssetHandler : public StationHandler {
  public:
    AdminAssetHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                      std::string name, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config),
          name_(std::move(name)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    void upload(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                const Principal& admin);

    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
    std::string name_;
};

} // namespace wellness::station
