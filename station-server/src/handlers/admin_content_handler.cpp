#include "admin_content_handler.hpp"

#include "wellness/content.hpp"
#include "wellness/iso_week.hpp"
#include "wellness/limits.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <set>

namespace wellness::station {

namespace {

Json version_json(const ContentVersionRecord& record) {
    return {{"version", std::to_string(record.version)},
            {"published_at", utc_timestamp(record.published_at)},
            {"published_by", record.published_by},
            {"note", record.note}};
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

// The entity tag of a content version: what GET answers and PUT's If-Match names.
std::string content_etag(std::int64_t version) {
    return "\"content-" + std::to_string(version) + "\"";
}

// The version a PUT's If-Match names. Without one, 428: a publish must say what it was based
// on, so that it never silently replaces a version its admin has not seen. One that names no
// content version (or "*", which would match anything) is 412.
std::int64_t based_on_version(const Poco::Net::HTTPServerRequest& request) {
    if (!request.has("If-Match"))
        throw HttpError(Status::HTTP_PRECONDITION_REQUIRED, "precondition_required",
                        "send If-Match with the ETag of GET /api/v1/admin/content, so that a "
                        "version published meanwhile is never overwritten unseen");
    std::string tag = request.get("If-Match");
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    const std::string prefix = "\"content-";
    if (tag.size() > prefix.size() + 1 && tag.size() < 40 && tag.starts_with(prefix) &&
        tag.back() == '"') {
        if (auto version = parse_id(tag.substr(prefix.size(), tag.size() - prefix.size() - 1)))
            return *version;
    }
    throw HttpError(Status::HTTP_PRECONDITION_FAILED, "content_changed",
                    "If-Match names no content version; read the content again");
}

constexpr std::size_t max_note_bytes = 200;

// The admin's note on a publish: percent-encoded UTF-8 in X-Publish-Note (a header, since the
// body is the document itself), 1 to 200 bytes of text without control characters; none when
// absent. 422 otherwise, before anything is published.
std::string publish_note(const Poco::Net::HTTPServerRequest& request) {
    if (!request.has("X-Publish-Note"))
        return "";
    const std::string& encoded = request.get("X-Publish-Note");
    std::string note;
    try {
        if (encoded.size() > max_note_bytes * 3)
            throw Poco::SyntaxException("too long");
        Poco::URI::decode(encoded, note);
    } catch (const Poco::Exception&) {
        note.assign(max_note_bytes + 1, 'x'); // refused below with the length message
    }
    if (first_invalid_utf8(note) != note.size())
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "validation_failed",
                        "the request is not valid", {{"/note", "must be UTF-8 text"}});
    return required_text(Json{{"note", note}}, "note", max_note_bytes);
}

HttpError changed_since(StationStore& store, const ContentChanged& changed) {
    std::string message = "version " + std::to_string(changed.current) +
                          " was published after version " + std::to_string(changed.based_on) +
                          ", which this edit is based on; nothing was published";
    if (auto current = store.content_version(changed.current))
        message += " (version " + std::to_string(changed.current) + " by " + current->published_by +
                   " at " + utc_timestamp(current->published_at) + ")";
    return HttpError(Status::HTTP_PRECONDITION_FAILED, "content_changed", message,
                     {{"/current_version", std::to_string(changed.current)}});
}

// A kiosk keeps at most max_total_asset_bytes of assets per version (limits.hpp): content over
// that would be refused by every kiosk, so it is refused here, before anything is published.
void refuse_more_assets_than_kiosks_keep(StationStore& store, const Json& document) {
    std::set<std::string> named;
    if (document.contains("assets") && document["assets"].is_array())
        for (const auto& name : document["assets"])
            if (name.is_string())
                named.insert(name.get<std::string>());
    std::int64_t total = 0;
    for (const auto& asset : store.list_assets())
        if (named.contains(asset.name))
            total += asset.size;
    if (total > static_cast<std::int64_t>(shared_limits::max_total_asset_bytes))
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_content",
                        "the content's assets are " + std::to_string(total) +
                            " bytes together; kiosks keep at most " +
                            std::to_string(shared_limits::max_total_asset_bytes) +
                            "; the published content is unchanged",
                        {{"/assets", "the assets are too large together"}});
}

// Validates against core's rules and the uploaded assets, then publishes with its audit entry
// (with `based_on`, only while that version is still current).
Published publish(StationStore& store, Poco::Logger& logger, const Json& document,
                  const std::string& action, const AuditStamp& stamp,
                  std::optional<std::int64_t> based_on = std::nullopt,
                  const std::string& note = "") {
    auto assets = store.asset_names();
    auto parsed = parse_content(document, &assets);
    if (!parsed.document)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_content",
                        "the content has " + std::to_string(parsed.problems.size()) +
                            " problem(s); the published content is unchanged",
                        parsed.problems);
    refuse_more_assets_than_kiosks_keep(store, document);
    const auto counted_now = counted_by_this_week(store, stamp.at);
    Published published;
    try {
        published.version = store.publish_content(document.dump(), action, stamp, based_on, note);
    } catch (const ContentChanged& changed) {
        throw changed_since(store, changed);
    }
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
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "GET") {
        auto current = store().current_content();
        if (!current)
            throw not_found("no content has been published yet");
        Json body = version_json(*current);
        body["document"] = parse_stored_document(current->document);
        response.set("ETag", content_etag(current->version));
        send_json(response, Status::HTTP_OK, body);
        return;
    }
    const std::int64_t based_on = based_on_version(request);
    // Refused before the body is read or validated: problems found in a stale edit would only
    // have to be fixed again after merging.
    if (auto current = store().current_content(); current && current->version != based_on)
        throw changed_since(store(), ContentChanged(based_on, current->version));
    const std::string note = publish_note(request);
    Json document = read_json_body(request, config().max_content_body_bytes);
    const auto published = publish(store(), logger(), document, "content.publish",
                                   {station_time(), admin.admin_name}, based_on, note);
    response.set("ETag", content_etag(published.version));
    send_json(response, Status::HTTP_OK, published_json(store(), published));
}

void AdminContentVersionsHandler::serve(Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    auto history = store().content_history();
    Json versions = Json::array();
    for (const auto& record : history)
        versions.push_back(version_json(record));
    send_json(response, Status::HTTP_OK,
              {{"current", history.empty() ? "" : std::to_string(history.front().version)},
               {"versions", versions}});
}

void AdminContentVersionHandler::serve(Poco::Net::HTTPServerRequest& request,
                                       Poco::Net::HTTPServerResponse& response) {
    require_role(request, store(), station_time(), {Role::admin});
    const auto wanted = parse_id(version_);
    const auto record = wanted ? store().content_version(*wanted) : std::nullopt;
    if (!record)
        throw not_found("there is no such content version");
    Json body = version_json(*record);
    body["document"] = parse_stored_document(record->document);
    send_json(response, Status::HTTP_OK, body);
}

void AdminContentDraftHandler::serve(Poco::Net::HTTPServerRequest& request,
                                     Poco::Net::HTTPServerResponse& response) {
    const Principal admin = require_role(request, store(), station_time(), {Role::admin});
    if (request.getMethod() == "GET") {
        const auto draft = store().draft_of(admin.admin_name);
        if (!draft)
            throw not_found("no draft is kept for this admin");
        send_json(response, Status::HTTP_OK,
                  {{"based_on", std::to_string(draft->based_on)},
                   {"saved_at", utc_timestamp(draft->saved_at)},
                   {"document", parse_stored_document(draft->document)}});
        return;
    }
    if (request.getMethod() == "DELETE") {
        store().delete_draft(admin.admin_name);
        send_no_content(response);
        return;
    }
    const Json body = read_json_body(request, config().max_content_body_bytes);
    Problems problems;
    std::optional<std::int64_t> based_on;
    if (body.is_object() && body.contains("based_on") && body["based_on"].is_string())
        based_on = parse_id(body["based_on"].get_ref<const std::string&>());
    if (!based_on || !store().content_version(*based_on))
        problems.push_back({"/based_on", "required, the version the draft started from"});
    if (!body.is_object() || !body.contains("document") || !body["document"].is_object())
        problems.push_back({"/document", "required, a content document (an object)"});
    if (!problems.empty())
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "validation_failed",
                        "the draft is not valid; nothing was kept", problems);
    const ContentDraft draft{*based_on, body["document"].dump(), station_time()};
    store().save_draft(admin.admin_name, draft);
    send_json(response, Status::HTTP_OK,
              {{"based_on", std::to_string(draft.based_on)},
               {"saved_at", utc_timestamp(draft.saved_at)}});
}

void AdminContentRollbackHandler::serve(Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    // As a PUT: a rollback replaces the current version, so it names the one it replaces.
    const std::int64_t based_on = based_on_version(request);
    Json body = read_json_body(request, config().max_json_body_bytes);
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
    const std::string note =
        body.contains("note") ? required_text(body, "note", max_note_bytes) : std::string();
    auto old = store().content_version(*wanted);
    if (!old)
        throw not_found("there is no content version " + std::to_string(*wanted));
    const auto published = publish(store(), logger(), parse_stored_document(old->document),
                                   "content.rollback to " + std::to_string(*wanted),
                                   {station_time(), admin.admin_name}, based_on, note);
    send_json(response, Status::HTTP_OK, published_json(store(), published));
}

} // namespace wellness::station
