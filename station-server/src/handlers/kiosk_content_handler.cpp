#include "kiosk_content_handler.hpp"

#include "kiosk_token_handler.hpp"
#include "station_identity_handler.hpp"
#include "station_tls.hpp"
#include "wellness/content.hpp"
#include "wellness/kiosk_headers.hpp"
#include "wellness/limits.hpp"
#include "wellness/manifest.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>
#include <sstream>

namespace wellness::station {

namespace {

// Accepts "3", W/"3", 3 and lists of them.
bool etag_matches(const std::string& header, const std::string& version) {
    std::stringstream list(header);
    std::string item;
    while (std::getline(list, item, ',')) {
        std::string tag = Poco::trim(item);
        if (tag.starts_with("W/"))
            tag = tag.substr(2);
        if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
            tag = tag.substr(1, tag.size() - 2);
        if (tag == version || tag == "*")
            return true;
    }
    return false;
}

} // namespace

std::optional<std::string> ManifestCache::find(std::int64_t version) {
    std::lock_guard lock(mutex_);
    if (version_ == version && !body_.empty())
        return body_;
    return std::nullopt;
}

void ManifestCache::remember(std::int64_t version, std::string body) {
    std::lock_guard lock(mutex_);
    version_ = version;
    body_ = std::move(body);
}

std::string KioskContentHandler::build_manifest(const ContentVersionRecord& current) {
    ContentManifest manifest{
        std::to_string(current.version), parse_stored_document(current.document), {}, config().k};
    if (manifest.document.contains("assets") && manifest.document["assets"].is_array())
        for (const auto& name : manifest.document["assets"])
            if (name.is_string())
                if (auto asset = store().asset(name.get<std::string>()))
                    manifest.assets.push_back({asset->info.name, asset->info.sha256,
                                               static_cast<std::size_t>(asset->info.size)});
    return encode_manifest(manifest);
}

void KioskContentHandler::note_contact(std::int64_t kiosk, const std::string& version) {
    // Bookkeeping for the console: a disk that takes no writes must not cost the kiosk its
    // content (the answer is a read).
    try {
        store().record_kiosk_contact(kiosk, station_time(), version);
    } catch (const std::exception& error) {
        logger().warning(std::string("could not record a kiosk's contact: ") + error.what());
    }
}

void KioskContentHandler::serve(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
    const std::time_t now = station_time();
    Principal kiosk = require_role(request, store(), now, {Role::kiosk});
    auto current = store().current_content();
    if (!current)
        throw not_found("no content has been published yet");
    std::string version = std::to_string(current->version);
    std::optional<std::string> reported;
    if (request.has(content_version_header)) {
        std::string value = request.get(content_version_header);
        if (!value.empty() && value.size() <= shared_limits::max_version_chars &&
            is_valid_slug(value))
            reported = value;
    }
    response.set("ETag", "\"" + version + "\"");
    response.set("Cache-Control", "no-cache");
    // The station's current k on every answer, 304 included: a kiosk whose content has not
    // changed still learns a raised k before it prepares its next release (promise 7).
    response.set(station_k_header, std::to_string(config().k));
    // Which ledger acknowledges this kiosk's batches: a new one after a restore (promise: a
    // restore from a backup loses no count the station acknowledged since).
    response.set(station_ledger_header, ledger_id_);
    // A renewed certificate, told over the pinned channel before it takes over.
    if (tls_)
        if (auto next = tls_->next_fingerprint())
            response.set(next_certificate_header, *next);
    if (auto credentials = store().kiosk_credentials(kiosk.id);
        credentials && kiosk_token_rotation_due(*credentials, config(), now))
        response.set(token_rotation_header, "due");
    if (request.has("If-None-Match") && etag_matches(request.get("If-None-Match"), version)) {
        note_contact(kiosk.id, reported ? *reported : version);
        add_security_headers(response);
        response.setStatusAndReason(Status::HTTP_NOT_MODIFIED);
        response.setContentLength(0);
        response.send();
        return;
    }
    auto body = manifests_.find(current->version);
    if (!body) {
        body = build_manifest(*current);
        manifests_.remember(current->version, *body);
    }
    note_contact(kiosk.id, reported ? *reported : version);
    send_bytes(response, Status::HTTP_OK, "application/json; charset=utf-8", *body);
}

} // namespace wellness::station
