#pragma once

// A summary read back from its CSV (core's summary_to_csv: period,metric,key,n,suppressed,
// at_least), for the request it answered: the station and rollup attack tests feed what the
// CSV format really said to the exact solver. Test code; the rollup reads JSON only.

#include "wellness/suppression.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace summary_test {

inline wellness::Summary summary_from_csv(const std::string& csv,
                                          const wellness::Summary& request) {
    wellness::Summary summary = request;
    summary.cells.clear();
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        std::vector<std::string> fields;
        std::stringstream parts(line);
        for (std::string field; std::getline(parts, field, ',');)
            fields.push_back(field);
        while (fields.size() < 6)
            fields.emplace_back();
        wellness::SummaryCell cell;
        cell.period = fields[0];
        cell.metric = fields[1];
        cell.key = fields[2];
        cell.suppressed = fields[4] == "true";
        if (!cell.suppressed)
            cell.n = std::stoll(fields[3]);
        if (!fields[5].empty())
            cell.at_least = std::stoll(fields[5]);
        summary.cells.push_back(cell);
    }
    return summary;
}

} // namespace summary_test
