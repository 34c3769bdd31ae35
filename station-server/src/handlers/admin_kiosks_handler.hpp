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
    AdminKiosksHandler(const StationServices& services, const StationTls* tls)
        : StationHandler(services), tls_(tls) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    const StationTls* tls_;
};

// DELETE /api/v1/admin/kiosks/{id}: revokes the kiosk (its token and any unused code).
class AdminKioskHandler : public StationHandler {
  public:
    AdminKioskHandler(const StationServices& services, std::string id)
        : StationHandler(services), id_(std::move(id)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    std::string id_;
};

} // namespace wellness::station
