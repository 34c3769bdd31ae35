#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <Poco/URI.h>

namespace wellness::station {

// GET /api/v1/admin/qr.svg?data=TEXT: the QR code a kiosk would show, for the console preview.
class QrHandler : public StationHandler {
  public:
    QrHandler(StationStore& store, const Clock& clock, Poco::URI::QueryParameters query,
              Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), query_(std::move(query)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    Poco::URI::QueryParameters query_;
};

} // namespace wellness::station
