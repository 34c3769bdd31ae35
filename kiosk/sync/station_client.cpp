#include "station_client.hpp"

#include "wellness/fingerprint.hpp"
#include "wellness/kiosk_headers.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/URI.h>
#include <algorithm>
#include <istream>
#include <memory>

namespace wellness::kiosk {

namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> make_session(const Poco::URI& uri,
                                                           const tls::PinnedContext& tls) {
    if (uri.getScheme() == "https")
        return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                               tls.context());
    return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

} // namespace

StationClient::StationClient(std::string base_url, std::chrono::seconds timeout,
                             std::vector<std::string> pins)
    : tls_(std::make_unique<tls::PinnedContext>(std::move(pins))), base_url_(std::move(base_url)),
      timeout_(timeout) {
    while (!base_url_.empty() && base_url_.back() == '/')
        base_url_.pop_back();
}

StationClient::~StationClient() = default;

std::vector<std::string> StationClient::pins() const {
    return tls_->pins();
}

void StationClient::set_pins(std::vector<std::string> pins) {
    tls_->set_pins(std::move(pins));
}

StationCallResult StationClient::send(const StationRequest& request) const {
    const auto refused = [](std::string why) {
        return StationCallResult{std::nullopt, std::move(why)};
    };
    try {
        const Poco::URI uri(base_url_ + request.path);
        if (uri.getScheme() != "http" && uri.getScheme() != "https") {
            return refused("station URL must be http or https");
        }
        auto session = make_session(uri, *tls_);
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
            http_request.set(content_version_header, content_version_);
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
            return refused("station answer too large");
        }
        StationResponse response;
        response.status = static_cast<int>(http_response.getStatus());
        response.etag = http_response.get("ETag", "");
        // The station's current k: 1 to 5 digits, else ignored.
        const std::string k_text = http_response.get(station_k_header, "");
        if (!k_text.empty() && k_text.size() <= 5 &&
            k_text.find_first_not_of("0123456789") == std::string::npos)
            response.station_k = std::stoi(k_text);
        if (auto next = tls::parse_fingerprint(http_response.get(next_certificate_header, ""));
            next && uri.getScheme() == "https")
            response.next_certificate = *next;
        response.token_rotation_due = http_response.get(token_rotation_header, "") == "due";
        if (std::string ledger = http_response.get(station_ledger_header, "");
            is_valid_ledger_id(ledger))
            response.station_ledger = std::move(ledger);
        char buffer[16384];
        while (in) {
            in.read(buffer, sizeof buffer);
            response.body.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (response.body.size() > request.max_response_bytes) {
                return refused("station answer too large");
            }
        }
        if (http_response.hasContentLength() &&
            static_cast<Poco::Int64>(response.body.size()) != http_response.getContentLength64()) {
            return refused("station answer cut short");
        }
        return {std::move(response), ""};
    } catch (const Poco::Net::SSLException& exception) {
        const auto presented = tls_->last_presented();
        const auto pins = tls_->pins();
        if (!presented.empty() && std::find(pins.begin(), pins.end(), presented) == pins.end())
            return refused("station refused: its certificate (SHA256 " + presented +
                           ") is not the pinned one; nothing was sent");
        return refused("station unreachable: " + exception.displayText());
    } catch (const Poco::Exception& exception) {
        return refused("station unreachable: " + exception.displayText());
    } catch (const std::exception& exception) {
        return refused(std::string("station unreachable: ") + exception.what());
    }
}

} // namespace wellness::kiosk
