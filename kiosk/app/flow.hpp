#pragma once

// The kiosk's screen state machine: intents in, screen and state out, and the counters each
// step adds. Pure: no window, no clock of its own (monotonic milliseconds are passed in), no IO.

#include "wellness/breathing.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wellness::kiosk {

using MonotonicMs = std::int64_t;

enum class Screen {
    attract,
    home,
    breathe_choose_exercise,
    breathe_choose_length,
    rating_before, // the optional stress rating before a session (content with stress_rating)
    breathe_running,
    rating_after, // the same question after a session that had a rating before it
    breathe_finished,
    checkin_level,
    checkin_topics,
    checkin_suggestions,
    topic_card,        // a topic card opened from the suggestions (content with topic_cards)
    peer_support_card, // "someone to talk to": a peer-support team's on-call number to text
    talk_list,
    talk_provider,
    urgent,
    maintenance,
};

std::string_view to_string(Screen screen);

enum class Tile { breathe, checkin, talk, urgent };

// What a person asked for by touching the screen.
struct Intent {
    enum class Kind {
        leave_attract,     // tap anywhere on Attract
        choose_tile,       // tile
        choose_locale,     // id
        choose_exercise,   // id
        choose_length,     // minutes
        again,             // run the finished breathing session once more
        choose_level,      // id
        toggle_topic,      // id
        confirm_topics,    // show suggestions with the chosen topics
        skip_topics,       // show suggestions without topics
        choose_suggestion, // index into the level's suggestions
        choose_provider,   // id
        open_card,         // id of a topic card offered on the suggestions screen
        open_peer_support, // id of a peer-support provider with an on-call number
        open_urgent,       // the persistent Urgent button
        open_maintenance,  // the hidden gesture was completed
        back,
        home,              // back to Home, forgetting the visit's choices but keeping its language
        done,              // forget everything, back to Attract
        touch,             // any other touch: keeps the session alive
        toggle_large_text, // the text-size switch every screen shows
        toggle_high_contrast, // the contrast switch every screen shows
        toggle_sound,         // the sound switch on the screens that can play a tone
        rate,                 // number: a stress rating, one of the content's rating buckets
        skip_rating,          // go on without a stress rating
        slower,               // breathe at the next slower pace (choosing a length, or running)
        faster,               // breathe at the next faster pace
    };
    Kind kind = Kind::touch;
    std::string id;
    int number = 0;
    Tile tile = Tile::breathe;

    static Intent make(Kind kind, std::string id = {}, int number = 0, Tile tile = Tile::breathe) {
        Intent intent;
        intent.kind = kind;
        intent.id = std::move(id);
        intent.number = number;
        intent.tile = tile;
        return intent;
    }
    static Intent leave_attract() { return make(Kind::leave_attract); }
    static Intent choose_tile(Tile t) { return make(Kind::choose_tile, {}, 0, t); }
    static Intent choose_locale(std::string id) { return make(Kind::choose_locale, std::move(id)); }
    static Intent choose_exercise(std::string id) {
        return make(Kind::choose_exercise, std::move(id));
    }
    static Intent choose_length(int minutes) { return make(Kind::choose_length, {}, minutes); }
    static Intent again() { return make(Kind::again); }
    static Intent choose_level(std::string id) { return make(Kind::choose_level, std::move(id)); }
    static Intent toggle_topic(std::string id) { return make(Kind::toggle_topic, std::move(id)); }
    static Intent confirm_topics() { return make(Kind::confirm_topics); }
    static Intent skip_topics() { return make(Kind::skip_topics); }
    static Intent choose_suggestion(int index) { return make(Kind::choose_suggestion, {}, index); }
    static Intent choose_provider(std::string id) {
        return make(Kind::choose_provider, std::move(id));
    }
    static Intent open_card(std::string id) { return make(Kind::open_card, std::move(id)); }
    static Intent open_peer_support(std::string id) {
        return make(Kind::open_peer_support, std::move(id));
    }
    static Intent open_urgent() { return make(Kind::open_urgent); }
    static Intent open_maintenance() { return make(Kind::open_maintenance); }
    static Intent back() { return make(Kind::back); }
    static Intent home() { return make(Kind::home); }
    static Intent done() { return make(Kind::done); }
    static Intent touch() { return make(Kind::touch); }
    static Intent toggle_large_text() { return make(Kind::toggle_large_text); }
    static Intent toggle_high_contrast() { return make(Kind::toggle_high_contrast); }
    static Intent toggle_sound() { return make(Kind::toggle_sound); }
    static Intent rate(int rating) { return make(Kind::rate, {}, rating); }
    static Intent skip_rating() { return make(Kind::skip_rating); }
    static Intent slower() { return make(Kind::slower); }
    static Intent faster() { return make(Kind::faster); }
};

// Everything one person's visit has chosen. Reset to a fresh value on every return to Attract,
// so nothing survives for the next person.
struct VisitState {
    Screen screen = Screen::attract;
    std::vector<Screen> history; // for Back
    std::string locale;
    std::string exercise_id;
    int length_minutes = 0;
    // The running session's own clock, at this person's pace.
    PacedTime session_time;
    // The pace this person chose (percent of the exercise's speed); Home and Again keep it.
    int pace_percent = normal_pace_percent;
    std::string level_id;
    std::vector<std::string> topic_ids; // in content order
    std::string provider_id;            // a provider's QR, or the peer-support team of its card
    std::string card_id;                // the topic card opened
    std::vector<CounterKey> counted_this_visit; // "shown" counters add at most once per visit
    // How this person wants to see the screen; Done and Attract forget it, Home keeps it.
    bool large_text = false;
    bool high_contrast = false;
    bool sound_off = false; // this person silenced the breathing tones
    // This person's own stress ratings around the current session, only to show them their
    // change. Never stored or sent together: each is counted on its own when given, and Done,
    // Home, Again and Attract forget both.
    std::optional<int> rating_before;
    std::optional<int> rating_after;
};

// Idle handling: after the screen's idle time without a touch the screen fades out over this
// long, then the visit is forgotten.
inline constexpr MonotonicMs idle_fade_ms = 1500;
// On the screens someone reads, scans or breathes on (Urgent help, suggestions, a QR, a
// breathing session and its end) the idle time is followed by a calm "Still there?": this long
// to answer with any touch before the fade starts.
inline constexpr MonotonicMs still_there_ms = 10000;

// Attract shows each locale's line in turn, one slow breath of its circle each (the line
// changes when the circle is smallest), starting with the default locale.
inline constexpr MonotonicMs attract_breath_ms = 10000;

// Promise 7: a visit counts only after Attract has rested untouched for the content's
// visit_rest_seconds, so one person tapping Done and starting again is one visit, not several.
inline constexpr MonotonicMs default_visit_rest_ms =
    MonotonicMs{content_limits::default_visit_rest_seconds} * 1000;

// The hidden maintenance gesture: this many taps in the top-left corner within the window.
inline constexpr int maintenance_taps = 5;
inline constexpr MonotonicMs maintenance_window_ms = 3000;

class Flow {
  public:
    // `assets_dir` holds the content's verified asset files (provider images); may be empty.
    // The Attract shown at start counts as rested: the first tap after start is a visit.
    Flow(ContentDocument content, MonotonicMs now, std::filesystem::path assets_dir = {});

    // Applies a person's intent; returns the counters it adds (to hand to KioskSync::record).
    // Intents that make no sense on the current screen change nothing and count nothing.
    std::vector<CounterKey> apply(const Intent& intent, MonotonicMs now);

    // Time passing: finishes a breathing session that has run its length, fades and resets an
    // idle visit, and swaps in offered content once on Attract.
    std::vector<CounterKey> tick(MonotonicMs now);

    // A tap in the hidden corner; returns true when it completes the maintenance gesture (the
    // flow is then on the maintenance screen).
    bool corner_tap(MonotonicMs now);

    // New content is held until the screen is Attract, never swapped under someone's finger.
    // The assets dir travels with its document and becomes active with it.
    void offer_content(ContentDocument content, std::filesystem::path assets_dir = {});
    bool content_pending() const { return pending_content_.has_value(); }
    // Increases each time the content is swapped, so the window side can rebuild what it
    // derived from it (theme, QR textures).
    int content_generation() const { return content_generation_; }

    const ContentDocument& content() const { return content_; }
    const std::filesystem::path& assets_dir() const { return assets_dir_; }
    const VisitState& state() const { return state_; }
    Screen screen() const { return state_.screen; }
    const std::string& locale() const { return state_.locale; }
    bool large_text() const { return state_.large_text; }
    bool high_contrast() const { return state_.high_contrast; }
    // Whether this screen shows the sound switch: the breathing screens (where a session's
    // tones start or play), when the content has tones at all.
    bool sound_switch_shown() const;
    // Whether the breathing tones play: the content has them and this person did not silence
    // them. Done and Attract turn them back on, Home keeps the choice.
    bool sound_on() const { return content_.tone_enabled && !state_.sound_off; }
    // Shortcut: the content text in the visit's locale.
    std::string text(const LocalizedText& text) const;
    std::string ui(const std::string& key) const;

    // Current selections, or nullptr.
    const Exercise* exercise() const;
    const CheckinLevel* level() const;
    const Provider* provider() const;
    bool is_most_serious_level() const;
    bool topic_selected(const std::string& id) const;

    // The suggestions the person is offered for the chosen level and topics, as indices into
    // level()->suggestions, in the order shown: those fitting a chosen topic first, then those
    // for everybody; a suggestion for topics none of which was chosen is left out. On the most
    // serious level the crisis lines already head the screen, so a suggestion that only leads
    // to them again is left out too (no loops).
    std::vector<std::size_t> offered_suggestions() const;
    // The topic cards offered with the suggestions: those fitting a topic the person chose, in
    // content order. None without a chosen topic.
    std::vector<const TopicCard*> offered_cards() const;
    // The "someone to talk to" cards the suggestions offer: every peer-support provider with an
    // on-call (24-hour) number, in content order.
    std::vector<const Provider*> peer_support_teams() const;
    // The topic card opened, or nullptr.
    const TopicCard* card() const;

    // The locale whose line Attract shows at `now` (each in turn). A tap past Attract still
    // starts in the default locale: taps do not wait for a line, and a visit must not start in
    // a language chosen by the clock.
    const std::string& attract_locale(MonotonicMs now) const;

    // The current screen's idle time: the content's help idle time on Urgent help, the
    // suggestions and a provider's QR, its idle time elsewhere.
    MonotonicMs idle_timeout_ms() const;
    // Whether the current screen asks "Still there?" before it resets.
    bool asks_still_there() const;
    // True while the "Still there?" prompt shows (and through the fade after it).
    bool still_there(MonotonicMs now) const;
    // 0 (fully visible) to 1 (faded out) while an idle visit fades away.
    double idle_fade(MonotonicMs now) const;
    // Whether the screen changes by itself (Attract circle, breathing, fade): render
    // continuously only then.
    bool animating(MonotonicMs now) const;
    // The next moment tick() or the picture may change when nothing animates ("Still there?",
    // the fade's start); the window side may sleep until then.
    std::optional<MonotonicMs> next_deadline(MonotonicMs now) const;
    // The content's stress rating, or nullptr when it has none.
    const StressRating* stress_rating() const;
    // The ratings a person can give: 0 to 10 on a scale, 1 to 5 for faces.
    int lowest_rating() const;
    int highest_rating() const;

    // Milliseconds into the running breathing session, in the session's own time: at a pace
    // other than 100 % it runs slower or faster than the wall clock.
    MonotonicMs breathing_elapsed(MonotonicMs now) const;
    // Whether the pace control shows: choosing a length and during a session.
    bool pace_control_shown() const;

  private:
    void go(Screen next);
    void reset_to_attract();
    void count_once(std::vector<CounterKey>& out, std::string_view metric, std::string key);
    void show_suggestions(std::vector<CounterKey>& out);
    void show_urgent(std::vector<CounterKey>& out);
    bool idle_applies() const;
    MonotonicMs fade_start() const; // last touch + idle time (+ the "Still there?" time)
    void go_home();
    void count_visit(std::vector<CounterKey>& out, MonotonicMs now);
    void note_attract(Screen before, MonotonicMs now);
    void start_session(std::vector<CounterKey>& out, MonotonicMs now);
    void count_rating(std::vector<CounterKey>& out, std::string_view metric, int rating);

    ContentDocument content_;
    std::filesystem::path assets_dir_;
    std::optional<ContentDocument> pending_content_;
    std::filesystem::path pending_assets_dir_;
    int content_generation_ = 0;
    VisitState state_;
    MonotonicMs last_touch_ = 0;
    std::optional<MonotonicMs> attract_since_; // when Attract was last entered; unset: rested
    std::vector<MonotonicMs> corner_taps_;
};

} // namespace wellness::kiosk
