#include "station_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>
#include <istream>
#include <memory>
#include <mutex>

namespace wellness::kiosk {

namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> make_session(const Poco::URI& uri) {
    if (uri.getScheme() == "https") {
        static std::once_flag ssl_ready;
        std::call_once(ssl_ready, [] { Poco::Net::initializeSSL(); });
        // Verify the station's certificate against the system's CAs.
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                   Poco::Net::Context::VERIFY_RELAXED, 9, true);
        return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                               context);
    }
    return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

} // namespace

StationClient::StationClient(std::string base_url, std::chrono::seconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {
    while (!base_url_.empty() && base_url_.back() == '/')
        base_url_.pop_back();
}

std::optional<StationResponse> StationClient::send(const StationRequest& request,
                                                   std::string& error) const {
    try {
        const Poco::URI uri(base_url_ + request.path);
        if (uri.getScheme() != "http" && uri.getScheme() != "https") {
            error = "station URL must be http or https";
            return std::nullopt;
        }
        auto session = make_session(uri);
        const Poco::Timespan timeout(static_cast<long>(timeout_.count()), 0);
        session->setTimeout(timeout, timeout, timeout);
        session->setKeepAlive(false);

        Poco::Net::HTTPRequest http_request(request.method, uri.getPathAndQuery(),
                                            Poco::Net::HTTPMessage::HTTP_1_1);
        if (!request.bearer_token.empty())
            http_request.set("Authorization", "Bearer " + request.bearer_token);
        if (!request.if_none_match.empty())
            http_request.set("If-None-Match", request.if_none_match);
        if (!content_version_.empty())
            http_request.set("X-Content-Version", content_version_);
        http_request.set("Accept", "application/json");
        if (!request.body.empty() || request.method == "POST") {
            http_request.setContentType("application/json");
            http_request.setContentLength(static_cast<std::streamsize>(request.body.size()));
        }
        std::ostream& out = session->sendRequest(http_request);
        out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));

        Poco::Net::HTTPResponse http_response;
        std::istream& in = session->receiveResponse(http_response);
        if (http_response.hasContentLength() &&
            http_response.getContentLength64() >
                static_cast<Poco::Int64>(request.max_response_bytes)) {
            error = "station answer too large";
            return std::nullopt;
        }
        StationResponse response;
        response.status = static_cast<int>(http_response.getStatus());
        response.etag = http_response.get("ETag", "");
        // The station's current k: 1 to 5 digits, else ignored.
        const std::string k_text = http_response.get(std::string(station_k_header), "");
        if (!k_text.empty() && k_text.size() <= 5 &&
            k_text.find_first_not_of("0123456789") == std::string::npos)
            response.station_k = std::stoi(k_text);
        char buffer[16384];
        while (in) {
            in.read(buffer, sizeof buffer);
            response.body.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (response.body.size() > request.max_response_bytes) {
                error = "station answer too large";
                return std::nullopt;
            }
        }
        if (http_response.hasContentLength() &&
            static_cast<Poco::Int64>(response.body.size()) != http_response.getContentLength64()) {
            error = "station answer cut short";
            return std::nullopt;
        }
        return response;
    } catch (const Poco::Exception& exception) {
        error = "station unreachable: " + exception.displayText();
    } catch (const std::exception& exception) {
        error = std::string("station unreachable: ") + exception.what();
    }
    return std::nullopt;
}

} // namespace wellness::kiosk
