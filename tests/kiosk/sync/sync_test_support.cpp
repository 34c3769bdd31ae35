#include "sync_test_support.hpp"

#include "durable_file.hpp"
#include "local_store.hpp"
#include "sync_schedule.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stb_image_write.h>
#include <stdexcept>
#include <thread>

namespace wellness::kiosk::test {

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "kiosk-sync-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::time_t local_instant(int year, int month, int day, int hour, int minute) {
    std::tm local{};
    local.tm_year = year - 1900;
    local.tm_mon = month - 1;
    local.tm_mday = day;
    local.tm_hour = hour;
    local.tm_min = minute;
    local.tm_isdst = -1;
    return std::mktime(&local);
}

std::string make_png(int width, int height, unsigned char shade) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width * height * 3), shade);
    std::string bytes;
    const auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                                   static_cast<std::size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &bytes, width, height, 3, pixels.data(), width * 3))
        throw std::runtime_error("stbi_write_png_to_func failed");
    return bytes;
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::filesystem::path default_content_dir() {
    return WELLNESS_SOURCE_CONTENT_DIR;
}

Json default_content_json() {
    return Json::parse(read_text(default_content_dir() / "default-content.json"));
}

Json content_with_assets(const std::vector<std::string>& assets) {
    Json document = default_content_json();
    document["assets"] = assets;
    return document;
}

struct FakeStation::State {
    mutable std::mutex mutex;
    std::string version = "v1";
    Json document;
    std::map<std::string, ServedAsset> assets;
    int k = 5;
    CountsAnswer counts_answer = CountsAnswer::applied;
    std::function<void(const std::string&)> on_request;
    bool revoked = false;
    std::vector<RecordedRequest> requests;
    std::set<std::string> applied_batches;
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> totals;
    int duplicates = 0;
};

namespace {

constexpr const char* enrollment_code = "code-123";
constexpr const char* issued_token = "tok-abc";

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<FakeStation::State> state) : state_(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        RecordedRequest recorded{request.getMethod(), request.getURI(), body.size(), {}};
        std::function<void(const std::string&)> hook;
        {
            std::lock_guard lock(state_->mutex);
            hook = state_->on_request;
        }
        if (hook)
            hook(request.getURI());
        std::unique_lock lock(state_->mutex);
        const std::string path = request.getURI();
        const auto reply = [&](Poco::Net::HTTPResponse::HTTPStatus status,
                               const std::string& text) {
            state_->requests.push_back(recorded);
            lock.unlock();
            response.setStatus(status);
            response.setContentType("application/json");
            response.sendBuffer(text.data(), text.size());
        };
        if (path == "/api/v1/kiosk/enroll") {
            const auto json = Json::parse(body, nullptr, false);
            if (json.is_object() && json.value("enrollment_code", "") == enrollment_code)
                return reply(Poco::Net::HTTPResponse::HTTP_OK,
                             Json{{"kiosk_id", "k1"}, {"token", issued_token}}.dump());
            return reply(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
                         R"({"error":{"code":"bad_code","message":"no"}})");
        }
        if (state_->revoked ||
            request.get("Authorization", "") != std::string("Bearer ") + issued_token)
            return reply(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
                         R"({"error":{"code":"unauthorized","message":"no"}})");
        if (path == "/api/v1/kiosk/content" && request.getMethod() == "GET") {
            const std::string etag = "\"" + state_->version + "\"";
            response.set("ETag", etag);
            response.set("X-Station-K", std::to_string(state_->k));
            if (request.get("If-None-Match", "") == etag) {
                state_->requests.push_back(recorded);
                lock.unlock();
                response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
                response.send();
                return;
            }
            Json assets = Json::array();
            for (const auto& [name, asset] : state_->assets)
                assets.push_back(
                    {{"name", name},
                     {"sha256", asset.sha256.empty() ? sha256_hex(asset.bytes) : asset.sha256},
                     {"size", asset.size ? asset.size : asset.bytes.size()}});
            return reply(Poco::Net::HTTPResponse::HTTP_OK, Json{{"version", state_->version},
                                                                {"document", state_->document},
                                                                {"assets", assets},
                                                                {"k", state_->k}}
                                                               .dump());
        }
        if (path.rfind("/api/v1/kiosk/assets/", 0) == 0 && request.getMethod() == "GET") {
            const auto found =
                state_->assets.find(path.substr(std::string("/api/v1/kiosk/assets/").size()));
            if (found == state_->assets.end())
                return reply(Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "{}");
            return reply(Poco::Net::HTTPResponse::HTTP_OK, found->second.bytes);
        }
        if (path == "/api/v1/kiosk/counts" && request.getMethod() == "POST") {
            const auto decoded = decode_batch(body, *IsoWeek::parse("9999-W01"));
            if (decoded.batch)
                for (const auto& entry : decoded.batch->counts)
                    recorded.count_cells.insert({entry.week.to_string(), entry.metric, entry.key});
            if (state_->counts_answer == CountsAnswer::drop_connection) {
                // Applied, but the answer never arrives: the cable was cut after the station
                // received the batch.
                if (decoded.batch && state_->applied_batches.insert(decoded.batch->batch_id).second)
                    for (const auto& entry : decoded.batch->counts)
                        state_->totals[{entry.week.to_string(), entry.metric, entry.key}] +=
                            entry.n;
                state_->requests.push_back(recorded);
                lock.unlock();
                response.setKeepAlive(false);
                response.setContentLength(100);
                response.send() << "{";
                return;
            }
            if (state_->counts_answer == CountsAnswer::nonsense)
                return reply(Poco::Net::HTTPResponse::HTTP_OK, R"({"status":"maybe"})");
            if (state_->counts_answer == CountsAnswer::server_error)
                return reply(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                             R"({"error":{"code":"internal","message":"x"}})");
            if (!decoded.batch)
                return reply(Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                             R"({"error":{"code":"invalid","message":"x"}})");
            if (!state_->applied_batches.insert(decoded.batch->batch_id).second) {
                ++state_->duplicates;
                return reply(Poco::Net::HTTPResponse::HTTP_OK, R"({"status":"duplicate"})");
            }
            for (const auto& entry : decoded.batch->counts)
                state_->totals[{entry.week.to_string(), entry.metric, entry.key}] += entry.n;
            return reply(Poco::Net::HTTPResponse::HTTP_OK, R"({"status":"applied"})");
        }
        return reply(Poco::Net::HTTPResponse::HTTP_NOT_FOUND,
                     R"({"error":{"code":"not_found","message":"x"}})");
    }

  private:
    std::shared_ptr<FakeStation::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(std::shared_ptr<FakeStation::State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(state_);
    }

  private:
    std::shared_ptr<FakeStation::State> state_;
};

} // namespace

FakeStation::FakeStation() : state_(std::make_shared<State>()) {
    state_->document = default_content_json();
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
    server_->start();
}

FakeStation::~FakeStation() {
    server_->stopAll(true);
}

std::string FakeStation::url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
}

void FakeStation::set_content(std::string version, Json document,
                              std::map<std::string, ServedAsset> assets, int k) {
    std::lock_guard lock(state_->mutex);
    state_->version = std::move(version);
    state_->document = std::move(document);
    state_->assets = std::move(assets);
    state_->k = k;
}

void FakeStation::set_counts_answer(CountsAnswer answer) {
    std::lock_guard lock(state_->mutex);
    state_->counts_answer = answer;
}

void FakeStation::on_request(std::function<void(const std::string& path)> hook) {
    std::lock_guard lock(state_->mutex);
    state_->on_request = std::move(hook);
}

void FakeStation::revoke_tokens() {
    std::lock_guard lock(state_->mutex);
    state_->revoked = true;
}

std::vector<RecordedRequest> FakeStation::requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

void FakeStation::clear_requests() {
    std::lock_guard lock(state_->mutex);
    state_->requests.clear();
}

std::map<std::tuple<std::string, std::string, std::string>, std::int64_t>
FakeStation::totals() const {
    std::lock_guard lock(state_->mutex);
    return state_->totals;
}

int FakeStation::batches_applied() const {
    std::lock_guard lock(state_->mutex);
    return static_cast<int>(state_->applied_batches.size());
}

int FakeStation::duplicates() const {
    std::lock_guard lock(state_->mutex);
    return state_->duplicates;
}

SyncSettings settings_for(const std::filesystem::path& data_dir, const std::string& station_url,
                          const std::time_t* now) {
    SyncSettings settings;
    settings.data_dir = data_dir;
    settings.station_url = station_url;
    settings.enrollment_code = enrollment_code;
    settings.default_content_dir = default_content_dir();
    settings.contact_interval = std::chrono::seconds(3600);
    settings.contact_jitter = std::chrono::seconds(600);
    settings.release_spread = std::chrono::seconds(2 * 24 * 3600);
    settings.http_timeout = std::chrono::seconds(5);
    settings.random_seed = 42;
    settings.wall_clock = [now] { return *now; };
    settings.technical_log = [](Poco::Message::Priority, const std::string&) {};
    return settings;
}

struct RecordingRelay::State {
    std::atomic<std::uint16_t> upstream{0};
    Poco::Net::ServerSocket listener;
    std::atomic<bool> stopping{false};
    mutable std::mutex mutex;
    std::string captured;
    int connections = 0;
    std::thread acceptor;
    std::vector<std::thread> pumps; // under mutex

    void record(const char* bytes, std::size_t size) {
        std::lock_guard lock(mutex);
        captured.append(bytes, size);
    }

    // Passes bytes both ways until one side ends or the relay stops.
    void pump(Poco::Net::StreamSocket client) {
        try {
            Poco::Net::StreamSocket server(Poco::Net::SocketAddress("127.0.0.1", upstream));
            std::array<pollfd, 2> fds{pollfd{client.impl()->sockfd(), POLLIN, 0},
                                      pollfd{server.impl()->sockfd(), POLLIN, 0}};
            char buffer[16384];
            while (!stopping) {
                if (::poll(fds.data(), fds.size(), 100) <= 0)
                    continue;
                for (std::size_t i = 0; i < fds.size(); ++i) {
                    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                        continue;
                    auto& from = i == 0 ? client : server;
                    auto& to = i == 0 ? server : client;
                    const int got = from.receiveBytes(buffer, sizeof buffer);
                    if (got <= 0)
                        return;
                    record(buffer, static_cast<std::size_t>(got));
                    to.sendBytes(buffer, got);
                }
            }
        } catch (const Poco::Exception&) {
            // one side has gone: the connection ends
        }
    }
};

RecordingRelay::RecordingRelay(std::uint16_t upstream_port) : state_(std::make_shared<State>()) {
    state_->upstream = upstream_port;
    state_->listener.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true);
    state_->listener.listen(16);
    port_ = state_->listener.address().port();
    state_->acceptor = std::thread([state = state_] {
        while (!state->stopping) {
            if (!state->listener.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ))
                continue;
            Poco::Net::StreamSocket client = state->listener.acceptConnection();
            std::lock_guard lock(state->mutex);
            ++state->connections;
            state->pumps.emplace_back([state, client] { state->pump(client); });
        }
    });
}

RecordingRelay::~RecordingRelay() {
    state_->stopping = true;
    // Once the acceptor has ended no pump is added.
    state_->acceptor.join();
    for (auto& pump : state_->pumps)
        pump.join();
}

void RecordingRelay::set_upstream(std::uint16_t upstream_port) {
    state_->upstream = upstream_port;
}

std::string RecordingRelay::captured() const {
    std::lock_guard lock(state_->mutex);
    return state_->captured;
}

int RecordingRelay::connections() const {
    std::lock_guard lock(state_->mutex);
    return state_->connections;
}

namespace {

// The kiosk's own random secret (it derives batch ids) differs from kiosk to kiosk by design;
// zeroed, so what is left to compare is what the visits wrote.
std::string without_secret(std::string bytes) {
    const std::string name = "kiosk_secret";
    for (auto at = bytes.find(name); at != std::string::npos; at = bytes.find(name, at + 1)) {
        for (std::size_t i = at + name.size(); i < std::min(bytes.size(), at + name.size() + 64);
             ++i) {
            bytes[i] = '0';
        }
    }
    return bytes;
}

// A release body with its batch id (random per kiosk and week) zeroed.
std::string without_batch_id(std::string body) {
    const auto decoded = decode_batch(body, *IsoWeek::parse("2026-W48"));
    REQUIRE(decoded.batch);
    const auto at = body.find(decoded.batch->batch_id);
    body.replace(at, decoded.batch->batch_id.size(), 36, '0');
    return body;
}

// The kiosk's counts database and anything beside it (journal, WAL), by name, raw. (The
// content cache holds only the station's document, under a name of its own per kiosk.)
std::map<std::string, std::string> disk_of(const std::filesystem::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file() &&
            entry.path().filename().string().rfind("kiosk.sqlite3", 0) == 0) {
            files[std::filesystem::relative(entry.path(), dir).string()] =
                without_secret(raw(entry.path()));
        }
    }
    return files;
}

} // namespace

KioskRun run_kiosk_week(const std::function<void(KioskSync&)>& record_visits) {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18, 9, 0); // Wednesday of 2026-W47
    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    station.set_content("1", default_content_json(), {});
    auto settings = settings_for(dir.path(), station.url(), &now);
    KioskRun run;
    const auto file = dir.path() / "kiosk.sqlite3";
    auto journal_or_wal = [&] {
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            auto sibling = file;
            sibling += suffix;
            if (std::filesystem::exists(sibling)) {
                return true;
            }
        }
        return false;
    };
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        record_visits(sync);
        sync.persist_pending();
        run.journal_or_wal_seen = journal_or_wal();
    }
    run.disk_mid_week = disk_of(dir.path());
    {
        LocalStore store(file, {});
        run.week_counters = store.week_counters(w47);
    }
    now = week_end(w47) + settings.release_spread.count() + 60;
    {
        KioskSync sync(settings); // restarted after the week's release moment
        sync.initial_content();
        sync.persist_pending();
        station.set_counts_answer(CountsAnswer::server_error); // keep the body in the outbox
        sync.contact_once();
        run.journal_or_wal_seen = run.journal_or_wal_seen || journal_or_wal();
    }
    {
        LocalStore store(file, {});
        const auto outbox = store.outbox();
        REQUIRE(outbox.size() == 1);
        run.release_body = without_batch_id(outbox[0].body);
    }
    station.set_counts_answer(CountsAnswer::applied);
    now += 4 * 3600;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
    }
    run.station_totals = station.totals();
    return run;
}

void require_same_traces(const KioskRun& a, const KioskRun& b) {
    // No journal or WAL was left, and the database is the same byte for byte (but for each
    // kiosk's own random secret): nothing on disk says which before went with which after.
    CHECK_FALSE(a.journal_or_wal_seen);
    CHECK_FALSE(b.journal_or_wal_seen);
    REQUIRE(a.disk_mid_week.size() == 1); // the database alone: no journal, no WAL
    REQUIRE(a.disk_mid_week.size() == b.disk_mid_week.size());
    for (const auto& [name, bytes] : a.disk_mid_week) {
        INFO(name);
        REQUIRE(b.disk_mid_week.count(name) == 1);
        const std::string& other = b.disk_mid_week.at(name);
        std::size_t first_difference = 0;
        while (first_difference < std::min(bytes.size(), other.size()) &&
               bytes[first_difference] == other[first_difference]) {
            ++first_difference;
        }
        auto around = [&](const std::string& text) {
            std::string shown = text.substr(first_difference > 40 ? first_difference - 40 : 0, 120);
            for (char& c : shown) {
                c = (c >= 32 && c < 127) ? c : '.';
            }
            return shown;
        };
        INFO(bytes.size() << " and " << other.size() << " bytes, first difference at "
                          << first_difference << ": " << around(bytes) << " / " << around(other));
        CHECK((bytes == other)); // the bytes themselves are not printed: a whole database
    }
    CHECK(a.week_counters == b.week_counters);
    // The wire: the release bodies are identical (but for the random batch id), and the station
    // holds the same totals.
    CHECK_FALSE(a.release_body.empty());
    CHECK((a.release_body == b.release_body));
    CHECK(a.station_totals == b.station_totals);
}

} // namespace wellness::kiosk::test
