#include "static_files_handler.hpp"

#include "static_files.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <fstream>
#include <sstream>

namespace wellness::station {

void StaticFilesHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    if (segments_.size() == 1 && path_.back() != '/') {
        add_security_headers(response);
        response.redirect("/" + segments_[0] + "/", Status::HTTP_MOVED_PERMANENTLY);
        return;
    }
    auto found = resolve_static_file(config_.web_dir, path_);
    if (!found)
        throw not_found("no such page");
    std::ifstream in(found->file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in)
        throw not_found("no such page");
    response.set("Cache-Control", "no-cache");
    if (request.getMethod() == "HEAD") {
        add_security_headers(response, SecurityPolicy::console_file);
        response.setContentType(found->media_type);
        response.setContentLength64(static_cast<Poco::Int64>(contents.str().size()));
        response.send();
        return;
    }
    send_bytes(response, Status::HTTP_OK, found->media_type, contents.str(),
               SecurityPolicy::console_file);
}

void RootRedirectHandler::serve(Poco::Net::HTTPServerRequest&,
                                Poco::Net::HTTPServerResponse& response) {
    add_security_headers(response);
    response.redirect("/admin/", Status::HTTP_FOUND);
}

} // namespace wellness::station
