#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <Poco/URI.h>

namespace wellness::station {

// GET /api/v1/admin/qr.svg?data=TEXT: the QR code a kiosk would show, for the console preview.
class QrHandler : public StationHandler {
  public:
    QrHandler(const StationServices& services, Poco::URI::QueryParameters query)
        : StationHandler(services), query_(std::move(query)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    Poco::URI::QueryParameters query_;
};

} // namespace wellness::station
