#pragma once

// The kiosk's cache of content downloaded from the station. New content is downloaded into a
// staging directory, verified completely (core's validation, sizes, sha256, real PNG/JPEG), and
// only then made current by renaming a pointer file: a bad or partial download never replaces
// good content. What is on disk is checked again when it is loaded (the disk may have been
// tampered with or half-written by a crash).

#include "kiosk_sync.hpp"
#include "local_store.hpp"
#include "wellness/image.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wellness::kiosk {

inline constexpr std::size_t max_manifest_bytes = 2 * 1024 * 1024;
inline constexpr std::size_t max_asset_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_total_asset_bytes = 32 * 1024 * 1024;
inline constexpr std::size_t max_assets = 64;
inline constexpr int max_image_side = wellness::max_image_side; // core/image.hpp

struct ManifestAsset {
    std::string name;
    std::string sha256; // 64 lowercase hex digits
    std::size_t size = 0;
};

// The body of GET /api/v1/kiosk/content.
struct ContentManifest {
    std::string version;
    Json document;
    std::vector<ManifestAsset> assets;
    std::optional<int> k; // the station's k, when it says
};

struct ManifestParseResult {
    std::optional<ContentManifest> manifest;
    std::string error; // human words when manifest is empty
};

// Strict: size limits, field types, asset names, sha256 format, and core's content validation
// against the listed assets.
ManifestParseResult parse_manifest(std::string_view body);

// True if `bytes` is a complete-looking PNG or JPEG header that stb_image can read, matching the
// file name's extension, with sides within max_image_side.
bool is_png_or_jpeg(const std::string& name, std::string_view bytes);

// Downloads one asset; nullopt on any failure. Must not return more than `max_bytes`.
using AssetFetcher =
    std::function<std::optional<std::string>(const std::string& name, std::size_t max_bytes)>;

// Content whose counting structure differs from the active content's: downloaded and verified,
// it waits in the cache (across restarts) until the ISO week `from` starts (promise 6).
struct PendingContent {
    ActiveContent content;
    IsoWeek from;
};

struct ContentInstallResult {
    std::optional<ActiveContent> content; // set when the new content is now current
    std::string error;                    // why not, otherwise
};

class ContentCache {
  public:
    ContentCache(std::filesystem::path dir, TechnicalLog log);

    // The current cached content, verified again; nullopt if there is none or it fails.
    std::optional<ActiveContent> load_current();
    std::optional<std::string> current_version();

    // Downloads what is missing, verifies everything, then switches atomically. On failure the
    // current content is untouched and the staging directory removed. With `pending_from` the
    // content is kept as the pending content for that week instead (replacing any earlier
    // pending content) and the current content stays current.
    ContentInstallResult install(const ContentManifest& manifest, const AssetFetcher& fetch,
                                 std::optional<IsoWeek> pending_from = std::nullopt);

    // The pending content, verified again; nullopt if there is none or it fails.
    std::optional<PendingContent> load_pending();
    // Makes the pending content current; false if there is none.
    bool promote_pending();
    void drop_pending();

  private:
    std::optional<std::string> current_dir_name();
    std::optional<std::pair<std::string, IsoWeek>> pending_pointer();
    std::optional<ActiveContent> load_dir(const std::string& name);
    void remove_all_but(const std::set<std::string>& keep);

    std::filesystem::path dir_;
    TechnicalLog log_;
};

} // namespace wellness::kiosk
