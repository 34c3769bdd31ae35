#pragma once

// The one image decoder of station and kiosk: PNG through libpng, JPEG through libjpeg-turbo
// (Debian's, fuzzed in tests/fuzz). Every asset a person may see is decoded whole here before it
// is accepted (station upload) and before it is shown (kiosk), so a file that is not a complete,
// well-formed image within the limits is refused, never half-shown. Built as its own library,
// wellness_image, so core itself stays free of native dependencies.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

enum class ImageFormat { png, jpeg };

// The format the first bytes announce, or nullopt for anything else.
std::optional<ImageFormat> sniff_image_format(std::string_view bytes);
std::string_view media_type_of(ImageFormat format); // "image/png" or "image/jpeg"

struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba; // width * height * 4 bytes, rows top to bottom
};

struct ImageDecodeResult {
    std::optional<RgbaImage> image; // set only when problem is empty
    std::optional<ImageFormat> format;
    std::string problem; // words for an admin or a technical log
};

inline constexpr std::size_t max_image_file_bytes = 8 * 1024 * 1024;
// The largest side station and kiosk accept: 4096 x 4096 RGBA is 64 MiB decoded, about what a
// small kiosk box can spare for a moment.
inline constexpr int max_image_side = 4096;

// Decodes a whole PNG or JPEG to RGBA. Refused: anything over max_image_file_bytes, a format
// other than those two, a side of 0 or over `max_side` (checked from the header, before any
// pixel memory is taken), and any error or warning of the decoder (a truncated or damaged file).
// Never throws except std::bad_alloc.
ImageDecodeResult decode_image(std::string_view bytes, int max_side);

} // namespace wellness
