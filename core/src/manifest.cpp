#include "wellness/manifest.hpp"

#include "wellness/content.hpp"
#include "wellness/limits.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace wellness {

namespace {

bool is_sha256_hex(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

ManifestParseResult refused(std::string why) {
    return {std::nullopt, std::move(why)};
}

} // namespace

bool is_valid_manifest_version(std::string_view version) {
    return !version.empty() && version.size() <= shared_limits::max_version_chars &&
           std::all_of(version.begin(), version.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string encode_manifest(const ContentManifest& manifest) {
    Json assets = Json::array();
    for (const auto& asset : manifest.assets)
        assets.push_back({{"name", asset.name}, {"sha256", asset.sha256}, {"size", asset.size}});
    Json json = {
        {"version", manifest.version}, {"document", manifest.document}, {"assets", assets}};
    if (manifest.k)
        json["k"] = *manifest.k;
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ManifestParseResult parse_manifest(std::string_view body) {
    JsonLimits limits;
    limits.max_bytes = shared_limits::max_manifest_bytes;
    auto parsed = parse_json_input(body, limits);
    if (!parsed.value)
        return refused("manifest is not acceptable JSON: " + parsed.message);
    const Json& json = *parsed.value;
    if (!json.is_object())
        return refused("manifest is not an object");
    ContentManifest manifest;
    const auto version = json.find("version");
    if (version == json.end() || !version->is_string() ||
        !is_valid_manifest_version(version->get<std::string>()))
        return refused("manifest has no valid version");
    manifest.version = version->get<std::string>();
    const auto document = json.find("document");
    if (document == json.end() || !document->is_object())
        return refused("manifest has no document");
    manifest.document = *document;
    const auto assets = json.find("assets");
    if (assets == json.end() || !assets->is_array())
        return refused("manifest has no asset list");
    if (assets->size() > shared_limits::max_assets)
        return refused("manifest lists too many assets");
    std::set<std::string> names;
    std::size_t total = 0;
    for (const Json& asset : *assets) {
        if (!asset.is_object())
            return refused("manifest asset is not an object");
        const auto name = asset.find("name");
        const auto sha = asset.find("sha256");
        const auto size = asset.find("size");
        if (name == asset.end() || !name->is_string() || !is_asset_name(name->get<std::string>()))
            return refused("manifest asset has no valid name");
        if (sha == asset.end() || !sha->is_string() || !is_sha256_hex(sha->get<std::string>()))
            return refused("manifest asset has no valid sha256");
        if (size == asset.end() || !size->is_number_unsigned() || size->get<std::uint64_t>() == 0 ||
            size->get<std::uint64_t>() > shared_limits::max_asset_bytes)
            return refused("manifest asset has no valid size");
        ManifestAsset entry{name->get<std::string>(), sha->get<std::string>(),
                            size->get<std::size_t>()};
        if (!names.insert(entry.name).second)
            return refused("manifest lists an asset twice");
        total += entry.size;
        manifest.assets.push_back(std::move(entry));
    }
    if (total > shared_limits::max_total_asset_bytes)
        return refused("manifest assets are too large in total");
    const auto k = json.find("k");
    if (k != json.end()) {
        if (!k->is_number_integer() || !shared_limits::is_k_in_range(k->get<std::int64_t>()))
            return refused("manifest k is not valid");
        manifest.k = k->get<int>();
    }
    const auto content = parse_content(manifest.document, &names);
    if (!content.document)
        return refused("content failed validation: " + describe_problems(content.problems));
    return {std::move(manifest), ""};
}

} // namespace wellness
