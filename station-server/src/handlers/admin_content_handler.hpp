#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

namespace wellness::station {

// /api/v1/admin/content: GET the live document with its ETag; PUT with If-Match naming the
// version it was based on validates and publishes a new version (422 with every problem keeps
// the old one live; 428 without If-Match; 412 when another version was published meanwhile).
class AdminContentHandler : public StationHandler {
  public:
    explicit AdminContentHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// GET /api/v1/admin/content/versions: the history, newest first.
class AdminContentVersionsHandler : public StationHandler {
  public:
    explicit AdminContentVersionsHandler(const StationServices& services)
        : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// GET /api/v1/admin/content/versions/{version}: one version with its document, so the console
// can show what a rollback would change before it is made.
class AdminContentVersionHandler : public StationHandler {
  public:
    AdminContentVersionHandler(const StationServices& services, std::string version)
        : StationHandler(services), version_(std::move(version)) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    std::string version_;
};

// /api/v1/admin/content/draft: the signed-in admin's own unpublished edit. PUT
// {"based_on":"7","document":{...}} keeps it (not validated: a draft may be half done), GET
// gives it back (404 without one), DELETE drops it; a publish by its admin drops it too.
class AdminContentDraftHandler : public StationHandler {
  public:
    explicit AdminContentDraftHandler(const StationServices& services) : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

// POST /api/v1/admin/content/rollback {"version"}: publishes an old document again as a new
// version, validated like any publish.
class AdminContentRollbackHandler : public StationHandler {
  public:
    explicit AdminContentRollbackHandler(const StationServices& services)
        : StationHandler(services) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;
};

} // namespace wellness::station
