#pragma once

#include "config.hpp"
#include "login_throttle.hpp"
#include "station_store.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <cstdint>
#include <mutex>
#include <string>

namespace wellness::station {

// What every request handler shares: the settings, the injected clock, the store and the
// throttles. Owned by Station; outlives the HTTP server.
struct StationContext {
    StationContext(StationConfig config_in, Clock clock_in, StationStore& store_in,
                   Poco::Logger& logger_in)
        : config(std::move(config_in)), clock(std::move(clock_in)), store(store_in),
          logger(logger_in), login_throttle(config.login_max_failures, config.login_failure_window),
          enroll_throttle(config.login_max_failures, config.login_failure_window) {}

    StationConfig config;
    Clock clock;
    StationStore& store;
    Poco::Logger& logger;
    LoginThrottle login_throttle;
    LoginThrottle enroll_throttle;

    // The kiosk manifest of the current version, built once per version.
    std::mutex manifest_mutex;
    std::int64_t manifest_version = 0;
    std::string manifest_body;
};

class StationRequestHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit StationRequestHandler(StationContext& context) : context_(context) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    StationContext& context_;
};

class StationRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit StationRequestHandlerFactory(StationContext& context) : context_(context) {}
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new StationRequestHandler(context_);
    }

  private:
    StationContext& context_;
};

} // namespace wellness::station
