#pragma once

#include "config.hpp"
#include "http_support.hpp"

#include <string>
#include <vector>

namespace wellness::station {

// GET / HEAD /admin/... and /summary/...: the console pages from the web directory ("/admin"
// redirects to "/admin/"); nothing outside it.
class StaticFilesHandler : public StationHandler {
  public:
    StaticFilesHandler(const StationConfig& config, std::string path,
                       std::vector<std::string> segments, Poco::Logger& logger)
        : StationHandler(logger), config_(config), path_(std::move(path)),
          segments_(std::move(segments)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    const StationConfig& config_;
    std::string path_;
    std::vector<std::string> segments_;
};

// GET / HEAD /: the console is where a person opening the station's address wants to be.
class RootRedirectHandler : public StationHandler {
  public:
    explicit RootRedirectHandler(Poco::Logger& logger) : StationHandler(logger) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
