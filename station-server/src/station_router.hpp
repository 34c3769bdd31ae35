#pragma once

#include "config.hpp"
#include "counts_writer.hpp"
#include "handlers/admin_accounts_handler.hpp"
#include "handlers/station_identity_handler.hpp"
#include "login_throttle.hpp"
#include "static_files.hpp"
#include "station_connection.hpp"
#include "station_metrics.hpp"
#include "station_services.hpp"
#include "station_store.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/URI.h>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::station {

class ManifestCache;
class ReleaseGate;
class StationHandler;
class StationTls;

// The parsed request path and query a route hands to the handler it creates.
struct RequestTarget {
    std::string path;
    std::vector<std::string> segments; // the path's non-empty segments
    Poco::URI::QueryParameters query;
};

// The station's one router: matches method and path against the route table and creates that
// resource's handler with its dependencies. A known path with another method gets 405 with
// Allow, anything else a 404; both in the contract's JSON error shape.
class StationRouter : public StoppableHandlerFactory {
  public:
    StationRouter(const StationConfig& config, const Clock& clock, StationStore& store,
                  Poco::Logger& logger, LoginThrottle& login_throttle,
                  AccountThrottle& account_throttle, LoginThrottle& enroll_throttle,
                  ManifestCache& manifests, CountsWriter& counts_writer, ReleaseGate& release_gate,
                  const StationTls* tls, RequestMetrics& requests, MetricsToken& metrics_token,
                  const std::string& ledger_id);

    // Poco's way in (no StationConnection: the handler has no connection to ask).
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;
    Poco::Net::HTTPRequestHandler* create_handler(const Poco::Net::HTTPServerRequest& request,
                                                  RequestConnection& connection) override;

  private:
    using Create = std::function<StationHandler*(RequestTarget&)>;
    // Whether the pattern may be followed by more segments (a folder of files).
    enum class PathMatch { exact, prefix };
    // Admin routes tell a wrong method (405) only to signed-in admins, like everything else
    // about them; others tell anyone.
    enum class WrongMethod { anyone, admins };
    struct Route {
        std::vector<std::string> pattern; // "*" matches any one segment
        PathMatch match = PathMatch::exact;
        std::vector<std::string> methods;
        WrongMethod wrong_method = WrongMethod::anyone;
        Create create;
    };
    // One line of the route table: the path ("api/v1/admin/kiosks/*"; "*" matches any one
    // segment), the methods it takes, who is told of a wrong method, and how its handler is made.
    static Route exact(std::string_view path, std::vector<std::string> methods,
                       WrongMethod wrong_method, Create create);
    // The same for a folder: the path and any segments below it.
    static Route prefix(std::string_view path, std::vector<std::string> methods,
                        WrongMethod wrong_method, Create create);

    // Stand-ins in make<Handler>(...)'s list for a part of each request: the segment the
    // route's "*" matched (an item's name or id), and the query's parameters.
    struct PathItem {};
    struct Query {};
    static constexpr PathItem path_item{};
    static constexpr Query query{};
    // A factory of Handler(services, arguments...), the stand-ins replaced by the request's part.
    template <typename Handler, typename... Arguments> Create make(Arguments... arguments);
    // The handlers whose construction is too long for its line in the table.
    Create static_files();
    Create station_identity(StationIdentityHandler::Form form);
    Create admin_accounts(AdminAccountsHandler::Resource resource);
    Create kiosk_content();
    Create kiosk_counts();
    Create admin_session();
    Create content_versions();
    Create content_version();
    Create content_draft();
    Create content_rollback();
    Create coordinator_tokens();
    Create coordinator_token();
    Create scraper_token();

    static bool matches(const Route& route, const std::vector<std::string>& segments);
    // The label /metrics counts a route's answers under: its pattern ("*" for a segment).
    static std::string route_name(const Route& route);
    StationHandler* route(const Poco::Net::HTTPServerRequest& request, RouteCounters*& counters);
    StationHandler* make_handler(const Poco::Net::HTTPServerRequest& request,
                                 RequestConnection* connection);

    StationServices services_; // every handler's shared part, made once here
    std::chrono::milliseconds body_time_;
    StaticFileCache static_files_;
    // What some handlers take besides the services, held as make<>'s copyable arguments; all
    // belong to the station and outlive the router.
    std::reference_wrapper<LoginThrottle> login_throttle_;
    std::reference_wrapper<AccountThrottle> account_throttle_;
    std::reference_wrapper<LoginThrottle> enroll_throttle_;
    std::reference_wrapper<ManifestCache> manifests_;
    std::reference_wrapper<CountsWriter> counts_writer_;
    std::reference_wrapper<ReleaseGate> release_gate_;
    const StationTls* tls_;
    std::reference_wrapper<RequestMetrics> requests_;
    std::reference_wrapper<MetricsToken> metrics_token_;
    std::reference_wrapper<const std::string> ledger_id_;
    std::vector<Route> routes_;
    std::vector<RouteCounters*> route_counters_; // routes_[i]'s at [i]
    RouteCounters* unmatched_counters_;          // paths no route knows, and unreadable ones
};

} // namespace wellness::station
