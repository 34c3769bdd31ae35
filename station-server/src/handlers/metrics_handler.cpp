#include "metrics_handler.hpp"

#include "kiosk_health.hpp"
#include "station_tls.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <array>
#include <cmath>
#include <filesystem>

namespace wellness::station {

namespace {

using Type = PrometheusText::Type;

// The kiosks' own routes: an error answer on one is a kiosk's sync that failed.
bool is_kiosk_route(const std::string& route) {
    return route.starts_with("/api/v1/kiosk/");
}

void add_requests(PrometheusText& text, const RequestMetrics& requests) {
    const auto routes = requests.routes();
    text.family("wellness_station_http_requests_total", Type::counter,
                "HTTP requests answered, by route (its path pattern, never a path with an id).");
    for (const auto* route : routes)
        text.sample({{"route", route->route()}}, static_cast<double>(route->total()));
    text.family("wellness_station_http_errors_total", Type::counter,
                "HTTP requests answered with an error status, by route and status class.");
    for (const auto* route : routes)
        for (int status_class : {4, 5})
            text.sample({{"route", route->route()}, {"class", std::to_string(status_class) + "xx"}},
                        static_cast<double>(route->answered(status_class)));
    text.family("wellness_station_sync_failures_total", Type::counter,
                "Kiosk sync requests (enroll, content, assets, counts) the station answered "
                "with an error, by route.");
    for (const auto* route : routes)
        if (is_kiosk_route(route->route()))
            text.sample({{"route", route->route()}},
                        static_cast<double>(route->answered(4) + route->answered(5)));
}

// Whole MiB, rounded down: enough to see a log that is not cut back, and no trace of single
// commits (a kiosk's release is one), so this gauge stays still while kiosks sync.
double wal_mebibytes(const StationConfig& config) {
    std::error_code error;
    auto wal = database_file(config);
    wal += "-wal";
    const auto size = std::filesystem::file_size(wal, error);
    if (error)
        return 0;
    return static_cast<double>(size / (1024 * 1024) * (1024 * 1024));
}

} // namespace

void MetricsHandler::serve(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) {
    const std::string token = bearer_token(request);
    if (token.empty())
        throw unauthorized("unauthenticated",
                           "this needs an Authorization: Bearer token: the metrics token an admin "
                           "makes in the console");
    if (!token_.matches(token))
        throw unauthorized("invalid_token", "the metrics token is not valid");
    const std::time_t now = station_time();

    PrometheusText text;
    add_requests(text, requests_);

    // The same probe as /healthz: one committed row.
    const bool storage_ok = !store().storage_problem(now);
    text.family("wellness_station_storage_ok", Type::gauge,
                "1 when the database takes writes (the /healthz probe), 0 when it does not.");
    text.sample({}, storage_ok ? 1 : 0);
    text.family("wellness_station_wal_bytes", Type::gauge,
                "Size of the database's write-ahead log, in whole MiB (rounded down).");
    text.sample({}, wal_mebibytes(config()));

    // The console's kiosk list says the same of each kiosk (kiosk_health.hpp).
    const std::array in_service{KioskHealth::ok, KioskHealth::late, KioskHealth::silent};
    std::array<int, 3> by_health{};
    for (const auto& kiosk : store().list_kiosks()) {
        const auto health = kiosk_health(kiosk, now, config().kiosk_contact_interval);
        for (std::size_t i = 0; i < in_service.size(); ++i)
            by_health[i] += health == in_service[i] ? 1 : 0;
    }
    text.family("wellness_station_kiosks", Type::gauge,
                "Enrolled kiosks by last contact: ok, late (none for two contact intervals), "
                "silent (none for 24 hours).");
    for (std::size_t i = 0; i < in_service.size(); ++i)
        text.sample({{"state", std::string(to_string(in_service[i]))}}, by_health[i]);

    if (tls_) {
        text.family("wellness_station_tls_certificate_days_left", Type::gauge,
                    "Whole days until the TLS certificate in use ends (negative once it has).");
        text.sample({}, std::floor(static_cast<double>(tls_->not_after() - now) / 86400.0));
    }
    send_bytes(response, Status::HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text.text());
}

void MetricsTokenHandler::serve(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "POST") {
        const std::string token = token_.issue();
        logger().information("a new metrics token was made by admin " + admin.admin_name);
        send_json(response, Status::HTTP_CREATED, {{"token", token}, {"configured", true}});
        return;
    }
    if (request.getMethod() == "DELETE") {
        token_.revoke();
        logger().information("the metrics token was revoked by admin " + admin.admin_name);
    }
    send_json(response, Status::HTTP_OK, {{"configured", token_.configured()}});
}

} // namespace wellness::station
