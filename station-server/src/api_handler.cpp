#include "api_handler.hpp"

#include "http_support.hpp"
#include "image_check.hpp"
#include "qr_svg.hpp"
#include "security.hpp"
#include "static_files.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"
#include "wellness/suppression.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace wellness::station {

namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

enum class Role { admin, coordinator, kiosk };

struct Principal {
    Role role = Role::kiosk;
    std::int64_t id = 0;    // session id, coordinator token id or kiosk id
    std::string admin_name; // admins only
};

HttpError unauthorized(const std::string& code, const std::string& message) {
    return HttpError(Status::HTTP_UNAUTHORIZED, code, message);
}

HttpError not_found(const std::string& message = "no such resource") {
    return HttpError(Status::HTTP_NOT_FOUND, "not_found", message);
}

HttpError invalid_request(const std::string& code, const std::string& message) {
    return HttpError(Status::HTTP_BAD_REQUEST, code, message);
}

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 1)
        return std::nullopt;
    return value;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::stringstream stream(path);
    std::string segment;
    while (std::getline(stream, segment, '/'))
        if (!segment.empty())
            segments.push_back(segment);
    return segments;
}

// Tokens look like "<role letter><id>.<secret>": the id finds the row, the secret's SHA-256 is
// compared with the stored one in constant time.
struct ParsedToken {
    char role = 0;
    std::int64_t id = 0;
    std::string secret;
};

std::optional<ParsedToken> parse_token(const std::string& token) {
    auto dot = token.find('.');
    if (token.size() < 3 || token.size() > 200 || dot == std::string::npos || dot < 2)
        return std::nullopt;
    auto id = parse_id(std::string_view(token).substr(1, dot - 1));
    if (!id)
        return std::nullopt;
    return ParsedToken{token[0], *id, token.substr(dot + 1)};
}

std::string make_token(char role, std::int64_t id, const std::string& secret) {
    return std::string(1, role) + std::to_string(id) + "." + secret;
}

class Router {
  public:
    Router(StationContext& context, HTTPServerRequest& request, HTTPServerResponse& response)
        : context_(context), request_(request), response_(response), method_(request.getMethod()) {
        try {
            Poco::URI uri(request.getURI());
            path_ = uri.getPath();
            query_ = uri.getQueryParameters();
        } catch (const Poco::Exception&) {
            throw invalid_request("invalid_uri", "the request path is not a valid URI");
        }
        if (path_.find('\0') != std::string::npos)
            throw invalid_request("invalid_uri", "the request path holds a NUL byte");
        segments_ = split_path(path_);
    }

    void route();

  private:
    std::time_t now() const { return context_.clock(); }
    const StationConfig& config() const { return context_.config; }
    StationStore& store() { return context_.store; }
    std::string client_address() const { return request_.clientAddress().host().toString(); }

    bool is(std::initializer_list<std::string_view> pattern) const {
        if (pattern.size() != segments_.size())
            return false;
        std::size_t i = 0;
        for (auto part : pattern) {
            if (part != "*" && part != segments_[i])
                return false;
            ++i;
        }
        return true;
    }
    void allow(std::initializer_list<std::string_view> methods) {
        for (auto method : methods)
            if (method == method_)
                return;
        std::string allowed;
        for (auto method : methods)
            allowed += (allowed.empty() ? "" : ", ") + std::string(method);
        response_.set("Allow", allowed);
        throw HttpError(Status::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                        "this path does not accept " + method_);
    }

    Principal authenticate();
    Principal require(std::initializer_list<Role> roles);
    AuditStamp stamp(const Principal& admin) const { return {now(), admin.admin_name}; }

    void healthz();
    void admin_login();
    void admin_logout(const Principal& admin);
    void admin_get_content();
    void admin_put_content(const Principal& admin);
    void admin_content_versions();
    void admin_rollback(const Principal& admin);
    void admin_put_asset(const Principal& admin, const std::string& name);
    void admin_list_assets();
    void get_asset(const std::string& name);
    void admin_create_kiosk(const Principal& admin);
    void admin_list_kiosks();
    void admin_revoke_kiosk(const Principal& admin, const std::string& id);
    void admin_create_token(const Principal& admin);
    void admin_list_tokens();
    void admin_revoke_token(const Principal& admin, const std::string& id);
    void admin_audit();
    void admin_qr();
    void kiosk_enroll();
    void kiosk_content(const Principal& kiosk);
    void kiosk_counts(const Principal& kiosk);
    void summary();
    void static_file();

    std::int64_t publish(const Json& document, const std::string& action, const Principal& admin);

    StationContext& context_;
    HTTPServerRequest& request_;
    HTTPServerResponse& response_;
    std::string method_;
    std::string path_;
    Poco::URI::QueryParameters query_;
    std::vector<std::string> segments_;
};

Principal Router::authenticate() {
    std::string token = bearer_token(request_);
    if (token.empty())
        throw unauthorized("unauthenticated", "this needs an Authorization: Bearer token");
    auto parsed = parse_token(token);
    auto bad = unauthorized("invalid_token", "the token is not valid");
    if (!parsed)
        throw bad;
    std::string secret_hash = sha256_hex(parsed->secret);
    switch (parsed->role) {
    case 'a': {
        auto session = store().find_session(parsed->id);
        if (!session || !constant_time_equal(secret_hash, session->token_hash))
            throw bad;
        if (session->expires_at <= now())
            throw unauthorized("session_expired", "the session has expired: sign in again");
        return {Role::admin, parsed->id, session->admin_name};
    }
    case 'c': {
        auto record = store().find_coordinator_token(parsed->id);
        if (!record || !constant_time_equal(secret_hash, record->token_hash))
            throw bad;
        if (record->revoked)
            throw unauthorized("token_revoked", "the token has been revoked");
        return {Role::coordinator, parsed->id, ""};
    }
    case 'k': {
        auto kiosk = store().find_kiosk(parsed->id);
        if (!kiosk || !kiosk->enrolled || !constant_time_equal(secret_hash, kiosk->token_hash))
            throw bad;
        if (kiosk->revoked)
            throw unauthorized("token_revoked", "the kiosk has been revoked");
        return {Role::kiosk, parsed->id, ""};
    }
    default:
        throw bad;
    }
}

Principal Router::require(std::initializer_list<Role> roles) {
    Principal principal = authenticate();
    for (Role role : roles)
        if (role == principal.role)
            return principal;
    throw HttpError(Status::HTTP_FORBIDDEN, "forbidden", "this token may not do that");
}

void Router::route() {
    if (segments_.empty()) {
        allow({"GET", "HEAD"});
        add_security_headers(response_);
        response_.redirect("/admin/", Status::HTTP_FOUND);
        return;
    }
    if (is({"healthz"})) {
        allow({"GET"});
        return healthz();
    }
    if (segments_[0] == "admin" || segments_[0] == "summary")
        return static_file();
    if (segments_.size() < 3 || segments_[0] != "api" || segments_[1] != "v1")
        throw not_found();

    if (segments_[2] == "summary" && segments_.size() == 3) {
        allow({"GET"});
        require({Role::admin, Role::coordinator});
        return summary();
    }
    if (segments_[2] == "kiosk") {
        if (is({"api", "v1", "kiosk", "enroll"})) {
            allow({"POST"});
            return kiosk_enroll();
        }
        if (is({"api", "v1", "kiosk", "content"})) {
            allow({"GET"});
            return kiosk_content(require({Role::kiosk}));
        }
        if (is({"api", "v1", "kiosk", "assets", "*"})) {
            allow({"GET"});
            require({Role::kiosk});
            return get_asset(segments_[4]);
        }
        if (is({"api", "v1", "kiosk", "counts"})) {
            allow({"POST"});
            return kiosk_counts(require({Role::kiosk}));
        }
        throw not_found();
    }
    if (segments_[2] != "admin")
        throw not_found();

    if (is({"api", "v1", "admin", "session"})) {
        allow({"POST", "DELETE"});
        if (method_ == "POST")
            return admin_login();
        return admin_logout(require({Role::admin}));
    }
    // Everything below is for signed-in admins only; the route decides which object.
    auto known =
        is({"api", "v1", "admin", "content"}) ||
        is({"api", "v1", "admin", "content", "versions"}) ||
        is({"api", "v1", "admin", "content", "rollback"}) || is({"api", "v1", "admin", "assets"}) ||
        is({"api", "v1", "admin", "assets", "*"}) || is({"api", "v1", "admin", "kiosks"}) ||
        is({"api", "v1", "admin", "kiosks", "*"}) ||
        is({"api", "v1", "admin", "coordinator-tokens"}) ||
        is({"api", "v1", "admin", "coordinator-tokens", "*"}) ||
        is({"api", "v1", "admin", "audit"}) || is({"api", "v1", "admin", "qr.svg"});
    if (!known)
        throw not_found();
    Principal admin = require({Role::admin});

    if (is({"api", "v1", "admin", "content"})) {
        allow({"GET", "PUT"});
        return method_ == "GET" ? admin_get_content() : admin_put_content(admin);
    }
    if (is({"api", "v1", "admin", "content", "versions"})) {
        allow({"GET"});
        return admin_content_versions();
    }
    if (is({"api", "v1", "admin", "content", "rollback"})) {
        allow({"POST"});
        return admin_rollback(admin);
    }
    if (is({"api", "v1", "admin", "assets"})) {
        allow({"GET"});
        return admin_list_assets();
    }
    if (is({"api", "v1", "admin", "assets", "*"})) {
        allow({"GET", "PUT"});
        return method_ == "GET" ? get_asset(segments_[4]) : admin_put_asset(admin, segments_[4]);
    }
    if (is({"api", "v1", "admin", "kiosks"})) {
        allow({"GET", "POST"});
        return method_ == "GET" ? admin_list_kiosks() : admin_create_kiosk(admin);
    }
    if (is({"api", "v1", "admin", "kiosks", "*"})) {
        allow({"DELETE"});
        return admin_revoke_kiosk(admin, segments_[4]);
    }
    if (is({"api", "v1", "admin", "coordinator-tokens"})) {
        allow({"GET", "POST"});
        return method_ == "GET" ? admin_list_tokens() : admin_create_token(admin);
    }
    if (is({"api", "v1", "admin", "coordinator-tokens", "*"})) {
        allow({"DELETE"});
        return admin_revoke_token(admin, segments_[4]);
    }
    if (is({"api", "v1", "admin", "audit"})) {
        allow({"GET"});
        return admin_audit();
    }
    allow({"GET"});
    admin_qr();
}

void Router::healthz() {
    auto current = store().current_content();
    send_json(response_, Status::HTTP_OK,
              {{"status", "ok"},
               {"content_version", current ? std::to_string(current->version) : std::string()}});
}

void Router::admin_login() {
    std::string address = client_address();
    if (auto wait = context_.login_throttle.retry_after(address, now())) {
        HttpError error(Status::HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                        "too many failed sign-ins from this address: try again later");
        error.retry_after_seconds = *wait;
        throw error;
    }
    Json body = read_json_body(request_, config().max_json_body_bytes);
    std::string username = required_text(body, "username", 64);
    std::string password = required_text(body, "password", 1024);
    auto admin = store().find_admin(username);
    // An unknown name costs the same hashing as a known one, so timing does not tell names.
    static const PasswordRecord decoy = hash_password("decoy-password", 1);
    PasswordRecord record = admin ? admin->password : decoy;
    if (!admin)
        record.iterations = config().pbkdf2_iterations;
    bool valid = verify_password(password, record) && admin.has_value();
    if (!valid) {
        context_.login_throttle.record_failure(address, now());
        throw unauthorized("invalid_credentials", "the name or password is wrong");
    }
    context_.login_throttle.record_success(address);
    store().delete_expired_sessions(now());
    std::string secret = random_secret();
    std::time_t expires = now() + static_cast<std::time_t>(config().admin_token_lifetime.count());
    auto session = store().create_session(admin->id, sha256_hex(secret), expires);
    send_json(response_, Status::HTTP_OK,
              {{"token", make_token('a', session, secret)},
               {"expires_at", utc_timestamp(expires)},
               {"username", admin->name}});
}

void Router::admin_logout(const Principal& admin) {
    store().delete_session(admin.id);
    send_no_content(response_);
}

Json parse_stored_document(const std::string& text) {
    JsonLimits limits;
    limits.max_bytes = 16 * 1024 * 1024;
    auto parsed = parse_json_input(text, limits);
    if (!parsed.value)
        throw std::runtime_error("a stored content document does not parse");
    return std::move(*parsed.value);
}

Json version_json(const ContentVersionRecord& record) {
    return {{"version", std::to_string(record.version)},
            {"published_at", utc_timestamp(record.published_at)},
            {"published_by", record.published_by}};
}

void Router::admin_get_content() {
    auto current = store().current_content();
    if (!current)
        throw not_found("no content has been published yet");
    Json body = version_json(*current);
    body["document"] = parse_stored_document(current->document);
    send_json(response_, Status::HTTP_OK, body);
}

std::int64_t Router::publish(const Json& document, const std::string& action,
                             const Principal& admin) {
    auto assets = store().asset_names();
    auto parsed = parse_content(document, &assets);
    if (!parsed.document)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_content",
                        "the content has " + std::to_string(parsed.problems.size()) +
                            " problem(s); the published content is unchanged",
                        parsed.problems);
    auto version = store().publish_content(document.dump(), action, stamp(admin));
    context_.logger.information("content version " + std::to_string(version) + " published");
    return version;
}

void Router::admin_put_content(const Principal& admin) {
    Json document = read_json_body(request_, config().max_content_body_bytes);
    auto version = publish(document, "content.publish", admin);
    send_json(response_, Status::HTTP_OK, version_json(*store().content_version(version)));
}

void Router::admin_content_versions() {
    auto history = store().content_history();
    Json versions = Json::array();
    for (const auto& record : history)
        versions.push_back(version_json(record));
    send_json(response_, Status::HTTP_OK,
              {{"current", history.empty() ? "" : std::to_string(history.front().version)},
               {"versions", versions}});
}

void Router::admin_rollback(const Principal& admin) {
    Json body = read_json_body(request_, config().max_json_body_bytes);
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
    auto old = store().content_version(*wanted);
    if (!old)
        throw not_found("there is no content version " + std::to_string(*wanted));
    auto version = publish(parse_stored_document(old->document),
                           "content.rollback to " + std::to_string(*wanted), admin);
    send_json(response_, Status::HTTP_OK, version_json(*store().content_version(version)));
}

void Router::admin_put_asset(const Principal& admin, const std::string& name) {
    if (!is_valid_asset_name(name))
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_asset_name",
                        "asset names are 1 to 64 of a-z 0-9 - _ . ending in .png or .jpg",
                        {{"", "bad asset name"}});
    std::string media_type;
    try {
        Poco::Net::MediaType type(request_.getContentType());
        media_type = Poco::toLower(type.getType() + "/" + type.getSubType());
    } catch (const std::exception&) {
    }
    if (media_type != "image/png" && media_type != "image/jpeg")
        throw HttpError(Status::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "assets must be image/png or image/jpeg");
    std::string bytes = read_body(request_, config().max_asset_bytes);
    if (auto problem = check_image(bytes, media_type, name, config().max_image_side))
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_image", *problem,
                        {{"", *problem}});
    AssetRecord asset{
        {name, media_type, sha256_hex(bytes), static_cast<std::int64_t>(bytes.size())},
        std::move(bytes)};
    auto outcome = store().put_asset(asset, stamp(admin));
    if (outcome == AssetPutOutcome::conflict)
        throw HttpError(Status::HTTP_CONFLICT, "asset_exists",
                        "an asset with this name and other bytes exists: upload under a new name");
    send_json(response_,
              outcome == AssetPutOutcome::stored ? Status::HTTP_CREATED : Status::HTTP_OK,
              {{"name", asset.info.name},
               {"sha256", asset.info.sha256},
               {"size", asset.info.size},
               {"media_type", asset.info.media_type}});
}

void Router::admin_list_assets() {
    Json assets = Json::array();
    for (const auto& asset : store().list_assets())
        assets.push_back({{"name", asset.name},
                          {"sha256", asset.sha256},
                          {"size", asset.size},
                          {"media_type", asset.media_type}});
    send_json(response_, Status::HTTP_OK, {{"assets", assets}});
}

void Router::get_asset(const std::string& name) {
    if (!is_valid_asset_name(name))
        throw not_found("no such asset");
    auto asset = store().asset(name);
    if (!asset)
        throw not_found("no such asset");
    response_.set("ETag", "\"" + asset->info.sha256 + "\"");
    response_.set("Cache-Control", "private, max-age=31536000, immutable");
    send_bytes(response_, Status::HTTP_OK, asset->info.media_type, asset->bytes);
}

Json kiosk_json(const KioskRecord& kiosk) {
    return {
        {"kiosk_id", std::to_string(kiosk.id)},
        {"name", kiosk.name},
        {"created_at", utc_timestamp(kiosk.created_at)},
        {"enrolled", kiosk.enrolled},
        {"revoked", kiosk.revoked},
        {"enrollment_code_expires_at",
         kiosk.code_expires_at ? Json(utc_timestamp(*kiosk.code_expires_at)) : Json()},
        {"last_contact", kiosk.last_contact ? Json(utc_timestamp(*kiosk.last_contact)) : Json()},
        {"content_version", kiosk.content_version.empty() ? Json() : Json(kiosk.content_version)}};
}

std::string format_code(const std::string& code) {
    return code.substr(0, 5) + "-" + code.substr(5);
}

// Codes are typed by a person: ignore case, spaces and dashes.
std::string normalize_code(const std::string& code) {
    std::string normalized;
    for (char c : code) {
        if (c == '-' || c == ' ')
            continue;
        normalized.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return normalized;
}

void Router::admin_create_kiosk(const Principal& admin) {
    Json body = read_json_body(request_, config().max_json_body_bytes);
    std::string name = required_text(body, "name", 64);
    std::string code = random_code(10);
    std::time_t expires =
        now() + static_cast<std::time_t>(config().enrollment_code_lifetime.count());
    auto id = store().create_kiosk(name, sha256_hex(code), expires, stamp(admin));
    send_json(response_, Status::HTTP_CREATED,
              {{"kiosk_id", std::to_string(id)},
               {"name", name},
               {"enrollment_code", format_code(code)},
               {"expires_at", utc_timestamp(expires)}});
}

void Router::admin_list_kiosks() {
    Json kiosks = Json::array();
    for (const auto& kiosk : store().list_kiosks())
        kiosks.push_back(kiosk_json(kiosk));
    send_json(response_, Status::HTTP_OK, {{"kiosks", kiosks}});
}

void Router::admin_revoke_kiosk(const Principal& admin, const std::string& id_text) {
    auto id = parse_id(id_text);
    if (!id || !store().revoke_kiosk(*id, stamp(admin)))
        throw not_found("no such kiosk");
    send_json(response_, Status::HTTP_OK, kiosk_json(*store().find_kiosk(*id)));
}

Json token_json(const CoordinatorTokenRecord& token) {
    return {{"id", std::to_string(token.id)},
            {"label", token.label},
            {"created_at", utc_timestamp(token.created_at)},
            {"revoked", token.revoked}};
}

void Router::admin_create_token(const Principal& admin) {
    Json body = read_json_body(request_, config().max_json_body_bytes);
    std::string label = required_text(body, "label", 64);
    std::string secret = random_secret();
    auto id = store().create_coordinator_token(label, sha256_hex(secret), stamp(admin));
    Json answer = token_json(*store().find_coordinator_token(id));
    answer["token"] = make_token('c', id, secret);
    send_json(response_, Status::HTTP_CREATED, answer);
}

void Router::admin_list_tokens() {
    Json tokens = Json::array();
    for (const auto& token : store().list_coordinator_tokens())
        tokens.push_back(token_json(token));
    send_json(response_, Status::HTTP_OK, {{"tokens", tokens}});
}

void Router::admin_revoke_token(const Principal& admin, const std::string& id_text) {
    auto id = parse_id(id_text);
    if (!id || !store().revoke_coordinator_token(*id, stamp(admin)))
        throw not_found("no such coordinator token");
    send_json(response_, Status::HTTP_OK, token_json(*store().find_coordinator_token(*id)));
}

void Router::admin_audit() {
    Json entries = Json::array();
    for (const auto& entry : store().audit_log(500))
        entries.push_back({{"time", utc_timestamp(entry.at)},
                           {"admin", entry.admin},
                           {"action", entry.action},
                           {"object", entry.object}});
    send_json(response_, Status::HTTP_OK, {{"entries", entries}});
}

void Router::admin_qr() {
    std::string data;
    int found = 0;
    for (const auto& [name, value] : query_)
        if (name == "data") {
            data = value;
            ++found;
        }
    if (found != 1 || data.empty() || data.size() > 1024)
        throw invalid_request("invalid_query", "give data=TEXT once, 1 to 1024 bytes");
    auto svg = qr_svg(data);
    if (!svg)
        throw invalid_request("invalid_query", "the text does not fit a QR code");
    send_bytes(response_, Status::HTTP_OK, "image/svg+xml", *svg);
}

void Router::kiosk_enroll() {
    std::string address = client_address();
    if (auto wait = context_.enroll_throttle.retry_after(address, now())) {
        HttpError error(Status::HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                        "too many failed enrollments from this address: try again later");
        error.retry_after_seconds = *wait;
        throw error;
    }
    Json body = read_json_body(request_, config().max_json_body_bytes);
    std::string code = normalize_code(required_text(body, "enrollment_code", 64));
    std::string secret = random_secret();
    auto enrollment = store().enroll_kiosk(sha256_hex(code), sha256_hex(secret), now());
    switch (enrollment.outcome) {
    case EnrollOutcome::enrolled:
        context_.enroll_throttle.record_success(address);
        context_.logger.information("a kiosk enrolled");
        send_json(response_, Status::HTTP_OK,
                  {{"kiosk_id", std::to_string(enrollment.kiosk_id)},
                   {"token", make_token('k', enrollment.kiosk_id, secret)}});
        return;
    case EnrollOutcome::expired:
        throw unauthorized("enrollment_code_expired",
                           "the enrollment code has expired: ask the admin for a new kiosk code");
    case EnrollOutcome::already_used:
        throw unauthorized("enrollment_code_used", "the enrollment code has already been used");
    case EnrollOutcome::revoked:
        throw unauthorized("kiosk_revoked", "this kiosk has been revoked");
    case EnrollOutcome::unknown_code:
        break;
    }
    context_.enroll_throttle.record_failure(address, now());
    throw unauthorized("invalid_enrollment_code", "the enrollment code is not valid");
}

bool etag_matches(const std::string& header, const std::string& version) {
    // Accepts "3", W/"3", 3 and lists of them.
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

void Router::kiosk_content(const Principal& kiosk) {
    auto current = store().current_content();
    if (!current)
        throw not_found("no content has been published yet");
    std::string version = std::to_string(current->version);
    std::optional<std::string> reported;
    if (request_.has("X-Content-Version")) {
        std::string value = request_.get("X-Content-Version");
        if (!value.empty() && value.size() <= 32 && is_valid_slug(value))
            reported = value;
    }
    response_.set("ETag", "\"" + version + "\"");
    response_.set("Cache-Control", "no-cache");
    if (request_.has("If-None-Match") && etag_matches(request_.get("If-None-Match"), version)) {
        store().record_kiosk_contact(kiosk.id, now(), reported ? reported : version);
        add_security_headers(response_);
        response_.setStatusAndReason(Status::HTTP_NOT_MODIFIED);
        response_.setContentLength(0);
        response_.send();
        return;
    }
    std::string body;
    {
        std::lock_guard lock(context_.manifest_mutex);
        if (context_.manifest_version == current->version)
            body = context_.manifest_body;
    }
    if (body.empty()) {
        Json document = parse_stored_document(current->document);
        Json assets = Json::array();
        if (document.contains("assets") && document["assets"].is_array())
            for (const auto& name : document["assets"])
                if (name.is_string())
                    if (auto asset = store().asset(name.get<std::string>()))
                        assets.push_back({{"name", asset->info.name},
                                          {"sha256", asset->info.sha256},
                                          {"size", asset->info.size}});
        Json manifest = {{"version", version},
                         {"document", std::move(document)},
                         {"assets", assets},
                         {"k", config().k}};
        body = manifest.dump(-1, ' ', false, Json::error_handler_t::replace);
        std::lock_guard lock(context_.manifest_mutex);
        context_.manifest_version = current->version;
        context_.manifest_body = body;
    }
    store().record_kiosk_contact(kiosk.id, now(), reported ? reported : version);
    send_bytes(response_, Status::HTTP_OK, "application/json; charset=utf-8", body);
}

void Router::kiosk_counts(const Principal& kiosk) {
    require_media_type(request_, "application/json");
    std::string body = read_body(request_, max_batch_bytes);
    auto decoded = decode_batch(body, IsoWeek::from_local_time(now()));
    if (decoded.json_error != JsonInputError::none)
        throw json_input_error(decoded.json_error, decoded.problems.empty()
                                                       ? std::string()
                                                       : decoded.problems.front().message);
    if (!decoded.batch)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_batch",
                        "the batch was refused as a whole; nothing was applied", decoded.problems);
    auto outcome = store().apply_batch(*decoded.batch);
    store().record_kiosk_contact(kiosk.id, now(), std::nullopt);
    send_json(response_, Status::HTTP_OK,
              {{"status", outcome == BatchOutcome::applied ? "applied" : "duplicate"}});
}

void Router::summary() {
    std::map<std::string, std::string> parameters;
    for (const auto& [name, value] : query_) {
        if (name != "from" && name != "to" && name != "period" && name != "format")
            throw invalid_request("invalid_query", "unknown query parameter " + name);
        if (!parameters.emplace(name, value).second)
            throw invalid_request("invalid_query", "query parameter " + name + " given twice");
    }
    IsoWeek last_closed = IsoWeek::from_local_time(now()).prev();
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
    if (to.weeks_since(from) + 1 > config().max_summary_weeks)
        throw invalid_request("range_too_large", "a summary covers at most " +
                                                     std::to_string(config().max_summary_weeks) +
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

    SummaryRequest summary_request{from, to, period, config().k};
    Summary result = summarize(store().weekly_counts(from, to), summary_request);
    if (format == "csv") {
        response_.set("Content-Disposition", "attachment; filename=\"summary-" + from.to_string() +
                                                 "-" + to.to_string() + "-" +
                                                 std::string(to_string(period)) + ".csv\"");
        send_bytes(response_, Status::HTTP_OK, "text/csv; charset=utf-8", summary_to_csv(result));
        return;
    }
    send_json(response_, Status::HTTP_OK, summary_to_json(result));
}

void Router::static_file() {
    allow({"GET", "HEAD"});
    if (segments_.size() == 1 && path_.back() != '/') {
        add_security_headers(response_);
        response_.redirect("/" + segments_[0] + "/", Status::HTTP_MOVED_PERMANENTLY);
        return;
    }
    auto found = resolve_static_file(config().web_dir, path_);
    if (!found)
        throw not_found("no such page");
    std::ifstream in(found->file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in)
        throw not_found("no such page");
    response_.set("Cache-Control", "no-cache");
    if (method_ == "HEAD") {
        add_security_headers(response_);
        response_.setContentType(found->media_type);
        response_.setContentLength64(static_cast<Poco::Int64>(contents.str().size()));
        response_.send();
        return;
    }
    send_bytes(response_, Status::HTTP_OK, found->media_type, contents.str());
}

void discard_body(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
    try {
        char buffer[16384];
        std::size_t skipped = 0;
        auto& stream = request.stream();
        while (stream && skipped < limit) {
            stream.read(buffer, sizeof buffer);
            if (stream.gcount() <= 0)
                break;
            skipped += static_cast<std::size_t>(stream.gcount());
        }
    } catch (const std::exception&) {
    }
}

} // namespace

void StationRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                          Poco::Net::HTTPServerResponse& response) {
    try {
        Router router(context_, request, response);
        router.route();
    } catch (const HttpError& error) {
        if (response.sent())
            return;
        // A refused body may not have been read to its end: do not reuse the connection, but
        // read (a bounded amount) on so the client can still receive the answer before close.
        if (error.status == Status::HTTP_REQUEST_ENTITY_TOO_LARGE) {
            response.setKeepAlive(false);
            discard_body(request, 8 * 1024 * 1024);
        }
        send_error(response, error);
    } catch (const std::exception& error) {
        context_.logger.error(std::string("request failed: ") + error.what());
        if (response.sent())
            return;
        response.setKeepAlive(false);
        send_error(response, HttpError(Status::HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                                       "the station could not do that; it has been logged"));
    }
}

} // namespace wellness::station
