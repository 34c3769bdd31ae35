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

StationRouter::Route StationRouter::exact(std::string_view path, std::vector<std::string> methods,
                                          WrongMethod wrong_method, Create create) {
    return {split_path(std::string(path)), PathMatch::exact, std::move(methods), wrong_method,
            std::move(create)};
}

StationRouter::Route StationRouter::prefix(std::string_view path, std::vector<std::string> methods,
                                           WrongMethod wrong_method, Create create) {
    return {split_path(std::string(path)), PathMatch::prefix, std::move(methods), wrong_method,
            std::move(create)};
}

template <typename Handler, typename... Arguments>
StationRouter::Create StationRouter::make(Arguments... arguments) {
    return [this, arguments...](RequestTarget& target) -> StationHandler* {
        [[maybe_unused]] auto part = [&target](const auto& argument) -> decltype(auto) {
            using Argument = std::decay_t<decltype(argument)>;
            if constexpr (std::is_same_v<Argument, PathItem>)
                return std::string(std::move(target.segments.back()));
            else if constexpr (std::is_same_v<Argument, Query>)
                return Poco::URI::QueryParameters(std::move(target.query));
            else
                return argument;
        };
        return new Handler(services_, part(arguments)...);
    };
}

StationRouter::Create StationRouter::static_files() {
    return [this](RequestTarget& target) {
        return new StaticFilesHandler(services_, static_files_, std::move(target.path),
                                      std::move(target.segments));
    };
}

StationRouter::Create StationRouter::station_identity(StationIdentityHandler::Form form) {
    return
        [this, form](RequestTarget&) { return new StationIdentityHandler(services_, tls_, form); };
}

StationRouter::Create StationRouter::admin_accounts(AdminAccountsHandler::Resource resource) {
    // Only the one admin's route names an account, with its last segment.
    return [this, resource](RequestTarget& target) {
        std::string name = resource == AdminAccountsHandler::Resource::admin
                               ? std::move(target.segments.back())
                               : std::string();
        return new AdminAccountsHandler(services_, resource, std::move(name), login_throttle_,
                                        account_throttle_);
    };
}

StationRouter::Create StationRouter::kiosk_content() {
    return make<KioskContentHandler>(manifests_, tls_, ledger_id_);
}

StationRouter::Create StationRouter::kiosk_counts() {
    return make<KioskCountsHandler>(counts_writer_, release_gate_);
}

StationRouter::Create StationRouter::admin_session() {
    return make<AdminSessionHandler>(login_throttle_, account_throttle_);
}

StationRouter::Create StationRouter::content_versions() {
    return make<AdminContentVersionsHandler>();
}

StationRouter::Create StationRouter::content_version() {
    return make<AdminContentVersionHandler>(path_item);
}

StationRouter::Create StationRouter::content_draft() {
    return make<AdminContentDraftHandler>();
}

StationRouter::Create StationRouter::content_rollback() {
    return make<AdminContentRollbackHandler>();
}

StationRouter::Create StationRouter::coordinator_tokens() {
    return make<CoordinatorTokensHandler>();
}

StationRouter::Create StationRouter::coordinator_token() {
    return make<CoordinatorTokenHandler>(path_item);
}

StationRouter::Create StationRouter::scraper_token() {
    return make<MetricsTokenHandler>(metrics_token_);
}

StationRouter::StationRouter(const StationConfig& config, const Clock& clock, StationStore& store,
                             Poco::Logger& logger, LoginThrottle& login_throttle,
                             AccountThrottle& account_throttle, LoginThrottle& enroll_throttle,
                             ManifestCache& manifests, CountsWriter& counts_writer,
                             ReleaseGate& release_gate, const StationTls* tls,
                             RequestMetrics& requests, MetricsToken& metrics_token,
                             const std::string& ledger_id)
    : services_{store, clock, config, logger}, body_time_(config.body_read_time),
      login_throttle_(login_throttle), account_throttle_(account_throttle),
      enroll_throttle_(enroll_throttle), manifests_(manifests), counts_writer_(counts_writer),
      release_gate_(release_gate), tls_(tls), requests_(requests), metrics_token_(metrics_token),
      ledger_id_(ledger_id), unmatched_counters_(&requests.route("unmatched")) {
    using enum WrongMethod; // anyone, admins
    using Form = StationIdentityHandler::Form;
    using Account = AdminAccountsHandler::Resource;
    routes_ = {
        exact("", {"GET", "HEAD"}, anyone, make<RootRedirectHandler>()),
        exact("healthz", {"GET"}, anyone, make<HealthHandler>()),
        exact("api/v1/station", {"GET"}, anyone, station_identity(Form::json)),
        exact("station-certificate.pem", {"GET"}, anyone, station_identity(Form::pem)),
        prefix("admin", {"GET", "HEAD"}, anyone, static_files()),
        prefix("summary", {"GET", "HEAD"}, anyone, static_files()),
        exact("api/v1/summary", {"GET"}, anyone, make<SummaryHandler>(query)),
        exact("api/v1/kiosk/enroll", {"POST"}, anyone, make<KioskEnrollHandler>(enroll_throttle_)),
        exact("api/v1/kiosk/token", {"POST"}, anyone, make<KioskTokenHandler>()),
        exact("api/v1/kiosk/content", {"GET"}, anyone, kiosk_content()),
        exact("api/v1/kiosk/assets/*", {"GET"}, anyone, make<KioskAssetHandler>(path_item)),
        exact("api/v1/kiosk/counts", {"POST"}, anyone, kiosk_counts()),
        exact("api/v1/admin/session", {"POST", "DELETE"}, anyone, admin_session()),
        exact("api/v1/admin/admins", {"GET", "POST"}, admins, admin_accounts(Account::admins)),
        exact("api/v1/admin/admins/*", {"DELETE"}, admins, admin_accounts(Account::admin)),
        exact("api/v1/admin/password", {"PUT"}, admins, admin_accounts(Account::password)),
        exact("api/v1/admin/sessions", {"DELETE"}, admins, admin_accounts(Account::sessions)),
        exact("api/v1/admin/content", {"GET", "PUT"}, admins, make<AdminContentHandler>()),
        exact("api/v1/admin/content/versions", {"GET"}, admins, content_versions()),
        exact("api/v1/admin/content/versions/*", {"GET"}, admins, content_version()),
        exact("api/v1/admin/content/draft", {"GET", "PUT", "DELETE"}, admins, content_draft()),
        exact("api/v1/admin/content/rollback", {"POST"}, admins, content_rollback()),
        exact("api/v1/admin/limits", {"GET"}, admins, make<AdminLimitsHandler>()),
        exact("api/v1/admin/assets", {"GET"}, admins, make<AdminAssetListHandler>()),
        exact("api/v1/admin/assets/*", {"GET", "PUT"}, admins, make<AdminAssetHandler>(path_item)),
        exact("api/v1/admin/kiosks", {"GET", "POST"}, admins, make<AdminKiosksHandler>(tls_)),
        exact("api/v1/admin/kiosks/*", {"DELETE"}, admins, make<AdminKioskHandler>(path_item)),
        exact("api/v1/admin/coordinator-tokens", {"GET", "POST"}, admins, coordinator_tokens()),
        exact("api/v1/admin/coordinator-tokens/*", {"DELETE"}, admins, coordinator_token()),
        exact("api/v1/admin/audit", {"GET"}, admins, make<AuditHandler>()),
        exact("api/v1/admin/backups/latest", {"GET"}, admins, make<BackupDownloadHandler>()),
        exact("metrics", {"GET"}, anyone, make<MetricsHandler>(tls_, requests_, metrics_token_)),
        exact("api/v1/admin/metrics-token", {"GET", "POST", "DELETE"}, admins, scraper_token()),
        exact("api/v1/admin/qr.svg", {"GET"}, admins, make<QrHandler>(query)),
    };
    for (const auto& route : routes_)
        route_counters_.push_back(&requests.route(route_name(route)));
}

std::string StationRouter::route_name(const Route& route) {
    std::string name;
    for (const auto& segment : route.pattern)
        name += "/" + segment;
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
                                           route.wrong_method == WrongMethod::admins);
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
