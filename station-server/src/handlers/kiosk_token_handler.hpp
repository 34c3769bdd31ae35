#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// POST /api/v1/kiosk/token (a kiosk, once told to swap): {"token", "expires_at"}, a fresh token
// that replaces the current one when the kiosk first uses it; until then the current one
// still works, so an answer lost on the way costs nothing. 409 rotation_not_due before the
// swap is due (kiosk_headers.hpp: token_rotation_header), so a copied token cannot be used to hand
// out tokens at will.
class KioskTokenHandler : public StationHandler {
  public:
    explicit KioskTokenHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// Whether the kiosk's token is old enough to be swapped for a fresh one.
bool kiosk_token_rotation_due(const KioskCredentials& credentials, const StationConfig& config,
                              std::time_t now);

} // namespace wellness::station
