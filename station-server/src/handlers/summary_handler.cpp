#include "summary_handler.hpp"

#include "wellness/suppression.hpp"

#include <Poco/Net/HTTPServerResponse.h>
#include <map>

namespace wellness::station {

void SummaryHandler::serve(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) {
    require_role(request, store_, clock_(), {Role::admin, Role::coordinator});
    std::map<std::string, std::string> parameters;
    for (const auto& [name, value] : query_) {
        if (name != "from" && name != "to" && name != "period" && name != "format")
            throw invalid_request("invalid_query", "unknown query parameter " + name);
        if (!parameters.emplace(name, value).second)
            throw invalid_request("invalid_query", "query parameter " + name + " given twice");
    }
    IsoWeek last_closed = IsoWeek::from_local_time(clock_()).prev();
    auto week_parameter = [&](const std::string& name, IsoWeek fallback) {
        auto found = parameters.find(name);
        if (found == parameters.end())
            return fallback;
        auto week = IsoWeek::parse(found->second);
        if (!week)
            throw invalid_request("invalid_week", name + " must be an ISO week like 2026-W07");
        return *week;
    };
    IsoWeek to = week_parameter("to", last_closed);
    IsoWeek from = week_parameter("from", to.plus_weeks(-11));
    if (from > to)
        throw invalid_request("invalid_range", "from must not be after to");
    if (to.weeks_since(from) + 1 > config_.max_summary_weeks)
        throw invalid_request("range_too_large", "a summary covers at most " +
                                                     std::to_string(config_.max_summary_weeks) +
                                                     " weeks");
    Period period = Period::week;
    if (auto found = parameters.find("period"); found != parameters.end()) {
        auto parsed = parse_period(found->second);
        if (!parsed)
            throw invalid_request("invalid_period", "period must be week, month or total");
        period = *parsed;
    }
    std::string format = parameters.contains("format") ? parameters["format"] : "json";
    if (format != "json" && format != "csv")
        throw invalid_request("invalid_format", "format must be json or csv");

    SummaryRequest summary_request{from, to, period, config_.k};
    Summary result = summarize(store_.weekly_counts(from, to), summary_request);
    if (format == "csv") {
        response.set("Content-Disposition", "attachment; filename=\"summary-" + from.to_string() +
                                                "-" + to.to_string() + "-" +
                                                std::string(to_string(period)) + ".csv\"");
        send_bytes(response, Status::HTTP_OK, "text/csv; charset=utf-8", summary_to_csv(result));
        return;
    }
    send_json(response, Status::HTTP_OK, summary_to_json(result));
}

} // namespace wellness::station
