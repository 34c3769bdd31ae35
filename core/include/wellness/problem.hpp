#pragma once

#include <string>
#include <vector>

namespace wellness {

// One thing wrong with an input, located by a JSON pointer ("/providers/0/booking_url";
// "" for the whole document), with words a person can act on.
struct Problem {
    std::string path;
    std::string message;
    bool operator==(const Problem&) const = default;
};

using Problems = std::vector<Problem>;

} // namespace wellness
