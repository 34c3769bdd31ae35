#include "image_check.hpp"

#include "wellness/content.hpp"
#include "wellness/image.hpp"

#include <utility>

namespace wellness::station {

ImageDecodeResult check_image(std::string_view bytes, std::string_view media_type,
                              std::string_view name, int max_side) {
    const auto refused = [](std::string problem) {
        ImageDecodeResult result;
        result.problem = std::move(problem);
        return result;
    };
    const auto format = sniff_image_format(bytes);
    if (!format)
        return refused("the file is neither a PNG nor a JPEG");
    if (media_type != media_type_of(*format))
        return refused("the file's contents do not match its Content-Type");
    if (!is_asset_name(name) || media_type != asset_media_type(name))
        return refused("the name's extension does not match the image type");
    // Decoded whole, as the kiosk will: a file only a lenient decoder would show is refused here,
    // not found broken on the wall.
    return decode_image(bytes, max_side);
}

} // namespace wellness::station
