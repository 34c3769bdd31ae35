#pragma once

#include "wellness/json_input.hpp"
#include "wellness/problem.hpp"

#include <cstddef>
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

    bool operator==(const Locale&) const = default;
};

struct Theme {
    // "#rrggbb"
    std::string background;
    std::string surface;
    std::string text;
    std::string accent;

    bool operator==(const Theme&) const = default;
};

enum class PhaseKind { inhale, hold, exhale };

struct BreathPhase {
    PhaseKind kind = PhaseKind::inhale;
    double seconds = 4.0; // 0.5 to 20

    bool operator==(const BreathPhase&) const = default;
};

struct Exercise {
    std::string id;
    LocalizedText name;
    LocalizedText description;
    std::vector<BreathPhase> phases; // one cycle; 1 to 8 phases, at least one inhale and one exhale
    std::vector<int> lengths_minutes; // offered session lengths, each 1 to 20, distinct, ascending

    bool operator==(const Exercise&) const = default;
};

// What a check-in suggestion points at; at most one of these is set.
struct Suggestion {
    LocalizedText text;
    std::string exercise_id; // "" or the id of an exercise
    std::string provider_id; // "" or the id of a provider
    bool crisis_lines = false;
    // The check-in topics this suggestion fits ("topics" in JSON, optional). Empty: it fits
    // every check-in of its level. Otherwise it is shown only when the person chose at least
    // one of these topics, and then before the suggestions for everybody. Part of the counting
    // structure: it decides what a person can reach.
    std::vector<std::string> topics;

    bool operator==(const Suggestion&) const = default;
};

struct CheckinLevel {
    std::string id;    // slug, e.g. "healthy"
    std::string color; // "#rrggbb"
    LocalizedText label;
    LocalizedText description;
    // Optional: a warm, short first line heading this level's suggestions ("first_line" in
    // JSON), for the serious levels; without it the suggestions are headed by the ui string
    // suggestions_heading.
    LocalizedText first_line;
    std::vector<Suggestion> suggestions;

    bool operator==(const CheckinLevel&) const = default;
};

struct Topic {
    std::string id;
    LocalizedText label;

    bool operator==(const Topic&) const = default;
};

struct Checkin {
    LocalizedText question;
    LocalizedText topics_question;
    std::vector<CheckinLevel>
        levels;                // exactly four, from healthy to ill; the last is the most serious
    std::vector<Topic> topics; // 0 to 16

    bool operator==(const Checkin&) const = default;
};

struct Provider {
    std::string id;
    std::string kind; // "eap", "therapist", "peer-support", "chaplain", "other"
    LocalizedText name;
    LocalizedText description;
    LocalizedText hours;
    std::string booking_url; // https only, no credentials, at most 512 bytes
    // A query string or fragment can carry tracking (a precinct or room id the booking site
    // logs when the officer's phone opens the link), so a link with either is refused unless
    // an admin confirmed in the console that it identifies no one ("booking_url_confirmed").
    bool booking_url_confirmed = false;
    std::string phone; // digits, spaces, + - ( ) .; may be empty
    // Optional: a number this provider answers day and night (peer support's on-call phone, the
    // EAP's 24-hour line), "phone_24h" in JSON. Urgent help lists it, after the crisis lines,
    // with a QR to call it. Whether it is set is part of the counting structure (what a person
    // can reach); the number itself is not.
    std::string phone_24h;
    std::string image; // "" or the name of an asset listed in `assets`

    bool operator==(const Provider&) const = default;
};

struct CrisisLine {
    std::string id;
    LocalizedText name;
    LocalizedText description;
    std::string call; // number to call; at least one of call / text
    std::string text; // number to text

    bool operator==(const CrisisLine&) const = default;
};

// An emergency number (dispatch, 911) Urgent help lists last, with a QR to call it.
struct EmergencyNumber {
    std::string id;
    LocalizedText name;
    LocalizedText description; // optional
    std::string call;          // required

    bool operator==(const EmergencyNumber&) const = default;
};

// How a stress rating is given: a 0-10 scale, or five faces from calm to very stressed.
enum class RatingStyle { scale, faces };

// The optional before / after stress rating ("stress_rating" in JSON, schema 2). A person may
// rate how stressed they feel before an exercise and again after it; the kiosk shows them their
// own change and forgets it. Counted only as two separate histograms (rating.before and
// rating.after, keyed by rating_buckets()), never as a pair.
struct StressRating {
    RatingStyle style = RatingStyle::scale; // "scale" or "faces"
    LocalizedText question_before;          // "How stressed do you feel right now?"
    LocalizedText question_after;           // "And now?"
    LocalizedText low_label;                // the calm end: "Calm"
    LocalizedText high_label;               // the other end: "Very stressed"
    LocalizedText change_heading;           // over the person's own change: "Your change"
    std::vector<LocalizedText> face_labels; // faces only: exactly five, calm first

    bool operator==(const StressRating&) const = default;
};

// A short topic card ("topic_cards" in JSON, schema 3): a few lines on one check-in topic (sleep
// after night shifts, after a critical incident, family), readable on the kiosk in under a
// minute, shown on the suggestions screen to a person who chose one of its topics. Counted only
// as card.viewed by its id when opened.
struct TopicCard {
    std::string id;
    std::vector<std::string> topics; // the check-in topic ids it fits: 1 or more, distinct
    LocalizedText title;
    LocalizedText body; // at most max_card_body_chars: under a minute to read
    // Optional: a page to read at home, shown as a QR. It is the same bytes for everyone, so
    // https only and never a query string or fragment (a site could log which room it came
    // from); "take_home_url" in JSON, "" when none.
    std::string take_home_url;

    bool operator==(const TopicCard&) const = default;
};

struct ContentDocument {
    // 1; 2 when the document uses a part added in schema 2 (stress_rating); 3 when it uses one
    // added in schema 3 (topic_cards). A reader that knows an older schema refuses a newer
    // document rather than dropping what it cannot show.
    int schema = 1;
    std::vector<Locale> locales; // 1 to 8, distinct
    std::string default_locale;
    int idle_timeout_seconds = 60; // 30 to 300
    // Privacy promise 7: a tap past Attract counts as a new visit only once Attract has rested
    // untouched this long, so one person tapping Done and starting again is one visit. Part of
    // the counting structure, so a change reaches kiosks only at the start of a week.
    int visit_rest_seconds = 120; // 60 to 900; "visit_rest_seconds" in JSON, optional
    // The idle time on the screens a person reads or scans from (Urgent help, the check-in's
    // suggestions, a provider's QR): optional, 30 to 900; help_idle_timeout() is never less
    // than idle_timeout_seconds, and max(180, idle_timeout_seconds) when unset. Part of the
    // counting structure, like the idle timeout.
    std::optional<int> help_idle_timeout_seconds;
    bool tone_enabled = true;
    LocalizedText attract_text;
    Theme theme;
    std::map<std::string, LocalizedText> ui; // exactly the keys of ui_string_keys()
    std::vector<Exercise> exercises;         // 1 to 12
    Checkin checkin;
    std::vector<Provider> providers;                // 0 to 24
    std::vector<CrisisLine> crisis_lines;           // 1 to 12
    std::vector<EmergencyNumber> emergency_numbers; // optional, 0 to 4
    std::vector<std::string> assets; // file names "name.png" / "name.jpg": a-z 0-9 - _ ., 1 to 64
    std::optional<StressRating> stress_rating; // schema 2, optional
    std::vector<TopicCard> topic_cards;        // schema 3, optional, 0 to max_topic_cards

    bool operator==(const ContentDocument&) const = default;
};

// Bounds that keep a hostile or careless document from bloating the kiosk. Text lengths are
// in characters (Unicode code points).
namespace content_limits {
inline constexpr std::size_t max_locale_name_chars = 40;
inline constexpr std::size_t max_name_chars = 80; // names, labels, ui words
inline constexpr std::size_t max_sentence_chars =
    200; // attract text, questions, suggestions, hours
inline constexpr std::size_t max_description_chars = 600; // descriptions
inline constexpr std::size_t max_phone_chars = 32;
inline constexpr std::size_t max_booking_url_bytes = 512;
inline constexpr std::size_t max_locales = 8;
inline constexpr std::size_t max_exercises = 12;
inline constexpr std::size_t max_phases = 8;
inline constexpr std::size_t max_lengths = 8;
inline constexpr int min_length_minutes = 1;
inline constexpr int max_length_minutes = 20;
inline constexpr double min_phase_seconds = 0.5;
inline constexpr double max_phase_seconds = 20.0;
inline constexpr std::size_t checkin_levels = 4;
inline constexpr std::size_t max_suggestions = 6; // per check-in level
inline constexpr std::size_t max_topics = 16;
inline constexpr std::size_t max_providers = 24;
inline constexpr std::size_t max_crisis_lines = 12;
inline constexpr std::size_t max_assets = 64;
inline constexpr int min_visit_rest_seconds = 60;
inline constexpr int max_visit_rest_seconds = 900;
inline constexpr int default_visit_rest_seconds = 120;
inline constexpr int min_idle_timeout_seconds = 30;
inline constexpr int max_idle_timeout_seconds = 300;
inline constexpr int default_help_idle_timeout_seconds = 180;
inline constexpr int max_help_idle_timeout_seconds = 900;
inline constexpr std::size_t max_emergency_numbers = 4;
inline constexpr double min_text_contrast =
    4.5; // theme text against background and surface (WCAG AA)
inline constexpr std::size_t max_problems = 200; // a report stops listing after this many
inline constexpr int max_schema = 3;             // the newest schema this build reads
inline constexpr int rating_scale_max = 10;      // a scale rating is 0 to this
inline constexpr std::size_t rating_faces = 5;   // a faces rating is 1 to this
inline constexpr std::size_t max_topic_cards = 24;
// About 120 words: under a minute at a calm reading pace, on one screen at 800x480.
inline constexpr std::size_t max_card_body_chars = 700;
} // namespace content_limits

// The words of the kiosk's own chrome (tile names, buttons, phase names), required in every
// locale so a precinct can translate the whole screen. The keys, in this order:
//   tile_breathe, tile_checkin, tile_talk, tile_urgent,
//   done, back, next, skip, start, language,
//   choose_exercise, choose_length, minutes_unit,
//   phase_inhale, phase_hold, phase_exhale, session_complete, again,
//   topics_prompt, suggestions_heading, talk_heading, scan_qr,
//   phone_label, hours_label, urgent_heading, call_label, text_label,
//   privacy_note, maintenance_title
const std::vector<std::string>& ui_string_keys();

// Kiosk words added after schema 1 was first published: a document may leave any of them out
// (so content written before them stays valid) and the kiosk then uses builtin_ui_text(). When
// present they are checked like the keys above. In this order:
//   home, still_there, still_there_hint, still_here, phase_top_up, scan_to_call, pace_slower,
//   pace_faster, breaths_unit, decimal_mark, cards_heading, take_home, talk_to_someone,
//   scan_to_text
const std::vector<std::string>& optional_ui_string_keys();
// The built-in wording (English and Spanish) of an optional key; nullptr for any other key.
const LocalizedText* builtin_ui_text(std::string_view key);

// The effective idle time of the help screens (see help_idle_timeout_seconds).
int help_idle_timeout(const ContentDocument& document);

// An asset (image) name as content may list it and the station and kiosk store it: 1 to 64 of
// a-z 0-9 - _ . , not starting with '.', no "..", ending in .png, .jpg or .jpeg.
bool is_asset_name(std::string_view name);
// "image/png" for a .png name, "image/jpeg" for .jpg and .jpeg; meaningful for asset names.
std::string_view asset_media_type(std::string_view name);

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
// Text as std::string or a literal would otherwise be ambiguous between Json and string_view.
ContentParseResult parse_content(const std::string& json_text,
                                 const std::set<std::string>* available_assets = nullptr);
ContentParseResult parse_content(const char* json_text,
                                 const std::set<std::string>* available_assets = nullptr);

Json to_json(const ContentDocument& document);

// The text for `locale`, else for the document's default locale, else "".
std::string localized(const LocalizedText& text, const std::string& locale,
                      const std::string& default_locale);

// Lowercase content ids: 1 to 32 of a-z 0-9 '-'.
bool is_valid_slug(std::string_view id);

std::string_view to_string(PhaseKind kind);
std::string_view to_string(RatingStyle style);

// The counter keys of a stress rating, lowest (calmest) first: "0" to "10" for a scale, "1" to
// "5" for faces. A rating a person gives is one of these, and nothing else is ever counted.
std::vector<std::string> rating_buckets(const StressRating& rating);
// The lowest schema that can hold the document's parts: 3 when it has topic cards, 2 when it
// has a stress rating, else 1.
int required_schema(const ContentDocument& document);

// Privacy promise 6: the counting structure of a document as canonical text. It holds, in
// document order, everything that decides which counter a tap adds to or what a person can
// reach: exercise ids with their phases and lengths, check-in level ids with each suggestion's
// target and topics, topic ids, provider ids and kinds and whether each has a 24-hour number,
// crisis line and emergency number ids, the idle timeouts (they decide when a visit ends), and the
// stress rating's style (it decides the rating keys; absent from the text without one, so a
// schema 1 document keeps the structure it always had), and each topic card's id with its topics
// (card.viewed keys and who is offered a card; absent without cards). It
// leaves out wording, colours, tone, images, phone numbers, links and hours. A kiosk applies a
// change of counting structure only at the start of an ISO week; anything else applies at once.
std::string counting_structure(const ContentDocument& document);
bool same_counting_structure(const ContentDocument& first, const ContentDocument& second);

} // namespace wellness
