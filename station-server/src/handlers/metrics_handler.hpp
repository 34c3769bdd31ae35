#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_metrics.hpp"
#include "station_store.hpp"

namespace wellness::station {

class StationTls;

// GET /metrics: the station's health in Prometheus text format, for the precinct's IT; only
// with the metrics token. Answers by route, sync failures, storage, WAL size, kiosks by health,
// TLS certificate days left. Never a count of any use.
class MetricsHandler : public StationHandler {
  public:
    MetricsHandler(const StationServices& services, const StationTls* tls,
                   const RequestMetrics& requests, const MetricsToken& token)
        : StationHandler(services), tls_(tls), requests_(requests), token_(token) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    const StationTls* tls_;
    const RequestMetrics& requests_;
    const MetricsToken& token_;
};

// GET / POST / DELETE /api/v1/admin/metrics-token: admins; whether there is one, make a new one
// (shown once, replacing the old), revoke it.
class MetricsTokenHandler : public StationHandler {
  public:
    MetricsTokenHandler(const StationServices& services, MetricsToken& token)
        : StationHandler(services), token_(token) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    MetricsToken& token_;
};

} // namespace wellness::station
