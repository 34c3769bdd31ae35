#include "flow.hpp"

#include "wellness/breathing.hpp"

#include <algorithm>
#include <chrono>

namespace wellness::kiosk {

std::string_view to_string(Screen screen) {
    switch (screen) {
    case Screen::attract:
        return "attract";
    case Screen::home:
        return "home";
    case Screen::breathe_choose_exercise:
        return "breathe_choose_exercise";
    case Screen::breathe_choose_length:
        return "breathe_choose_length";
    case Screen::rating_before:
        return "rating_before";
    case Screen::breathe_running:
        return "breathe_running";
    case Screen::rating_after:
        return "rating_after";
    case Screen::breathe_finished:
        return "breathe_finished";
    case Screen::checkin_level:
        return "checkin_level";
    case Screen::checkin_topics:
        return "checkin_topics";
    case Screen::checkin_suggestions:
        return "checkin_suggestions";
    case Screen::topic_card:
        return "topic_card";
    case Screen::peer_support_card:
        return "peer_support_card";
    case Screen::talk_list:
        return "talk_list";
    case Screen::talk_provider:
        return "talk_provider";
    case Screen::urgent:
        return "urgent";
    case Screen::maintenance:
        return "maintenance";
    }
    return "unknown";
}

namespace {

template <class Item>
const Item* find_by_id(const std::vector<Item>& items, const std::string& id) {
    auto found =
        std::find_if(items.begin(), items.end(), [&](const Item& item) { return item.id == id; });
    return found == items.end() ? nullptr : &*found;
}

std::chrono::nanoseconds to_ns(MonotonicMs ms) {
    return std::chrono::milliseconds(ms);
}

MonotonicMs to_ms(std::chrono::nanoseconds ns) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ns).count();
}

} // namespace

Flow::Flow(ContentDocument content, MonotonicMs now, std::filesystem::path assets_dir)
    : content_(std::move(content)), assets_dir_(std::move(assets_dir)), last_touch_(now) {
    reset_to_attract();
}

void Flow::count_visit(std::vector<CounterKey>& out, MonotonicMs now) {
    // Attract left before it rested: the same person (or their companion) again, one visit.
    const MonotonicMs rest = MonotonicMs{content_.visit_rest_seconds} * 1000;
    if (attract_since_ && now - *attract_since_ < rest)
        return;
    count_once(out, metric::visit, std::string(visit_key));
}

void Flow::note_attract(Screen before, MonotonicMs now) {
    if (before != Screen::attract && state_.screen == Screen::attract)
        attract_since_ = now;
}

std::string Flow::text(const LocalizedText& localized_text) const {
    return localized(localized_text, state_.locale, content_.default_locale);
}

std::string Flow::ui(const std::string& key) const {
    auto found = content_.ui.find(key);
    if (found != content_.ui.end()) {
        return text(found->second);
    }
    // Words added after the content was written: the kiosk's own, English where it has none.
    if (const LocalizedText* builtin = builtin_ui_text(key)) {
        return localized(*builtin, state_.locale, "en");
    }
    return key;
}

const Exercise* Flow::exercise() const {
    return find_by_id(content_.exercises, state_.exercise_id);
}

const StressRating* Flow::stress_rating() const {
    return content_.stress_rating ? &*content_.stress_rating : nullptr;
}

int Flow::lowest_rating() const {
    const StressRating* rating = stress_rating();
    return rating != nullptr && rating->style == RatingStyle::faces ? 1 : 0;
}

int Flow::highest_rating() const {
    const StressRating* rating = stress_rating();
    return rating != nullptr && rating->style == RatingStyle::faces
               ? static_cast<int>(content_limits::rating_faces)
               : content_limits::rating_scale_max;
}

void Flow::start_session(std::vector<CounterKey>& out, MonotonicMs now) {
    // Entered in place of the screen before it (length or rating), so Back from the session
    // offers the lengths again, as go() arranges for a session left any other way.
    state_.session_time = PacedTime(to_ns(now), state_.pace_percent);
    state_.screen = Screen::breathe_running;
    out.push_back({std::string(metric::breathing_started), state_.exercise_id});
}

void Flow::count_rating(std::vector<CounterKey>& out, std::string_view metric, int rating) {
    // Promise 3: each rating adds to its own histogram when it is given; nothing joins the two.
    out.push_back({std::string(metric), std::to_string(rating)});
}

const CheckinLevel* Flow::level() const {
    return find_by_id(content_.checkin.levels, state_.level_id);
}

const Provider* Flow::provider() const {
    return find_by_id(content_.providers, state_.provider_id);
}

const TopicCard* Flow::card() const {
    return find_by_id(content_.topic_cards, state_.card_id);
}

bool Flow::is_most_serious_level() const {
    return !content_.checkin.levels.empty() && !state_.level_id.empty() &&
           content_.checkin.levels.back().id == state_.level_id;
}

bool Flow::topic_selected(const std::string& id) const {
    return std::find(state_.topic_ids.begin(), state_.topic_ids.end(), id) !=
           state_.topic_ids.end();
}

void Flow::go(Screen next) {
    if (state_.screen == Screen::breathe_running) {
        // A session left for another screen is over; Back offers its lengths again.
        state_.history.push_back(Screen::breathe_choose_length);
    } else if (state_.screen != Screen::attract && state_.screen != Screen::maintenance) {
        state_.history.push_back(state_.screen);
    }
    state_.screen = next;
}

bool Flow::sound_switch_shown() const {
    switch (state_.screen) {
    case Screen::breathe_choose_exercise:
    case Screen::breathe_choose_length:
    case Screen::breathe_running:
    case Screen::breathe_finished:
        return content_.tone_enabled;
    case Screen::rating_before:
    case Screen::rating_after:
        return false;
    default:
        return false;
    }
}

void Flow::go_home() {
    // The same person, starting over: every choice goes, the language and what this visit
    // has already counted stay.
    VisitState fresh;
    fresh.locale = state_.locale;
    fresh.large_text = state_.large_text;
    fresh.high_contrast = state_.high_contrast;
    fresh.sound_off = state_.sound_off;
    fresh.pace_percent = state_.pace_percent;
    fresh.counted_this_visit = std::move(state_.counted_this_visit);
    fresh.screen = Screen::home;
    state_ = std::move(fresh);
}

void Flow::reset_to_attract() {
    if (pending_content_) {
        content_ = std::move(*pending_content_);
        assets_dir_ = std::move(pending_assets_dir_);
        pending_content_.reset();
        ++content_generation_;
    }
    state_ = VisitState{};
    state_.locale = content_.default_locale;
}

void Flow::count_once(std::vector<CounterKey>& out, std::string_view metric, std::string key) {
    CounterKey counter{std::string(metric), std::move(key)};
    auto& counted = state_.counted_this_visit;
    if (std::find(counted.begin(), counted.end(), counter) != counted.end()) {
        return;
    }
    counted.push_back(counter);
    out.push_back(std::move(counter));
}

void Flow::show_suggestions(std::vector<CounterKey>& out) {
    go(Screen::checkin_suggestions);
    // Marginals only: the level and each topic on its own, never their combination.
    count_once(out, metric::checkin_level, state_.level_id);
    for (const auto& topic : state_.topic_ids) {
        count_once(out, metric::checkin_topic, topic);
    }
    if (is_most_serious_level()) {
        count_once(out, metric::crisis_viewed, std::string(crisis_key));
    }
}

void Flow::show_urgent(std::vector<CounterKey>& out) {
    if (state_.screen == Screen::urgent) {
        return;
    }
    go(Screen::urgent);
    count_once(out, metric::crisis_viewed, std::string(crisis_key));
}

std::vector<CounterKey> Flow::apply(const Intent& intent, MonotonicMs now) {
    std::vector<CounterKey> counted;
    last_touch_ = now;
    const Screen screen = state_.screen;
    using Kind = Intent::Kind;

    switch (intent.kind) {
    case Kind::touch:
        break;
    case Kind::toggle_large_text:
        if (screen != Screen::attract) {
            state_.large_text = !state_.large_text;
        }
        break;
    case Kind::toggle_high_contrast:
        if (screen != Screen::attract) {
            state_.high_contrast = !state_.high_contrast;
        }
        break;
    case Kind::toggle_sound:
        if (sound_switch_shown()) {
            state_.sound_off = !state_.sound_off;
        }
        break;
    case Kind::slower:
    case Kind::faster:
        if (pace_control_shown()) {
            state_.pace_percent = intent.kind == Kind::slower ? slower_pace(state_.pace_percent)
                                                              : faster_pace(state_.pace_percent);
            // From this instant on: the circle goes on from where it is.
            state_.session_time.set_pace(to_ns(now), state_.pace_percent);
        }
        break;
    case Kind::leave_attract:
        if (screen == Screen::attract) {
            count_visit(counted, now);
            go(Screen::home);
        }
        break;
    case Kind::open_urgent:
        if (screen == Screen::attract) {
            count_visit(counted, now);
        }
        if (screen != Screen::maintenance) {
            show_urgent(counted);
        }
        break;
    case Kind::open_maintenance:
        reset_to_attract();
        state_.screen = Screen::maintenance;
        break;
    case Kind::done:
        reset_to_attract();
        break;
    case Kind::home:
        if (screen != Screen::attract && screen != Screen::maintenance) {
            go_home();
        }
        break;
    case Kind::back:
        if (screen == Screen::maintenance) {
            reset_to_attract();
        } else if (!state_.history.empty()) {
            state_.screen = state_.history.back();
            state_.history.pop_back();
        } else if (screen != Screen::attract && screen != Screen::home) {
            // Opened straight from Attract (Urgent help): Back leads to Home, never nowhere.
            go_home();
        }
        break;
    case Kind::choose_tile:
        if (screen != Screen::home) {
            break;
        }
        switch (intent.tile) {
        case Tile::breathe:
            go(Screen::breathe_choose_exercise);
            break;
        case Tile::checkin:
            go(Screen::checkin_level);
            break;
        case Tile::talk:
            go(Screen::talk_list);
            break;
        case Tile::urgent:
            show_urgent(counted);
            break;
        }
        break;
    case Kind::choose_locale:
        if (screen == Screen::home && find_by_id(content_.locales, intent.id) != nullptr) {
            state_.locale = intent.id;
        }
        break;
    case Kind::choose_exercise:
        if (screen == Screen::breathe_choose_exercise &&
            find_by_id(content_.exercises, intent.id) != nullptr) {
            state_.exercise_id = intent.id;
            go(Screen::breathe_choose_length);
        }
        break;
    case Kind::choose_length: {
        const Exercise* chosen = exercise();
        if (screen != Screen::breathe_choose_length || chosen == nullptr) {
            break;
        }
        const auto& lengths = chosen->lengths_minutes;
        if (std::find(lengths.begin(), lengths.end(), intent.number) == lengths.end()) {
            break;
        }
        state_.length_minutes = intent.number;
        state_.rating_before.reset();
        state_.rating_after.reset();
        if (stress_rating() != nullptr) {
            go(Screen::rating_before);
        } else {
            go(Screen::breathe_running);
            start_session(counted, now);
        }
        break;
    }
    case Kind::again:
        if (screen == Screen::breathe_finished && exercise() != nullptr) {
            state_.rating_before.reset();
            state_.rating_after.reset();
            if (stress_rating() != nullptr) {
                state_.screen = Screen::rating_before;
            } else {
                start_session(counted, now);
            }
        }
        break;
    case Kind::rate:
        if ((screen != Screen::rating_before && screen != Screen::rating_after) ||
            stress_rating() == nullptr || intent.number < lowest_rating() ||
            intent.number > highest_rating()) {
            break;
        }
        if (screen == Screen::rating_before) {
            state_.rating_before = intent.number;
            count_rating(counted, metric::rating_before, intent.number);
            start_session(counted, now);
        } else {
            state_.rating_after = intent.number;
            count_rating(counted, metric::rating_after, intent.number);
            state_.screen = Screen::breathe_finished;
        }
        break;
    case Kind::skip_rating:
        if (screen == Screen::rating_before) {
            start_session(counted, now);
        } else if (screen == Screen::rating_after) {
            state_.screen = Screen::breathe_finished;
        }
        break;
    case Kind::choose_level:
        if (screen == Screen::checkin_level &&
            find_by_id(content_.checkin.levels, intent.id) != nullptr) {
            state_.level_id = intent.id;
            state_.topic_ids.clear();
            if (content_.checkin.topics.empty()) {
                show_suggestions(counted);
            } else {
                go(Screen::checkin_topics);
            }
        }
        break;
    case Kind::toggle_topic:
        if (screen == Screen::checkin_topics &&
            find_by_id(content_.checkin.topics, intent.id) != nullptr) {
            const bool was_selected = topic_selected(intent.id);
            std::vector<std::string> topics;
            for (const auto& topic : content_.checkin.topics) {
                const bool selected =
                    topic.id == intent.id ? !was_selected : topic_selected(topic.id);
                if (selected) {
                    topics.push_back(topic.id);
                }
            }
            state_.topic_ids = std::move(topics);
        }
        break;
    case Kind::confirm_topics:
        if (screen == Screen::checkin_topics) {
            show_suggestions(counted);
        }
        break;
    case Kind::skip_topics:
        if (screen == Screen::checkin_topics) {
            state_.topic_ids.clear();
            show_suggestions(counted);
        }
        break;
    case Kind::choose_suggestion: {
        const CheckinLevel* chosen_level = level();
        if (screen != Screen::checkin_suggestions || chosen_level == nullptr || intent.number < 0) {
            break;
        }
        const auto offered = offered_suggestions();
        if (std::find(offered.begin(), offered.end(), static_cast<std::size_t>(intent.number)) ==
            offered.end()) {
            break; // not on the screen: for topics not chosen, or a loop
        }
        const Suggestion& suggestion = chosen_level->suggestions[intent.number];
        if (!suggestion.exercise_id.empty() &&
            find_by_id(content_.exercises, suggestion.exercise_id) != nullptr) {
            state_.exercise_id = suggestion.exercise_id;
            go(Screen::breathe_choose_length);
        } else if (!suggestion.provider_id.empty() &&
                   find_by_id(content_.providers, suggestion.provider_id) != nullptr) {
            state_.provider_id = suggestion.provider_id;
            go(Screen::talk_provider);
            count_once(counted, metric::handoff_shown, suggestion.provider_id);
        } else if (suggestion.crisis_lines) {
            show_urgent(counted);
        }
        break;
    }
    case Kind::open_card: {
        if (screen != Screen::checkin_suggestions) {
            break;
        }
        const auto offered = offered_cards();
        const auto found = std::find_if(offered.begin(), offered.end(), [&](const TopicCard* card) {
            return card->id == intent.id;
        });
        if (found == offered.end()) {
            break; // not on the screen: for topics not chosen
        }
        state_.card_id = intent.id;
        go(Screen::topic_card);
        count_once(counted, metric::card_viewed, intent.id);
        break;
    }
    case Kind::open_peer_support: {
        if (screen != Screen::checkin_suggestions) {
            break;
        }
        const auto teams = peer_support_teams();
        if (std::none_of(teams.begin(), teams.end(),
                         [&](const Provider* team) { return team->id == intent.id; })) {
            break;
        }
        state_.provider_id = intent.id;
        go(Screen::peer_support_card);
        // Counted as the handoff it is: nothing about the card or the person's text.
        count_once(counted, metric::handoff_shown, intent.id);
        break;
    }
    case Kind::choose_provider:
        if (screen == Screen::talk_list && find_by_id(content_.providers, intent.id) != nullptr) {
            state_.provider_id = intent.id;
            go(Screen::talk_provider);
            count_once(counted, metric::handoff_shown, intent.id);
        }
        break;
    }
    note_attract(screen, now);
    return counted;
}

bool Flow::idle_applies() const {
    // A breathing session is not a touch: one walked away from ends like any other screen,
    // after asking "Still there?".
    return state_.screen != Screen::attract;
}

MonotonicMs Flow::idle_timeout_ms() const {
    switch (state_.screen) {
    case Screen::urgent:
    case Screen::checkin_suggestions:
    case Screen::topic_card:
    case Screen::peer_support_card:
    case Screen::talk_provider:
        return MonotonicMs{help_idle_timeout(content_)} * 1000;
    default:
        return MonotonicMs{content_.idle_timeout_seconds} * 1000;
    }
}

bool Flow::asks_still_there() const {
    switch (state_.screen) {
    case Screen::urgent:
    case Screen::checkin_suggestions:
    case Screen::topic_card:
    case Screen::peer_support_card:
    case Screen::talk_provider:
    case Screen::breathe_running:
    case Screen::rating_after:
    case Screen::breathe_finished:
        return true;
    default:
        return false;
    }
}

MonotonicMs Flow::fade_start() const {
    return last_touch_ + idle_timeout_ms() + (asks_still_there() ? still_there_ms : 0);
}

bool Flow::still_there(MonotonicMs now) const {
    return idle_applies() && asks_still_there() && now - last_touch_ >= idle_timeout_ms();
}

std::vector<std::size_t> Flow::offered_suggestions() const {
    std::vector<std::size_t> fitting;
    std::vector<std::size_t> general;
    const CheckinLevel* chosen = level();
    if (chosen == nullptr) {
        return fitting;
    }
    const bool crisis_lines_shown = is_most_serious_level();
    for (std::size_t i = 0; i < chosen->suggestions.size(); ++i) {
        const Suggestion& suggestion = chosen->suggestions[i];
        if (suggestion.crisis_lines && crisis_lines_shown) {
            continue;
        }
        if (suggestion.topics.empty()) {
            general.push_back(i);
        } else if (std::any_of(suggestion.topics.begin(), suggestion.topics.end(),
                               [&](const std::string& topic) { return topic_selected(topic); })) {
            fitting.push_back(i);
        }
    }
    fitting.insert(fitting.end(), general.begin(), general.end());
    return fitting;
}

std::vector<const TopicCard*> Flow::offered_cards() const {
    std::vector<const TopicCard*> offered;
    for (const auto& card : content_.topic_cards) {
        if (std::any_of(card.topics.begin(), card.topics.end(),
                        [&](const std::string& topic) { return topic_selected(topic); })) {
            offered.push_back(&card);
        }
    }
    return offered;
}

std::vector<const Provider*> Flow::peer_support_teams() const {
    std::vector<const Provider*> teams;
    for (const auto& provider : content_.providers) {
        if (provider.kind == "peer-support" && !provider.phone_24h.empty()) {
            teams.push_back(&provider);
        }
    }
    return teams;
}

const std::string& Flow::attract_locale(MonotonicMs now) const {
    // The default locale first, then the others in content order.
    const auto& locales = content_.locales;
    if (locales.size() < 2) {
        return content_.default_locale;
    }
    const auto turn = static_cast<std::size_t>(std::max<MonotonicMs>(0, now) / attract_breath_ms) %
                      locales.size();
    if (turn == 0) {
        return content_.default_locale;
    }
    std::size_t seen = 0;
    for (const auto& locale : locales) {
        if (locale.id == content_.default_locale) {
            continue;
        }
        if (++seen == turn) {
            return locale.id;
        }
    }
    return content_.default_locale;
}

MonotonicMs Flow::breathing_elapsed(MonotonicMs now) const {
    return to_ms(state_.session_time.session_elapsed(to_ns(now)));
}

bool Flow::pace_control_shown() const {
    return state_.screen == Screen::breathe_choose_length ||
           state_.screen == Screen::breathe_running;
}

std::vector<CounterKey> Flow::tick(MonotonicMs now) {
    std::vector<CounterKey> counted;
    const Screen before = state_.screen;
    if (state_.screen == Screen::breathe_running) {
        const Exercise* running = exercise();
        if (running == nullptr) {
            reset_to_attract();
            return counted;
        }
        const auto elapsed = to_ns(breathing_elapsed(now));
        const auto plan = plan_session(*running, state_.length_minutes);
        const MonotonicMs end = to_ms(state_.session_time.wall_time_of(plan.total_duration));
        // A session walked away from may end by idling before it ends by itself: whichever
        // came first (the window side may tick late) decides.
        if (breathing_state(*running, state_.length_minutes, elapsed).finished &&
            end < fade_start() + idle_fade_ms) {
            // The question again only for someone who answered it before: their change is the
            // point, and a person who skipped it is not asked twice.
            state_.screen = state_.rating_before ? Screen::rating_after : Screen::breathe_finished;
            counted.push_back({std::string(metric::breathing_completed), running->id});
        }
    }
    if (idle_applies() && now >= fade_start() + idle_fade_ms) {
        reset_to_attract();
    }
    if (state_.screen == Screen::attract && pending_content_) {
        reset_to_attract();
    }
    note_attract(before, now);
    return counted;
}

bool Flow::corner_tap(MonotonicMs now) {
    std::erase_if(corner_taps_,
                  [&](MonotonicMs tap) { return now - tap > maintenance_window_ms || tap > now; });
    corner_taps_.push_back(now);
    last_touch_ = now;
    if (static_cast<int>(corner_taps_.size()) < maintenance_taps) {
        return false;
    }
    corner_taps_.clear();
    apply(Intent::open_maintenance(), now);
    return true;
}

void Flow::offer_content(ContentDocument content, std::filesystem::path assets_dir) {
    pending_content_ = std::move(content);
    pending_assets_dir_ = std::move(assets_dir);
    if (state_.screen == Screen::attract) {
        reset_to_attract();
    }
}

double Flow::idle_fade(MonotonicMs now) const {
    if (!idle_applies()) {
        return 0.0;
    }
    const MonotonicMs into_fade = now - fade_start();
    if (into_fade <= 0) {
        return 0.0;
    }
    return std::min(1.0, static_cast<double>(into_fade) / static_cast<double>(idle_fade_ms));
}

bool Flow::animating(MonotonicMs now) const {
    return state_.screen == Screen::attract || state_.screen == Screen::breathe_running ||
           idle_fade(now) > 0.0;
}

std::optional<MonotonicMs> Flow::next_deadline(MonotonicMs now) const {
    if (!idle_applies()) {
        return std::nullopt;
    }
    const MonotonicMs prompt = last_touch_ + idle_timeout_ms();
    if (asks_still_there() && now < prompt) {
        return prompt;
    }
    return std::max(now, fade_start());
}

} // namespace wellness::kiosk
