#include "station.hpp"

#include "connection_watch.hpp"
#include "counts_writer.hpp"
#include "handlers/kiosk_content_handler.hpp"
#include "image_check.hpp"
#include "release_gate.hpp"
#include "security.hpp"
#include "station_backup.hpp"
#include "station_router.hpp"
#include "station_tls.hpp"
#include "wellness/content.hpp"
#include "wellness/durable_file.hpp"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <fstream>
#include <malloc.h>
#include <sstream>

namespace wellness::station {

namespace {

std::optional<std::string> read_file(const std::filesystem::path& file, std::size_t limit) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (ec || size > limit)
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in)
        return std::nullopt;
    return contents.str();
}

// The catalogue of the default content this station ships with: kiosks ship the same file and
// count by it until they first have the station's content.
std::optional<std::vector<CounterKey>> shipped_catalogue(const std::filesystem::path& content_dir) {
    auto text = read_file(content_dir / "default-content.json", 16 * 1024 * 1024);
    if (!text)
        return std::nullopt;
    auto parsed = parse_content(std::string_view(*text));
    if (!parsed.document)
        return std::nullopt;
    return catalogue_keys(*parsed.document);
}

} // namespace

void tune_allocator() {
    mallopt(M_MXFAST, 0);
}

bool is_valid_admin_name(const std::string& name) {
    if (name.empty() || name.size() > 64)
        return false;
    for (char c : name) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-' || c == '@';
        if (!allowed)
            return false;
    }
    return true;
}

Station::Station(StationConfig config, Clock clock, Poco::Logger& logger)
    : config_(std::move(config)), clock_(std::move(clock)), logger_(logger),
      login_throttle_(config_.login_max_failures, config_.login_failure_window),
      enroll_throttle_(config_.login_max_failures, config_.login_failure_window),
      metrics_token_(config_.data_dir / metrics_token_file),
      manifests_(std::make_unique<ManifestCache>()) {
    validate_config(config_);
    std::filesystem::create_directories(config_.data_dir);
    // The database holds password hashes and token hashes: only the service user reads it.
    std::filesystem::permissions(config_.data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    // Held shared while the station has the database open, so a restore refuses to run under it.
    try {
        data_lock_ = std::make_unique<DataDirLock>(config_.data_dir, DataDirLock::Mode::shared);
    } catch (const BackupError& error) {
        throw StoreError(error.what());
    }
    store_ = std::make_unique<StationStore>(database_file(config_), config_.database_connections);
    ledger_id_ = load_or_make_ledger_id(config_.data_dir);
    // Only request threads queue batches, each waiting for its own: max_threads bounds the queue.
    counts_writer_ = std::make_unique<CountsWriter>(
        *store_, logger_, static_cast<std::size_t>(config_.max_threads), 512, seal_policy(config_));
    release_gate_ = std::make_unique<ReleaseGate>(
        *store_,
        ReleaseGate::Settings{config_.k, seal_policy(config_), config_.kiosk_batches_per_hour},
        shipped_catalogue(config_.content_dir));
    if (config_.tls_enabled)
        tls_ = std::make_unique<StationTls>(config_, clock_, logger_);
}

Station::~Station() {
    stop();
}

std::optional<std::string> Station::create_first_admin() {
    if (store_->has_admin())
        return std::nullopt;
    std::string password = random_secret().substr(0, 20);
    // Written before the account exists, so a crash between the two cannot lose the password.
    wellness::write_file_atomically(config_.data_dir / first_admin_password_file, password + "\n",
                                    0600);
    if (!store_->add_admin("admin", hash_password(password, config_.pbkdf2_iterations)))
        return std::nullopt;
    logger_.information("created the first admin account \"admin\"");
    return password;
}

void Station::publish_default_content() {
    if (store_->current_content())
        return;
    auto file = config_.content_dir / "default-content.json";
    auto text = read_file(file, 16 * 1024 * 1024);
    if (!text) {
        logger_.warning("no default content at " + file.string() + "; nothing published yet");
        return;
    }
    auto json = parse_json_input(*text, {16 * 1024 * 1024, 24});
    if (!json.value) {
        logger_.error("the default content " + file.string() + " is not JSON: " + json.message);
        return;
    }
    AuditStamp stamp{clock_(), "station"};
    // Bring along the images the default content refers to, checked like uploads.
    if (json.value->contains("assets") && (*json.value)["assets"].is_array()) {
        for (const auto& entry : (*json.value)["assets"]) {
            if (!entry.is_string() || !is_asset_name(entry.get<std::string>()))
                continue;
            std::string name = entry.get<std::string>();
            auto bytes = read_file(config_.content_dir / "assets" / name, config_.max_asset_bytes);
            std::string media_type(asset_media_type(name));
            if (!bytes || !check_image(*bytes, media_type, name, config_.max_image_side).image)
                continue;
            AssetRecord asset{
                {name, media_type, sha256_hex(*bytes), static_cast<std::int64_t>(bytes->size())},
                std::move(*bytes)};
            store_->put_asset(asset, stamp);
        }
    }
    auto assets = store_->asset_names();
    auto parsed = parse_content(*json.value, &assets);
    if (!parsed.document) {
        logger_.error("the default content " + file.string() + " is not valid (" +
                      std::to_string(parsed.problems.size()) + " problems); nothing published");
        return;
    }
    auto version = store_->publish_content(json.value->dump(), "content.publish_default", stamp);
    logger_.information("default content published as version " + std::to_string(version));
}

void Station::start() {
    if (server_)
        return;
    publish_default_content();
    Poco::Net::ServerSocket socket =
        tls_ ? Poco::Net::SecureServerSocket(tls_->context()) : Poco::Net::ServerSocket();
    socket.bind(Poco::Net::SocketAddress(config_.bind_address, config_.port), true);
    socket.listen(64);
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(config_.max_threads);
    params->setMaxQueued(config_.max_queued);
    params->setTimeout(Poco::Timespan(static_cast<long>(config_.receive_timeout.count()), 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(
        Poco::Timespan(static_cast<long>(config_.keep_alive_timeout.count()), 0));
    params->setMaxKeepAliveRequests(10000);
    params->setServerName("station");
    params->setSoftwareVersion("station-server");
    connections_ = std::make_unique<ConnectionWatch>(
        config_.head_read_time, static_cast<std::size_t>(config_.connections_per_address));
    connections_->start();
    threads_ = std::make_unique<Poco::ThreadPool>(2, config_.max_threads, 60);
    server_ = std::make_unique<WatchedHttpServer>(
        Poco::makeShared<StationRouter>(config_, clock_, *store_, logger_, login_throttle_,
                                        account_throttle_, enroll_throttle_, *manifests_,
                                        *counts_writer_, *release_gate_, tls_.get(),
                                        request_metrics_, metrics_token_, ledger_id_),
        *threads_, socket, params, *connections_);
    server_->start();
    port_ = socket.address().port();
    logger_.information(std::string("listening on ") + (tls_ ? "https://" : "http://") +
                        config_.bind_address + ":" + std::to_string(port_));
}

void Station::stop() {
    if (!server_)
        return;
    // Not aborting: requests in flight finish and are answered; idle keep-alives are closed.
    server_->stop_all();
    threads_->joinAll();
    server_.reset();
    threads_.reset();
    connections_.reset();
    logger_.information("stopped");
}

} // namespace wellness::station
