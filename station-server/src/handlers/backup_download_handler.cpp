#include "backup_download_handler.hpp"

#include "station_backup.hpp"
#include "wellness/durable_file.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void BackupDownloadHandler::serve(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response) {
    const Principal admin = require_role(request, store(), station_time(), {Role::admin});
    const auto latest = latest_backup(config().data_dir / backups_directory);
    if (!latest)
        throw HttpError(Status::HTTP_NOT_FOUND, "no_backup",
                        "no nightly backup has been made yet (station-server-backup.timer)");
    const auto bytes = read_file_limited(*latest, max_backup_bytes);
    if (!bytes)
        throw std::runtime_error("cannot read the latest backup " + latest->string());
    // The name is one latest_backup() accepted: digits and letters only, safe in the header.
    response.set("Content-Disposition",
                 "attachment; filename=\"" + latest->filename().string() + "\"");
    // It carries every secret of the station: who took one is on the audit log.
    store().record_audit({station_time(), admin.admin_name}, "backup.download",
                         latest->filename().string());
    send_bytes(response, Status::HTTP_OK, "application/octet-stream", *bytes);
}

} // namespace wellness::station
