#pragma once

// The content manifest of GET /api/v1/kiosk/content (DESIGN.md, HTTP contract), defined once:
// the station encodes it, the kiosk parses it (and keeps it on disk in the same shape, without
// k). Both sides read their limits from limits.hpp, so a manifest one side writes the other
// accepts.

#include "wellness/json_input.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

struct ManifestAsset {
    std::string name;
    std::string sha256; // 64 lowercase hex digits
    std::size_t size = 0;

    bool operator==(const ManifestAsset&) const = default;
};

// {"version","document","assets":[{"name","sha256","size"}],"k"}
struct ContentManifest {
    std::string version;
    Json document;
    std::vector<ManifestAsset> assets;
    std::optional<int> k; // the station's k, when it says

    bool operator==(const ContentManifest&) const = default;
};

struct ManifestParseResult {
    std::optional<ContentManifest> manifest; // set only when error is empty
    std::string error;                       // human words when manifest is empty
};

// The manifest's JSON text (compact; text that is not UTF-8 is replaced, never thrown on).
std::string encode_manifest(const ContentManifest& manifest);

// Strict, for text from the network or a disk: size limit, field types, version, asset names,
// sha256 format, sizes and their sum, k's range (limits.hpp), and core's content validation
// against the listed assets. Never throws except std::bad_alloc.
ManifestParseResult parse_manifest(std::string_view body);

// True for a version a manifest may carry: 1 to max_version_chars printable ASCII characters
// without spaces (the station's are decimal numbers).
bool is_valid_manifest_version(std::string_view version);

} // namespace wellness
