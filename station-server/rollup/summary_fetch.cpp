#include "summary_fetch.hpp"

#include "wellness/json_input.hpp"
#include "wellness/pinned_context.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <algorithm>
#include <atomic>
#include <istream>
#include <memory>
#include <thread>

namespace wellness::rollup {
namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const StationEntry& station,
                                                           const tls::PinnedContext& tls) {
    if (station.scheme == "https")
        return std::make_unique<Poco::Net::HTTPSClientSession>(station.host, station.port,
                                                               tls.context());
    return std::make_unique<Poco::Net::HTTPClientSession>(station.host, station.port);
}

std::string summary_target(const StationEntry& station, const SummaryRequest& request) {
    Poco::URI target(station.path_prefix + "/api/v1/summary");
    target.addQueryParameter("from", request.from.to_string());
    target.addQueryParameter("to", request.to.to_string());
    target.addQueryParameter("period", std::string(to_string(request.period)));
    target.addQueryParameter("format", "json");
    return target.getPathAndQuery();
}

// Reads the body up to the limit and the deadline; a slow drip or an endless body is refused.
std::optional<std::string> read_limited(std::istream& in, const FetchLimits& limits,
                                        std::chrono::steady_clock::time_point deadline,
                                        std::string& error) {
    std::string body;
    char buffer[16 * 1024];
    while (in) {
        in.read(buffer, sizeof buffer);
        auto got = static_cast<std::size_t>(in.gcount());
        if (body.size() + got > limits.max_response_bytes) {
            error =
                "the answer is larger than " + std::to_string(limits.max_response_bytes) + " bytes";
            return std::nullopt;
        }
        body.append(buffer, got);
        if (std::chrono::steady_clock::now() > deadline) {
            error = "the answer took longer than " + std::to_string(limits.timeout.count()) + " s";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = "the answer broke off";
        return std::nullopt;
    }
    return body;
}

std::string status_words(int status) {
    switch (status) {
    case 401:
        return "refused the token (401): check it or ask for a new one";
    case 403:
        return "the token may not read summaries (403)";
    case 404:
        return "has no summary route (404): is this a station?";
    case 429:
        return "asked us to slow down (429)";
    default:
        return "answered HTTP " + std::to_string(status);
    }
}

} // namespace

FetchOutcome fetch_summary(const StationEntry& station, const SummaryRequest& request,
                           const FetchLimits& limits) {
    FetchOutcome outcome;
    const auto deadline = std::chrono::steady_clock::now() + limits.timeout * 2;
    tls::PinnedContext tls({station.fingerprint});
    try {
        auto session = open_session(station, tls);
        const Poco::Timespan timeout(static_cast<long>(limits.timeout.count()), 0);
        session->setTimeout(timeout, timeout, timeout);
        session->setKeepAlive(false);
        Poco::Net::HTTPRequest http_request(Poco::Net::HTTPRequest::HTTP_GET,
                                            summary_target(station, request),
                                            Poco::Net::HTTPMessage::HTTP_1_1);
        http_request.set("Authorization", "Bearer " + station.token);
        http_request.set("Accept", "application/json");
        session->sendRequest(http_request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
            outcome.error = status_words(static_cast<int>(response.getStatus()));
            return outcome;
        }
        if (response.hasContentLength() &&
            response.getContentLength64() > static_cast<Poco::Int64>(limits.max_response_bytes)) {
            outcome.error =
                "the answer is larger than " + std::to_string(limits.max_response_bytes) + " bytes";
            return outcome;
        }
        auto body = read_limited(in, limits, deadline, outcome.error);
        if (!body)
            return outcome;
        JsonLimits json_limits;
        json_limits.max_bytes = limits.max_response_bytes;
        auto parsed = parse_json_input(*body, json_limits);
        if (!parsed.value) {
            outcome.error = "the answer is not usable JSON: " + parsed.message;
            return outcome;
        }
        auto read = summary_from_json(*parsed.value);
        auto& summary = read.summary;
        if (!summary) {
            outcome.error = "the answer is not a summary: " + read.error;
            return outcome;
        }
        if (summary->from != request.from || summary->to != request.to ||
            summary->period != request.period) {
            outcome.error = "the answer covers other weeks or another period than asked";
            return outcome;
        }
        outcome.summary = std::move(*summary);
    } catch (const Poco::Net::SSLException& error) {
        const auto presented = tls.last_presented();
        outcome.error = !presented.empty() && presented != station.fingerprint
                            ? "its certificate (SHA256 " + presented +
                                  ") is not the one in the stations file; the token was not sent"
                            : "TLS failed: " + error.displayText();
    } catch (const Poco::TimeoutException&) {
        outcome.error = "timed out after " + std::to_string(limits.timeout.count()) + " s";
    } catch (const Poco::Net::ConnectionRefusedException&) {
        outcome.error = "connection refused";
    } catch (const Poco::Net::HostNotFoundException&) {
        outcome.error = "host not found";
    } catch (const Poco::Exception& error) {
        outcome.error = error.displayText();
    } catch (const std::exception& error) {
        outcome.error = error.what();
    }
    return outcome;
}

std::vector<FetchOutcome> fetch_all(const std::vector<StationEntry>& stations,
                                    const SummaryRequest& request, const FetchLimits& limits,
                                    std::size_t max_parallel) {
    std::vector<FetchOutcome> outcomes(stations.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (auto i = next++; i < stations.size(); i = next++)
            outcomes[i] = fetch_summary(stations[i], request, limits);
    };
    const std::size_t workers =
        std::clamp<std::size_t>(stations.size(), 1, std::max<std::size_t>(1, max_parallel));
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
        threads.emplace_back(worker);
    for (auto& thread : threads)
        thread.join();
    return outcomes;
}

} // namespace wellness::rollup
