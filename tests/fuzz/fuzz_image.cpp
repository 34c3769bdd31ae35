// An uploaded asset (station) or a downloaded one (kiosk), decoded whole.
#include "wellness/image.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = wellness::decode_image(bytes, 1024);
    if (decoded.image &&
        decoded.image->rgba.size() != static_cast<std::size_t>(decoded.image->width) *
                                          static_cast<std::size_t>(decoded.image->height) * 4)
        __builtin_trap();
    return 0;
}
