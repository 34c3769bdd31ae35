#pragma once

// Provider images (logos) decoded from the active content's assets dir, once per content swap,
// into RGBA pixels ready for a texture. Window-free so it is tested without a display.
// Asset files are hostile input even after sync verified them: size-limited, decoded only
// within a side limit, and a file that fails is skipped with a technical problem line.

#include "wellness/content.hpp"
#include "wellness/image.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wellness::kiosk {

namespace provider_image_limits {
inline constexpr std::uintmax_t max_file_bytes = 4 * 1024 * 1024; // sync's per-asset limit
inline constexpr int max_decode_side = wellness::max_image_side;  // refused from the header
inline constexpr int max_texture_side = 1024; // decoded images are scaled down to this
} // namespace provider_image_limits

using DecodedImage = RgbaImage; // decoded by core's one image module

struct ProviderImages {
    std::map<std::string, DecodedImage> by_provider_id;
    std::vector<std::string> problems; // technical, one line each: file name and reason
};

// Decodes the image of every provider that names one. An image that is not among the
// document's assets, missing, too big, or undecodable is left out and described in `problems`.
ProviderImages load_provider_images(const ContentDocument& content,
                                    const std::filesystem::path& assets_dir,
                                    int max_side = provider_image_limits::max_texture_side);

} // namespace wellness::kiosk
