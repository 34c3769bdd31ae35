#include "config.hpp"

#include "security.hpp"
#include "wellness/counts.hpp"
#include "wellness/limits.hpp"
#include "wellness/shipped_files.hpp"

#include <Poco/Net/IPAddress.h>
#include <Poco/Util/AbstractConfiguration.h>
#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace wellness::station {

Clock system_clock_with_offset(long offset_seconds) {
    return [offset_seconds] { return std::time(nullptr) + offset_seconds; };
}

std::filesystem::path default_web_dir() {
    return wellness::shipped_files_dir(
        wellness::running_program(), WELLNESS_BUILD_TREE, WELLNESS_SOURCE_WEB_DIR,
        std::filesystem::path(WELLNESS_DATADIR_FROM_BINDIR) / "wellness-station/web");
}

std::filesystem::path default_content_dir() {
    return wellness::shipped_files_dir(
        wellness::running_program(), WELLNESS_BUILD_TREE, WELLNESS_SOURCE_CONTENT_DIR,
        std::filesystem::path(WELLNESS_DATADIR_FROM_BINDIR) / "wellness-station/content");
}

namespace {

long bounded(const Poco::Util::AbstractConfiguration& source, const std::string& key, long current,
             long low, long high) {
    if (!source.hasProperty(key))
        return current;
    long value = 0;
    try {
        value = static_cast<long>(source.getInt64(key));
    } catch (const std::exception&) {
        throw std::invalid_argument("configuration key " + key + " must be a whole number");
    }
    if (value < low || value > high)
        throw std::invalid_argument("configuration key " + key + " must be between " +
                                    std::to_string(low) + " and " + std::to_string(high));
    return value;
}

} // namespace

void apply_configuration(const Poco::Util::AbstractConfiguration& source, StationConfig& config) {
    if (source.hasProperty("station.data"))
        config.data_dir = source.getString("station.data");
    if (source.hasProperty("station.web"))
        config.web_dir = source.getString("station.web");
    if (source.hasProperty("station.content"))
        config.content_dir = source.getString("station.content");
    if (source.hasProperty("station.bind"))
        config.bind_address = source.getString("station.bind");
    if (source.hasProperty("station.name")) {
        const std::string name = source.getString("station.name");
        const bool printable = std::all_of(name.begin(), name.end(), [](char ch) {
            return static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
        });
        if (name.empty() || name.size() > 80 || !printable)
            throw std::invalid_argument(
                "configuration key station.name is 1 to 80 bytes without control characters");
        config.station_name = name;
    }
    if (source.hasProperty("tls.enabled")) {
        const std::string value = source.getString("tls.enabled");
        if (value != "true" && value != "false")
            throw std::invalid_argument("configuration key tls.enabled must be true or false");
        config.tls_enabled = value == "true";
    }
    if (source.hasProperty("tls.certificate"))
        config.tls_certificate_file = source.getString("tls.certificate");
    if (source.hasProperty("tls.private_key"))
        config.tls_private_key_file = source.getString("tls.private_key");
    if (source.hasProperty("tls.names")) {
        config.tls_names.clear();
        std::stringstream names(source.getString("tls.names"));
        for (std::string name; std::getline(names, name, ',');) {
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            if (name.empty() || name.size() > 253 ||
                name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789.-:") != std::string::npos)
                throw std::invalid_argument("configuration key tls.names is a comma-separated "
                                            "list of host names and IP addresses");
            config.tls_names.push_back(name);
        }
    }
    config.tls_certificate_days = static_cast<int>(
        bounded(source, "tls.certificate_days", config.tls_certificate_days, 30, 3650));
    config.tls_renew_days =
        static_cast<int>(bounded(source, "tls.renew_days", config.tls_renew_days, 2, 365));
    config.port =
        static_cast<std::uint16_t>(bounded(source, "station.port", config.port, 0, 65535));
    // k is read without a lower bound here so validate_config can refuse it with its own words.
    config.k = static_cast<int>(bounded(source, "summary.k", config.k, -1000000, 1000000));
    config.max_summary_weeks =
        static_cast<int>(bounded(source, "summary.max_weeks", config.max_summary_weeks, 1, 5300));
    config.seal_after_days = static_cast<int>(
        bounded(source, "summary.seal_after_days", config.seal_after_days, 0, 366));
    config.pbkdf2_iterations =
        static_cast<int>(bounded(source, "security.pbkdf2_iterations", config.pbkdf2_iterations,
                                 minimum_pbkdf2_iterations, 100000000));
    config.admin_token_lifetime = std::chrono::seconds(bounded(
        source, "security.admin_token_seconds", config.admin_token_lifetime.count(), 60, 604800));
    config.enrollment_code_lifetime =
        std::chrono::seconds(bounded(source, "security.enrollment_code_seconds",
                                     config.enrollment_code_lifetime.count(), 60, 30 * 86400));
    config.kiosk_contact_interval =
        std::chrono::seconds(bounded(source, "kiosks.contact_interval_seconds",
                                     config.kiosk_contact_interval.count(), 60, 86400));
    config.coordinator_token_days = static_cast<int>(
        bounded(source, "security.coordinator_token_days", config.coordinator_token_days, 1, 730));
    config.kiosk_token_days = static_cast<int>(
        bounded(source, "security.kiosk_token_days", config.kiosk_token_days, 2, 730));
    config.kiosk_token_rotate_days = static_cast<int>(bounded(
        source, "security.kiosk_token_rotate_days", config.kiosk_token_rotate_days, 1, 729));
    config.login_max_failures = static_cast<int>(
        bounded(source, "security.login_max_failures", config.login_max_failures, 1, 1000));
    config.login_failure_window = std::chrono::seconds(bounded(
        source, "security.login_window_seconds", config.login_failure_window.count(), 1, 86400));
    config.max_json_body_bytes = static_cast<std::size_t>(
        bounded(source, "limits.json_body_bytes", static_cast<long>(config.max_json_body_bytes),
                1024, 16 * 1024 * 1024));
    config.max_content_body_bytes = static_cast<std::size_t>(
        bounded(source, "limits.content_body_bytes",
                static_cast<long>(config.max_content_body_bytes), 1024, 16 * 1024 * 1024));
    config.max_asset_bytes = static_cast<std::size_t>(
        bounded(source, "limits.asset_bytes", static_cast<long>(config.max_asset_bytes), 1024,
                64 * 1024 * 1024));
    config.max_threads =
        static_cast<int>(bounded(source, "limits.max_threads", config.max_threads, 1, 1024));
    config.connections_per_address = static_cast<int>(
        bounded(source, "limits.connections_per_address", config.connections_per_address, 0, 1024));
    config.max_queued =
        static_cast<int>(bounded(source, "limits.max_queued", config.max_queued, 1, 100000));
    config.receive_timeout = std::chrono::seconds(
        bounded(source, "limits.receive_timeout_seconds", config.receive_timeout.count(), 1, 600));
    config.body_read_time = std::chrono::seconds(bounded(
        source, "limits.body_read_seconds",
        std::chrono::duration_cast<std::chrono::seconds>(config.body_read_time).count(), 1, 3600));
    config.head_read_time = std::chrono::seconds(bounded(
        source, "limits.head_read_seconds",
        std::chrono::duration_cast<std::chrono::seconds>(config.head_read_time).count(), 1, 3600));
    config.keep_alive_timeout = std::chrono::seconds(bounded(
        source, "limits.keep_alive_timeout_seconds", config.keep_alive_timeout.count(), 1, 600));
    config.counts_commit_wait = std::chrono::milliseconds(bounded(
        source, "limits.counts_commit_wait_ms", config.counts_commit_wait.count(), 10, 600000));
    config.kiosk_batches_per_hour = static_cast<int>(bounded(
        source, "limits.kiosk_batches_per_hour", config.kiosk_batches_per_hour, 1, 1000000));
    config.clock_offset_seconds = bounded(source, "clock.offset_seconds",
                                          config.clock_offset_seconds, -3153600000L, 3153600000L);
}

bool is_loopback_address(const std::string& address) {
    if (address == "localhost" || address == "::1")
        return true;
    Poco::Net::IPAddress parsed;
    return Poco::Net::IPAddress::tryParse(address, parsed) && parsed.isLoopback();
}

void validate_config(const StationConfig& config) {
    if (config.k < wellness::minimum_k)
        throw std::invalid_argument("summary.k is " + std::to_string(config.k) +
                                    ": it must be at least " + std::to_string(wellness::minimum_k) +
                                    " so that small numbers stay hidden");
    // Nothing a kiosk would refuse (limits.hpp): a station that accepted it would serve content
    // no kiosk takes, and every kiosk would stay on its old content without a word to the admin.
    if (config.k > shared_limits::max_k)
        throw std::invalid_argument("summary.k is " + std::to_string(config.k) +
                                    ": kiosks accept a k of at most " +
                                    std::to_string(shared_limits::max_k));
    if (config.max_asset_bytes > shared_limits::max_asset_bytes)
        throw std::invalid_argument("limits.asset_bytes is " +
                                    std::to_string(config.max_asset_bytes) +
                                    ": kiosks accept an asset of at most " +
                                    std::to_string(shared_limits::max_asset_bytes) +
                                    " bytes, so content using a larger one would never reach them");
    if (config.max_content_body_bytes > shared_limits::max_content_document_bytes)
        throw std::invalid_argument(
            "limits.content_body_bytes is " + std::to_string(config.max_content_body_bytes) +
            ": kiosks accept a content document of at most " +
            std::to_string(shared_limits::max_content_document_bytes) + " bytes");
    if (config.max_image_side > shared_limits::max_image_side)
        throw std::invalid_argument("an image side of " + std::to_string(config.max_image_side) +
                                    " pixels is more than kiosks show (" +
                                    std::to_string(shared_limits::max_image_side) + ")");
    if (config.data_dir.empty())
        throw std::invalid_argument("no data directory: pass --data DIR or set station.data");
    if (config.pbkdf2_iterations < 1)
        throw std::invalid_argument("security.pbkdf2_iterations must be positive");
    if (!config.tls_enabled && !is_loopback_address(config.bind_address))
        throw std::invalid_argument(
            "plain HTTP (tls.enabled = false, --plain-http) may only listen "
            "on a loopback address, not " +
            config.bind_address + ": passwords and tokens would cross the network in clear");
    if (config.tls_certificate_file.empty() != config.tls_private_key_file.empty())
        throw std::invalid_argument("tls.certificate and tls.private_key go together: set both "
                                    "or neither (neither: the station makes its own)");
    if (config.tls_renew_days * 2 > config.tls_certificate_days)
        throw std::invalid_argument("tls.renew_days must be at most half of tls.certificate_days");
    if (config.kiosk_token_days != 0 &&
        config.kiosk_token_rotate_days * 2 > config.kiosk_token_days)
        throw std::invalid_argument(
            "security.kiosk_token_rotate_days must be at most half of security.kiosk_token_days, "
            "so that a kiosk that was off for a while still swaps its token before it ends");
    if (config.max_threads < 1 || config.max_queued < 1 || config.database_connections < 1)
        throw std::invalid_argument("thread, queue and connection limits must be positive");
}

} // namespace wellness::station
