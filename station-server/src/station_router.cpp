#include "station_router.hpp"

#include "handlers/admin_accounts_handler.hpp"
#include "handlers/admin_assets_handler.hpp"
#include "handlers/admin_content_handler.hpp"
#include "handlers/admin_kiosks_handler.hpp"
#include "handlers/admin_limits_handler.hpp"
#include "handlers/admin_session_handler.hpp"
#include "handlers/audit_handler.hpp"
#include "handlers/backup_download_handler.hpp"
#include "handlers/coordinator_tokens_handler.hpp"
#include "handlers/health_handler.hpp"
#include "handlers/kiosk_assets_handler.hpp"
#include "handlers/kiosk_content_handler.hpp"
#include "handlers/kiosk_counts_handler.hpp"
#include "handlers/kiosk_enroll_handler.hpp"
#include "handlers/kiosk_token_handler.hpp"
#include "handlers/metrics_handler.hpp"
#include "handlers/qr_handler.hpp"
#include "handlers/static_files_handler.hpp"
#include "handlers/station_identity_handler.hpp"
#include "handlers/summary_handler.hpp"
#include "http_support.hpp"
#include "station_backup.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <exception>
#include <sstream>

namespace wellness::station {

namespace {

using Poco::Net::HTTPRequestHandler;

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::stringstream stream(path);
    std::string segment;
    while (std::getline(stream, segment, '/'))
        if (!segment.empty())
            segments.push_back(segment);
    return segments;
}

// Answers a failure found before any resource handler could take the request.
class FailureHandler : public StationHandler {
  public:
    FailureHandler(const StationServices& services, std::exception_ptr failure)
        : StationHandler(services), failure_(std::move(failure)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&) override {
        std::rethrow_exception(failure_);
    }

  private:
    std::exception_ptr failure_;
};

// 405 with Allow; on admin routes only after the admin's token has been checked.
class MethodNotAllowedHandler : public StationHandler {
  public:
    MethodNotAllowedHandler(const StationServices& services, std::string allowed, bool admins_only)
        : StationHandler(services), allowed_(std::move(allowed)), admins_only_(admins_only) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override {
        if (admins_only_)
            require_role(request, store(), station_time(), {Role::admin});
        response.set("Allow", allowed_);
        throw HttpError(Status::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                        "this path does not accept " + request.getMethod());
    }

  private:
    std::string allowed_;
    bool admins_only_;
};

std::string join(const std::vector<std::string>& methods) {
    std::string joined;
    for (const auto& method : methods)
        joined += (joined.empty() ? "" : ", ") + method;
    return joined;
}

} // namespace

StationRouter::StationRouter(const StationConfig& config, const Clock& clock, StationStore& store,
                             Poco::Logger& logger, LoginThrottle& login_throttle,
                             AccountThrottle& account_throttle, LoginThrottle& enroll_throttle,
                             ManifestCache& manifests, CountsWriter& counts_writer,
                             ReleaseGate& release_gate, const StationTls* tls,
                             RequestMetrics& requests, MetricsToken& metrics_token,
                             const std::string& ledger_id)
    : services_{store, clock, config, logger}, body_time_(config.body_read_time),
      unmatched_counters_(&requests.route("unmatched")) {
    auto last = [](RequestTarget& target) { return std::move(target.segments.back()); };
    routes_ = {
        {{},
         PathMatch::exact,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [this](RequestTarget&) { return new RootRedirectHandler(services_); }},
        {{"healthz"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this](RequestTarget&) { return new HealthHandler(services_); }},
        {{"api", "v1", "station"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this, tls](RequestTarget&) {
             return new StationIdentityHandler(services_, tls, StationIdentityHandler::Form::json);
         }},
        {{"station-certificate.pem"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this, tls](RequestTarget&) {
             return new StationIdentityHandler(services_, tls, StationIdentityHandler::Form::pem);
         }},
        {{"admin"},
         PathMatch::prefix,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [this](RequestTarget& target) {
             return new StaticFilesHandler(services_, static_files_, std::move(target.path),
                                           std::move(target.segments));
         }},
        {{"summary"},
         PathMatch::prefix,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [this](RequestTarget& target) {
             return new StaticFilesHandler(services_, static_files_, std::move(target.path),
                                           std::move(target.segments));
         }},
        {{"api", "v1", "summary"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this](RequestTarget& target) {
             return new SummaryHandler(services_, std::move(target.query));
         }},
        {{"api", "v1", "kiosk", "enroll"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [this, &enroll_throttle](RequestTarget&) {
             return new KioskEnrollHandler(services_, enroll_throttle);
         }},
        {{"api", "v1", "kiosk", "token"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [this](RequestTarget&) { return new KioskTokenHandler(services_); }},
        {{"api", "v1", "kiosk", "content"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this, &manifests, tls, &ledger_id](RequestTarget&) {
             return new KioskContentHandler(services_, manifests, tls, ledger_id);
         }},
        {{"api", "v1", "kiosk", "assets", "*"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this, last](RequestTarget& target) {
             return new KioskAssetHandler(services_, last(target));
         }},
        {{"api", "v1", "kiosk", "counts"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [this, &counts_writer, &release_gate](RequestTarget&) {
             return new KioskCountsHandler(services_, counts_writer, release_gate);
         }},
        {{"api", "v1", "admin", "session"},
         PathMatch::exact,
         {"POST", "DELETE"},
         WrongMethod::anyone,
         [this, &login_throttle, &account_throttle](RequestTarget&) {
             return new AdminSessionHandler(services_, login_throttle, account_throttle);
         }},
        {{"api", "v1", "admin", "admins"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [this, &login_throttle, &account_throttle](RequestTarget&) {
             return new AdminAccountsHandler(services_, AdminAccountsHandler::Resource::admins, "",
                                             login_throttle, account_throttle);
         }},
        {{"api", "v1", "admin", "admins", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [this, &login_throttle, &account_throttle, last](RequestTarget& target) {
             return new AdminAccountsHandler(services_, AdminAccountsHandler::Resource::admin,
                                             last(target), login_throttle, account_throttle);
         }},
        {{"api", "v1", "admin", "password"},
         PathMatch::exact,
         {"PUT"},
         WrongMethod::admins_only,
         [this, &login_throttle, &account_throttle](RequestTarget&) {
             return new AdminAccountsHandler(services_, AdminAccountsHandler::Resource::password,
                                             "", login_throttle, account_throttle);
         }},
        {{"api", "v1", "admin", "sessions"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [this, &login_throttle, &account_throttle](RequestTarget&) {
             return new AdminAccountsHandler(services_, AdminAccountsHandler::Resource::sessions,
                                             "", login_throttle, account_throttle);
         }},
        {{"api", "v1", "admin", "content"},
         PathMatch::exact,
         {"GET", "PUT"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminContentHandler(services_); }},
        {{"api", "v1", "admin", "content", "versions"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminContentVersionsHandler(services_); }},
        {{"api", "v1", "admin", "content", "versions", "*"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this, last](RequestTarget& target) {
             return new AdminContentVersionHandler(services_, last(target));
         }},
        {{"api", "v1", "admin", "content", "draft"},
         PathMatch::exact,
         {"GET", "PUT", "DELETE"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminContentDraftHandler(services_); }},
        {{"api", "v1", "admin", "content", "rollback"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminContentRollbackHandler(services_); }},
        {{"api", "v1", "admin", "limits"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminLimitsHandler(services_); }},
        {{"api", "v1", "admin", "assets"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AdminAssetListHandler(services_); }},
        {{"api", "v1", "admin", "assets", "*"},
         PathMatch::exact,
         {"GET", "PUT"},
         WrongMethod::admins_only,
         [this, last](RequestTarget& target) {
             return new AdminAssetHandler(services_, last(target));
         }},
        {{"api", "v1", "admin", "kiosks"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [this, tls](RequestTarget&) { return new AdminKiosksHandler(services_, tls); }},
        {{"api", "v1", "admin", "kiosks", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [this, last](RequestTarget& target) {
             return new AdminKioskHandler(services_, last(target));
         }},
        {{"api", "v1", "admin", "coordinator-tokens"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new CoordinatorTokensHandler(services_); }},
        {{"api", "v1", "admin", "coordinator-tokens", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [this, last](RequestTarget& target) {
             return new CoordinatorTokenHandler(services_, last(target));
         }},
        {{"api", "v1", "admin", "audit"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new AuditHandler(services_); }},
        {{"api", "v1", "admin", "backups", "latest"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget&) { return new BackupDownloadHandler(services_); }},
        {{"metrics"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [this, tls, &requests, &metrics_token](RequestTarget&) {
             return new MetricsHandler(services_, tls, requests, metrics_token);
         }},
        {{"api", "v1", "admin", "metrics-token"},
         PathMatch::exact,
         {"GET", "POST", "DELETE"},
         WrongMethod::admins_only,
         [this, &metrics_token](RequestTarget&) {
             return new MetricsTokenHandler(services_, metrics_token);
         }},
        {{"api", "v1", "admin", "qr.svg"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [this](RequestTarget& target) {
             return new QrHandler(services_, std::move(target.query));
         }},
    };
    for (const auto& route : routes_)
        route_counters_.push_back(&requests.route(route_name(route)));
}

std::string StationRouter::route_name(const Route& route) {
    std::string name;
    for (const auto& segment : route.pattern)
        name += "/" + std::string(segment);
    if (route.match == PathMatch::prefix)
        name += "/**";
    return name.empty() ? "/" : name;
}

bool StationRouter::matches(const Route& route, const std::vector<std::string>& segments) {
    if (route.match == PathMatch::prefix ? segments.size() < route.pattern.size()
                                         : segments.size() != route.pattern.size())
        return false;
    for (std::size_t i = 0; i < route.pattern.size(); ++i)
        if (route.pattern[i] != "*" && route.pattern[i] != segments[i])
            return false;
    return true;
}

StationHandler* StationRouter::route(const Poco::Net::HTTPServerRequest& request,
                                     RouteCounters*& counters) {
    RequestTarget target;
    try {
        Poco::URI uri(request.getURI());
        target.path = uri.getPath();
        target.query = uri.getQueryParameters();
    } catch (const Poco::Exception&) {
        throw invalid_request("invalid_uri", "the request path is not a valid URI");
    }
    if (target.path.find('\0') != std::string::npos)
        throw invalid_request("invalid_uri", "the request path holds a NUL byte");
    target.segments = split_path(target.path);

    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Route& route = routes_[i];
        if (!matches(route, target.segments))
            continue;
        counters = route_counters_[i];
        for (const auto& method : route.methods)
            if (method == request.getMethod())
                return route.create(target);
        return new MethodNotAllowedHandler(services_, join(route.methods),
                                           route.wrong_method == WrongMethod::admins_only);
    }
    throw not_found();
}

HTTPRequestHandler*
StationRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
    return make_handler(request, nullptr);
}

HTTPRequestHandler* StationRouter::create_handler(const Poco::Net::HTTPServerRequest& request,
                                                  RequestConnection& connection) {
    return make_handler(request, &connection);
}

StationHandler* StationRouter::make_handler(const Poco::Net::HTTPServerRequest& request,
                                            RequestConnection* connection) {
    // Poco answers a throwing or empty factory itself, outside the contract: never do either.
    StationHandler* handler = nullptr;
    RouteCounters* counters = unmatched_counters_;
    try {
        handler = route(request, counters);
    } catch (...) {
        handler = new FailureHandler(services_, std::current_exception());
    }
    handler->guard(body_time_, connection, *counters);
    return handler;
}

} // namespace wellness::station
