#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace wellness::station {

class StationTls;

// The kiosk manifest's JSON text of the live content version, built once per version: every
// kiosk polls it, and it only changes on a publish.
class ManifestCache {
  public:
    std::optional<std::string> find(std::int64_t version);
    void remember(std::int64_t version, std::string body);

  private:
    std::mutex mutex_;
    std::int64_t version_ = 0;
    std::string body_;
};

// GET /api/v1/kiosk/content: {"version","document","assets","k"} with the version as ETag
// (If-None-Match gives 304); records the kiosk's contact and the version it runs.
class KioskContentHandler : public StationHandler {
  public:
    KioskContentHandler(const StationServices& services, ManifestCache& manifests,
                        const StationTls* tls, const std::string& ledger_id)
        : StationHandler(services), manifests_(manifests), tls_(tls), ledger_id_(ledger_id) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    std::string build_manifest(const ContentVersionRecord& current);
    void note_contact(std::int64_t kiosk, const std::string& version);

    ManifestCache& manifests_;
    const StationTls* tls_;
    const std::string& ledger_id_;
};

} // namespace wellness::station
