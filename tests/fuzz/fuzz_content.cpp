// A content document as an admin's browser or a station's manifest would send it.
#include "wellness/content.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::set<std::string> assets = {"logo.png", "eap.jpg"};
    auto parsed = wellness::parse_content(text, &assets);
    if (parsed.document) {
        // What the station stores and serves must parse again to the same document.
        auto again = wellness::parse_content(wellness::to_json(*parsed.document), &assets);
        if (!again.document || !(*again.document == *parsed.document))
            __builtin_trap();
        (void)wellness::counting_structure(*parsed.document);
    }
    return 0;
}
