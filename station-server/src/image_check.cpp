#include "image_check.hpp"

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "wellness/content.hpp"

#include <memory>

namespace wellness::station {

std::optional<std::string> check_image(std::string_view bytes, std::string_view media_type,
                                       std::string_view name, int max_side) {
    static constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};
    static constexpr std::string_view jpeg_signature{"\xff\xd8\xff", 3};
    bool is_png = bytes.substr(0, png_signature.size()) == png_signature;
    bool is_jpeg = bytes.substr(0, jpeg_signature.size()) == jpeg_signature;
    if (!is_png && !is_jpeg)
        return "the file is neither a PNG nor a JPEG";
    if ((is_png && media_type != "image/png") || (is_jpeg && media_type != "image/jpeg"))
        return "the file's contents do not match its Content-Type";
    if (!is_asset_name(name) || media_type != asset_media_type(name))
        return "the name's extension does not match the image type";
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX))
        return "the file is too large";
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    int length = static_cast<int>(bytes.size());
    int width = 0;
    int height = 0;
    int channels = 0;
    if (stbi_info_from_memory(data, length, &width, &height, &channels) == 0)
        return "the image header cannot be read";
    if (width < 1 || height < 1 || width > max_side || height > max_side)
        return "the image must be 1 to " + std::to_string(max_side) + " pixels on each side";
    std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
        stbi_load_from_memory(data, length, &width, &height, &channels, 0), stbi_image_free);
    if (!pixels)
        return "the image does not decode: " + std::string(stbi_failure_reason());
    return std::nullopt;
}

} // namespace wellness::station
