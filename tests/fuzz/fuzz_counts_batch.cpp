// A counts batch as a kiosk (or anyone holding a kiosk token) would POST it.
#include "wellness/counts.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto week = *wellness::IsoWeek::parse("2026-W47");
    auto decoded = wellness::decode_batch(text, week);
    if (decoded.batch) {
        // An accepted batch encodes to a body the decoder accepts again, with the same entries.
        auto again = wellness::decode_batch(wellness::encode_batch(*decoded.batch), week);
        if (!again.batch || again.batch->counts != decoded.batch->counts)
            __builtin_trap();
    }
    return 0;
}
