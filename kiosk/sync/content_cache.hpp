#pragma once

// The kiosk's cache of content downloaded from the station. New content is downloaded into a
// staging directory, verified completely (core's validation, sizes, sha256, real PNG/JPEG), and
// only then made current by renaming a pointer file: a bad or partial download never replaces
// good content. What is on disk is checked again when it is loaded (the disk may have been
// tampered with or half-written by a crash).

#include "local_store.hpp"
#include "sync_types.hpp"
#include "wellness/image.hpp"
#include "wellness/limits.hpp"
#include "wellness/manifest.hpp"

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

// The manifest (ContentManifest, parse_manifest) and its limits are core's: wellness/manifest.hpp
// and wellness/limits.hpp, the same the station encodes with.

// True if `bytes` is a complete-looking PNG or JPEG header that stb_image can read, matching the
// file name's extension, with sides within shared_limits::max_image_side.
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
