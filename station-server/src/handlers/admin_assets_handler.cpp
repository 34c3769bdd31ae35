#include "admin_assets_handler.hpp"

#include "image_check.hpp"
#include "kiosk_assets_handler.hpp"
#include "security.hpp"
#include "wellness/content.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>
#include <Poco/String.h>

namespace wellness::station {

void AdminAssetListHandler::serve(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    Json assets = Json::array();
    for (const auto& asset : store().list_assets())
        assets.push_back({{"name", asset.name},
                          {"sha256", asset.sha256},
                          {"size", asset.size},
                          {"media_type", asset.media_type}});
    send_json(response, Status::HTTP_OK, {{"assets", assets}});
}

void AdminAssetHandler::serve(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "GET")
        send_asset(store(), name_, response);
    else
        upload(request, response, admin);
}

void AdminAssetHandler::upload(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response, const Principal& admin) {
    if (!is_asset_name(name_))
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_asset_name",
                        "asset names are 1 to 64 of a-z 0-9 - _ . ending in .png, .jpg or .jpeg",
                        {{"", "bad asset name"}});
    std::string media_type;
    try {
        Poco::Net::MediaType type(request.getContentType());
        media_type = Poco::toLower(type.getType() + "/" + type.getSubType());
    } catch (const std::exception&) {
    }
    if (media_type != "image/png" && media_type != "image/jpeg")
        throw HttpError(Status::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "assets must be image/png or image/jpeg");
    std::string bytes = read_body(request, config().max_asset_bytes);
    if (auto checked = check_image(bytes, media_type, name_, config().max_image_side);
        !checked.image)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_image", checked.problem,
                        {{"", checked.problem}});
    AssetRecord asset{
        {name_, media_type, sha256_hex(bytes), static_cast<std::int64_t>(bytes.size())},
        std::move(bytes)};
    auto outcome = store().put_asset(asset, {station_time(), admin.admin_name});
    if (outcome == AssetPutOutcome::conflict)
        throw HttpError(Status::HTTP_CONFLICT, "asset_exists",
                        "an asset with this name and other bytes exists: upload under a new name");
    send_json(response, outcome == AssetPutOutcome::stored ? Status::HTTP_CREATED : Status::HTTP_OK,
              {{"name", asset.info.name},
               {"sha256", asset.info.sha256},
               {"size", asset.info.size},
               {"media_type", asset.info.media_type}});
}

} // namespace wellness::station
