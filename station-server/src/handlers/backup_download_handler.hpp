#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// GET /api/v1/admin/backups/latest: the newest nightly backup in the data directory's backups/
// as a download, for admins only (it holds the TLS key and every password and token hash).
class BackupDownloadHandler : public StationHandler {
  public:
    explicit BackupDownloadHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
