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
    FailureHandler(std::exception_ptr failure, Poco::Logger& logger)
        : StationHandler(logger), failure_(std::move(failure)) {}

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
    MethodNotAllowedHandler(std::string allowed, StationStore* admin_gate, const Clock& clock,
                            Poco::Logger& logger)
        : StationHandler(logger), allowed_(std::move(allowed)), admin_gate_(admin_gate),
          clock_(clock) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override {
        if (admin_gate_)
            require_role(request, *admin_gate_, clock_(), {Role::admin});
        response.set("Allow", allowed_);
        throw HttpError(Status::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                        "this path does not accept " + request.getMethod());
    }

  private:
    std::string allowed_;
    StationStore* admin_gate_;
    const Clock& clock_;
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
    : clock_(clock), body_time_(config.body_read_time), store_(store), logger_(logger),
      unmatched_counters_(&requests.route("unmatched")) {
    auto& log = logger_;
    const StationConfig& cfg = config;
    auto last = [](RequestTarget& target) { return std::move(target.segments.back()); };
    routes_ = {
        {{},
         PathMatch::exact,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [&log](RequestTarget&) { return new RootRedirectHandler(log); }},
        {{"healthz"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [&store, &log](RequestTarget&) { return new HealthHandler(store, log); }},
        {{"api", "v1", "station"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [tls, &cfg, &clock, &log](RequestTarget&) {
             return new StationIdentityHandler(tls, cfg, clock, StationIdentityHandler::Form::json,
                                               log);
         }},
        {{"station-certificate.pem"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [tls, &cfg, &clock, &log](RequestTarget&) {
             return new StationIdentityHandler(tls, cfg, clock, StationIdentityHandler::Form::pem,
                                               log);
         }},
        {{"admin"},
         PathMatch::prefix,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [&cfg, this, &log](RequestTarget& target) {
             return new StaticFilesHandler(cfg, static_files_, std::move(target.path),
                                           std::move(target.segments), log);
         }},
        {{"summary"},
         PathMatch::prefix,
         {"GET", "HEAD"},
         WrongMethod::anyone,
         [&cfg, this, &log](RequestTarget& target) {
             return new StaticFilesHandler(cfg, static_files_, std::move(target.path),
                                           std::move(target.segments), log);
         }},
        {{"api", "v1", "summary"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, &log](RequestTarget& target) {
             return new SummaryHandler(store, clock, cfg, std::move(target.query), log);
         }},
        {{"api", "v1", "kiosk", "enroll"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, &enroll_throttle, &log](RequestTarget&) {
             return new KioskEnrollHandler(store, clock, cfg, enroll_throttle, log);
         }},
        {{"api", "v1", "kiosk", "token"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new KioskTokenHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "kiosk", "content"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, &manifests, tls, &ledger_id, &log](RequestTarget&) {
             return new KioskContentHandler(store, clock, cfg, manifests, tls, ledger_id, log);
         }},
        {{"api", "v1", "kiosk", "assets", "*"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [&store, &clock, &log, last](RequestTarget& target) {
             return new KioskAssetHandler(store, clock, last(target), log);
         }},
        {{"api", "v1", "kiosk", "counts"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::anyone,
         [&store, &clock, &counts_writer, &release_gate, &cfg, &log](RequestTarget&) {
             return new KioskCountsHandler(store, clock, counts_writer, release_gate,
                                           cfg.counts_commit_wait, log);
         }},
        {{"api", "v1", "admin", "session"},
         PathMatch::exact,
         {"POST", "DELETE"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, &login_throttle, &account_throttle, &log](RequestTarget&) {
             return new AdminSessionHandler(store, clock, cfg, login_throttle, account_throttle,
                                            log);
         }},
        {{"api", "v1", "admin", "admins"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &login_throttle, &account_throttle, &log](RequestTarget&) {
             return new AdminAccountsHandler(AdminAccountsHandler::Resource::admins, "", store,
                                             clock, cfg, login_throttle, account_throttle, log);
         }},
        {{"api", "v1", "admin", "admins", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &login_throttle, &account_throttle, &log,
          last](RequestTarget& target) {
             return new AdminAccountsHandler(AdminAccountsHandler::Resource::admin, last(target),
                                             store, clock, cfg, login_throttle, account_throttle,
                                             log);
         }},
        {{"api", "v1", "admin", "password"},
         PathMatch::exact,
         {"PUT"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &login_throttle, &account_throttle, &log](RequestTarget&) {
             return new AdminAccountsHandler(AdminAccountsHandler::Resource::password, "", store,
                                             clock, cfg, login_throttle, account_throttle, log);
         }},
        {{"api", "v1", "admin", "sessions"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &login_throttle, &account_throttle, &log](RequestTarget&) {
             return new AdminAccountsHandler(AdminAccountsHandler::Resource::sessions, "", store,
                                             clock, cfg, login_throttle, account_throttle, log);
         }},
        {{"api", "v1", "admin", "content"},
         PathMatch::exact,
         {"GET", "PUT"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new AdminContentHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "admin", "content", "versions"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &log](RequestTarget&) {
             return new AdminContentVersionsHandler(store, clock, log);
         }},
        {{"api", "v1", "admin", "content", "versions", "*"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &log, last](RequestTarget& target) {
             return new AdminContentVersionHandler(store, clock, last(target), log);
         }},
        {{"api", "v1", "admin", "content", "draft"},
         PathMatch::exact,
         {"GET", "PUT", "DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new AdminContentDraftHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "admin", "content", "rollback"},
         PathMatch::exact,
         {"POST"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new AdminContentRollbackHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "admin", "limits"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new AdminLimitsHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "admin", "assets"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &log](RequestTarget&) {
             return new AdminAssetListHandler(store, clock, log);
         }},
        {{"api", "v1", "admin", "assets", "*"},
         PathMatch::exact,
         {"GET", "PUT"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log, last](RequestTarget& target) {
             return new AdminAssetHandler(store, clock, cfg, last(target), log);
         }},
        {{"api", "v1", "admin", "kiosks"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, tls, &log](RequestTarget&) {
             return new AdminKiosksHandler(store, clock, cfg, tls, log);
         }},
        {{"api", "v1", "admin", "kiosks", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &log, last](RequestTarget& target) {
             return new AdminKioskHandler(store, clock, last(target), log);
         }},
        {{"api", "v1", "admin", "coordinator-tokens"},
         PathMatch::exact,
         {"GET", "POST"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new CoordinatorTokensHandler(store, clock, cfg, log);
         }},
        {{"api", "v1", "admin", "coordinator-tokens", "*"},
         PathMatch::exact,
         {"DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &log, last](RequestTarget& target) {
             return new CoordinatorTokenHandler(store, clock, last(target), log);
         }},
        {{"api", "v1", "admin", "audit"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &log](RequestTarget&) { return new AuditHandler(store, clock, log); }},
        {{"api", "v1", "admin", "backups", "latest"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &cfg, &log](RequestTarget&) {
             return new BackupDownloadHandler(store, clock, cfg.data_dir / backups_directory, log);
         }},
        {{"metrics"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::anyone,
         [&store, &clock, &cfg, tls, &requests, &metrics_token, &log](RequestTarget&) {
             return new MetricsHandler(store, clock, cfg, tls, requests, metrics_token, log);
         }},
        {{"api", "v1", "admin", "metrics-token"},
         PathMatch::exact,
         {"GET", "POST", "DELETE"},
         WrongMethod::admins_only,
         [&store, &clock, &metrics_token, &log](RequestTarget&) {
             return new MetricsTokenHandler(store, clock, metrics_token, log);
         }},
        {{"api", "v1", "admin", "qr.svg"},
         PathMatch::exact,
         {"GET"},
         WrongMethod::admins_only,
         [&store, &clock, &log](RequestTarget& target) {
             return new QrHandler(store, clock, std::move(target.query), log);
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
        return new MethodNotAllowedHandler(
            join(route.methods), route.wrong_method == WrongMethod::admins_only ? &store_ : nullptr,
            clock_, logger_);
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
        handler = new FailureHandler(std::current_exception(), logger_);
    }
    handler->guard(body_time_, connection, *counters);
    return handler;
}

} // namespace wellness::station
