#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

class StationTls;

// /api/v1/admin/kiosks: GET lists kiosks (last contact, content version), POST creates one with
// a single-use enrollment code.
class AdminKiosksHandler : public StationHandler {
  public:
    AdminKiosksHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                       const StationTls* tls, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config), tls_(tls) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
    const StationTls* tls_;
};

// DELETE /api/v1/admin/kiosks/{id}: revokes the kiosk (its token and any unused code).
class AdminKioskHandler : public StationHandler {
  public:
    AdminKioskHandler(StationStore& store, const Clock& clock, std::string id, Poco::Logger& logger)
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
