#pragma once

// A small content document built in code, so the flow tests do not depend on the default
// bundle's wording.

#include "wellness/content.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

namespace wellness::kiosk::testing {

inline LocalizedText both(const std::string& en, const std::string& es) {
    return {{"en", en}, {"es", es}};
}

// The default bundle from content/, parsed as a kiosk does; for the tests that draw the real
// content.
inline ContentDocument default_content() {
    const std::string path = std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json";
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    auto parsed = parse_content(text);
    REQUIRE(parsed.document);
    return *parsed.document;
}

inline ContentDocument sample_content() {
    ContentDocument doc;
    doc.locales = {{"en", "English"}, {"es", "Español"}};
    doc.default_locale = "en";
    doc.idle_timeout_seconds = 60;
    doc.attract_text = both("Take a minute. Tap anywhere.", "Tómese un minuto. Toque.");
    doc.theme = {"#1d2b36", "#26394a", "#f2f5f7", "#7fb7be"};
    for (const auto& key : {"tile_breathe", "done", "phase_inhale"}) {
        doc.ui[key] = both(std::string(key) + " en", std::string(key) + " es");
    }
    Exercise box;
    box.id = "box";
    box.name = both("Box breathing", "Respiración cuadrada");
    box.phases = {
        {PhaseKind::inhale, 4}, {PhaseKind::hold, 4}, {PhaseKind::exhale, 4}, {PhaseKind::hold, 4}};
    box.lengths_minutes = {1, 3, 5};
    Exercise sigh;
    sigh.id = "sigh";
    sigh.name = both("Physiological sigh", "Suspiro fisiológico");
    sigh.phases = {{PhaseKind::inhale, 2}, {PhaseKind::inhale, 1}, {PhaseKind::exhale, 6}};
    sigh.lengths_minutes = {1, 3};
    doc.exercises = {box, sigh};
    doc.checkin.question = both("How are you doing?", "¿Cómo está?");
    const char* level_ids[] = {"healthy", "reacting", "injured", "ill"};
    const char* colors[] = {"#2e7d32", "#f9a825", "#ef6c00", "#c62828"};
    for (int i = 0; i < 4; ++i) {
        CheckinLevel level;
        level.id = level_ids[i];
        level.color = colors[i];
        level.label = both(level_ids[i], level_ids[i]);
        Suggestion breathe;
        breathe.text = both("Try box breathing", "Pruebe");
        breathe.exercise_id = "box";
        Suggestion talk;
        talk.text = both("Talk to peer support", "Hable");
        talk.provider_id = "peer";
        Suggestion crisis;
        crisis.text = both("Crisis lines", "Líneas de crisis");
        crisis.crisis_lines = true;
        level.suggestions = {breathe, talk, crisis};
        doc.checkin.levels.push_back(level);
    }
    doc.checkin.topics = {{"sleep", both("Sleep", "Sueño")},
                          {"workload", both("Workload", "Carga")},
                          {"family", both("Family", "Familia")}};
    Provider eap;
    eap.id = "eap";
    eap.kind = "eap";
    eap.name = both("EAP", "PAE");
    eap.booking_url = "https://eap.example.org/book";
    Provider peer;
    peer.id = "peer";
    peer.kind = "peer-support";
    peer.name = both("Peer support", "Apoyo entre pares");
    peer.booking_url = "https://peer.example.org/";
    doc.providers = {eap, peer};
    CrisisLine line;
    line.id = "988";
    line.name = both("988 Lifeline", "988");
    line.call = "988";
    line.text = "988";
    doc.crisis_lines = {line};
    return doc;
}

} // namespace wellness::kiosk::testing

namespace wellness::kiosk::testing {

// The sample content with a 0 to 10 stress rating (schema 2).
inline ContentDocument sample_content_with_rating(RatingStyle style = RatingStyle::scale) {
    ContentDocument doc = sample_content();
    doc.schema = 2;
    StressRating rating;
    rating.style = style;
    rating.question_before = both("How stressed do you feel?", "¿Cuánto estrés sientes?");
    rating.question_after = both("And now?", "¿Y ahora?");
    rating.low_label = both("Calm", "En calma");
    rating.high_label = both("Very stressed", "Muy estresado");
    rating.change_heading = both("Your change", "Tu cambio");
    if (style == RatingStyle::faces) {
        for (const char* face : {"Calm", "A little tense", "Tense", "Stressed", "Very stressed"}) {
            rating.face_labels.push_back(both(face, std::string(face) + " (es)"));
        }
    }
    doc.stress_rating = rating;
    return doc;
}

} // namespace wellness::kiosk::testing
