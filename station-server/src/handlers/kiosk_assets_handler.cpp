#include "kiosk_assets_handler.hpp"

#include "wellness/content.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void send_asset(StationStore& store, const std::string& name,
                Poco::Net::HTTPServerResponse& response) {
    if (!is_asset_name(name))
        throw not_found("no such asset");
    auto asset = store.asset(name);
    if (!asset)
        throw not_found("no such asset");
    response.set("ETag", "\"" + asset->info.sha256 + "\"");
    response.set("Cache-Control", "private, max-age=31536000, immutable");
    send_bytes(response, Status::HTTP_OK, asset->info.media_type, asset->bytes);
}

void KioskAssetHandler::serve(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::kiosk});
    send_asset(store(), name_, response);
}

} // namespace wellness::station
