#pragma once

#include "wellness/json_input.hpp"
#include "wellness/problem.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wellness {

// Locale id -> text. Every localized text must have an entry for every locale of the document.
using LocalizedText = std::map<std::string, std::string>;

struct Locale {
    std::string id;   // "en", "es", "pt-br": 2 to 8 of a-z and '-'
    std::string name; // shown on the language switch in its own language ("Español")
};

struct Theme {
    // "#rrggbb"
    std::string background;
    std::string surface;
    std::string text;
    std::string accent;
};

enum class PhaseKind { inhale, hold, exhale };

struct BreathPhase {
    PhaseKind kind = PhaseKind::inhale;
    double seconds = 4.0; // 0.5 to 20
};

struct Exercise {
    std::string id;
    LocalizedText name;
    LocalizedText description;
    std::vector<BreathPhase> phases;      // one cycle; 1 to 8 phases, at least one inhale and one exhale
    std::vector<int> lengths_minutes;     // offered session lengths, each 1 to 20, distinct, ascending
};

// What a check-in suggestion points at; at most one of these is set.
struct Suggestion {
    LocalizedText text;
    std::string exercise_id; // "" or the id of an exercise
    std::string provider_id; // "" or the id of a provider
    bool crisis_lines = false;
};

struct CheckinLevel {
    std::string id;    // slug, e.g. "healthy"
    std::string color; // "#rrggbb"
    LocalizedText label;
    LocalizedText description;
    std::vector<Suggestion> suggestions;
};

struct Topic {
    std::string id;
    LocalizedText label;
};

struct Checkin {
    LocalizedText question;
    LocalizedText topics_question;
    std::vector<CheckinLevel> levels; // exactly four, from healthy to ill; the last is the most serious
    std::vector<Topic> topics;        // 0 to 16
};

struct Provider {
    std::string id;
    std::string kind; // "eap", "therapist", "peer-support", "chaplain", "other"
    LocalizedText name;
    LocalizedText description;
    LocalizedText hours;
    std::string booking_url; // https only, no credentials, at most 512 bytes
    std::string phone;       // digits, spaces, + - ( ) .; may be empty
    std::string image;       // "" or the name of an asset listed in `assets`
};

struct CrisisLine {
    std::string id;
    LocalizedText name;
    LocalizedText description;
    std::string call; // number to call; at least one of call / text
    std::string text; // number to text
};

struct ContentDocument {
    int schema = 1;
    std::vector<Locale> locales; // 1 to 8, distinct
    std::string default_locale;
    int idle_timeout_seconds = 60; // 30 to 300
    bool tone_enabled = true;
    LocalizedText attract_text;
    Theme theme;
    std::map<std::string, LocalizedText> ui; // exactly the keys of ui_string_keys()
    std::vector<Exercise> exercises;         // 1 to 12
    Checkin checkin;
    std::vector<Provider> providers;     // 0 to 24
    std::vector<CrisisLine> crisis_lines; // 1 to 12
    std::vector<std::string> assets;      // file names "name.png" / "name.jpg": a-z 0-9 - _ ., 1 to 64
};

// The words of the kiosk's own chrome (tile names, buttons, phase names), required in every
// locale so a precinct can translate the whole screen.
const std::vector<std::string>& ui_string_keys();

struct ContentParseResult {
    std::optional<ContentDocument> document; // set only when problems is empty
    Problems problems;                       // every problem found, not just the first
};

// Parses and validates a content document. `available_assets`, when given, is the set of
// asset names that actually exist (uploaded on the station, or downloaded on the kiosk);
// a listed asset missing from it is a problem. Never throws.
ContentParseResult parse_content(const Json& document,
                                 const std::set<std::string>* available_assets = nullptr);
ContentParseResult parse_content(std::string_view json_text,
                                 const std::set<std::string>* available_assets = nullptr);

Json to_json(const ContentDocument& document);

// The text for `locale`, else for the document's default locale, else "".
std::string localized(const LocalizedText& text, const std::string& locale,
                      const std::string& default_locale);

// Lowercase content ids: 1 to 32 of a-z 0-9 '-'.
bool is_valid_slug(std::string_view id);

std::string_view to_string(PhaseKind kind);

} // namespace wellness
