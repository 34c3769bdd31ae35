#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <filesystem>

namespace wellness::station {

// GET /api/v1/admin/backups/latest: the newest nightly backup in the data directory's backups/
// as a download, for admins only (it holds the TLS key and every password and token hash).
class BackupDownloadHandler : public StationHandler {
  public:
    BackupDownloadHandler(StationStore& store, const Clock& clock,
                          std::filesystem::path backups_dir, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock),
          backups_dir_(std::move(backups_dir)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    std::filesystem::path backups_dir_;
};

} // namespace wellness::station
