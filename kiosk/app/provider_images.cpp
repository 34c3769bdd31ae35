#include "provider_images.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stb_image_resize.h>
#include <system_error>
#include <utility>

namespace wellness::kiosk {

namespace {

// The bytes of a file, or why not (CONTRIBUTING.md: a result struct).
struct FileReadResult {
    std::optional<std::string> bytes; // set only when problem is empty
    std::string problem;
};

FileReadResult read_limited(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        return {std::nullopt, "cannot read (" + error.message() + ")"};
    if (size == 0 || size > provider_image_limits::max_file_bytes)
        return {std::nullopt, "file size " + std::to_string(size) + " bytes out of range"};
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        return {std::nullopt, "cannot read"};
    return {std::move(bytes), ""};
}

// Core's decode result, scaled down to `max_side` when larger.
ImageDecodeResult decode(const std::filesystem::path& path, int max_side) {
    const auto read = read_limited(path);
    if (!read.bytes) {
        ImageDecodeResult refused;
        refused.problem = read.problem;
        return refused;
    }
    auto decoded = decode_image(*read.bytes, provider_image_limits::max_decode_side);
    if (!decoded.image)
        return decoded;
    const int width = decoded.image->width;
    const int height = decoded.image->height;
    if (std::max(width, height) <= max_side)
        return decoded;
    DecodedImage image;
    const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(width, height));
    image.width = std::max(1, static_cast<int>(width * scale));
    image.height = std::max(1, static_cast<int>(height * scale));
    image.rgba.resize(static_cast<std::size_t>(image.width) * image.height * 4);
    if (stbir_resize_uint8(decoded.image->rgba.data(), width, height, 0, image.rgba.data(),
                           image.width, image.height, 0, 4) != 1) {
        decoded.image.reset();
        decoded.problem = "cannot scale down";
        return decoded;
    }
    decoded.image = std::move(image);
    return decoded;
}

} // namespace

ProviderImages load_provider_images(const ContentDocument& content,
                                    const std::filesystem::path& assets_dir, int max_side) {
    ProviderImages result;
    for (const auto& provider : content.providers) {
        if (provider.image.empty()) {
            continue;
        }
        const std::string& name = provider.image;
        // Only a plain file name the document lists: never a path out of the assets dir.
        const bool listed =
            std::find(content.assets.begin(), content.assets.end(), name) != content.assets.end();
        if (!listed || name.find('/') != std::string::npos || name.front() == '.' ||
            assets_dir.empty()) {
            result.problems.push_back("provider image " + name + ": not an available asset");
            continue;
        }
        auto decoded = decode(assets_dir / name, max_side);
        if (!decoded.image) {
            result.problems.push_back("provider image " + name + ": " + decoded.problem);
            continue;
        }
        result.by_provider_id[provider.id] = std::move(*decoded.image);
    }
    return result;
}

} // namespace wellness::kiosk
