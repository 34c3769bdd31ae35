#include "content_cache.hpp"
#include "durable_file.hpp"
#include "sync_test_support.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

ContentManifest manifest_for(const std::string& version,
                             const std::map<std::string, std::string>& assets) {
    std::vector<std::string> names;
    for (const auto& [name, bytes] : assets)
        names.push_back(name);
    Json assets_json = Json::array();
    for (const auto& [name, bytes] : assets)
        assets_json.push_back(
            {{"name", name}, {"sha256", sha256_hex(bytes)}, {"size", bytes.size()}});
    const Json body{{"version", version},
                    {"document", content_with_assets(names)},
                    {"assets", assets_json},
                    {"k", 5}};
    auto parsed = parse_manifest(body.dump());
    INFO(parsed.error);
    REQUIRE(parsed.manifest);
    return *parsed.manifest;
}

AssetFetcher serve(std::map<std::string, std::string> assets, int* calls = nullptr) {
    return [assets = std::move(assets),
            calls](const std::string& name, std::size_t max_bytes) -> std::optional<std::string> {
        if (calls)
            ++*calls;
        const auto found = assets.find(name);
        if (found == assets.end() || found->second.size() > max_bytes)
            return std::nullopt;
        return found->second;
    };
}

} // namespace

TEST_CASE("Verified content becomes current and is found again after a restart", "[kiosk-sync]") {
    TempDir dir;
    const std::string logo = make_png();
    ContentCache cache(dir.path(), {});
    const auto result =
        cache.install(manifest_for("v1", {{"logo.png", logo}}), serve({{"logo.png", logo}}));
    INFO(result.error);
    REQUIRE(result.content);
    CHECK(result.content->version == "v1");
    CHECK(read_text(result.content->assets_dir / "logo.png") == logo);

    ContentCache reopened(dir.path(), {});
    const auto loaded = reopened.load_current();
    REQUIRE(loaded);
    CHECK(loaded->version == "v1");
    CHECK(loaded->document.assets == std::vector<std::string>{"logo.png"});
}

TEST_CASE("Assets already cached with the same sha256 are not downloaded again", "[kiosk-sync]") {
    TempDir dir;
    const std::string logo = make_png();
    ContentCache cache(dir.path(), {});
    REQUIRE(cache.install(manifest_for("v1", {{"logo.png", logo}}), serve({{"logo.png", logo}}))
                .content);
    int calls = 0;
    REQUIRE(
        cache.install(manifest_for("v2", {{"logo.png", logo}}), serve({{"logo.png", logo}}, &calls))
            .content);
    CHECK(calls == 0);
}

TEST_CASE("A bad asset never replaces good content", "[kiosk-sync]") {
    TempDir dir;
    const std::string logo = make_png();
    ContentCache cache(dir.path(), {});
    REQUIRE(cache.install(manifest_for("v1", {{"logo.png", logo}}), serve({{"logo.png", logo}}))
                .content);

    const std::string other = make_png(8, 8, 10);
    SECTION("wrong sha256") {
        auto manifest = manifest_for("v2", {{"photo.png", other}});
        manifest.assets[0].sha256 = sha256_hex("something else");
        const auto result = cache.install(manifest, serve({{"photo.png", other}}));
        CHECK_FALSE(result.content);
        CHECK_THAT(result.error, Catch::Contains("sha256"));
    }
    SECTION("truncated download") {
        const auto result =
            cache.install(manifest_for("v2", {{"photo.png", other}}),
                          serve({{"photo.png", other.substr(0, other.size() / 2)}}));
        CHECK_FALSE(result.content);
        CHECK_THAT(result.error, Catch::Contains("size"));
    }
    SECTION("not an image, though its checksum matches") {
        const std::string script = "#!/bin/sh\necho not a picture\n";
        const auto result = cache.install(manifest_for("v2", {{"photo.png", script}}),
                                          serve({{"photo.png", script}}));
        CHECK_FALSE(result.content);
        CHECK_THAT(result.error, Catch::Contains("PNG or JPEG"));
    }
    SECTION("a JPEG name on PNG bytes") {
        const auto result = cache.install(manifest_for("v2", {{"photo.jpg", other}}),
                                          serve({{"photo.jpg", other}}));
        CHECK_FALSE(result.content);
    }
    SECTION("download fails") {
        const auto result = cache.install(manifest_for("v2", {{"photo.png", other}}), serve({}));
        CHECK_FALSE(result.content);
    }
    const auto current = cache.load_current();
    REQUIRE(current);
    CHECK(current->version == "v1");
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().rfind("staging-", 0) != 0);
}

TEST_CASE("A manifest that fails validation is refused with a reason", "[kiosk-sync]") {
    Json document = default_content_json();
    document["idle_timeout_seconds"] = 5;
    CHECK_FALSE(
        parse_manifest(
            Json{{"version", "v2"}, {"document", document}, {"assets", Json::array()}}.dump())
            .manifest);
    CHECK_FALSE(parse_manifest(R"({"version":"v2","document":{},"assets":[]})").manifest);
    CHECK_FALSE(parse_manifest("not json").manifest);
    CHECK_FALSE(parse_manifest(Json{{"version", "v2"},
                                    {"document", default_content_json()},
                                    {"assets", Json::array({{{"name", "../../etc/passwd"},
                                                             {"sha256", std::string(64, 'a')},
                                                             {"size", 3}}})}}
                                   .dump())
                    .manifest);
    // The document lists an asset that the manifest does not provide.
    CHECK_FALSE(parse_manifest(Json{{"version", "v2"},
                                    {"document", content_with_assets({"logo.png"})},
                                    {"assets", Json::array()}}
                                   .dump())
                    .manifest);
    CHECK_FALSE(parse_manifest(Json{{"version", "v2"},
                                    {"document", default_content_json()},
                                    {"assets", Json::array()},
                                    {"k", 1}}
                                   .dump())
                    .manifest);
    const auto good = parse_manifest(Json{
        {"version", "v2"},
        {"document", default_content_json()},
        {"assets", Json::array()},
        {"k", 7}}.dump());
    REQUIRE(good.manifest);
    CHECK(good.manifest->k == 7);
}

TEST_CASE("Cached content tampered with on disk is not used", "[kiosk-sync]") {
    TempDir dir;
    const std::string logo = make_png();
    ContentCache cache(dir.path(), {});
    const auto installed =
        cache.install(manifest_for("v1", {{"logo.png", logo}}), serve({{"logo.png", logo}}));
    REQUIRE(installed.content);
    SECTION("an asset changed") {
        std::ofstream(installed.content->assets_dir / "logo.png",
                      std::ios::binary | std::ios::trunc)
            << "evil";
    }
    SECTION("the document changed") {
        std::ofstream(installed.content->assets_dir.parent_path() / "manifest.json",
                      std::ios::trunc)
            << "{\"version\":";
    }
    SECTION("the pointer leads elsewhere") {
        std::ofstream(dir.path() / "current", std::ios::trunc) << "../../etc\n";
    }
    CHECK_FALSE(ContentCache(dir.path(), {}).load_current());
}

TEST_CASE("Images are recognised by their bytes, not their names", "[kiosk-sync]") {
    const std::string png = make_png();
    CHECK(is_png_or_jpeg("a.png", png));
    CHECK_FALSE(is_png_or_jpeg("a.gif", png));
    CHECK_FALSE(is_png_or_jpeg("a.png", png.substr(0, 12)));
    CHECK_FALSE(is_png_or_jpeg("a.png", ""));
    CHECK_FALSE(is_png_or_jpeg("a.jpg", "\xff\xd8\xff garbage"));
}
