#pragma once

#include <cstddef>
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

// What a check or a step that yields no value answers (CONTRIBUTING.md, "Reporting failure"):
// `problem` says why not, in words for a log or an admin, and is empty when all is well.
struct Outcome {
    std::string problem;
    bool ok() const { return problem.empty(); }
};

// The first `shown` problems as one line ("path: message; ...; and N more"), for a log or an
// error string where a list does not fit.
inline std::string describe_problems(const Problems& problems, std::size_t shown = 5) {
    std::string text;
    for (std::size_t i = 0; i < problems.size() && i < shown; ++i)
        text += (i ? "; " : "") + problems[i].path + ": " + problems[i].message;
    if (problems.size() > shown)
        text += "; and " + std::to_string(problems.size() - shown) + " more";
    return text;
}

} // namespace wellness
