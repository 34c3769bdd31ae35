#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// Answers an asset's bytes (immutable, so cacheable by its hash); 404 for a bad or unknown name.
void send_asset(StationStore& store, const std::string& name,
                Poco::Net::HTTPServerResponse& response);

// GET /api/v1/kiosk/assets/{name}: an image the content refers to, for enrolled kiosks.
class KioskAssetHandler : public StationHandler {
  public:
    KioskAssetHandler(const StationServices& services, std::string name)
        : StationHandler(services), name_(std::move(name)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    std::string name_;
};

} // namespace wellness::station
