// A station's summary answer as station-rollup reads it.
#include "wellness/json_input.hpp"
#include "wellness/suppression.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = wellness::parse_json_input(text);
    if (!parsed.value)
        return 0;
    auto read = wellness::summary_from_json(*parsed.value);
    auto& summary = read.summary;
    if (summary) {
        (void)wellness::summary_to_csv(*summary);
        (void)wellness::merge_summaries({*summary, *summary}, wellness::default_k);
    }
    return 0;
}
