// Topic cards in content (schema 3): their validation, field by field, what they add to the
// counting structure and the catalogue, and that a document without them keeps both as they were.

#include "core_test_support.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using namespace core_test;

// The bundle without its topic cards, at the schema its stress rating needs.
Json bundle_without_cards() {
    Json document = default_bundle();
    document.erase("topic_cards");
    document["schema"] = 2;
    return document;
}

std::vector<std::string> card_keys(const wellness::ContentDocument& content) {
    std::vector<std::string> keys;
    for (const auto& key : wellness::catalogue_keys(content)) {
        if (key.metric == "card.viewed") {
            keys.push_back(key.key);
        }
    }
    return keys;
}

} // namespace

TEST_CASE("The default bundle has topic cards on sleep, a critical incident and family in English "
          "and Spanish",
          "[content][cards]") {
    const auto parsed = wellness::parse_content(default_bundle());
    INFO(describe(parsed.problems));
    REQUIRE(parsed.document);
    const auto& cards = parsed.document->topic_cards;
    CHECK(parsed.document->schema == 3);
    CHECK(wellness::required_schema(*parsed.document) == 3);
    std::vector<std::string> topics;
    for (const auto& card : cards) {
        topics.insert(topics.end(), card.topics.begin(), card.topics.end());
        for (const char* locale : {"en", "es"}) {
            CHECK_FALSE(card.title.at(locale).empty());
            CHECK_FALSE(card.body.at(locale).empty());
        }
        CHECK(card.body.at("en") != card.body.at("es"));
    }
    for (const char* topic : {"sleep", "critical-incident", "family"}) {
        CHECK(std::count(topics.begin(), topics.end(), topic) == 1);
    }
    // The default bundle's peer-support team has an on-call number, for its "someone to talk
    // to" card.
    CHECK(std::any_of(parsed.document->providers.begin(), parsed.document->providers.end(),
                      [](const wellness::Provider& provider) {
                          return provider.kind == "peer-support" && !provider.phone_24h.empty();
                      }));
}

TEST_CASE("A document without topic cards keeps its schema, counting structure and catalogue",
          "[content][cards]") {
    const auto without = wellness::parse_content(bundle_without_cards());
    INFO(describe(without.problems));
    REQUIRE(without.document);
    CHECK(without.document->topic_cards.empty());
    CHECK(wellness::required_schema(*without.document) == 2);
    CHECK(wellness::counting_structure(*without.document).find("topic_cards") == std::string::npos);
    CHECK(card_keys(*without.document).empty());
    // Written back, it is the schema 2 document a schema 2 reader takes as it was.
    const Json written = wellness::to_json(*without.document);
    CHECK(written.at("schema") == 2);
    CHECK_FALSE(written.contains("topic_cards"));
    CHECK(written == bundle_without_cards());
    // The same document with every card removed by an editor: the same structure.
    const auto with_cards = wellness::parse_content(default_bundle());
    REQUIRE(with_cards.document);
    auto emptied = *with_cards.document;
    emptied.topic_cards.clear();
    emptied.schema = 2;
    CHECK(wellness::counting_structure(emptied) == wellness::counting_structure(*without.document));
}

TEST_CASE("Topic cards in a document of an older schema are refused, saying they need schema 3",
          "[content][cards]") {
    require_problem(with("/schema", 2), "/topic_cards", "needs \"schema\": 3");
    require_problem(with("/schema", 4), "/schema", "not supported");
}

TEST_CASE("Cards validate, round-trip, and add card.viewed for each card id to the catalogue",
          "[content][cards][counts]") {
    const auto parsed = wellness::parse_content(default_bundle());
    REQUIRE(parsed.document);
    const auto again = wellness::parse_content(wellness::to_json(*parsed.document));
    INFO(describe(again.problems));
    REQUIRE(again.document);
    CHECK(*again.document == *parsed.document);
    std::vector<std::string> ids;
    for (const auto& card : parsed.document->topic_cards) {
        ids.push_back(card.id);
    }
    std::sort(ids.begin(), ids.end());
    auto keys = card_keys(*parsed.document);
    std::sort(keys.begin(), keys.end());
    CHECK(keys == ids);
    CHECK(keys.size() == 3);
}

TEST_CASE("Every bad topic card field is refused at that field", "[content][cards]") {
    require_problem(with("/topic_cards", "sleep"), "/topic_cards", "must be a list");
    require_problem(with("/topic_cards/0", 7), "/topic_cards/0", "must be an object");
    for (const char* field : {"id", "topics", "title", "body"}) {
        require_problem(without(std::string("/topic_cards/0/") + field),
                        std::string("/topic_cards/0/") + field, "is required");
    }
    require_problem(with("/topic_cards/0/id", "Sleep Card"), "/topic_cards/0/id", "not a valid id");
    require_problem(with("/topic_cards/1/id", "sleep-after-nights"), "/topic_cards/1/id",
                    "duplicate topic card");
    require_problem(with("/topic_cards/0/topics", Json::array()), "/topic_cards/0/topics",
                    "1 to 16");
    require_problem(with("/topic_cards/0/topics", Json::array({"sleeping"})),
                    "/topic_cards/0/topics/0", "no check-in topic");
    require_problem(with("/topic_cards/0/topics", Json::array({"sleep", "sleep"})),
                    "/topic_cards/0/topics/1", "duplicate topic");
    require_problem(with("/topic_cards/0/title/en", std::string(81, 'a')),
                    "/topic_cards/0/title/en", "too long");
    require_problem(with("/topic_cards/0/title/en", "two\nlines"), "/topic_cards/0/title/en",
                    "line breaks");
    require_problem(without("/topic_cards/0/body/es"), "/topic_cards/0/body/es",
                    "translation is missing");
    require_problem(with("/topic_cards/0/body/fr", "Dormir"), "/topic_cards/0/body/fr",
                    "not one of the document's locales");
    require_problem(with("/topic_cards/0/body/en", "   "), "/topic_cards/0/body/en",
                    "must not be empty");
    require_problem(with("/topic_cards/0/colour", "#ffffff"), "/topic_cards/0/colour",
                    "unknown field");
    Json too_many = default_bundle();
    const Json first = too_many["topic_cards"][0];
    too_many["topic_cards"] = Json::array();
    for (int i = 0; i < 25; ++i) {
        Json card = first;
        card["id"] = "card-" + std::to_string(i);
        too_many["topic_cards"].push_back(card);
    }
    require_problem(too_many, "/topic_cards", "0 to 24");
}

TEST_CASE("A card's body is bounded so it reads in under a minute, and may have paragraphs",
          "[content][cards]") {
    require_valid(with("/topic_cards/0/body/en", std::string(700, 'a')));
    require_problem(with("/topic_cards/0/body/en", std::string(701, 'a')), "/topic_cards/0/body/en",
                    "too long: 701 characters, at most 700");
    // Characters, not bytes: 700 of "é" are 1400 bytes and still fit.
    std::string accented;
    for (int i = 0; i < 700; ++i) {
        accented += "\xC3\xA9";
    }
    require_valid(with("/topic_cards/0/body/es", accented));
    require_valid(with("/topic_cards/0/body/en", "First paragraph.\n\nSecond paragraph."));
    require_problem(with("/topic_cards/0/body/en", std::string("bell\a")), "/topic_cards/0/body/en",
                    "control characters");
}

TEST_CASE("A take-home link is plain https with no query string or fragment, the same bytes for "
          "everyone",
          "[content][cards]") {
    const std::string path = "/topic_cards/1/take_home_url";
    require_valid(with(path, "https://peer-support.example.org/after"));
    require_valid(with(path, ""));
    const auto none = wellness::parse_content(without(path));
    REQUIRE(none.document);
    CHECK(none.document->topic_cards[1].take_home_url.empty());
    require_problem(with(path, "http://peer-support.example.org/after"), path, "https://");
    require_problem(with(path, "https://peer-support.example.org/after?room=3"), path,
                    "query string");
    require_problem(with(path, "https://peer-support.example.org/after#kiosk-2"), path, "fragment");
    // No admin confirmation lifts that for a card: there is no such field.
    require_problem(with("/topic_cards/1/take_home_url_confirmed", true),
                    "/topic_cards/1/take_home_url_confirmed", "unknown field");
    require_problem(with(path, "https://user:pw@peer-support.example.org/"), path, "user name");
    require_problem(with(path, "https://example.org/" + std::string(600, 'a')), path,
                    "longer than 512 bytes");
    require_problem(with(path, "https://example.org/a b"), path, "spaces");
    require_problem(with(path, 42), path, "must be text");
}

TEST_CASE("Adding, removing or retopicking a card changes the counting structure; its words and "
          "link do not",
          "[content][cards]") {
    const auto parsed = wellness::parse_content(default_bundle());
    REQUIRE(parsed.document);
    const auto& original = *parsed.document;
    auto fewer = original;
    fewer.topic_cards.pop_back();
    CHECK_FALSE(wellness::same_counting_structure(original, fewer));
    auto renamed = original;
    renamed.topic_cards[0].id = "sleep-card";
    CHECK_FALSE(wellness::same_counting_structure(original, renamed));
    auto retopicked = original;
    retopicked.topic_cards[0].topics.push_back("workload");
    CHECK_FALSE(wellness::same_counting_structure(original, retopicked));
    auto reworded = original;
    reworded.topic_cards[0].title.at("en") = "Sleeping after nights";
    reworded.topic_cards[0].body.at("es") = "Otro texto.";
    reworded.topic_cards[1].take_home_url = "https://example.org/other";
    CHECK(wellness::same_counting_structure(original, reworded));
}
