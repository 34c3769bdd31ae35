// The content manifest a station sends, as the kiosk parses it before fetching anything.
#include "content_cache.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = wellness::kiosk::parse_manifest(text);
    if (!parsed.manifest && parsed.error.empty())
        __builtin_trap(); // a refusal always says why
    return 0;
}
