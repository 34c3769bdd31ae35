#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// /api/v1/admin/content: GET the live document, PUT validates and publishes a new version (422
// with every problem keeps the old one live).
class AdminContentHandler : public StationHandler {
  public:
    AdminContentHandler(StationStore& store, const Clock& clock, const StationConfig& config,
                        Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
};

// GET /api/v1/admin/content/versions: the history, newest first.
class AdminContentVersionsHandler : public StationHandler {
  public:
    AdminContentVersionsHandler(StationStore& store, const Clock& clock, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
};

// POST /api/v1/admin/content/rollback {"version"}: publishes an old document again as a new
// version, validated like any publish.
class AdminContentRollbackHandler : public StationHandler {
  public:
    AdminContentRollbackHandler(StationStore& store, const Clock& clock,
                                const StationConfig& config, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), config_(config) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    const StationConfig& config_;
};

} // namespace wellness::station
