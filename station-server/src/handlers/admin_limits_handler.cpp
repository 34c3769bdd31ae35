#include "admin_limits_handler.hpp"

#include "wellness/limits.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

Json limits_json(const StationConfig& config) {
    namespace shared = shared_limits;
    return {{"asset_bytes", config.max_asset_bytes},
            {"image_side", config.max_image_side},
            {"assets", shared::max_assets},
            {"total_asset_bytes", shared::max_total_asset_bytes},
            {"content_bytes", config.max_content_body_bytes},
            {"k", {{"min", minimum_k}, {"max", shared::max_k}, {"current", config.k}}},
            {"version_chars", shared::max_version_chars},
            {"id_chars", shared::max_id_chars},
            {"asset_name_chars", shared::max_asset_name_chars},
            {"batch_id_chars", shared::batch_id_chars},
            {"token_chars", shared::max_token_chars},
            {"enrollment_code_chars", shared::max_enrollment_code_chars},
            {"kiosk_name_chars", shared::max_kiosk_name_chars},
            {"batch_bytes", shared::max_batch_bytes},
            {"batch_entries", shared::max_batch_entries}};
}

void AdminLimitsHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    send_json(response, Status::HTTP_OK, limits_json(config()));
}

} // namespace wellness::station
