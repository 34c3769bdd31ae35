// station-rollup's stations file: "URL TOKEN [FINGERPRINT]" lines.
#include "stations_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = wellness::rollup::parse_stations_file(text);
    if (parsed.error.empty()) {
        if (parsed.stations.size() > wellness::rollup::max_stations)
            __builtin_trap();
        for (const auto& station : parsed.stations)
            if (station.host.empty() || station.token.empty() ||
                station.token.size() > wellness::rollup::max_token_chars ||
                (station.scheme != "http" && station.scheme != "https") ||
                (station.scheme == "https" && station.fingerprint.empty()))
                __builtin_trap();
    } else if (!parsed.stations.empty()) {
        __builtin_trap();
    }
    return 0;
}
