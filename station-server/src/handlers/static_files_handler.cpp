#include "static_files_handler.hpp"

#include "static_files.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void StaticFilesHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    if (segments_.size() == 1 && path_.back() != '/') {
        add_security_headers(response);
        response.redirect("/" + segments_[0] + "/", Status::HTTP_MOVED_PERMANENTLY);
        return;
    }
    auto found = resolve_static_file(config().web_dir, path_);
    if (!found)
        throw not_found("no such page");
    const auto answer = cache_.load(found->file);
    if (!answer)
        throw not_found("no such page");
    const bool gzipped =
        answer->gzipped && accepts_gzip(request.get("Accept-Encoding", std::string()));
    const std::string& etag = gzipped ? answer->gzipped_etag : answer->etag;
    const std::string& bytes = gzipped ? *answer->gzipped : answer->bytes;
    // Kept by the browser but checked on every use (no-cache): a station upgrade that changes
    // a file is seen at once, and an unchanged one costs a 304 without a body.
    response.set("Cache-Control", "no-cache");
    response.set("ETag", etag);
    response.set("Vary", "Accept-Encoding");
    if (none_match_names(request.get("If-None-Match", std::string()), etag)) {
        add_security_headers(response, SecurityPolicy::console_file);
        response.setStatusAndReason(Status::HTTP_NOT_MODIFIED);
        response.setContentLength(0);
        response.send();
        return;
    }
    if (gzipped)
        response.set("Content-Encoding", "gzip");
    if (request.getMethod() == "HEAD") {
        add_security_headers(response, SecurityPolicy::console_file);
        response.setContentType(found->media_type);
        response.setContentLength64(static_cast<Poco::Int64>(bytes.size()));
        response.send();
        return;
    }
    send_bytes(response, Status::HTTP_OK, found->media_type, bytes, SecurityPolicy::console_file);
}

void RootRedirectHandler::serve(Poco::Net::HTTPServerRequest&,
                                Poco::Net::HTTPServerResponse& response) {
    add_security_headers(response);
    response.redirect("/admin/", Status::HTTP_FOUND);
}

} // namespace wellness::station
