#include "station_fixture.hpp"

#include "station_tls.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace station_test {

Json Reply::json() const {
    auto parsed = wellness::parse_json_input(body);
    return parsed.value ? *parsed.value : Json();
}

std::string Reply::header(const std::string& name) const {
    for (const auto& [key, value] : headers)
        if (Poco::icompare(key, name) == 0)
            return value;
    return {};
}

std::string Reply::error_code() const {
    Json parsed = json();
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].contains("code"))
        return parsed["error"]["code"].get<std::string>();
    return {};
}

Reply send(std::uint16_t port, const Request& request, const wellness::tls::PinnedContext* tls) {
    std::unique_ptr<Poco::Net::HTTPClientSession> connection;
    if (tls)
        connection =
            std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, tls->context());
    else
        connection = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
    Poco::Net::HTTPClientSession& session = *connection;
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest http(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!request.token.empty())
        http.set("Authorization", "Bearer " + request.token);
    for (const auto& [name, value] : request.headers)
        http.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        if (!request.content_type.empty())
            http.setContentType(request.content_type);
        if (request.chunked)
            http.setChunkedTransferEncoding(true);
        else
            http.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
    }
    Reply reply;
    try {
        std::ostream& out = session.sendRequest(http);
        out << request.body;
    } catch (const Poco::Net::SSLException&) {
        throw; // no channel: there is no answer to read
    } catch (const Poco::Exception&) {
        // The server may refuse and close before the whole body is sent; read its answer.
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response)
        reply.headers[name] = value;
    return reply;
}

std::time_t wednesday_of_2026_w47() {
    std::tm local{};
    local.tm_year = 2026 - 1900;
    local.tm_mon = 10; // November
    local.tm_mday = 18;
    local.tm_hour = 12;
    local.tm_isdst = -1;
    return std::mktime(&local);
}

TempDir::TempDir() {
    auto id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    path_ = std::filesystem::temp_directory_path() / ("station-test-" + id);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void LogCapture::log(const Poco::Message& message) {
    std::lock_guard lock(mutex_);
    lines_.push_back(message.getText());
}

std::vector<std::string> LogCapture::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

TestStation::TestStation(const Tweak& tweak, std::filesystem::path data_dir) : tweak_(tweak) {
    if (data_dir.empty()) {
        temp_ = std::make_unique<TempDir>();
        data_dir_ = temp_->path() / "data";
    } else {
        data_dir_ = std::move(data_dir);
    }
    logger_name_ =
        "station-test-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    capture_ = new LogCapture;
    open();
}

TestStation::~TestStation() {
    stop();
    Poco::Logger::destroy(logger_name_);
}

void TestStation::open() {
    wellness::station::StationConfig config;
    config.data_dir = data_dir_;
    config.port = 0;
    config.bind_address = "127.0.0.1";
    config.web_dir = wellness::station::default_web_dir();
    config.content_dir = wellness::station::default_content_dir();
    config.pbkdf2_iterations = 1000;    // the default (600000) is checked in its own test
    config.tls_enabled = false;         // TLS has its own tests (station_tls_tests.cpp)
    config.connections_per_address = 0; // every test client is 127.0.0.1; limits have their own
    // kiosk_token() enrolls half a year back; token ends and swaps have their own tests
    // (station_kiosk_token_tests.cpp).
    config.kiosk_token_days = 730;
    config.max_threads = 16;
    config.keep_alive_timeout = std::chrono::seconds(2);
    if (tweak_)
        tweak_(config);
    Poco::Logger& logger = Poco::Logger::get(logger_name_);
    logger.setChannel(Poco::AutoPtr<Poco::Channel>(capture_.get(), true));
    logger.setLevel(Poco::Message::PRIO_DEBUG);
    station_ = std::make_unique<wellness::station::Station>(
        config, [this] { return now.load(); }, logger);
    station_->start();
    // A TLS station is called as a kiosk would: trusting its fingerprint and nothing else.
    tls_client_.reset();
    if (station_->tls())
        tls_client_ = std::make_unique<wellness::tls::PinnedContext>(
            std::vector<std::string>{station_->tls()->fingerprint()});
}

void TestStation::stop() {
    if (station_)
        station_->stop();
    station_.reset();
}

void TestStation::restart() {
    stop();
    open();
}

std::vector<std::string> TestStation::log_lines() const {
    return capture_->lines();
}

Reply TestStation::call(Request request) const {
    return send(port(), request, tls_client_.get());
}

Reply TestStation::get(const std::string& path, const std::string& token) const {
    return call({"GET", path, "", "", token, {}, false});
}

Reply TestStation::post(const std::string& path, const Json& body, const std::string& token) const {
    return call({"POST", path, body.dump(), "application/json", token, {}, false});
}

Reply TestStation::put(const std::string& path, const Json& body, const std::string& token) const {
    return call({"PUT", path, body.dump(), "application/json", token, {}, false});
}

Reply TestStation::publish_content(const Json& document, const std::string& token) const {
    const Reply current = get("/api/v1/admin/content", token);
    return call({"PUT",
                 "/api/v1/admin/content",
                 document.dump(),
                 "application/json",
                 token,
                 {{"If-Match", current.header("ETag")}},
                 false});
}

Reply TestStation::rollback_content(const Json& body, const std::string& token) const {
    const Reply current = get("/api/v1/admin/content", token);
    return call({"POST",
                 "/api/v1/admin/content/rollback",
                 body.dump(),
                 "application/json",
                 token,
                 {{"If-Match", current.header("ETag")}},
                 false});
}

Reply TestStation::del(const std::string& path, const std::string& token) const {
    return call({"DELETE", path, "", "", token, {}, false});
}

std::string TestStation::admin_token() {
    if (!admin_added_) {
        station_->store().add_admin("alice",
                                    wellness::station::hash_password(admin_password, 1000));
        admin_added_ = true;
    }
    auto reply =
        post("/api/v1/admin/session", {{"username", "alice"}, {"password", admin_password}});
    if (reply.status != 200)
        throw std::runtime_error("admin sign-in failed: " + reply.body);
    return reply.json()["token"].get<std::string>();
}

std::string TestStation::kiosk_token(const std::string& name, int enrolled_weeks_ago) {
    const std::time_t today = now.load();
    now = today - static_cast<std::time_t>(enrolled_weeks_ago) * 7 * 24 * 3600;
    auto admin = admin_token();
    auto created = post("/api/v1/admin/kiosks", {{"name", name}}, admin);
    auto enrolled =
        created.status == 201
            ? post("/api/v1/kiosk/enroll", {{"enrollment_code", created.json()["enrollment_code"]}})
            : Reply{};
    now = today;
    if (created.status != 201)
        throw std::runtime_error("kiosk creation failed: " + created.body);
    if (enrolled.status != 200)
        throw std::runtime_error("enrollment failed: " + enrolled.body);
    return enrolled.json()["token"].get<std::string>();
}

std::string TestStation::coordinator_token() {
    auto reply = post("/api/v1/admin/coordinator-tokens", {{"label", "region"}}, admin_token());
    if (reply.status != 201)
        throw std::runtime_error("token creation failed: " + reply.body);
    return reply.json()["token"].get<std::string>();
}

std::int64_t stored_visits(const TestStation& station, const std::string& week) {
    SQLite::Database db((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db, "SELECT coalesce(sum(n), 0) FROM weekly_counts "
                                "WHERE week = ? AND metric = 'visit' AND key = 'start'");
    query.bind(1, week);
    query.executeStep();
    return query.getColumn(0).getInt64();
}

std::string new_batch_id() {
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

unsigned file_mode(const std::filesystem::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0)
        throw std::runtime_error("cannot stat " + file.string());
    return info.st_mode & 0777U;
}

std::string last_week(const TestStation& station) {
    return wellness::IsoWeek::from_local_time(station.now.load()).prev().to_string();
}

Json default_document() {
    std::ifstream in(wellness::station::default_content_dir() / "default-content.json");
    std::stringstream text;
    text << in.rdbuf();
    return *wellness::parse_json_input(text.str()).value;
}

const std::vector<wellness::CounterKey>& default_catalogue() {
    static const std::vector<wellness::CounterKey> catalogue = [] {
        std::ifstream in(wellness::station::default_content_dir() / "default-content.json");
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = wellness::parse_content(text.str());
        if (!parsed.document)
            throw std::runtime_error("the default content does not parse");
        return wellness::catalogue_keys(*parsed.document);
    }();
    return catalogue;
}

Json release_batch(const std::string& week, const wellness::Counters& counts,
                   const std::vector<wellness::CounterKey>& catalogue,
                   const std::string& batch_id) {
    const auto parsed_week = wellness::IsoWeek::parse(week);
    if (!parsed_week)
        throw std::invalid_argument("not a week: " + week);
    auto decision = wellness::decide_release(*parsed_week, catalogue, counts, {},
                                             wellness::minimum_k, batch_id);
    if (decision.dropped > 0)
        throw std::invalid_argument("release_batch: a count outside the catalogue");
    wellness::CountsBatch batch = std::move(decision.batch);
    if (decision.pooled)
        for (auto& entry : batch.counts)
            if (auto found = counts.find({entry.metric, entry.key}); found != counts.end())
                entry.n = found->second;
    return *wellness::parse_json_input(wellness::encode_batch(batch)).value;
}

Json visit_batch(const std::string& batch_id, const std::string& week, int n) {
    return release_batch(week, {{{"visit", "start"}, n}}, default_catalogue(), batch_id);
}

wellness::Counters
counters(std::initializer_list<std::tuple<std::string, std::string, std::int64_t>> entries) {
    wellness::Counters result;
    for (const auto& [metric, key, n] : entries)
        result[{metric, key}] = n;
    return result;
}

std::string read_until_closed(Poco::Net::StreamSocket& socket, bool& closed) {
    std::string received;
    closed = false;
    char buffer[4096];
    try {
        for (int reads = 0; reads < 1000; ++reads) {
            int got = socket.receiveBytes(buffer, sizeof buffer);
            if (got <= 0) {
                closed = true;
                break;
            }
            received.append(buffer, static_cast<std::size_t>(got));
        }
    } catch (const Poco::TimeoutException&) {
    }
    return received;
}

std::string exchange_raw(std::uint16_t port, const std::string& raw, bool& closed) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.setReceiveTimeout(Poco::Timespan(3, 0));
    socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
    return read_until_closed(socket, closed);
}

int status_lines(const std::string& received) {
    int count = 0;
    for (auto at = received.find("HTTP/1."); at != std::string::npos;
         at = received.find("HTTP/1.", at + 1))
        if (at == 0 || received.compare(at - 2, 2, "\r\n") == 0)
            ++count;
    return count;
}

} // namespace station_test
