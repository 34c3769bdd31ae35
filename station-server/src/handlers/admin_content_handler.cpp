#include "admin_content_handler.hpp"

#include "wellness/content.hpp"
#include "wellness/iso_week.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

namespace {

Json version_json(const ContentVersionRecord& record) {
    return {{"version", std::to_string(record.version)},
            {"published_at", utc_timestamp(record.published_at)},
            {"published_by", record.published_by}};
}

// The content kiosks count by this week: the version that was current when the week began (or
// the first one, for a station whose first content is from this week). Kiosks took wording
// changes since then at once, but keep this counting structure until the week ends.
std::optional<ContentDocument> counted_by_this_week(StationStore& store, std::time_t now) {
    const IsoWeek this_week = IsoWeek::from_local_time(now);
    const auto history = store.content_history(); // newest first
    if (history.empty())
        return std::nullopt;
    std::int64_t in_force = history.back().version;
    for (const auto& record : history) {
        if (IsoWeek::from_local_time(record.published_at) < this_week) {
            in_force = record.version;
            break;
        }
    }
    const auto record = store.content_version(in_force);
    if (!record)
        return std::nullopt;
    auto parsed = parse_content(parse_stored_document(record->document));
    return std::move(parsed.document);
}

struct Published {
    std::int64_t version = 0;
    // Privacy promise 6: a change to what decides counting reaches kiosks only at the start of
    // the next ISO week, so the admin is told when.
    std::optional<IsoWeek> counting_applies_from;
};

// Validates against core's rules and the uploaded assets, then publishes with its audit entry.
Published publish(StationStore& store, Poco::Logger& logger, const Json& document,
                  const std::string& action, const AuditStamp& stamp) {
    auto assets = store.asset_names();
    auto parsed = parse_content(document, &assets);
    if (!parsed.document)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_content",
                        "the content has " + std::to_string(parsed.problems.size()) +
                            " problem(s); the published content is unchanged",
                        parsed.problems);
    const auto counted_now = counted_by_this_week(store, stamp.at);
    Published published;
    published.version = store.publish_content(document.dump(), action, stamp);
    if (counted_now && !same_counting_structure(*counted_now, *parsed.document))
        published.counting_applies_from = IsoWeek::from_local_time(stamp.at).next();
    logger.information("content version " + std::to_string(published.version) + " published");
    return published;
}

Json published_json(StationStore& store, const Published& published) {
    Json body = version_json(*store.content_version(published.version));
    body["counting_change"] = published.counting_applies_from.has_value();
    if (published.counting_applies_from)
        body["counting_applies_from"] = published.counting_applies_from->to_string();
    return body;
}

} // namespace

void AdminContentHandler::serve(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    if (request.getMethod() == "GET") {
        auto current = store_.current_content();
        if (!current)
            throw not_found("no content has been published yet");
        Json body = version_json(*current);
        body["document"] = parse_stored_document(current->document);
        send_json(response, Status::HTTP_OK, body);
        return;
    }
    Json document = read_json_body(request, config_.max_content_body_bytes);
    const auto published =
        publish(store_, logger(), document, "content.publish", {clock_(), admin.admin_name});
    send_json(response, Status::HTTP_OK, published_json(store_, published));
}

void AdminContentVersionsHandler::serve(Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response) {
    require_role(request, store_, clock_(), {Role::admin});
    auto history = store_.content_history();
    Json versions = Json::array();
    for (const auto& record : history)
        versions.push_back(version_json(record));
    send_json(response, Status::HTTP_OK,
              {{"current", history.empty() ? "" : std::to_string(history.front().version)},
               {"versions", versions}});
}

void AdminContentRollbackHandler::serve(Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store_, clock_(), {Role::admin});
    Json body = read_json_body(request, config_.max_json_body_bytes);
    std::optional<std::int64_t> wanted;
    if (body.is_object() && body.contains("version")) {
        const Json& version = body["version"];
        if (version.is_string())
            wanted = parse_id(version.get_ref<const std::string&>());
        else if (version.is_number_integer() && version.get<std::int64_t>() > 0)
            wanted = version.get<std::int64_t>();
    }
    if (!wanted)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "validation_failed",
                        "the request is not valid", {{"/version", "required, a version number"}});
    auto old = store_.content_version(*wanted);
    if (!old)
        throw not_found("there is no content version " + std::to_string(*wanted));
    const auto published =
        publish(store_, logger(), parse_stored_document(old->document),
                "content.rollback to " + std::to_string(*wanted), {clock_(), admin.admin_name});
    send_json(response, Status::HTTP_OK, published_json(store_, published));
}

} // namespace wellness::station
