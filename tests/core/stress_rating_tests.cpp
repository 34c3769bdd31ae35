// The before / after stress rating in content (schema 2): its validation, field by field, and
// what it adds to the counting structure and the catalogue.

#include "core_test_support.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace {

using namespace core_test;

Json faces() {
    Json labels = Json::array();
    for (const char* word : {"Calm", "A little tense", "Tense", "Stressed", "Very stressed"}) {
        labels.push_back({{"en", word}, {"es", std::string(word) + " (es)"}});
    }
    return labels;
}

// The bundle with its stress rating (and its schema 3 topic cards) taken out and the schema it
// then needs.
Json schema_one_bundle() {
    Json document = default_bundle();
    document.erase("stress_rating");
    document.erase("topic_cards");
    document["schema"] = 1;
    return document;
}

} // namespace

TEST_CASE("The default bundle offers a 0 to 10 stress rating in English and Spanish",
          "[content][rating]") {
    const auto parsed = wellness::parse_content(default_bundle());
    INFO(describe(parsed.problems));
    REQUIRE(parsed.document);
    REQUIRE(parsed.document->stress_rating);
    const auto& rating = *parsed.document->stress_rating;
    CHECK(parsed.document->schema == 3); // it has topic cards too
    CHECK(rating.style == wellness::RatingStyle::scale);
    for (const char* locale : {"en", "es"}) {
        CHECK_FALSE(rating.question_before.at(locale).empty());
        CHECK_FALSE(rating.question_after.at(locale).empty());
        CHECK_FALSE(rating.change_heading.at(locale).empty());
    }
    CHECK(rating.question_before.at("en") != rating.question_before.at("es"));
}

TEST_CASE("A schema 1 document without a stress rating still validates and keeps its counting "
          "structure",
          "[content][rating]") {
    const auto old = wellness::parse_content(schema_one_bundle());
    INFO(describe(old.problems));
    REQUIRE(old.document);
    CHECK(old.document->schema == 1);
    CHECK_FALSE(old.document->stress_rating);
    CHECK(wellness::required_schema(*old.document) == 1);
    CHECK(wellness::counting_structure(*old.document).find("stress_rating") == std::string::npos);
    // Written back, it is still a schema 1 document a reader of schema 1 takes as it was.
    const Json written = wellness::to_json(*old.document);
    CHECK(written.at("schema") == 1);
    CHECK_FALSE(written.contains("stress_rating"));
    const auto catalogue = wellness::catalogue_keys(*old.document);
    CHECK(std::none_of(catalogue.begin(), catalogue.end(), [](const wellness::CounterKey& key) {
        return key.metric.rfind("rating.", 0) == 0;
    }));
    // A schema 2 document may leave the rating out too.
    Json two = schema_one_bundle();
    two["schema"] = 2;
    CHECK(wellness::parse_content(two).document);
}

TEST_CASE("A stress rating in a schema 1 document is refused, saying it needs schema 2",
          "[content][rating]") {
    require_problem(with("/schema", 1), "/stress_rating", "needs \"schema\": 2");
}

TEST_CASE("Every bad stress rating field is refused at that field", "[content][rating]") {
    require_problem(with("/stress_rating", "yes"), "/stress_rating", "must be an object");
    require_problem(with("/stress_rating/style", "stars"), "/stress_rating/style",
                    "is not \"scale\" or \"faces\"");
    require_problem(with("/stress_rating/style", 10), "/stress_rating/style", "must be text");
    for (const char* field : {"style", "question_before", "question_after", "low_label",
                              "high_label", "change_heading"}) {
        require_problem(without(std::string("/stress_rating/") + field),
                        std::string("/stress_rating/") + field, "is required");
    }
    require_problem(without("/stress_rating/question_after/es"), "/stress_rating/question_after/es",
                    "translation is missing");
    require_problem(with("/stress_rating/question_before/en", std::string(201, 'a')),
                    "/stress_rating/question_before/en", "too long");
    require_problem(with("/stress_rating/low_label/en", std::string(81, 'a')),
                    "/stress_rating/low_label/en", "too long");
    require_problem(with("/stress_rating/change_heading/en", "  "),
                    "/stress_rating/change_heading/en", "must not be empty");
    require_problem(with("/stress_rating/high_label/en", "two\nlines"),
                    "/stress_rating/high_label/en", "line breaks");
    require_problem(with("/stress_rating/question_after/fr", "Et maintenant ?"),
                    "/stress_rating/question_after/fr", "not one of the document's locales");
    require_problem(with("/stress_rating/colour", "#ffffff"), "/stress_rating/colour",
                    "unknown field");
    // Faces need exactly five labels; a scale takes none.
    require_problem(with("/stress_rating/face_labels", faces()), "/stress_rating/face_labels",
                    "only for \"style\": \"faces\"");
    require_problem(with("/stress_rating/style", "faces"), "/stress_rating/face_labels",
                    "is required");
    Json four = with("/stress_rating/style", "faces");
    Json labels = faces();
    labels.erase(labels.size() - 1);
    four["stress_rating"]["face_labels"] = labels;
    require_problem(four, "/stress_rating/face_labels", "exactly 5");
    Json bad_label = with("/stress_rating/style", "faces");
    labels = faces();
    labels[2] = "Tense";
    bad_label["stress_rating"]["face_labels"] = labels;
    require_problem(bad_label, "/stress_rating/face_labels/2", "translations");
}

TEST_CASE("A faces rating validates, round-trips and counts keys 1 to 5", "[content][rating]") {
    Json document = with("/stress_rating/style", "faces");
    document["stress_rating"]["face_labels"] = faces();
    const auto parsed = wellness::parse_content(document);
    INFO(describe(parsed.problems));
    REQUIRE(parsed.document);
    CHECK(parsed.document->stress_rating->face_labels.size() == 5);
    const auto again = wellness::parse_content(wellness::to_json(*parsed.document));
    REQUIRE(again.document);
    CHECK(*again.document == *parsed.document);
    CHECK(wellness::rating_buckets(*parsed.document->stress_rating) ==
          std::vector<std::string>{"1", "2", "3", "4", "5"});
}

TEST_CASE("A stress rating adds two separate histograms, rating.before and rating.after, to the "
          "catalogue",
          "[counts][rating]") {
    const auto parsed = wellness::parse_content(default_bundle());
    REQUIRE(parsed.document);
    const auto catalogue = wellness::catalogue_keys(*parsed.document);
    for (const char* metric : {"rating.before", "rating.after"}) {
        std::vector<std::string> keys;
        for (const auto& key : catalogue) {
            if (key.metric == metric) {
                keys.push_back(key.key);
            }
        }
        std::sort(keys.begin(), keys.end());
        std::vector<std::string> expected =
            wellness::rating_buckets(*parsed.document->stress_rating);
        std::sort(expected.begin(), expected.end());
        CHECK(keys == expected);
        CHECK(keys.size() == 11);
    }
    // Nothing in the catalogue pairs them or ties a rating to an exercise.
    CHECK(std::none_of(catalogue.begin(), catalogue.end(), [](const wellness::CounterKey& key) {
        return key.metric.find("rating") != std::string::npos && key.metric != "rating.before" &&
               key.metric != "rating.after";
    }));
}

TEST_CASE("Adding, removing or restyling the stress rating changes the counting structure",
          "[content][rating]") {
    const auto with_scale = wellness::parse_content(default_bundle());
    const auto none = wellness::parse_content(schema_one_bundle());
    Json faces_document = with("/stress_rating/style", "faces");
    faces_document["stress_rating"]["face_labels"] = faces();
    const auto with_faces = wellness::parse_content(faces_document);
    REQUIRE(with_scale.document);
    REQUIRE(none.document);
    REQUIRE(with_faces.document);
    CHECK_FALSE(wellness::same_counting_structure(*with_scale.document, *none.document));
    CHECK_FALSE(wellness::same_counting_structure(*with_scale.document, *with_faces.document));
    // Its wording is not counting structure: it applies at once.
    auto reworded = *with_scale.document;
    reworded.stress_rating->question_after.at("en") = "How about now?";
    CHECK(wellness::same_counting_structure(*with_scale.document, reworded));
}
