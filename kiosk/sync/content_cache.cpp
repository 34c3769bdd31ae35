#include "content_cache.hpp"

#include "durable_file.hpp"
#include "sync_schedule.hpp"
#include "wellness/content.hpp"
#include "wellness/image.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace wellness::kiosk {

namespace {

constexpr const char* pointer_file_name = "current";
constexpr const char* pending_file_name = "pending"; // "c-<hex> <week>\n"
constexpr const char* manifest_file_name = "manifest.json";

bool is_content_dir_name(const std::string& name) {
    return name.size() == 2 + 16 && name.rfind("c-", 0) == 0 &&
           name.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

std::string random_dir_suffix() {
    return make_kiosk_secret().substr(0, 16);
}

} // namespace

// Decoded whole by core's one image module, as the screen will decode it: an asset that is not
// a complete PNG or JPEG of its name's type within the side limit never becomes content.
bool is_png_or_jpeg(const std::string& name, std::string_view bytes) {
    if (!is_asset_name(name))
        return false;
    const auto format = sniff_image_format(bytes);
    if (!format || media_type_of(*format) != asset_media_type(name))
        return false;
    return decode_image(bytes, shared_limits::max_image_side).image.has_value();
}

ContentCache::ContentCache(std::filesystem::path dir, TechnicalLog log)
    : dir_(std::move(dir)), log_(std::move(log)) {
    if (!log_)
        log_ = [](Poco::Message::Priority, const std::string&) {};
}

std::optional<std::string> ContentCache::current_dir_name() {
    const auto pointer = read_file_limited(dir_ / pointer_file_name, 64);
    if (!pointer)
        return std::nullopt;
    std::string name = *pointer;
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
        name.pop_back();
    if (!is_content_dir_name(name))
        return std::nullopt;
    return name;
}

std::optional<std::string> ContentCache::current_version() {
    const auto content = load_current();
    if (!content)
        return std::nullopt;
    return content->version;
}

std::optional<std::pair<std::string, IsoWeek>> ContentCache::pending_pointer() {
    const auto pointer = read_file_limited(dir_ / pending_file_name, 64);
    if (!pointer)
        return std::nullopt;
    std::string text = *pointer;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    const auto space = text.find(' ');
    if (space == std::string::npos)
        return std::nullopt;
    const std::string name = text.substr(0, space);
    const auto week = IsoWeek::parse(text.substr(space + 1));
    if (!is_content_dir_name(name) || !week || week->to_string() != text.substr(space + 1))
        return std::nullopt;
    return std::make_pair(name, *week);
}

std::optional<PendingContent> ContentCache::load_pending() {
    const auto pointer = pending_pointer();
    if (!pointer)
        return std::nullopt;
    auto content = load_dir(pointer->first);
    if (!content)
        return std::nullopt;
    return PendingContent{std::move(*content), pointer->second};
}

bool ContentCache::promote_pending() {
    const auto pointer = pending_pointer();
    if (!pointer)
        return false;
    write_file_atomically(dir_ / pointer_file_name, pointer->first + "\n", 0644);
    drop_pending();
    return true;
}

void ContentCache::drop_pending() {
    std::error_code ignored;
    std::filesystem::remove(dir_ / pending_file_name, ignored);
}

std::optional<ActiveContent> ContentCache::load_current() {
    const auto name = current_dir_name();
    if (!name)
        return std::nullopt;
    return load_dir(*name);
}

std::optional<ActiveContent> ContentCache::load_dir(const std::string& dir_name) {
    const std::optional<std::string> name = dir_name;
    const auto content_dir = dir_ / *name;
    const auto text =
        read_file_limited(content_dir / manifest_file_name, shared_limits::max_manifest_bytes);
    if (!text) {
        log_(Poco::Message::PRIO_WARNING, "content cache: cached content is missing");
        return std::nullopt;
    }
    auto parsed = parse_manifest(*text);
    if (!parsed.manifest) {
        log_(Poco::Message::PRIO_WARNING,
             "content cache: cached content is invalid: " + parsed.error);
        return std::nullopt;
    }
    for (const auto& asset : parsed.manifest->assets) {
        const auto bytes =
            read_file_limited(content_dir / "assets" / asset.name, shared_limits::max_asset_bytes);
        if (!bytes || bytes->size() != asset.size || sha256_hex(*bytes) != asset.sha256 ||
            !is_png_or_jpeg(asset.name, *bytes)) {
            log_(Poco::Message::PRIO_WARNING,
                 "content cache: cached asset " + asset.name + " does not match its checksum");
            return std::nullopt;
        }
    }
    std::set<std::string> names;
    for (const auto& asset : parsed.manifest->assets)
        names.insert(asset.name);
    auto content = parse_content(parsed.manifest->document, &names);
    if (!content.document)
        return std::nullopt;
    return ActiveContent{std::move(*content.document), parsed.manifest->version,
                         content_dir / "assets"};
}

ContentInstallResult ContentCache::install(const ContentManifest& manifest,
                                           const AssetFetcher& fetch,
                                           std::optional<IsoWeek> pending_from) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    const std::string suffix = random_dir_suffix();
    const auto staging = dir_ / ("staging-" + suffix);
    const auto final_dir = dir_ / ("c-" + suffix);
    const auto fail = [&](const std::string& error) {
        std::error_code ignored;
        std::filesystem::remove_all(staging, ignored);
        std::filesystem::remove_all(final_dir, ignored);
        log_(Poco::Message::PRIO_WARNING, "content " + manifest.version + " rejected: " + error);
        return ContentInstallResult{std::nullopt, error};
    };
    try {
        std::filesystem::create_directories(staging / "assets");
        const auto current = current_dir_name();
        for (const auto& asset : manifest.assets) {
            std::optional<std::string> bytes;
            if (current) {
                // Reuse what is cached only if it still matches: the disk is not trusted.
                auto cached = read_file_limited(dir_ / *current / "assets" / asset.name,
                                                shared_limits::max_asset_bytes);
                if (cached && cached->size() == asset.size && sha256_hex(*cached) == asset.sha256)
                    bytes = std::move(cached);
            }
            if (!bytes)
                bytes = fetch(asset.name, asset.size);
            if (!bytes)
                return fail("asset " + asset.name + " could not be downloaded");
            if (bytes->size() != asset.size)
                return fail("asset " + asset.name + " has the wrong size");
            if (sha256_hex(*bytes) != asset.sha256)
                return fail("asset " + asset.name + " does not match its sha256");
            if (!is_png_or_jpeg(asset.name, *bytes))
                return fail("asset " + asset.name + " is not a PNG or JPEG image");
            write_file_atomically(staging / "assets" / asset.name, *bytes, 0644);
        }
        std::set<std::string> names;
        for (const auto& asset : manifest.assets)
            names.insert(asset.name);
        auto content = parse_content(manifest.document, &names);
        if (!content.document)
            return fail("content failed validation: " + describe_problems(content.problems));
        write_file_atomically(staging / manifest_file_name,
                              encode_manifest(ContentManifest{manifest.version, manifest.document,
                                                              manifest.assets, std::nullopt}),
                              0644);
        std::filesystem::rename(staging, final_dir);
        if (pending_from) {
            write_file_atomically(dir_ / pending_file_name,
                                  "c-" + suffix + " " + pending_from->to_string() + "\n", 0644);
            remove_all_but({"c-" + suffix, current.value_or("")});
            log_(Poco::Message::PRIO_INFORMATION, "content version " + manifest.version +
                                                      " waits for week " +
                                                      pending_from->to_string());
            return {
                ActiveContent{std::move(*content.document), manifest.version, final_dir / "assets"},
                ""};
        }
        write_file_atomically(dir_ / pointer_file_name, "c-" + suffix + "\n", 0644);
        drop_pending();
        // The previous content stays until the next install: the app may still be showing it.
        remove_all_but({"c-" + suffix, current.value_or("")});
        log_(Poco::Message::PRIO_INFORMATION, "content version " + manifest.version + " active");
        return {ActiveContent{std::move(*content.document), manifest.version, final_dir / "assets"},
                ""};
    } catch (const std::exception& error) {
        return fail(std::string("cannot write the content cache: ") + error.what());
    }
}

void ContentCache::remove_all_but(const std::set<std::string>& keep) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        const std::string name = entry.path().filename().string();
        if (keep.count(name) || name == pointer_file_name)
            continue;
        if (name.rfind("c-", 0) == 0 || name.rfind("staging-", 0) == 0 ||
            name.rfind("current.tmp-", 0) == 0) {
            std::error_code ignored;
            std::filesystem::remove_all(entry.path(), ignored);
        }
    }
}

} // namespace wellness::kiosk
