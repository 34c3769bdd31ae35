#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "static_files.hpp"

#include <string>
#include <vector>

namespace wellness::station {

// GET / HEAD /admin/... and /summary/...: the console pages from the web directory ("/admin"
// redirects to "/admin/"); nothing outside it. Each answer carries an ETag and is gzipped for a
// browser that accepts it; the browser keeps it and asks again with If-None-Match (304).
class StaticFilesHandler : public StationHandler {
  public:
    StaticFilesHandler(const StationServices& services, StaticFileCache& cache, std::string path,
                       std::vector<std::string> segments)
        : StationHandler(services), cache_(cache), path_(std::move(path)),
          segments_(std::move(segments)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StaticFileCache& cache_;
    std::string path_;
    std::vector<std::string> segments_;
};

// GET / HEAD /: the console is where a person opening the station's address wants to be.
class RootRedirectHandler : public StationHandler {
  public:
    explicit RootRedirectHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
