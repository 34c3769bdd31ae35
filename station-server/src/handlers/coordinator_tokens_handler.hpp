#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// /api/v1/admin/coordinator-tokens: GET lists them without secrets, POST creates one and shows
// its token once.
class CoordinatorTokensHandler : public StationHandler {
  public:
    explicit CoordinatorTokensHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// DELETE /api/v1/admin/coordinator-tokens/{id}: revokes one.
class CoordinatorTokenHandler : public StationHandler {
  public:
    CoordinatorTokenHandler(const StationServices& services, std::string id)
        : StationHandler(services), id_(std::move(id)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    std::string id_;
};

} // namespace wellness::station
