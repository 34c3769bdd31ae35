#include "provider_images.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stb_image_resize.h>
#include <system_error>
#include <variant>

namespace wellness::kiosk {

namespace {

using ImageResult = std::variant<DecodedImage, std::string>; // the image, or why not

std::optional<std::string> read_limited(const std::filesystem::path& path, std::string& why) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error) {
        why = "cannot read (" + error.message() + ")";
        return std::nullopt;
    }
    if (size == 0 || size > provider_image_limits::max_file_bytes) {
        why = "file size " + std::to_string(size) + " bytes out of range";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        why = "cannot read";
        return std::nullopt;
    }
    return bytes;
}

ImageResult decode(const std::filesystem::path& path, int max_side) {
    std::string why;
    const auto bytes = read_limited(path, why);
    if (!bytes) {
        return why;
    }
    auto decoded = decode_image(*bytes, provider_image_limits::max_decode_side);
    if (!decoded.image) {
        return decoded.problem;
    }
    const int width = decoded.image->width;
    const int height = decoded.image->height;
    if (std::max(width, height) <= max_side) {
        return std::move(*decoded.image);
    }
    DecodedImage image;
    const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(width, height));
    image.width = std::max(1, static_cast<int>(width * scale));
    image.height = std::max(1, static_cast<int>(height * scale));
    image.rgba.resize(static_cast<std::size_t>(image.width) * image.height * 4);
    if (stbir_resize_uint8(decoded.image->rgba.data(), width, height, 0, image.rgba.data(),
                           image.width, image.height, 0, 4) != 1) {
        return std::string("cannot scale down");
    }
    return image;
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
        if (auto* why = std::get_if<std::string>(&decoded)) {
            result.problems.push_back("provider image " + name + ": " + *why);
            continue;
        }
        result.by_provider_id[provider.id] = std::move(std::get<DecodedImage>(decoded));
    }
    return result;
}

} // namespace wellness::kiosk
