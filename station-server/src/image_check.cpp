#include "image_check.hpp"

#include "wellness/content.hpp"
#include "wellness/image.hpp"

namespace wellness::station {

std::optional<std::string> check_image(std::string_view bytes, std::string_view media_type,
                                       std::string_view name, int max_side) {
    const auto format = sniff_image_format(bytes);
    if (!format)
        return "the file is neither a PNG nor a JPEG";
    if (media_type != media_type_of(*format))
        return "the file's contents do not match its Content-Type";
    if (!is_asset_name(name) || media_type != asset_media_type(name))
        return "the name's extension does not match the image type";
    // Decoded whole, as the kiosk will: a file only a lenient decoder would show is refused here,
    // not found broken on the wall.
    const auto decoded = decode_image(bytes, max_side);
    if (!decoded.image)
        return decoded.problem;
    return std::nullopt;
}

} // namespace wellness::station
