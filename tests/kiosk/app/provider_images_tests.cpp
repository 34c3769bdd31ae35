#include "provider_images.hpp"
#include "sample_content.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stb_image_write.h>
#include <string>
#include <vector>

using namespace wellness;
using namespace wellness::kiosk;

namespace {

struct AssetsDir {
    std::filesystem::path path;
    AssetsDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "kiosk-provider-images-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~AssetsDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    AssetsDir(const AssetsDir&) = delete;
    AssetsDir& operator=(const AssetsDir&) = delete;

    // A solid-colour RGBA PNG.
    void write_png(const std::string& name, int width, int height, std::uint8_t red) const {
        std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4);
        for (std::size_t i = 0; i < rgba.size(); i += 4) {
            rgba[i] = red;
            rgba[i + 1] = 20;
            rgba[i + 2] = 30;
            rgba[i + 3] = 255;
        }
        REQUIRE(stbi_write_png((path / name).c_str(), width, height, 4, rgba.data(), width * 4) !=
                0);
    }
    void write_bytes(const std::string& name, const std::string& bytes) const {
        std::ofstream(path / name, std::ios::binary) << bytes;
    }
};

// The sample document with an image on each provider, all listed as assets.
ContentDocument with_images(const std::string& eap_image, const std::string& peer_image) {
    ContentDocument doc = testing::sample_content();
    doc.providers.at(0).image = eap_image;
    doc.providers.at(1).image = peer_image;
    doc.assets = {eap_image, peer_image};
    return doc;
}

bool mentions(const std::vector<std::string>& problems, const std::string& word) {
    for (const auto& problem : problems) {
        if (problem.find(word) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("A provider's PNG is decoded to its pixels, keyed by the provider", "[kiosk-images]") {
    AssetsDir dir;
    dir.write_png("eap-logo.png", 3, 2, 200);
    dir.write_png("peer.png", 4, 4, 90);
    const auto loaded = load_provider_images(with_images("eap-logo.png", "peer.png"), dir.path);
    CHECK(loaded.problems.empty());
    REQUIRE(loaded.by_provider_id.count("eap") == 1);
    const DecodedImage& eap = loaded.by_provider_id.at("eap");
    CHECK(eap.width == 3);
    CHECK(eap.height == 2);
    REQUIRE(eap.rgba.size() == 3 * 2 * 4);
    CHECK(eap.rgba[0] == 200);
    CHECK(eap.rgba[3] == 255);
    CHECK(loaded.by_provider_id.at("peer").rgba[0] == 90);
}

TEST_CASE("A provider image larger than the texture cap is scaled down keeping its shape",
          "[kiosk-images]") {
    AssetsDir dir;
    dir.write_png("wide.png", 64, 32, 120);
    dir.write_png("small.png", 8, 8, 10);
    const auto loaded = load_provider_images(with_images("wide.png", "small.png"), dir.path, 16);
    const DecodedImage& wide = loaded.by_provider_id.at("eap");
    CHECK(wide.width == 16);
    CHECK(wide.height == 8);
    CHECK(wide.rgba.size() == 16 * 8 * 4);
    CHECK(wide.rgba[0] == 120); // a solid colour stays that colour
    CHECK(loaded.by_provider_id.at("peer").width == 8);
}

TEST_CASE("A missing or corrupt provider image is skipped with a problem line, others still load",
          "[kiosk-images]") {
    AssetsDir dir;
    dir.write_png("good.png", 2, 2, 50);
    std::string corrupt = "\x89PNG\r\n\x1a\n";
    corrupt += std::string(200, '\x7f');
    dir.write_bytes("broken.png", corrupt);

    const auto missing = load_provider_images(with_images("good.png", "gone.png"), dir.path);
    CHECK(missing.by_provider_id.count("eap") == 1);
    CHECK(missing.by_provider_id.count("peer") == 0);
    CHECK(mentions(missing.problems, "gone.png"));

    const auto broken = load_provider_images(with_images("broken.png", "good.png"), dir.path);
    CHECK(broken.by_provider_id.count("eap") == 0);
    CHECK(broken.by_provider_id.count("peer") == 1);
    CHECK(mentions(broken.problems, "broken.png"));

    dir.write_bytes("empty.png", "");
    const auto empty = load_provider_images(with_images("empty.png", "good.png"), dir.path);
    CHECK(empty.by_provider_id.count("eap") == 0);
    CHECK(mentions(empty.problems, "empty.png"));
}

TEST_CASE("A provider image outside the document's assets is never read", "[kiosk-images]") {
    AssetsDir dir;
    dir.write_png("good.png", 2, 2, 50);
    std::filesystem::create_directories(dir.path / "sub");
    dir.write_png("sub/inner.png", 2, 2, 50);

    auto doc = with_images("good.png", "sub/inner.png");
    const auto path_name = load_provider_images(doc, dir.path);
    CHECK(path_name.by_provider_id.count("peer") == 0);
    CHECK(mentions(path_name.problems, "sub/inner.png"));

    doc = with_images("good.png", "good.png");
    doc.assets = {"other.png"};
    const auto unlisted = load_provider_images(doc, dir.path);
    CHECK(unlisted.by_provider_id.empty());
    CHECK(unlisted.problems.size() == 2);

    // No assets dir (e.g. the default bundle has none): nothing loaded, nothing crashes.
    const auto no_dir = load_provider_images(with_images("good.png", "good.png"), {});
    CHECK(no_dir.by_provider_id.empty());
}

TEST_CASE("Content without provider images loads none and reports nothing", "[kiosk-images]") {
    const auto loaded = load_provider_images(testing::sample_content(), "/nonexistent");
    CHECK(loaded.by_provider_id.empty());
    CHECK(loaded.problems.empty());
}
