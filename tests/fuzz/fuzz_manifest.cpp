// The content manifest a station sends, as core parses it for the kiosk before it fetches anything.
#include "wellness/manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = wellness::parse_manifest(text);
    if (!parsed.manifest && parsed.error.empty())
        __builtin_trap(); // a refusal always says why
    return 0;
}
