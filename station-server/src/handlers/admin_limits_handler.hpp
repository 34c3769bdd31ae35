#pragma once

#include "config.hpp"
#include "http_support.hpp"

namespace wellness::station {

// GET /api/v1/admin/limits: admins; the limits this station checks, as the console needs them to
// refuse an upload or an edit before sending it (core/limits.hpp, with this station's settings
// where it may be stricter): {"asset_bytes", "image_side", "assets", "total_asset_bytes",
// "content_bytes", "k": {"min", "max", "current"}, "version_chars", "batch_bytes",
// "batch_entries"}.
class AdminLimitsHandler : public StationHandler {
  public:
    explicit AdminLimitsHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// The body of GET /api/v1/admin/limits for `config`.
Json limits_json(const StationConfig& config);

} // namespace wellness::station
