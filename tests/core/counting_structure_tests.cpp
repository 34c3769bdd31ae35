#include "wellness/content.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

namespace {

wellness::ContentDocument default_document() {
    const std::string path = std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json";
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    auto parsed = wellness::parse_content(text);
    REQUIRE(parsed.document);
    return *parsed.document;
}

} // namespace

TEST_CASE("Wording, phone numbers, links, hours, colours and images do not change the counting "
          "structure",
          "[content]") {
    const auto before = default_document();
    auto after = before;
    for (auto& [locale, text] : after.attract_text)
        text += " (new words)";
    after.checkin.levels.front().label.begin()->second = "Doing fine";
    after.checkin.levels.front().color = "#00aa00";
    after.theme.accent = "#123456";
    after.tone_enabled = !after.tone_enabled;
    REQUIRE_FALSE(after.providers.empty());
    after.providers.front().phone = "+1 555 0100";
    after.providers.front().booking_url = "https://example.org/book-again";
    after.providers.front().hours.begin()->second = "Mondays only";
    after.crisis_lines.front().call = "911";
    // Urgent help's numbers and a level's first line are wording too.
    REQUIRE_FALSE(after.providers.front().phone_24h.empty());
    after.providers.front().phone_24h = "555-0111";
    after.emergency_numbers.front().call = "112";
    after.emergency_numbers.front().name.begin()->second = "Dispatch";
    after.checkin.levels.back().first_line.begin()->second = "We are glad you are here.";
    after.ui.at("still_there").begin()->second = "Are you still here?";
    REQUIRE(before != after);
    CHECK(wellness::same_counting_structure(before, after));
    CHECK(wellness::counting_structure(before) == wellness::counting_structure(after));
}

TEST_CASE("Renaming, adding, hiding or reordering a counted item changes the counting structure",
          "[content]") {
    const auto base = default_document();
    SECTION("a level renamed to time-stamp uses (issue 11, break 2)") {
        auto changed = base;
        changed.checkin.levels.back().id = "ill-thu-10h15";
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("a provider hidden") {
        auto changed = base;
        REQUIRE_FALSE(changed.providers.empty());
        changed.providers.pop_back();
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("a topic added") {
        auto changed = base;
        changed.checkin.topics.push_back(wellness::Topic{"new-topic", {}});
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("a level's suggestions pointing elsewhere") {
        auto changed = base;
        REQUIRE_FALSE(changed.checkin.levels.front().suggestions.empty());
        changed.checkin.levels.front().suggestions.pop_back();
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("two exercises swapped") {
        auto changed = base;
        REQUIRE(changed.exercises.size() >= 2);
        std::swap(changed.exercises[0], changed.exercises[1]);
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("the idle timeout, which decides when a visit ends") {
        auto changed = base;
        changed.idle_timeout_seconds = base.idle_timeout_seconds + 30;
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("the help screens' idle time") {
        auto changed = base;
        changed.help_idle_timeout_seconds = wellness::help_idle_timeout(base) + 60;
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("a suggestion's topics, which decide whom it reaches") {
        auto changed = base;
        auto& suggestion = changed.checkin.levels.at(1).suggestions.at(0);
        REQUIRE(suggestion.topics.empty());
        suggestion.topics = {"sleep"};
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("a provider's 24-hour number put on Urgent help or taken off") {
        auto changed = base;
        REQUIRE_FALSE(changed.providers.back().phone_24h.empty() ==
                      changed.providers.front().phone_24h.empty());
        changed.providers.back().phone_24h = "555-0199";
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
        changed = base;
        changed.providers.front().phone_24h.clear();
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
    SECTION("an emergency number added") {
        auto changed = base;
        changed.emergency_numbers.push_back({"dispatch", {}, {}, "555-0150"});
        CHECK_FALSE(wellness::same_counting_structure(base, changed));
    }
}
