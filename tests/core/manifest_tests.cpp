// The content manifest both sides share: what the station encodes the kiosk parses back, and
// every limit of limits.hpp holds at its edge (at: accepted, one over: refused with words).

#include "wellness/limits.hpp"
#include "wellness/manifest.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

using namespace wellness;

namespace {

Json default_document() {
    const std::string path = std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json";
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    return Json::parse(std::string(std::istreambuf_iterator<char>(file), {}));
}

std::string asset_name(std::size_t i) {
    return "a" + std::to_string(i) + ".png";
}

// A manifest listing `count` assets of `size` bytes each, named in the document.
ContentManifest manifest_with(std::size_t count, std::size_t size, std::optional<int> k = 5) {
    ContentManifest manifest{"7", default_document(), {}, k};
    Json names = Json::array();
    for (std::size_t i = 0; i < count; ++i) {
        manifest.assets.push_back({asset_name(i), std::string(64, 'a'), size});
        names.push_back(asset_name(i));
    }
    manifest.document["assets"] = names;
    return manifest;
}

std::string refusal_of(const std::string& text) {
    const auto parsed = parse_manifest(text);
    CHECK(parsed.manifest.has_value() == parsed.error.empty());
    return parsed.error;
}

std::string refusal_of(const ContentManifest& manifest) {
    return refusal_of(encode_manifest(manifest));
}

} // namespace

TEST_CASE("A manifest the station encodes parses back to the same manifest", "[core][manifest]") {
    const ContentManifest sent = manifest_with(2, 1234, 8);
    const auto parsed = parse_manifest(encode_manifest(sent));
    INFO(parsed.error);
    REQUIRE(parsed.manifest);
    CHECK(*parsed.manifest == sent);

    // The kiosk's copy on disk has no k, and says so by leaving it out.
    const ContentManifest kept = manifest_with(1, 10, std::nullopt);
    CHECK(encode_manifest(kept).find("\"k\"") == std::string::npos);
    const auto reread = parse_manifest(encode_manifest(kept));
    REQUIRE(reread.manifest);
    CHECK_FALSE(reread.manifest->k.has_value());
}

TEST_CASE("A manifest's asset may be as large as the shared limit and not a byte larger",
          "[core][manifest]") {
    CHECK(refusal_of(manifest_with(1, shared_limits::max_asset_bytes)).empty());
    CHECK(refusal_of(manifest_with(1, shared_limits::max_asset_bytes + 1)) ==
          "manifest asset has no valid size");
    CHECK(refusal_of(manifest_with(1, 0)) == "manifest asset has no valid size");
}

TEST_CASE("A manifest's assets may fill the shared total and not a byte more", "[core][manifest]") {
    constexpr std::size_t count =
        shared_limits::max_total_asset_bytes / shared_limits::max_asset_bytes;
    static_assert(count <= shared_limits::max_assets);
    ContentManifest full = manifest_with(count, shared_limits::max_asset_bytes);
    CHECK(refusal_of(full).empty());
    ContentManifest over = manifest_with(count + 1, shared_limits::max_asset_bytes);
    over.assets.back().size = 1;
    CHECK(refusal_of(over) == "manifest assets are too large in total");
}

TEST_CASE("A manifest may list as many assets as content may name and not one more",
          "[core][manifest]") {
    CHECK(refusal_of(manifest_with(shared_limits::max_assets, 10)).empty());
    CHECK(refusal_of(manifest_with(shared_limits::max_assets + 1, 10)) ==
          "manifest lists too many assets");
}

TEST_CASE("A manifest's k is taken from the smallest to the largest k and refused outside",
          "[core][manifest]") {
    CHECK(refusal_of(manifest_with(0, 1, minimum_k)).empty());
    CHECK(refusal_of(manifest_with(0, 1, shared_limits::max_k)).empty());
    CHECK(refusal_of(manifest_with(0, 1, minimum_k - 1)) == "manifest k is not valid");
    CHECK(refusal_of(manifest_with(0, 1, shared_limits::max_k + 1)) == "manifest k is not valid");
    Json text = Json::parse(encode_manifest(manifest_with(0, 1)));
    text["k"] = "5";
    CHECK(refusal_of(text.dump()) == "manifest k is not valid");
    text["k"] = 5.5;
    CHECK(refusal_of(text.dump()) == "manifest k is not valid");
}

TEST_CASE("A manifest's version is 1 to 32 printable characters", "[core][manifest]") {
    ContentManifest manifest = manifest_with(0, 1);
    manifest.version = std::string(shared_limits::max_version_chars, '9');
    CHECK(refusal_of(manifest).empty());
    manifest.version += "9";
    CHECK(refusal_of(manifest) == "manifest has no valid version");
    manifest.version = "";
    CHECK(refusal_of(manifest) == "manifest has no valid version");
    manifest.version = "1 2";
    CHECK(refusal_of(manifest) == "manifest has no valid version");
}

TEST_CASE("A hostile manifest is refused with words and never half-read", "[core][manifest]") {
    const Json good = Json::parse(encode_manifest(manifest_with(1, 10)));
    const auto changed = [&](const std::function<void(Json&)>& change) {
        Json copy = good;
        change(copy);
        return refusal_of(copy.dump());
    };
    CHECK(refusal_of("not json").starts_with("manifest is not acceptable JSON"));
    CHECK(refusal_of(std::string(1, '\0')).starts_with("manifest is not acceptable JSON"));
    CHECK(refusal_of(std::string(100, '[') + std::string(100, ']'))
              .starts_with("manifest is not acceptable JSON"));
    CHECK(refusal_of(std::string(shared_limits::max_manifest_bytes + 1, ' '))
              .starts_with("manifest is not acceptable JSON"));
    CHECK(refusal_of("[]") == "manifest is not an object");
    CHECK(refusal_of(R"({"version":"1","document":{},"assets":[],"version":"2"})")
              .starts_with("manifest is not acceptable JSON"));
    CHECK(changed([](Json& j) { j.erase("document"); }) == "manifest has no document");
    CHECK(changed([](Json& j) { j["assets"] = Json::object(); }) == "manifest has no asset list");
    CHECK(changed([](Json& j) { j["assets"][0] = "a0.png"; }) == "manifest asset is not an object");
    CHECK(changed([](Json& j) { j["assets"][0]["name"] = "../etc/passwd"; }) ==
          "manifest asset has no valid name");
    CHECK(changed([](Json& j) { j["assets"][0]["sha256"] = std::string(64, 'A'); }) ==
          "manifest asset has no valid sha256");
    CHECK(changed([](Json& j) { j["assets"][0]["size"] = -1; }) ==
          "manifest asset has no valid size");
    CHECK(changed([](Json& j) { j["assets"][0]["size"] = 1.5; }) ==
          "manifest asset has no valid size");
    CHECK(changed([](Json& j) { j["assets"].push_back(j["assets"][0]); }) ==
          "manifest lists an asset twice");
    // Content naming an asset the manifest does not list fails core's content rules.
    CHECK(changed([](Json& j) {
              j["assets"] = Json::array();
          }).starts_with("content failed validation: "));
}
