#pragma once

// Helpers shared by core's test files: the default bundle, content problems, ISO weeks.

#include "wellness/content.hpp"
#include "wellness/iso_week.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

namespace core_test {

using wellness::Json;
using wellness::parse_content;
using wellness::Problem;
using wellness::Problems;
using Pointer = Json::json_pointer;

inline wellness::IsoWeek week(const char* text) {
    const auto parsed = wellness::IsoWeek::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

inline std::string default_bundle_text() {
    const std::string path = std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json";
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

inline Json default_bundle() {
    static const Json bundle = Json::parse(default_bundle_text());
    return bundle;
}

inline std::string describe(const Problems& problems) {
    std::ostringstream out;
    for (const auto& problem : problems) {
        out << "  '" << problem.path << "': " << problem.message << "\n";
    }
    return out.str();
}

inline Problems problems_of(const Json& document, const std::set<std::string>* assets = nullptr) {
    const auto result = parse_content(document, assets);
    CHECK(result.document.has_value() == result.problems.empty());
    return result.problems;
}

inline bool contains_text(const std::string& text, const std::string& part) {
    std::string lower_text = text;
    std::string lower_part = part;
    const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
    std::transform(lower_text.begin(), lower_text.end(), lower_text.begin(), lower);
    std::transform(lower_part.begin(), lower_part.end(), lower_part.begin(), lower);
    return lower_text.find(lower_part) != std::string::npos;
}

// The document is refused with a problem at `path` whose message mentions `words`.
inline void require_problem(const Json& document, const std::string& path, const std::string& words,
                     const std::set<std::string>* assets = nullptr) {
    const Problems problems = problems_of(document, assets);
    INFO("expected a problem at '" << path << "' mentioning '" << words << "'; got:\n"
                                   << describe(problems));
    const bool found = std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
        return p.path == path && contains_text(p.message, words);
    });
    CHECK(found);
}

inline void require_valid(const Json& document, const std::set<std::string>* assets = nullptr) {
    const Problems problems = problems_of(document, assets);
    INFO(describe(problems));
    CHECK(problems.empty());
}

inline Json with(const std::string& pointer, Json value) {
    Json document = default_bundle();
    document[Pointer(pointer)] = std::move(value);
    return document;
}

inline Json without(const std::string& pointer) {
    Json document = default_bundle();
    const Pointer target(pointer);
    Json& parent = document[target.parent_pointer()];
    if (parent.is_array()) {
        parent.erase(static_cast<std::size_t>(std::stoul(target.back())));
    } else {
        parent.erase(target.back());
    }
    return document;
}

} // namespace core_test
