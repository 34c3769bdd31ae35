#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// GET /api/v1/admin/assets: every uploaded asset, without bytes.
class AdminAssetListHandler : public StationHandler {
  public:
    explicit AdminAssetListHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// /api/v1/admin/assets/{name}: GET the bytes, PUT uploads a checked PNG / JPEG (immutable: the
// same name with other bytes is a conflict).
class AdminAssetHandler : public StationHandler {
  public:
    AdminAssetHandler(const StationServices& services, std::string name)
        : StationHandler(services), name_(std::move(name)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    void upload(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                const Principal& admin);

    std::string name_;
};

} // namespace wellness::station
