#include "core_test_support.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"
#include "wellness/limits.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace {

using namespace core_test;

using wellness::Json;
using wellness::parse_content;
using wellness::Problem;
using wellness::Problems;
using Pointer = Json::json_pointer;

Json translated(const std::string& en, const std::string& es) {
    return Json{{"en", en}, {"es", es}};
}

std::string repeated(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) {
        out += unit;
    }
    return out;
}

} // namespace

TEST_CASE("The default content bundle is valid and holds what officers are promised", "[content]") {
    const auto result = parse_content(default_bundle_text());
    INFO(describe(result.problems));
    REQUIRE(result.problems.empty());
    REQUIRE(result.document);
    const auto& document = *result.document;
    CHECK(document.locales.size() >= 2);
    CHECK(document.default_locale == "en");
    CHECK(document.idle_timeout_seconds == 60);
    CHECK(document.tone_enabled);
    CHECK(document.attract_text.at("en") == "Take a minute. Tap anywhere.");
    REQUIRE(document.exercises.size() == 4);
    for (const auto& exercise : document.exercises) {
        CHECK(exercise.lengths_minutes == std::vector<int>{1, 3, 5});
    }
    const auto& box = document.exercises.at(0);
    CHECK(box.id == "box");
    REQUIRE(box.phases.size() == 4);
    for (const auto& phase : box.phases) {
        CHECK(phase.seconds == 4.0);
    }
    std::vector<std::string> level_ids;
    for (const auto& level : document.checkin.levels) {
        level_ids.push_back(level.id);
    }
    CHECK(level_ids == std::vector<std::string>{"healthy", "reacting", "injured", "ill"});
    // The most serious level shows the crisis lines first by itself (the kiosk draws them) and
    // opens with a warm first line, in every language; no suggestion leads back to the lines.
    const auto& ill = document.checkin.levels.back();
    REQUIRE_FALSE(ill.suggestions.empty());
    for (const auto& suggestion : ill.suggestions) {
        CHECK_FALSE(suggestion.crisis_lines);
    }
    CHECK(ill.first_line.size() == document.locales.size());
    CHECK(document.checkin.levels.at(2).first_line.size() == document.locales.size());
    CHECK(document.checkin.levels.at(0).first_line.empty());
    // Urgent help lists the 24-hour numbers of peer support and the EAP, and 911.
    for (const auto& provider : document.providers) {
        CHECK(provider.phone_24h.empty() == (provider.id == "chaplain"));
    }
    REQUIRE(document.emergency_numbers.size() == 1);
    CHECK(document.emergency_numbers.at(0).call == "911");
    CHECK(document.help_idle_timeout_seconds == 180);
    REQUIRE(document.crisis_lines.size() == 2);
    CHECK(document.crisis_lines.at(0).call == "988");
    CHECK(document.crisis_lines.at(0).text == "988");
    CHECK(document.crisis_lines.at(1).call == "1-800-267-5463");
    CHECK(document.ui.size() ==
          wellness::ui_string_keys().size() + wellness::optional_ui_string_keys().size());
    CHECK(document.ui.at("phase_exhale").at("es") == "Exhala");
}

TEST_CASE("A content document survives to_json and back unchanged", "[content]") {
    const auto first = parse_content(default_bundle());
    REQUIRE(first.document);
    const Json written = wellness::to_json(*first.document);
    const auto again = parse_content(written);
    INFO(describe(again.problems));
    REQUIRE(again.document);
    CHECK(*again.document == *first.document);

    SECTION("also through text, with optional fields set") {
        auto document = *first.document;
        document.assets = {"eap-logo.png"};
        document.providers.at(0).image = "eap-logo.png";
        document.providers.at(0).phone.clear();
        document.providers.at(0).hours.clear();
        document.tone_enabled = false;
        const std::string text = wellness::to_json(document).dump();
        const auto parsed = parse_content(std::string_view(text));
        INFO(describe(parsed.problems));
        REQUIRE(parsed.document);
        CHECK(*parsed.document == document);
    }
}

TEST_CASE("Optional fields of a content document may be left out", "[content]") {
    Json document = default_bundle();
    document.erase("tone_enabled");
    document.erase("assets");
    document.erase("providers");
    document["checkin"].erase("topics");
    document.erase("topic_cards"); // they fit topics
    document.erase("help_idle_timeout_seconds");
    document.erase("emergency_numbers");
    for (const auto& key : wellness::optional_ui_string_keys()) {
        document["ui"].erase(key);
    }
    for (auto& level : document["checkin"]["levels"]) {
        level.erase("first_line");
        for (auto& suggestion : level["suggestions"]) {
            suggestion.erase("provider_id");
            suggestion.erase("topics");
        }
    }
    document["crisis_lines"][0].erase("text");
    const auto result = parse_content(document);
    INFO(describe(result.problems));
    REQUIRE(result.document);
    CHECK(result.document->tone_enabled);
    CHECK(result.document->providers.empty());
    CHECK(result.document->checkin.topics.empty());
    CHECK(result.document->crisis_lines.at(0).text.empty());
    CHECK_FALSE(result.document->help_idle_timeout_seconds);
    CHECK(wellness::help_idle_timeout(*result.document) == 180);
    CHECK(result.document->emergency_numbers.empty());
    CHECK(result.document->checkin.levels.back().first_line.empty());
}

TEST_CASE("Content with a field of the wrong type is refused", "[content]") {
    require_problem(with("/idle_timeout_seconds", "60"), "/idle_timeout_seconds", "whole number");
    require_problem(with("/idle_timeout_seconds", 60.5), "/idle_timeout_seconds", "whole number");
    require_problem(with("/tone_enabled", "yes"), "/tone_enabled", "true or false");
    require_problem(with("/exercises", Json::object()), "/exercises", "must be a list");
    require_problem(with("/exercises/0/name", "Box"), "/exercises/0/name", "translations");
    require_problem(with("/exercises/0/name/en", 4), "/exercises/0/name/en", "must be text");
    require_problem(with("/theme", Json::array()), "/theme", "must be an object");
    require_problem(with("/checkin/levels/0/suggestions/0/crisis_lines", "true"),
                    "/checkin/levels/0/suggestions/0/crisis_lines", "true or false");
    require_problem(with("/assets", Json::array({7})), "/assets/0", "must be text");
    require_problem(with("/locales/0", "en"), "/locales/0", "must be an object");
    require_problem(with("/schema", 4), "/schema", "not supported");
    require_problem(with("/schema", 0), "/schema", "not supported");
}

TEST_CASE("Content missing a required field is refused at that field", "[content]") {
    for (const std::string pointer : {"/schema",
                                      "/locales",
                                      "/default_locale",
                                      "/idle_timeout_seconds",
                                      "/attract_text",
                                      "/theme",
                                      "/theme/accent",
                                      "/ui",
                                      "/exercises",
                                      "/exercises/0/id",
                                      "/exercises/0/name",
                                      "/exercises/0/description",
                                      "/exercises/0/phases",
                                      "/exercises/0/phases/0/seconds",
                                      "/exercises/0/lengths_minutes",
                                      "/checkin",
                                      "/checkin/question",
                                      "/checkin/topics_question",
                                      "/checkin/levels",
                                      "/checkin/levels/1/color",
                                      "/checkin/levels/1/suggestions",
                                      "/checkin/levels/1/suggestions/0/text",
                                      "/checkin/topics/0/label",
                                      "/providers/0/kind",
                                      "/providers/0/booking_url",
                                      "/crisis_lines",
                                      "/crisis_lines/0/name",
                                      "/locales/1/name"}) {
        INFO(pointer);
        require_problem(without(pointer), pointer, "required");
    }
}

TEST_CASE("Content with an unknown field anywhere is refused at that field", "[content]") {
    for (const std::string parent :
         {"", "/theme", "/locales/0", "/exercises/1", "/exercises/1/phases/0", "/checkin",
          "/checkin/levels/2", "/checkin/levels/2/suggestions/0", "/checkin/topics/3",
          "/providers/1", "/crisis_lines/1"}) {
        INFO(parent);
        require_problem(with(parent + "/colour", "#ffffff"), parent + "/colour", "unknown field");
    }
    require_problem(with("/ui/tile_dance", translated("Dance", "Baila")), "/ui/tile_dance",
                    "unknown field");
    require_problem(with("/provider~1notes", 1), "/provider~1notes", "unknown field");
}

TEST_CASE("Content with duplicate ids is refused at the second one", "[content]") {
    struct Case {
        std::string list;
        std::string field;
        std::string words;
    };
    for (const auto& [list, field, words] :
         {Case{"/exercises", "/id", "duplicate exercise"},
          Case{"/checkin/levels", "/id", "duplicate check-in level"},
          Case{"/checkin/topics", "/id", "duplicate topic"},
          Case{"/providers", "/id", "duplicate provider"},
          Case{"/crisis_lines", "/id", "duplicate crisis line"},
          Case{"/locales", "/id", "duplicate locale"}}) {
        INFO(list);
        Json document = default_bundle();
        document[Pointer(list + "/1" + field)] = document[Pointer(list + "/0" + field)];
        require_problem(document, list + "/1" + field, words);
    }
    Json document = default_bundle();
    document["assets"] = {"logo.png", "logo.png"};
    require_problem(document, "/assets/1", "duplicate asset");
}

TEST_CASE("Content ids that are not lowercase slugs are refused", "[content]") {
    require_problem(with("/exercises/0/id", "Box Breathing"), "/exercises/0/id", "not a valid id");
    require_problem(with("/checkin/topics/0/id", ""), "/checkin/topics/0/id", "not a valid id");
    require_problem(with("/providers/0/id", repeated("a", 33)), "/providers/0/id",
                    "not a valid id");
    require_problem(with("/crisis_lines/0/id", "988_lifeline"), "/crisis_lines/0/id",
                    "not a valid id");
    require_problem(with("/checkin/levels/0/id", "grün"), "/checkin/levels/0/id", "not a valid id");
    require_problem(with("/locales/0/id", "EN"), "/locales/0/id", "not a valid locale id");
    require_valid(with("/providers/2/id", repeated("a", 32)));

    CHECK(wellness::is_valid_slug("critical-incident"));
    CHECK(wellness::is_valid_slug("4-7-8"));
    CHECK_FALSE(wellness::is_valid_slug(""));
    CHECK_FALSE(wellness::is_valid_slug("Sleep"));
    CHECK_FALSE(wellness::is_valid_slug("a.b"));
}

TEST_CASE("The ids both sides check take their shared limit's length and refuse one character "
          "more",
          "[content][limits]") {
    namespace shared = wellness::shared_limits;
    const std::string longest_id(shared::max_id_chars, 'a');
    CHECK(wellness::is_valid_slug(longest_id));
    CHECK_FALSE(wellness::is_valid_slug(longest_id + "a"));
    require_valid(with("/providers/2/id", longest_id));
    require_problem(with("/providers/2/id", longest_id + "a"), "/providers/2/id",
                    "1 to " + std::to_string(shared::max_id_chars) + " lowercase");

    const std::string longest_asset = std::string(shared::max_asset_name_chars - 4, 'a') + ".png";
    CHECK(wellness::is_asset_name(longest_asset));
    CHECK_FALSE(wellness::is_asset_name("a" + longest_asset));

    const std::string batch_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    REQUIRE(batch_id.size() == shared::batch_id_chars);
    CHECK(wellness::is_valid_uuid(batch_id));
    CHECK_FALSE(wellness::is_valid_uuid(batch_id + "0"));
    CHECK_FALSE(wellness::is_valid_uuid(batch_id.substr(1)));
}

TEST_CASE("Content with a missing, empty or unknown translation is refused", "[content]") {
    require_problem(without("/exercises/0/name/es"), "/exercises/0/name/es",
                    "translation is missing");
    require_problem(without("/ui/done/es"), "/ui/done/es", "translation is missing");
    require_problem(without("/checkin/levels/3/suggestions/0/text/en"),
                    "/checkin/levels/3/suggestions/0/text/en", "translation is missing");
    require_problem(with("/attract_text/es", "   "), "/attract_text/es", "empty");
    require_problem(with("/crisis_lines/1/description/fr", "Ligne"),
                    "/crisis_lines/1/description/fr", "not one of the document's locales");
    require_problem(with("/default_locale", "fr"), "/default_locale",
                    "not one of the document's locales");

    SECTION("a third locale must be translated everywhere") {
        Json document = default_bundle();
        document["locales"].push_back({{"id", "fr"}, {"name", "Français"}});
        require_problem(document, "/attract_text/fr", "translation is missing");
        require_problem(document, "/providers/0/hours/fr", "translation is missing");
    }
}

TEST_CASE("The idle timeout must be from 30 to 300 seconds", "[content]") {
    require_problem(with("/idle_timeout_seconds", 29), "/idle_timeout_seconds", "30 to 300");
    require_problem(with("/idle_timeout_seconds", 301), "/idle_timeout_seconds", "30 to 300");
    require_problem(with("/idle_timeout_seconds", -5), "/idle_timeout_seconds", "30 to 300");
    require_problem(with("/idle_timeout_seconds", 18446744073709551615ULL), "/idle_timeout_seconds",
                    "30 to 300");
    require_problem(with("/idle_timeout_seconds", 1e300), "/idle_timeout_seconds", "30 to 300");
    require_valid(with("/idle_timeout_seconds", 30));
    require_valid(with("/idle_timeout_seconds", 90.0));
    require_valid(with("/idle_timeout_seconds", 300));
}

TEST_CASE("Breathing phases must last 0.5 to 20 seconds and name a known kind", "[content]") {
    const std::string seconds = "/exercises/0/phases/1/seconds";
    require_problem(with(seconds, 0.4), seconds, "0.5 to 20");
    require_problem(with(seconds, 20.5), seconds, "0.5 to 20");
    require_problem(with(seconds, 0), seconds, "0.5 to 20");
    require_problem(with(seconds, "4"), seconds, "must be a number");
    require_problem(with(seconds, nullptr), seconds, "must be a number");
    require_problem(with("/exercises/0/phases/1/kind", "breathe"), "/exercises/0/phases/1/kind",
                    "not a phase");
    require_valid(with(seconds, 0.5));
    require_valid(with(seconds, 20));
}

TEST_CASE("An exercise needs an inhale and an exhale and 1 to 8 phases", "[content]") {
    require_problem(with("/exercises/2/phases", {{{"kind", "inhale"}, {"seconds", 4}},
                                                 {{"kind", "hold"}, {"seconds", 4}}}),
                    "/exercises/2/phases", "inhale and one exhale");
    require_problem(with("/exercises/2/phases", {{{"kind", "exhale"}, {"seconds", 4}}}),
                    "/exercises/2/phases", "inhale and one exhale");
    require_problem(with("/exercises/2/phases", Json::array()), "/exercises/2/phases", "1 to 8");
    Json nine = Json::array();
    for (int i = 0; i < 9; ++i) {
        nine.push_back({{"kind", i % 2 == 0 ? "inhale" : "exhale"}, {"seconds", 2}});
    }
    require_problem(with("/exercises/2/phases", nine), "/exercises/2/phases", "1 to 8");
}

TEST_CASE("Session lengths must be 1 to 20 minutes, ascending and distinct", "[content]") {
    const std::string lengths = "/exercises/1/lengths_minutes";
    require_problem(with(lengths, {0, 3}), lengths + "/0", "1 to 20");
    require_problem(with(lengths, {1, 21}), lengths + "/1", "1 to 20");
    require_problem(with(lengths, {5, 3}), lengths + "/1", "longer than the length before");
    require_problem(with(lengths, {3, 3}), lengths + "/1", "repeats");
    require_problem(with(lengths, {1, 2.5}), lengths + "/1", "whole number");
    require_problem(with(lengths, Json::array()), lengths, "1 to 8");
    require_valid(with(lengths, {1, 20}));
}

TEST_CASE("The check-in must have exactly four levels", "[content]") {
    Json three = without("/checkin/levels/3");
    // The ill level's crisis suggestion no longer exists, the rest stays valid.
    require_problem(three, "/checkin/levels", "exactly 4");
    Json five = default_bundle();
    Json extra = five["checkin"]["levels"][0];
    extra["id"] = "thriving";
    five["checkin"]["levels"].push_back(extra);
    require_problem(five, "/checkin/levels", "exactly 4");
}

TEST_CASE("Colours must be #rrggbb", "[content]") {
    require_problem(with("/theme/background", "#12345"), "/theme/background", "not a colour");
    require_problem(with("/theme/text", "white"), "/theme/text", "not a colour");
    require_problem(with("/theme/accent", "#gg0000"), "/theme/accent", "not a colour");
    require_problem(with("/checkin/levels/3/color", "red"), "/checkin/levels/3/color",
                    "not a colour");
    require_valid(with("/theme/accent", "#A0B1C2"));
}

TEST_CASE("Theme text must contrast with the background and surface", "[content]") {
    require_problem(with("/theme/text", "#2a3a48"), "/theme/text", "contrast with the background");
    Json document = default_bundle();
    document["theme"]["surface"] = "#c0c8d0";
    require_problem(document, "/theme/text", "contrast with the surface");
    Json light = default_bundle();
    light["theme"] = {{"background", "#ffffff"},
                      {"surface", "#f0f0f0"},
                      {"text", "#1a1a1a"},
                      {"accent", "#005f73"}};
    require_valid(light);
}

TEST_CASE("A provider must be of a known kind", "[content]") {
    require_problem(with("/providers/1/kind", "psychic"), "/providers/1/kind",
                    "not a provider kind");
    require_valid(with("/providers/1/kind", "therapist"));
}

TEST_CASE("A booking link must be a plain https URL", "[content]") {
    const std::string url = "/providers/0/booking_url";
    const auto refused = [&](const std::string& link, const std::string& words) {
        INFO(link);
        require_problem(with(url, link), url, words);
    };
    refused("http://eap.example.org/book", "https://");
    refused("javascript:alert(1)", "https://");
    refused("eap.example.org", "https://");
    refused("https://", "host");
    refused("https:///book", "host");
    refused("https://user:secret@eap.example.org/", "user name or password");
    refused("https://eap.example.org@evil.example/", "user name or password");
    refused("https://eap.example.org/book now", "spaces");
    refused("https://eap.example.org/\tbook", "control");
    refused("https://eap.example.org/\xc3\xa9", "non-ASCII");
    refused("https://eap.example.org/" + repeated("a", 490), "512 bytes");
    refused("https://eap.example.org:0/", "port");
    refused("https://eap.example.org:99999/", "port");
    refused("https://eap.example.org:/", "port");
    refused("https://eap_example.org/", "host name");
    refused("https://[::1/", "IPv6");
    refused("https:\\\\eap.example.org", "backslash");

    require_valid(with(url, "https://eap.example.org:8443/book"));
    require_valid(with(url, "HTTPS://EAP.EXAMPLE.ORG/book"));
    require_valid(with(url, "https://[2001:db8::1]/book"));
    require_valid(with(url, "https://eap.example.org/" + repeated("a", 488)));
}

TEST_CASE("The rest before a new visit is optional, bounded, and kept through the station",
          "[content][privacy]") {
    const auto parsed = parse_content(default_bundle().dump());
    REQUIRE(parsed.document);
    CHECK(parsed.document->visit_rest_seconds == 120);
    CHECK_FALSE(to_json(*parsed.document).contains("visit_rest_seconds")); // old kiosks read it
    require_problem(with("/visit_rest_seconds", 59), "/visit_rest_seconds", "60 to 900");
    require_problem(with("/visit_rest_seconds", 901), "/visit_rest_seconds", "60 to 900");
    require_problem(with("/visit_rest_seconds", "120"), "/visit_rest_seconds", "whole number");
    const auto longer = parse_content(with("/visit_rest_seconds", 300).dump());
    REQUIRE(longer.document);
    CHECK(longer.document->visit_rest_seconds == 300);
    const auto again = parse_content(to_json(*longer.document));
    REQUIRE(again.document);
    CHECK(again.document->visit_rest_seconds == 300);
    // It decides what counts as a visit, so it changes only at a week's start (promise 6).
    CHECK_FALSE(same_counting_structure(*parsed.document, *longer.document));
}

TEST_CASE("A booking link with a query or fragment is refused unless an admin confirmed it",
          "[content][privacy]") {
    const std::string url = "/providers/0/booking_url";
    for (const std::string link :
         {"https://x.example/book?precinct=12&kiosk=room-3", "https://x.example/book#room-3",
          "https://x.example/book?", "https://eap.example.org:8443/book?from=kiosk#top"}) {
        INFO(link);
        require_problem(with(url, link), url, "identifies no one");
        Json confirmed = with(url, link);
        confirmed["providers"][0]["booking_url_confirmed"] = true;
        require_valid(confirmed);
        const auto parsed = parse_content(confirmed.dump());
        REQUIRE(parsed.document);
        CHECK(parsed.document->providers[0].booking_url == link);
        // The confirmation survives the station's round trip, or the next publish would fail.
        const auto again = parse_content(to_json(*parsed.document));
        REQUIRE(again.document);
        CHECK(again.document->providers[0].booking_url_confirmed);
    }
    Json explicitly_unconfirmed = with(url, "https://x.example/book?room=3");
    explicitly_unconfirmed["providers"][0]["booking_url_confirmed"] = false;
    require_problem(explicitly_unconfirmed, url, "identifies no one");
    require_problem(with("/providers/0/booking_url_confirmed", "yes"),
                    "/providers/0/booking_url_confirmed", "true or false");
}

TEST_CASE("Phone numbers may hold only digits and separators", "[content]") {
    require_problem(with("/providers/0/phone", "555-CALL"), "/providers/0/phone", "only digits");
    require_problem(with("/providers/0/phone", "+1 (555) 0100; ext 4"), "/providers/0/phone",
                    "only digits");
    require_problem(with("/providers/0/phone", "---"), "/providers/0/phone", "at least one digit");
    require_problem(with("/providers/0/phone", repeated("5", 33)), "/providers/0/phone", "longer");
    require_problem(with("/crisis_lines/1/call", "1-800-COPLINE"), "/crisis_lines/1/call",
                    "only digits");
    require_problem(with("/crisis_lines/0/text", "text 988"), "/crisis_lines/0/text",
                    "only digits");
    require_valid(with("/providers/0/phone", "+1 (555) 010.0100"));
}

TEST_CASE("A crisis line needs a number to call or to text", "[content]") {
    Json document = default_bundle();
    document["crisis_lines"][1].erase("call");
    require_problem(document, "/crisis_lines/1", "call or to text");
    document["crisis_lines"][1]["call"] = "";
    document["crisis_lines"][1]["text"] = "";
    require_problem(document, "/crisis_lines/1", "call or to text");
}

TEST_CASE("Check-in suggestions must point at something that exists, and at one thing",
          "[content]") {
    const std::string suggestion = "/checkin/levels/1/suggestions/0";
    require_problem(with(suggestion + "/exercise_id", "yoga"), suggestion + "/exercise_id",
                    "no exercise");
    require_problem(with("/checkin/levels/2/suggestions/0/provider_id", "therapist-jones"),
                    "/checkin/levels/2/suggestions/0/provider_id", "no provider");
    require_problem(with(suggestion + "/provider_id", "eap"), suggestion, "only one");
    require_problem(with(suggestion + "/crisis_lines", true), suggestion, "only one");
    require_valid(with(suggestion + "/crisis_lines", false));

    SECTION("removing a provider breaks the suggestions that point at it") {
        Json document = without("/providers/0");
        require_problem(document, "/checkin/levels/2/suggestions/0/provider_id", "no provider");
    }
}

TEST_CASE("Assets must be well named, listed and, when known, actually present", "[content]") {
    require_problem(with("/providers/0/image", "eap.png"), "/providers/0/image",
                    "not listed in \"assets\"");
    for (const std::string bad :
         {"Logo.PNG", "../logo.png", "logo.gif", ".png", "logo", "a/b.png", "", "lo go.png"}) {
        INFO(bad);
        require_problem(with("/assets", {bad}), "/assets/0", "not a valid asset name");
    }
    require_problem(with("/assets", {repeated("a", 61) + ".png"}), "/assets/0",
                    "not a valid asset name");

    Json document = default_bundle();
    document["assets"] = {"eap-logo.png", "peer_team.jpg"};
    document["providers"][0]["image"] = "eap-logo.png";
    require_valid(document);
    const std::set<std::string> uploaded{"eap-logo.png", "peer_team.jpg", "unused.png"};
    require_valid(document, &uploaded);
    const std::set<std::string> partly{"eap-logo.png"};
    require_problem(document, "/assets/1", "not been uploaded", &partly);
}

TEST_CASE("Texts are bounded so a document cannot bloat the kiosk", "[content]") {
    require_problem(with("/exercises/0/name/en", repeated("a", 81)), "/exercises/0/name/en",
                    "too long");
    // Length counts characters, not bytes: 80 accented letters are fine.
    require_valid(with("/exercises/0/name/es", repeated("\xc3\xa9", 80)));
    require_problem(with("/providers/0/description/es", repeated("a", 601)),
                    "/providers/0/description/es", "too long");
    require_valid(with("/providers/0/description/es", repeated("a", 600)));
    require_problem(with("/attract_text/en", repeated("a", 201)), "/attract_text/en", "too long");
    require_problem(with("/locales/1/name", repeated("a", 41)), "/locales/1/name", "too long");
    require_problem(with("/exercises/0/name/en", "Box\nbreathing"), "/exercises/0/name/en",
                    "line breaks");
    require_valid(with("/exercises/0/description/en", "Breathe in.\nBreathe out."));
    require_problem(with("/exercises/0/description/en", "Breathe\x01in"),
                    "/exercises/0/description/en", "control characters");
}

TEST_CASE("Lists are bounded as the content model says", "[content]") {
    // The list grown to `count` items by copying its first one under fresh ids.
    const auto grown = [](const std::string& list, std::size_t count) {
        Json document = default_bundle();
        Json& items = document[Pointer(list)];
        const Json first = items.at(0);
        for (std::size_t i = items.size(); i < count; ++i) {
            Json item = first;
            if (item.contains("id")) {
                item["id"] = "item-" + std::to_string(i);
            }
            items.push_back(item);
        }
        return document;
    };
    require_problem(grown("/exercises", 13), "/exercises", "1 to 12");
    require_valid(grown("/exercises", 12));
    require_problem(with("/exercises", Json::array()), "/exercises", "1 to 12");
    require_problem(grown("/checkin/topics", 17), "/checkin/topics", "0 to 16");
    require_valid(grown("/checkin/topics", 16));
    require_problem(grown("/providers", 25), "/providers", "0 to 24");
    require_problem(grown("/crisis_lines", 13), "/crisis_lines", "1 to 12");
    require_problem(with("/crisis_lines", Json::array()), "/crisis_lines", "1 to 12");
    require_problem(grown("/checkin/levels/0/suggestions", 7), "/checkin/levels/0/suggestions",
                    "0 to 6");
    require_problem(with("/locales", Json::array()), "/locales", "1 to 8");
    Json many_assets = default_bundle();
    for (int i = 0; i < 65; ++i) {
        many_assets["assets"].push_back("a" + std::to_string(i) + ".png");
    }
    require_problem(many_assets, "/assets", "0 to 64");
}

TEST_CASE("The ui strings must be exactly the kiosk's keys", "[content]") {
    require_problem(without("/ui/privacy_note"), "/ui/privacy_note", "required");
    require_problem(with("/ui/tile_talk/es", ""), "/ui/tile_talk/es", "empty");
    const auto& keys = wellness::ui_string_keys();
    CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
    for (const std::string key :
         {"tile_breathe", "tile_checkin", "tile_talk", "tile_urgent", "done", "phase_inhale",
          "phase_hold", "phase_exhale", "privacy_note", "maintenance_title"}) {
        CHECK(std::find(keys.begin(), keys.end(), key) != keys.end());
    }
}

TEST_CASE("Every problem in a document is reported at once", "[content]") {
    Json document = default_bundle();
    document["idle_timeout_seconds"] = 5;
    document["providers"][1]["booking_url"] = "http://peer.example.org";
    document["exercises"][3]["name"].erase("es");
    document["checkin"]["topics"][1]["id"] = "Work Load"; // a topic no suggestion names
    document["surprise"] = true;
    const auto result = parse_content(document);
    CHECK_FALSE(result.document);
    INFO(describe(result.problems));
    REQUIRE(result.problems.size() == 5);
    std::set<std::string> paths;
    for (const auto& problem : result.problems) {
        paths.insert(problem.path);
        CHECK(problem.message.size() > 10);
    }
    // Each path is a JSON pointer to the faulty value, or to where a missing one belongs.
    for (const auto& path : paths) {
        const Pointer pointer(path);
        CHECK((document.contains(pointer) || document.contains(pointer.parent_pointer())));
    }
    CHECK(paths == std::set<std::string>{"/idle_timeout_seconds", "/providers/1/booking_url",
                                         "/exercises/3/name/es", "/checkin/topics/1/id",
                                         "/surprise"});
}

TEST_CASE("Hostile content is answered with problems, never an exception", "[content]") {
    const auto refused_at_root = [](std::string_view text) {
        wellness::ContentParseResult result;
        REQUIRE_NOTHROW(result = parse_content(text));
        CHECK_FALSE(result.document);
        REQUIRE(result.problems.size() == 1);
        CHECK(result.problems.front().path.empty());
        CHECK_FALSE(result.problems.front().message.empty());
    };
    SECTION("not JSON") {
        refused_at_root("");
        refused_at_root("this is not json");
        refused_at_root(default_bundle_text().substr(0, 200));
        refused_at_root(default_bundle_text() + "}");
    }
    SECTION("wrong root type") {
        refused_at_root("[]");
        refused_at_root("\"content\"");
        refused_at_root("42");
        refused_at_root("null");
        const auto result = parse_content(Json::array({default_bundle()}));
        REQUIRE(result.problems.size() == 1);
        CHECK(contains_text(result.problems.front().message, "must be a JSON object"));
    }
    SECTION("a huge text") {
        refused_at_root("{\"schema\": \"" + repeated("x", 2 * 1024 * 1024) + "\"}");
    }
    SECTION("deep nesting") {
        refused_at_root(repeated("[", 100000) + repeated("]", 100000));
        Json nested = Json::array();
        for (int i = 0; i < 2000; ++i) {
            nested = Json::array({nested});
        }
        require_problem(with("/exercises/0/phases/0/seconds", nested),
                        "/exercises/0/phases/0/seconds", "must be a number");
        require_problem(with("/deep", nested), "/deep", "unknown field");
    }
    SECTION("NUL bytes and broken UTF-8") {
        std::string with_nul = default_bundle_text();
        with_nul.insert(with_nul.find("Take a minute"), std::string("\0", 1));
        refused_at_root(with_nul);
        require_problem(with("/ui/done/en", std::string("Do\0ne", 5)), "/ui/done/en",
                        "control characters");
        require_problem(with("/ui/done/en", "Don\xff"), "/ui/done/en", "not valid UTF-8");
        require_problem(with("/ui/done/en", "Don\xc3"), "/ui/done/en", "not valid UTF-8");
        require_problem(with("/ui/done/en", "\xc0\xaf"), "/ui/done/en", "not valid UTF-8");
    }
    SECTION("a flood of problems is cut short") {
        Json document = default_bundle();
        for (int i = 0; i < 5000; ++i) {
            document["ui"]["done"]["x" + std::to_string(i)] = "?";
        }
        const auto result = parse_content(document);
        CHECK_FALSE(result.document);
        CHECK(result.problems.size() == wellness::content_limits::max_problems + 1);
        CHECK(contains_text(result.problems.back().message, "more problems"));
    }
    SECTION("a huge string inside a parsed document") {
        require_problem(with("/checkin/question/en", repeated("x", 1'000'000)),
                        "/checkin/question/en", "too long");
    }
}

TEST_CASE("Localized text falls back to the default locale, then to nothing", "[content]") {
    const wellness::LocalizedText text{{"en", "Breathe"}, {"es", "Respirar"}};
    CHECK(wellness::localized(text, "es", "en") == "Respirar");
    CHECK(wellness::localized(text, "fr", "en") == "Breathe");
    CHECK(wellness::localized(text, "fr", "de") == "");
    CHECK(wellness::to_string(wellness::PhaseKind::hold) == "hold");
    CHECK(wellness::to_string(wellness::PhaseKind::exhale) == "exhale");
}

TEST_CASE("Asset names are the one rule station and kiosk share, with their image type",
          "[content]") {
    for (const char* good : {"a.png", "counsellor-photo_2.jpg", "hall.jpeg", "x.y.png"}) {
        INFO(good);
        CHECK(wellness::is_asset_name(good));
    }
    for (const char* bad : {"", ".png", "Photo.png", "photo.gif", "photo", "a..png", "a/b.png",
                            "photo.png ", "photo.PNG"}) {
        INFO(bad);
        CHECK_FALSE(wellness::is_asset_name(bad));
    }
    CHECK_FALSE(wellness::is_asset_name(std::string(61, 'a') + ".png"));
    CHECK(wellness::is_asset_name(std::string(60, 'a') + ".png"));
    CHECK(wellness::asset_media_type("a.png") == "image/png");
    CHECK(wellness::asset_media_type("a.jpg") == "image/jpeg");
    CHECK(wellness::asset_media_type("a.jpeg") == "image/jpeg");
}

TEST_CASE("A suggestion may name the check-in topics it fits; they must exist, once each",
          "[content]") {
    const std::string topics = "/checkin/levels/1/suggestions/0/topics";
    require_valid(with(topics, Json::array({"sleep", "family"})));
    require_valid(with(topics, Json::array()));
    require_problem(with(topics, Json::array({"sleeping"})), topics + "/0", "no check-in topic");
    require_problem(with(topics, Json::array({"sleep", "sleep"})), topics + "/1", "duplicate");
    require_problem(with(topics, Json::array({"Sleep"})), topics + "/0", "not a valid id");
    require_problem(with(topics, "sleep"), topics, "must be a list");
    const auto parsed = parse_content(with(topics, Json::array({"family", "sleep"})));
    REQUIRE(parsed.document);
    CHECK(parsed.document->checkin.levels[1].suggestions[0].topics ==
          std::vector<std::string>{"family", "sleep"});
    const auto again = parse_content(to_json(*parsed.document));
    REQUIRE(again.document);
    CHECK(*again.document == *parsed.document);
    // Removing a topic breaks the suggestions that name it, as removing a provider does.
    Json document = default_bundle();
    document["checkin"]["topics"].erase(0); // sleep
    require_problem(document, "/checkin/levels/1/suggestions/3/topics/0", "no check-in topic");
}

TEST_CASE("A level's first line is optional, translated and bounded", "[content]") {
    const std::string line = "/checkin/levels/3/first_line";
    require_valid(without(line));
    require_problem(with(line + "/es", ""), line + "/es", "empty");
    require_problem(without(line + "/es"), line + "/es", "translation is missing");
    require_problem(with(line + "/en", repeated("a", 201)), line + "/en", "too long");
    require_problem(with(line, "Hello"), line, "translations");
}

TEST_CASE("Urgent help's extra numbers: a provider's 24-hour phone and emergency numbers",
          "[content]") {
    require_problem(with("/providers/0/phone_24h", "24 hours"), "/providers/0/phone_24h",
                    "only digits");
    require_valid(with("/providers/0/phone_24h", ""));
    require_valid(with("/providers/2/phone_24h", "+1 555 0102"));
    const std::string number = "/emergency_numbers/0";
    require_problem(with(number + "/call", "nine one one"), number + "/call", "only digits");
    require_problem(without(number + "/call"), number + "/call", "required");
    require_problem(with(number + "/id", "Dispatch"), number + "/id", "not a valid id");
    require_valid(without(number + "/description"));
    require_problem(with(number + "/extension", "1"), number + "/extension", "unknown field");
    Json many = default_bundle();
    for (int i = 1; i < 5; ++i) {
        Json item = many["emergency_numbers"][0];
        item["id"] = "line-" + std::to_string(i);
        many["emergency_numbers"].push_back(item);
    }
    require_problem(many, "/emergency_numbers", "0 to 4");
    Json twice = default_bundle();
    twice["emergency_numbers"].push_back(twice["emergency_numbers"][0]);
    require_problem(twice, "/emergency_numbers/1/id", "duplicate");
}

TEST_CASE("The help screens' idle time is optional, bounded, never under the idle timeout",
          "[content]") {
    require_problem(with("/help_idle_timeout_seconds", 29), "/help_idle_timeout_seconds",
                    "30 to 900");
    require_problem(with("/help_idle_timeout_seconds", 901), "/help_idle_timeout_seconds",
                    "30 to 900");
    require_problem(with("/help_idle_timeout_seconds", "180"), "/help_idle_timeout_seconds",
                    "whole number");
    auto parsed = parse_content(with("/help_idle_timeout_seconds", 600));
    REQUIRE(parsed.document);
    CHECK(wellness::help_idle_timeout(*parsed.document) == 600);
    const auto again = parse_content(to_json(*parsed.document));
    REQUIRE(again.document);
    CHECK(again.document->help_idle_timeout_seconds == 600);
    Json shorter = with("/help_idle_timeout_seconds", 40);
    shorter["idle_timeout_seconds"] = 90;
    parsed = parse_content(shorter);
    REQUIRE(parsed.document);
    CHECK(wellness::help_idle_timeout(*parsed.document) == 90);
}

TEST_CASE("Kiosk words added later may be left out, but when present are checked like the rest",
          "[content]") {
    for (const auto& key : wellness::optional_ui_string_keys()) {
        INFO(key);
        require_valid(without("/ui/" + key));
        require_problem(without("/ui/" + key + "/es"), "/ui/" + key + "/es",
                        "translation is missing");
        const wellness::LocalizedText* builtin = wellness::builtin_ui_text(key);
        REQUIRE(builtin != nullptr);
        CHECK(builtin->count("en") == 1);
        CHECK(builtin->count("es") == 1);
        const auto& required = wellness::ui_string_keys();
        CHECK(std::find(required.begin(), required.end(), key) == required.end());
    }
    CHECK(wellness::builtin_ui_text("done") == nullptr);
    require_problem(with("/ui/homepage", translated("Home", "Inicio")), "/ui/homepage",
                    "unknown field");
}
