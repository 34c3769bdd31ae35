// station-rollup: a regional coordinator's view over many precinct stations, merged without
// un-hiding any count a station hid.

#include "rollup_options.hpp"
#include "stations_file.hpp"
#include "summary_fetch.hpp"

#include <algorithm>
#include <iostream>

using namespace wellness;
using namespace wellness::rollup;

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    auto parsed = parse_rollup_options(arguments);
    if (!parsed.options) {
        std::cerr << "station-rollup: " << parsed.error << "\n\n" << rollup_usage();
        return 2;
    }
    const RollupOptions& options = *parsed.options;
    if (options.help) {
        std::cout << rollup_usage();
        return 0;
    }
    auto stations = read_stations_file(options.stations_file);
    if (!stations.error.empty()) {
        std::cerr << "station-rollup: " << options.stations_file << ": " << stations.error << "\n";
        return 2;
    }

    FetchLimits limits;
    limits.timeout = std::chrono::seconds(options.timeout_seconds);
    auto outcomes = fetch_all(stations.stations, options.request, limits);

    std::vector<Summary> answered;
    Json unreachable = Json::array();
    int k = options.request.k;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i].summary) {
            // Never less private than the strictest station.
            k = std::max(k, outcomes[i].summary->k);
            answered.push_back(std::move(*outcomes[i].summary));
        } else {
            const auto& station = stations.stations[i];
            std::cerr << "station-rollup: " << station.url << " (line " << station.line
                      << ") did not answer: " << outcomes[i].error << "\n";
            unreachable.push_back(station.url);
        }
    }
    std::cerr << "station-rollup: " << answered.size() << " of " << outcomes.size()
              << " stations answered\n";
    if (answered.empty()) {
        std::cerr << "station-rollup: no station answered; nothing to merge\n";
        return 1;
    }

    Summary merged = merge_summaries(answered, k);
    if (options.format == OutputFormat::csv) {
        std::cout << summary_to_csv(merged);
    } else {
        Json body = summary_to_json(merged);
        body["stations"] = outcomes.size();
        body["answered"] = answered.size();
        body["unreachable"] = unreachable;
        std::cout << body.dump(2) << "\n";
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}
