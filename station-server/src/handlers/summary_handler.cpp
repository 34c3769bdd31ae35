#include "summary_handler.hpp"

#include "wellness/suppression.hpp"

#include <Poco/Net/HTTPServerResponse.h>
#include <map>

namespace wellness::station {

// Answers from the published cells alone (privacy promise 8): weeks are sealed first when due,
// and nothing unsealed, and nothing but whole published periods, is ever read for an answer.
void SummaryHandler::serve(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) {
    std::time_t now = station_time();
    require_role(request, store(), now, {Role::admin, Role::coordinator});
    std::map<std::string, std::string> parameters;
    for (const auto& [name, value] : query_) {
        if (name != "from" && name != "to" && name != "period" && name != "format")
            throw invalid_request("invalid_query", "unknown query parameter " + name);
        if (!parameters.emplace(name, value).second)
            throw invalid_request("invalid_query", "query parameter " + name + " given twice");
    }
    auto week_parameter = [&](const std::string& name) -> std::optional<IsoWeek> {
        auto found = parameters.find(name);
        if (found == parameters.end())
            return std::nullopt;
        auto week = IsoWeek::parse(found->second);
        if (!week)
            throw invalid_request("invalid_week", name + " must be an ISO week like 2026-W07");
        return week;
    };
    auto to_parameter = week_parameter("to");
    auto from_parameter = week_parameter("from");
    Period period = Period::week;
    if (auto found = parameters.find("period"); found != parameters.end()) {
        auto parsed = parse_period(found->second);
        if (!parsed)
            throw invalid_request("invalid_period", "period must be week, month, year or total");
        period = *parsed;
    }
    std::string format = parameters.contains("format") ? parameters["format"] : "json";
    if (format != "json" && format != "csv")
        throw invalid_request("invalid_format", "format must be json or csv");
    if (to_parameter && from_parameter && *from_parameter > *to_parameter)
        throw invalid_request("invalid_range", "from must not be after to");
    if (to_parameter && from_parameter &&
        to_parameter->weeks_since(*from_parameter) + 1 > config().max_summary_weeks)
        throw invalid_request("range_too_large", "a summary covers at most " +
                                                     std::to_string(config().max_summary_weeks) +
                                                     " weeks");

    const auto sealed = store().seal_due_weeks(now, seal_policy(config()));
    IsoWeek to = to_parameter.value_or(sealed.value_or(IsoWeek::from_local_time(now).prev()));
    IsoWeek from = from_parameter.value_or(to.plus_weeks(-11));
    if (from > to)
        throw invalid_request("invalid_range", "from must not be after to");

    SummaryRequest summary_request{from, to, period, config().k};
    std::vector<PublishedCell> cells;
    if (sealed && from <= *sealed)
        cells = store().published_cells(from, std::min(to, *sealed));
    Summary result = answer_from_published(cells, summary_request, sealed);
    if (sealed && from <= *sealed)
        result.reporting = store().week_reporting(from, std::min(to, *sealed));
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
