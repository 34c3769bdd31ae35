#include "sync_engine.hpp"

#include "durable_file.hpp"
#include "token_file.hpp"
#include "wellness/fingerprint.hpp"
#include "wellness/limits.hpp"

#include <Poco/UUIDGenerator.h>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace wellness::kiosk {

namespace {

// The "token" of an enrollment or token-swap answer, if it is a plausible one.
std::optional<std::string> token_in_answer(const StationResponse& response) {
    auto parsed = parse_json_input(response.body, JsonLimits{16 * 1024, 4});
    if (!parsed.value || !parsed.value->is_object() || !parsed.value->contains("token") ||
        !(*parsed.value)["token"].is_string())
        return std::nullopt;
    auto token = (*parsed.value)["token"].get<std::string>();
    if (!is_plausible_token(token))
        return std::nullopt;
    return token;
}

constexpr const char* database_file_name = "kiosk.sqlite3";
constexpr const char* not_enrolled_message = "not enrolled / revoked";
constexpr const char* stopping_message = "the kiosk is stopping";
// What an observer of the LAN or the station learns from the traffic, and why it says nothing
// about use:
// - Contacts happen every contact_interval +- random jitter, whether or not anyone used the
//   kiosk, and each starts with the same GET of the content manifest.
// - Every closed week the kiosk ran yields exactly one release, used or not (a quiet week is
//   released with zeros, a pooled week with zeros and its counts carried on), at a moment drawn
//   from a per-kiosk secret, never from use. So the number of POSTs a contact makes depends
//   only on how many weeks have closed since the last acknowledged one: time, not use.
// - A release lists every key of the content's catalogue (zeros included) and its body is
//   padded to the size it would have with every n at its maximum, so releases of the same
//   content have the same keys and the same byte size.
// Sending a dummy POST when the outbox is empty would add nothing: "no POST" already means only
// "no week closed since last time", which everyone knows from the calendar.
// At most this many batches per contact: a long outage drains over a few contacts instead of
// one burst.
constexpr std::size_t max_batches_per_contact = 8;
// Acknowledged releases are kept this many weeks back from the current one, for a station
// restored from an older backup (nightly by default); older weeks are sealed there long since
// (two weeks after their end by default) and would be refused.
constexpr long kept_release_weeks = 8;

// The station's error code (its snake_case word), "" when the body has none.
std::string error_code_of(const StationResponse& response) {
    auto parsed = parse_json_input(response.body, JsonLimits{64 * 1024, 8});
    std::string code;
    if (parsed.value && parsed.value->is_object()) {
        const auto error = parsed.value->find("error");
        if (error != parsed.value->end() && error->is_object()) {
            const auto found = error->find("code");
            if (found != error->end() && found->is_string())
                code = found->get<std::string>();
        }
    }
    // Cut short so a hostile station cannot flood the log.
    if (code.size() > 64 ||
        code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        code.clear();
    return code;
}

std::string response_status_text(const StationResponse& response) {
    const std::string code = error_code_of(response);
    return "HTTP " + std::to_string(response.status) + (code.empty() ? "" : " " + code);
}

// The station's refusals of a release that hold for ever, whatever the kiosk does: its week is
// sealed, lies before this kiosk's enrollment, or this kiosk released it already. The answer's
// code when it is one of them.
std::optional<std::string> refused_for_good(const StationResponse& response) {
    if (response.status != 409 && response.status != 422)
        return std::nullopt;
    const std::string code = error_code_of(response);
    if (code == "week_sealed" || code == "week_before_enrollment" ||
        code == "week_already_released")
        return code;
    return std::nullopt;
}

IsoWeek week_after(const IsoWeek& week) {
    return IsoWeek::from_local_time(week_end(week) + 12 * 3600);
}

} // namespace

std::string new_batch_id() {
    std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

SyncEngine::SyncEngine(SyncSettings settings, RandomSource random, TechnicalLog log,
                       const std::atomic<bool>* abort)
    : settings_(std::move(settings)), random_(random),
      log_(log ? std::move(log) : [](Poco::Message::Priority, const std::string&) {}),
      abort_(abort), cache_(settings_.data_dir / "content", log_),
      client_(settings_.station_url, settings_.http_timeout, station_pins(settings_)) {
    status_.station_configured = client_.configured();
}

SyncEngine::~SyncEngine() = default;

LocalStore& SyncEngine::store() {
    if (!store_) {
        std::error_code ec;
        std::filesystem::create_directories(settings_.data_dir, ec);
        store_ = std::make_unique<LocalStore>(settings_.data_dir / database_file_name, log_);
    }
    return *store_;
}

ActiveContent SyncEngine::initial_content(std::optional<std::time_t> now) {
    if (!now)
        now = settings_.wall_clock ? settings_.wall_clock() : std::time(nullptr);
    pending_ = cache_.load_pending();
    if (pending_ && IsoWeek::from_local_time(*now) >= pending_->from && cache_.promote_pending()) {
        log_(Poco::Message::PRIO_INFORMATION,
             "content version " + pending_->content.version + " starts with the week");
        pending_.reset();
    }
    if (auto cached = cache_.load_current()) {
        active_ = std::move(cached);
    } else {
        const auto dir = settings_.default_content_dir;
        const auto text = read_file_limited(dir / "default-content.json", 1024 * 1024);
        if (!text)
            throw std::runtime_error("cannot read " + (dir / "default-content.json").string());
        std::set<std::string> assets;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir / "assets", ec))
            if (entry.is_regular_file())
                assets.insert(entry.path().filename().string());
        auto parsed = parse_content(std::string_view(*text), &assets);
        if (!parsed.document) {
            std::string message = "default content is invalid:";
            for (const auto& problem : parsed.problems)
                message += " " + problem.path + ": " + problem.message + ";";
            throw std::runtime_error(message);
        }
        active_ = ActiveContent{std::move(*parsed.document), "default", dir / "assets"};
    }
    seeded_week_.reset();
    status_.content_version = active_->version;
    log_(Poco::Message::PRIO_INFORMATION, "content version " + active_->version + " active");
    return *active_;
}

void SyncEngine::activate(ActiveContent content) {
    active_ = content;
    content_update_ = std::move(content);
    status_.content_version = active_->version;
    seeded_week_.reset();
}

void SyncEngine::learn_station_k(int k) {
    store().set_station_k(k);
    if (shared_limits::is_k_in_range(k))
        k_learnt_ = true;
}

void SyncEngine::ensure_content() {
    if (!active_)
        initial_content();
}

void SyncEngine::seed(const IsoWeek& week) {
    // A week's catalogue is the one in force when it was first seeded; it never grows after.
    if (!store().has_week(week) && !store().is_released(week))
        store().seed_week(week, catalogue_keys(active_->document));
    seeded_week_ = week;
}

void SyncEngine::record_uses(const std::vector<Use>& uses) {
    ensure_content();
    std::vector<Use> kept;
    kept.reserve(uses.size());
    std::map<IsoWeek, std::set<CounterKey>> catalogues;
    for (const Use& use : uses) {
        auto found = catalogues.find(use.week);
        if (found == catalogues.end()) {
            if (store().is_released(use.week)) {
                kept.push_back(use); // the clock was set back: the store carries it
                continue;
            }
            seed(use.week);
            const auto keys = store().week_catalogue(use.week);
            found =
                catalogues.emplace(use.week, std::set<CounterKey>(keys.begin(), keys.end())).first;
        }
        if (found->second.count(use.counter))
            kept.push_back(use);
    }
    store().add_uses(kept);
}

void SyncEngine::prepare_weeks(std::time_t now) {
    ensure_content();
    const IsoWeek current = IsoWeek::from_local_time(now);
    if (pending_ && current >= pending_->from) {
        if (cache_.promote_pending()) {
            log_(Poco::Message::PRIO_INFORMATION,
                 "content version " + pending_->content.version + " starts with the week");
            activate(std::move(pending_->content));
        }
        pending_.reset();
    }
    if (seeded_week_ != current || !store().has_week(current))
        seed(current);
}

int SyncEngine::maintain(std::time_t now) {
    prepare_weeks(now);
    const IsoWeek current = IsoWeek::from_local_time(now);
    const std::string secret = store().kiosk_secret();
    const int k = store().station_k();
    int prepared = 0;
    if (!k_learnt_) {
        // A k stored by an earlier run may be stale: wait for a contact that says it.
        status_.weeks_waiting = store().weeks_waiting(current);
        return 0;
    }
    // Oldest first, and stop at the first week not yet due: what a pooled week carries must
    // flow into the weeks after it in order.
    for (const IsoWeek& week : store().unreleased_weeks_before(current)) {
        if (!release_due(week, now, secret, settings_.release_spread))
            break;
        store().prepare_release(week, store().week_catalogue(week), k, new_batch_id());
        ++prepared;
    }
    status_.weeks_waiting = store().weeks_waiting(current);
    return prepared;
}

StationCallResult SyncEngine::call(const StationRequest& request) {
    if (active_)
        client_.set_content_version(active_->version);
    auto answer = client_.send(request);
    const auto& response = answer.response;
    status_.station_reachable = response.has_value();
    if (response && response->next_certificate)
        learn_next_certificate(*response->next_certificate);
    if (response && response->token_rotation_due)
        token_rotation_due_ = true;
    if (response && response->status == 401 && request.path != "/api/v1/kiosk/enroll") {
        revoked_ = true;
        status_.enrolled = false;
    }
    return answer;
}

std::vector<std::string> station_pins(const SyncSettings& settings) {
    std::vector<std::string> pins;
    if (!settings.station_fingerprint.empty())
        pins.push_back(settings.station_fingerprint);
    // Pins learnt over the pinned channel; anything unreadable in the file is ignored, so a
    // damaged file can only narrow what the kiosk trusts, never widen it.
    if (auto text = read_file_limited(settings.data_dir / pins_file_name, 1024)) {
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);)
            if (auto pin = tls::parse_fingerprint(line);
                pin && std::find(pins.begin(), pins.end(), *pin) == pins.end())
                pins.push_back(*pin);
    }
    return pins;
}

// A station that refuses the token may have been restored from a backup older than the last
// swap: it still knows the token before it. Tried once per contact, only after a 401.
bool SyncEngine::take_previous_token() {
    const auto previous = read_token(settings_.data_dir / previous_token_file_name);
    if (!previous || previous == token_)
        return false;
    refused_token_ = token_;
    token_ = previous;
    revoked_ = false;
    return true;
}

void SyncEngine::keep_previous_token_if_taken() {
    if (!refused_token_)
        return;
    if (revoked_) {
        token_ = std::exchange(refused_token_, std::nullopt); // refused too: nothing changes
        return;
    }
    refused_token_.reset();
    try {
        write_token(settings_.data_dir / token_file_name, *token_);
        std::error_code ignored;
        std::filesystem::remove(settings_.data_dir / previous_token_file_name, ignored);
    } catch (const std::exception& failure) {
        log_(Poco::Message::PRIO_ERROR,
             std::string("could not keep the token the station knows: ") + failure.what());
        return;
    }
    log_(Poco::Message::PRIO_NOTICE, "the station knows only the token before the last swap "
                                     "(restored from a backup?): using it again");
}

void SyncEngine::learn_station_ledger(const std::string& ledger) {
    if (station_ledger_ == ledger)
        return;
    station_ledger_ = ledger;
    if (const int resent = store().resend_unless_acknowledged_by(ledger); resent > 0)
        log_(Poco::Message::PRIO_NOTICE,
             "the station's ledger is new (restored from a backup?): " + std::to_string(resent) +
                 " acknowledged releases go again");
}

void SyncEngine::learn_next_certificate(const std::string& fingerprint) {
    auto pins = client_.pins();
    if (std::find(pins.begin(), pins.end(), fingerprint) != pins.end())
        return;
    // The configured pin stays first; of the learnt ones the newest two are kept (a renewal
    // waiting, and the one before it), so the file never grows.
    std::vector<std::string> learnt{fingerprint};
    for (const auto& pin : pins) // the file lists the newest first
        if (pin != settings_.station_fingerprint && learnt.size() < 2)
            learnt.push_back(pin);
    std::string text;
    for (const auto& pin : learnt)
        text += pin + "\n";
    try {
        write_file_atomically(settings_.data_dir / pins_file_name, text, 0600);
    } catch (const std::exception& failure) {
        log_(Poco::Message::PRIO_ERROR,
             std::string("cannot keep the station's next certificate: ") + failure.what());
        return;
    }
    client_.set_pins(station_pins(settings_));
    log_(Poco::Message::PRIO_INFORMATION,
         "learnt the station's next certificate, SHA256 " + fingerprint);
}

Outcome SyncEngine::enroll() {
    if (settings_.enrollment_code.empty())
        return {"not enrolled: no enrollment code"};
    StationRequest request{"POST",
                           "/api/v1/kiosk/enroll",
                           Json{{"enrollment_code", settings_.enrollment_code}}.dump(),
                           "",
                           "",
                           16 * 1024};
    const auto answer = call(request);
    if (!answer.response)
        return {answer.error};
    const auto& response = answer.response;
    if (response->status != 200 && response->status != 201)
        return {"enrollment refused: " + response_status_text(*response)};
    const auto token = token_in_answer(*response);
    if (!token)
        return {"enrollment answer is not valid"};
    write_token(settings_.data_dir / token_file_name, *token);
    token_ = *token;
    revoked_ = false;
    log_(Poco::Message::PRIO_INFORMATION, "enrolled with the station");
    return {};
}

void SyncEngine::rotate_token(std::time_t now) {
    // The fresh token is kept before it is first used: the station retires the current one at
    // that first use, and until then both work, so a kiosk stopped anywhere in between keeps a
    // token that works. A failed swap is tried again on the next contact.
    StationRequest request{"POST", "/api/v1/kiosk/token", "{}", *token_, "", 16 * 1024};
    const auto answer = call(request);
    const auto& response = answer.response;
    if (!response || response->status != 200) {
        log_(Poco::Message::PRIO_WARNING,
             "token swap failed: " + (response ? response_status_text(*response) : answer.error));
        return;
    }
    const auto token = token_in_answer(*response);
    if (!token) {
        log_(Poco::Message::PRIO_WARNING, "token swap failed: the answer is not valid");
        return;
    }
    try {
        write_token(settings_.data_dir / previous_token_file_name, *token_);
        write_token(settings_.data_dir / token_file_name, *token);
    } catch (const std::exception& failure) {
        // Not kept, so not used: the current token stays the one that works.
        log_(Poco::Message::PRIO_ERROR,
             std::string("token swap failed: could not keep the fresh token: ") + failure.what());
        return;
    }
    token_ = *token;
    // Used at once (a 304 at most), so the station retires the old token now rather than at
    // whatever request comes next.
    fetch_content(now);
    log_(Poco::Message::PRIO_INFORMATION, "swapped the station token for a fresh one");
}

Outcome SyncEngine::fetch_content(std::time_t now) {
    constexpr std::size_t most = shared_limits::max_manifest_bytes;
    StationRequest request{"GET", "/api/v1/kiosk/content", "", *token_, etag_, most};
    const auto answer = call(request);
    if (!answer.response)
        return {answer.error};
    const auto& response = answer.response;
    // Every answer says the station's current k, 304 included (promise 7).
    if ((response->status == 200 || response->status == 304) && response->station_k)
        learn_station_k(*response->station_k);
    if ((response->status == 200 || response->status == 304) && response->station_ledger)
        learn_station_ledger(*response->station_ledger);
    if (response->status == 304)
        return {};
    if (response->status == 401)
        return {not_enrolled_message};
    if (response->status != 200)
        return {"content: " + response_status_text(*response)};
    auto parsed = parse_manifest(response->body);
    if (!parsed.manifest) {
        log_(Poco::Message::PRIO_WARNING, "content rejected: " + parsed.error);
        return {"content rejected: " + parsed.error};
    }
    if (parsed.manifest->k)
        learn_station_k(*parsed.manifest->k);
    const std::string etag =
        response->etag.empty() ? "\"" + parsed.manifest->version + "\"" : response->etag;
    if (active_ && active_->version == parsed.manifest->version) {
        etag_ = etag;
        if (pending_) {
            // The station went back to what is active: nothing waits any more.
            cache_.drop_pending();
            pending_.reset();
        }
        return {};
    }
    if (pending_ && pending_->content.version == parsed.manifest->version) {
        etag_ = etag;
        return {};
    }
    // Promise 6: a change of counting structure waits for the next ISO week; anything else
    // (wording, phones, links, hours) applies at once.
    const auto document = parse_content(parsed.manifest->document);
    ensure_content();
    const bool same_structure =
        document.document && same_counting_structure(*document.document, active_->document);
    std::optional<IsoWeek> pending_from;
    if (!same_structure)
        pending_from = week_after(IsoWeek::from_local_time(now));
    const auto fetch = [&](const std::string& name,
                           std::size_t max_bytes) -> std::optional<std::string> {
        if (stopping())
            return std::nullopt;
        StationRequest asset_request{"GET",    "/api/v1/kiosk/assets/" + name, "", *token_, "",
                                     max_bytes};
        const auto asset = call(asset_request);
        if (!asset.response || asset.response->status != 200)
            return std::nullopt;
        return asset.response->body;
    };
    auto installed = cache_.install(*parsed.manifest, fetch, pending_from);
    if (!installed.content)
        return {"content rejected: " + installed.error};
    etag_ = etag;
    if (pending_from) {
        pending_ = PendingContent{std::move(*installed.content), *pending_from};
        return {};
    }
    pending_.reset();
    activate(std::move(*installed.content));
    return {};
}

Outcome SyncEngine::send_outbox() {
    const auto waiting = store().outbox();
    for (std::size_t i = 0; i < waiting.size() && i < max_batches_per_contact; ++i) {
        if (stopping())
            return {stopping_message};
        const OutboxEntry& entry = waiting[i];
        StationRequest request{"POST", "/api/v1/kiosk/counts", entry.body, *token_, "", 16 * 1024};
        const auto answer = call(request);
        if (!answer.response)
            return {answer.error};
        const auto& response = answer.response;
        if (response->status == 200 || response->status == 201) {
            auto parsed = parse_json_input(response->body, JsonLimits{16 * 1024, 4});
            const bool acknowledged = parsed.value && parsed.value->is_object() &&
                                      parsed.value->contains("status") &&
                                      (*parsed.value)["status"].is_string() &&
                                      ((*parsed.value)["status"] == "applied" ||
                                       (*parsed.value)["status"] == "duplicate");
            if (acknowledged) {
                store().acknowledge(entry.batch_id, station_ledger_.value_or(""));
                continue;
            }
            return {"counts: unexpected answer"};
        }
        // A week the station will never take (sealed, before this kiosk's enrollment, or
        // released already): the same bytes would be refused at every contact and hold up the
        // weeks after it, so the release is let go. What it held is lost, never sent elsewhere.
        if (const auto refusal = refused_for_good(*response)) {
            store().remove_from_outbox(entry.batch_id);
            log_(Poco::Message::PRIO_WARNING,
                 "counts: the station will never take a release (" + *refusal + "); dropped");
            continue;
        }
        // Kept for the next contact, whatever else the station said: only applied or duplicate
        // proves the station holds the batch.
        if (response->status == 401)
            return {not_enrolled_message};
        return {"counts: " + response_status_text(*response)};
    }
    return {};
}

void SyncEngine::contact(std::time_t now) {
    next_contact_ =
        next_contact_after(now, settings_.contact_interval, settings_.contact_jitter, random_);
    if (!client_.configured())
        return;
    ensure_content();
    revoked_ = false;
    token_rotation_due_ = false;
    if (!token_)
        token_ = read_token(settings_.data_dir / token_file_name);
    Outcome outcome;
    if (!token_)
        outcome = enroll();
    if (outcome.ok() && token_) {
        outcome = fetch_content(now);
        if (revoked_ && !stopping() && take_previous_token()) {
            outcome = fetch_content(now);
            keep_previous_token_if_taken();
        }
        if (token_rotation_due_ && !revoked_ && !stopping())
            rotate_token(now);
        // A contact that learnt k may release what was waiting for it, and send it now.
        if (k_learnt_ && !revoked_)
            maintain(now);
        // Batches go even when the content could not be updated: they do not depend on it.
        // The first problem of the contact is the one told.
        if (!revoked_ && !stopping()) {
            const Outcome counts = send_outbox();
            if (outcome.ok())
                outcome = counts;
        }
        store().forget_kept_before(IsoWeek::from_local_time(now).plus_weeks(-kept_release_weeks));
    }
    status_.enrolled = token_.has_value() && !revoked_;
    status_.weeks_waiting = store().weeks_waiting(IsoWeek::from_local_time(now));
    if (outcome.ok()) {
        status_.last_successful_contact = now;
        status_.last_error.clear();
        log_(Poco::Message::PRIO_INFORMATION, "sync ok");
    } else {
        status_.last_error = outcome.problem;
        log_(Poco::Message::PRIO_WARNING, "sync failed: " + outcome.problem);
    }
}

SyncStatus SyncEngine::status() {
    return status_;
}

std::optional<ActiveContent> SyncEngine::take_content_update() {
    auto update = std::move(content_update_);
    content_update_.reset();
    return update;
}

} // namespace wellness::kiosk
