// The kiosk's config file ("key = value" lines).
#include "kiosk_options.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > wellness::kiosk::max_config_bytes)
        return 0; // the kiosk refuses a larger file before parsing it
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = wellness::kiosk::parse_config_text(text, {});
    if (!parsed.options && parsed.error.empty())
        __builtin_trap();
    return 0;
}
