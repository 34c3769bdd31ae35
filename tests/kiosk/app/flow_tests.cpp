#include "flow.hpp"
#include "flow_visit.hpp"
#include "sample_content.hpp"
#include "wellness/breathing.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace wellness;
using namespace wellness::kiosk;
using wellness::kiosk::testing::sample_content;

namespace {

using wellness::kiosk::testing::counter;
using wellness::kiosk::testing::Visit;

} // namespace

TEST_CASE("The kiosk starts on Attract and a tap shows Home and counts one visit", "[kiosk-flow]") {
    Visit visit;
    REQUIRE(visit.flow.screen() == Screen::attract);
    visit.tap(Intent::leave_attract());
    CHECK(visit.flow.screen() == Screen::home);
    CHECK(visit.counted == std::vector<CounterKey>{counter(metric::visit, "start")});
}

TEST_CASE("Intents that do not belong to the current screen change and count nothing",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::choose_tile(Tile::talk));
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.counted.empty());

    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_provider("eap")); // not on the provider list yet
    visit.tap(Intent::back());                 // Back never returns to Attract
    CHECK(visit.flow.screen() == Screen::home);
    CHECK(visit.counted.size() == 1);
}

TEST_CASE("A breathing session counts started, and completed only when it runs to its end",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::breathe));
    CHECK(visit.flow.screen() == Screen::breathe_choose_exercise);
    visit.tap(Intent::choose_exercise("box"));
    CHECK(visit.flow.screen() == Screen::breathe_choose_length);
    visit.tap(Intent::choose_length(2)); // not offered by this exercise
    CHECK(visit.flow.screen() == Screen::breathe_choose_length);
    visit.tap(Intent::choose_length(1));
    REQUIRE(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 1);

    const auto plan = plan_session(visit.flow.content().exercises[0], 1);
    const auto total_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(plan.total_duration).count();
    // Longer than the idle timeout: "Still there?" shows before the end, but nobody has to
    // answer it for a one-minute session to run to its end.
    REQUIRE(total_ms > 60000);
    REQUIRE(total_ms < 60000 + still_there_ms);
    visit.wait(total_ms - 1);
    CHECK(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.count_of(counter(metric::breathing_completed, "box")) == 0);
    visit.wait(1);
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(visit.count_of(counter(metric::breathing_completed, "box")) == 1);

    visit.tap(Intent::again());
    CHECK(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 2);
}

TEST_CASE("Stopping a breathing session early never counts it as completed", "[kiosk-flow]") {
    for (const auto& stop : {Intent::back(), Intent::done(), Intent::open_urgent()}) {
        Visit visit;
        visit.tap(Intent::leave_attract());
        visit.tap(Intent::choose_tile(Tile::breathe));
        visit.tap(Intent::choose_exercise("sigh"));
        visit.tap(Intent::choose_length(3));
        visit.wait(60000);
        visit.tap(stop);
        CHECK(visit.flow.screen() != Screen::breathe_running);
        visit.wait(10 * 60000);
        visit.tap(Intent::back());
        CHECK(visit.flow.screen() != Screen::breathe_running);
        visit.wait(10 * 60000);
        CHECK(visit.count_of(counter(metric::breathing_started, "sigh")) == 1);
        CHECK(visit.count_of(counter(metric::breathing_completed, "sigh")) == 0);
    }
}

TEST_CASE("A check-in counts its level and each topic separately when suggestions show",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("reacting"));
    REQUIRE(visit.flow.screen() == Screen::checkin_topics);
    visit.tap(Intent::toggle_topic("family"));
    visit.tap(Intent::toggle_topic("sleep"));
    visit.tap(Intent::toggle_topic("workload"));
    visit.tap(Intent::toggle_topic("workload")); // changed their mind
    visit.tap(Intent::toggle_topic("nonsense"));
    CHECK(visit.flow.state().topic_ids == std::vector<std::string>{"sleep", "family"});
    // Nothing is counted until the suggestions are shown.
    CHECK(visit.counted.size() == 1);
    visit.tap(Intent::confirm_topics());
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    CHECK(visit.counted == std::vector<CounterKey>{counter(metric::visit, "start"),
                                                   counter(metric::checkin_level, "reacting"),
                                                   counter(metric::checkin_topic, "sleep"),
                                                   counter(metric::checkin_topic, "family")});
    // Going back and confirming again does not count the same choices twice in one visit.
    visit.tap(Intent::back());
    visit.tap(Intent::confirm_topics());
    CHECK(visit.counted.size() == 4);
}

TEST_CASE("Skipping topics counts only the level", "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("healthy"));
    visit.tap(Intent::toggle_topic("sleep"));
    visit.tap(Intent::skip_topics());
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    CHECK(visit.flow.state().topic_ids.empty());
    CHECK(visit.counted == std::vector<CounterKey>{counter(metric::visit, "start"),
                                                   counter(metric::checkin_level, "healthy")});
}

TEST_CASE("The most serious check-in level shows and counts the crisis lines", "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::skip_topics());
    CHECK(visit.flow.is_most_serious_level());
    CHECK(visit.count_of(counter(metric::crisis_viewed, "list")) == 1);

    Visit calmer;
    calmer.tap(Intent::leave_attract());
    calmer.tap(Intent::choose_tile(Tile::checkin));
    calmer.tap(Intent::choose_level("injured"));
    calmer.tap(Intent::skip_topics());
    CHECK_FALSE(calmer.flow.is_most_serious_level());
    CHECK(calmer.count_of(counter(metric::crisis_viewed, "list")) == 0);
}

TEST_CASE("A check-in goes straight to suggestions when the content has no topics",
          "[kiosk-flow]") {
    auto content = sample_content();
    content.checkin.topics.clear();
    Flow flow(content, 0);
    flow.apply(Intent::leave_attract(), 1);
    flow.apply(Intent::choose_tile(Tile::checkin), 2);
    auto counted = flow.apply(Intent::choose_level("healthy"), 3);
    CHECK(flow.screen() == Screen::checkin_suggestions);
    CHECK(counted == std::vector<CounterKey>{counter(metric::checkin_level, "healthy")});
}

TEST_CASE("Suggestions lead to their exercise, provider or the crisis lines", "[kiosk-flow]") {
    auto to_suggestions = [](Visit& visit) {
        visit.tap(Intent::leave_attract());
        visit.tap(Intent::choose_tile(Tile::checkin));
        visit.tap(Intent::choose_level("injured"));
        visit.tap(Intent::skip_topics());
    };
    Visit breathe;
    to_suggestions(breathe);
    breathe.tap(Intent::choose_suggestion(0));
    CHECK(breathe.flow.screen() == Screen::breathe_choose_length);
    CHECK(breathe.flow.exercise()->id == "box");

    Visit talk;
    to_suggestions(talk);
    talk.tap(Intent::choose_suggestion(1));
    CHECK(talk.flow.screen() == Screen::talk_provider);
    CHECK(talk.flow.provider()->id == "peer");
    CHECK(talk.count_of(counter(metric::handoff_shown, "peer")) == 1);
    talk.tap(Intent::back());
    CHECK(talk.flow.screen() == Screen::checkin_suggestions);

    Visit crisis;
    to_suggestions(crisis);
    crisis.tap(Intent::choose_suggestion(2));
    CHECK(crisis.flow.screen() == Screen::urgent);
    CHECK(crisis.count_of(counter(metric::crisis_viewed, "list")) == 1);
    crisis.tap(Intent::choose_suggestion(7)); // out of range, and not on suggestions
    CHECK(crisis.flow.screen() == Screen::urgent);
}

TEST_CASE("Showing a provider's QR counts handoff.shown for that provider", "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::talk));
    visit.tap(Intent::choose_provider("nobody"));
    CHECK(visit.flow.screen() == Screen::talk_list);
    visit.tap(Intent::choose_provider("eap"));
    CHECK(visit.flow.screen() == Screen::talk_provider);
    CHECK(visit.flow.provider()->booking_url == "https://eap.example.org/book");
    visit.tap(Intent::back());
    visit.tap(Intent::choose_provider("peer"));
    CHECK(visit.count_of(counter(metric::handoff_shown, "eap")) == 1);
    CHECK(visit.count_of(counter(metric::handoff_shown, "peer")) == 1);
}

TEST_CASE("Urgent help is one tap from every screen and Back returns where the person was",
          "[kiosk-flow]") {
    Visit from_attract;
    from_attract.tap(Intent::open_urgent());
    CHECK(from_attract.flow.screen() == Screen::urgent);
    CHECK(from_attract.counted == std::vector<CounterKey>{counter(metric::visit, "start"),
                                                          counter(metric::crisis_viewed, "list")});
    // Issue 14: Back did nothing here. Attract is nobody's place to go back to: Home is.
    from_attract.tap(Intent::back());
    CHECK(from_attract.flow.screen() == Screen::home);
    from_attract.tap(Intent::back());
    CHECK(from_attract.flow.screen() == Screen::home);
    CHECK(from_attract.count_of(counter(metric::visit, "start")) == 1);

    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("healthy"));
    visit.tap(Intent::open_urgent());
    CHECK(visit.flow.screen() == Screen::urgent);
    visit.tap(Intent::open_urgent());
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::checkin_topics);
    CHECK(visit.flow.state().level_id == "healthy");

    Visit from_home;
    from_home.tap(Intent::leave_attract());
    from_home.tap(Intent::choose_tile(Tile::urgent));
    CHECK(from_home.flow.screen() == Screen::urgent);
}

TEST_CASE("Done returns to Attract and forgets every choice of the visit", "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_locale("es"));
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::toggle_topic("sleep"));
    visit.tap(Intent::done());
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.state().history.empty());
    CHECK(visit.flow.state().level_id.empty());
    CHECK(visit.flow.state().topic_ids.empty());
    CHECK(visit.flow.state().counted_this_visit.empty());
    CHECK(visit.flow.locale() == "en");
    // The next person's visit counts again, once Attract has rested (changed for privacy,
    // issue 11: before, any tap after Done counted a new visit).
    visit.wait(default_visit_rest_ms);
    visit.tap(Intent::leave_attract());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 2);
}

TEST_CASE("One person tapping Done and starting again six times is one visit", "[kiosk-flow]") {
    // Issue 11, break 4: pooling counted taps, so one person reached k on their own.
    Visit visit;
    for (int round = 0; round < 6; ++round) {
        visit.tap(Intent::leave_attract());
        visit.tap(Intent::choose_tile(Tile::checkin));
        visit.tap(Intent::choose_level("ill"));
        visit.tap(Intent::skip_topics());
        visit.tap(Intent::done());
        visit.wait(default_visit_rest_ms - 10000); // back well before Attract has rested
    }
    CHECK(visit.count_of(counter(metric::visit, "start")) == 1);
    // Their choices still count, each time, as marginals.
    CHECK(visit.count_of(counter(metric::checkin_level, "ill")) == 6);
}

TEST_CASE("A visit counts only once Attract has rested untouched for the set time",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::done());
    visit.wait(default_visit_rest_ms - 600); // the tap below comes 100 ms short of the rest
    visit.tap(Intent::open_urgent());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 1);
    visit.tap(Intent::done());
    visit.wait(default_visit_rest_ms);
    visit.tap(Intent::open_urgent());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 2);

    // An idle visit fading back to Attract starts the rest at the fade's end, not at the
    // last touch.
    Visit idle;
    idle.tap(Intent::leave_attract());
    const MonotonicMs timeout = MonotonicMs{idle.flow.content().idle_timeout_seconds} * 1000;
    idle.wait(timeout + idle_fade_ms);
    REQUIRE(idle.flow.screen() == Screen::attract);
    idle.wait(default_visit_rest_ms - 1000);
    idle.tap(Intent::leave_attract());
    CHECK(idle.count_of(counter(metric::visit, "start")) == 1);
}

TEST_CASE("The rest before a new visit is the content's visit_rest_seconds", "[kiosk-flow]") {
    ContentDocument content = sample_content();
    content.visit_rest_seconds = 300;
    Visit visit(content);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::done());
    visit.wait(default_visit_rest_ms + 10000); // past the default, short of this content's rest
    visit.tap(Intent::leave_attract());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 1);
    visit.tap(Intent::done());
    visit.wait(300 * 1000);
    visit.tap(Intent::leave_attract());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 2);
}

TEST_CASE("The language switches only on Home and resets to the default on Attract",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    CHECK(visit.flow.ui("done") == "done en");
    visit.tap(Intent::choose_locale("fr")); // not in the content
    CHECK(visit.flow.locale() == "en");
    visit.tap(Intent::choose_locale("es"));
    CHECK(visit.flow.locale() == "es");
    CHECK(visit.flow.ui("done") == "done es");
    CHECK(visit.flow.text(visit.flow.content().attract_text) == "Tómese un minuto. Toque.");
    visit.tap(Intent::choose_tile(Tile::talk));
    visit.tap(Intent::choose_locale("en"));
    CHECK(visit.flow.locale() == "es");
    visit.wait(61000 + idle_fade_ms);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.locale() == "en");
}

TEST_CASE("An idle visit fades out after the content's timeout and is forgotten", "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::talk));
    CHECK_FALSE(visit.flow.animating(visit.now));
    CHECK(visit.flow.next_deadline(visit.now) == visit.now + 60000);

    visit.wait(59999);
    CHECK(visit.flow.screen() == Screen::talk_list);
    CHECK(visit.flow.idle_fade(visit.now) == 0.0);
    // A touch keeps the visit alive.
    visit.tap(Intent::touch());
    visit.wait(60000 + idle_fade_ms / 2);
    CHECK(visit.flow.screen() == Screen::talk_list);
    CHECK_FALSE(visit.flow.still_there(visit.now)); // a list of choices just fades
    CHECK(visit.flow.idle_fade(visit.now) == Approx(0.5).margin(0.01));
    CHECK(visit.flow.animating(visit.now));
    visit.wait(idle_fade_ms / 2);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.state().history.empty());
    CHECK(visit.flow.idle_fade(visit.now) == 0.0);
}

TEST_CASE("Urgent help, suggestions and a QR ask \"Still there?\" after their longer idle time "
          "before they reset",
          "[kiosk-flow]") {
    auto content = sample_content();
    content.idle_timeout_seconds = 45;
    content.help_idle_timeout_seconds = 240;
    const auto open = [](Visit& visit, Screen screen) {
        visit.tap(Intent::leave_attract());
        if (screen == Screen::urgent) {
            visit.tap(Intent::choose_tile(Tile::urgent));
        } else if (screen == Screen::talk_provider) {
            visit.tap(Intent::choose_tile(Tile::talk));
            visit.tap(Intent::choose_provider("eap"));
        } else {
            visit.tap(Intent::choose_tile(Tile::checkin));
            visit.tap(Intent::choose_level("ill"));
            visit.tap(Intent::toggle_topic("sleep"));
            visit.tap(Intent::confirm_topics());
        }
        REQUIRE(visit.flow.screen() == screen);
    };
    for (const Screen screen :
         {Screen::urgent, Screen::checkin_suggestions, Screen::talk_provider}) {
        INFO(to_string(screen));
        Visit visit(content);
        open(visit, screen);
        // The window may sleep until the prompt is due: nothing animates before it.
        CHECK_FALSE(visit.flow.animating(visit.now));
        CHECK(visit.flow.next_deadline(visit.now) == visit.now + 240000);
        visit.wait(240000 - 1);
        CHECK_FALSE(visit.flow.still_there(visit.now));
        visit.wait(1);
        CHECK(visit.flow.still_there(visit.now));
        CHECK(visit.flow.screen() == screen); // nothing is gone yet
        CHECK(visit.flow.idle_fade(visit.now) == 0.0);
        CHECK(visit.flow.next_deadline(visit.now) == visit.now + still_there_ms);
        // Any touch answers it; the screen stays as it was.
        visit.wait(still_there_ms - 1);
        CHECK(visit.flow.idle_fade(visit.now) == 0.0);
        visit.tap(Intent::touch());
        CHECK_FALSE(visit.flow.still_there(visit.now));
        CHECK(visit.flow.screen() == screen);
        // Unanswered, it fades and forgets.
        visit.wait(240000 + still_there_ms);
        CHECK(visit.flow.still_there(visit.now));
        CHECK(visit.flow.idle_fade(visit.now) == 0.0);
        visit.wait(idle_fade_ms / 2);
        CHECK(visit.flow.idle_fade(visit.now) == Approx(0.5).margin(0.01));
        visit.wait(idle_fade_ms / 2);
        CHECK(visit.flow.screen() == Screen::attract);
        CHECK(visit.flow.state().level_id.empty());
        CHECK(visit.flow.state().provider_id.empty());
        CHECK_FALSE(visit.flow.still_there(visit.now));
    }

    SECTION("without a help idle time in the content it is 180 s, or the idle time if longer") {
        auto plain = sample_content();
        Visit visit(plain);
        open(visit, Screen::urgent);
        CHECK(visit.flow.idle_timeout_ms() == 180000);
        plain.idle_timeout_seconds = 300;
        Visit patient(plain);
        open(patient, Screen::urgent);
        CHECK(patient.flow.idle_timeout_ms() == 300000);
    }
}

TEST_CASE("A breathing session walked away from ends and returns to Attract; a touch keeps it",
          "[kiosk-flow]") {
    // Issue 14: a five-minute session stayed up 5:04 for the next person to walk in on.
    auto content = sample_content();
    content.idle_timeout_seconds = 30;
    Visit visit(content);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(5));
    REQUIRE(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.flow.next_deadline(visit.now) == visit.now + 30000);
    // Someone breathing along answers "Still there?" with a touch and goes on.
    visit.wait(30000);
    CHECK(visit.flow.still_there(visit.now));
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.tap(Intent::touch());
    CHECK_FALSE(visit.flow.still_there(visit.now));
    // Then they walk away: a session is not a touch.
    visit.wait(30000 + still_there_ms + idle_fade_ms - 1);
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.wait(1);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.state().exercise_id.empty());
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 1);
    CHECK(visit.count_of(counter(metric::breathing_completed, "box")) == 0);

    SECTION("the window side ticking late does not let a session outlive its idle time") {
        Flow flow(content, 0);
        flow.apply(Intent::leave_attract(), 0);
        flow.apply(Intent::choose_tile(Tile::breathe), 0);
        flow.apply(Intent::choose_exercise("box"), 0);
        flow.apply(Intent::choose_length(5), 0);
        const auto added = flow.tick(10 * 60000);
        CHECK(flow.screen() == Screen::attract);
        CHECK(added.empty()); // it never ran to its end
    }
}

TEST_CASE("A breathing session's end is not a touch: idle time runs from the last touch",
          "[kiosk-flow]") {
    auto content = sample_content();
    content.idle_timeout_seconds = 30;
    Flow flow(content, 0);
    flow.apply(Intent::leave_attract(), 0);
    flow.apply(Intent::choose_tile(Tile::breathe), 0);
    flow.apply(Intent::choose_exercise("box"), 0);
    flow.apply(Intent::choose_length(1), 0);
    const auto total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              plan_session(content.exercises[0], 1).total_duration)
                              .count();
    flow.apply(Intent::touch(), total_ms - 20000); // answered "Still there?" near the end
    flow.tick(total_ms);
    CHECK(flow.screen() == Screen::breathe_finished);
    CHECK(flow.still_there(total_ms + 10000));
    flow.tick(total_ms + 10000 + still_there_ms + idle_fade_ms - 1);
    CHECK(flow.screen() == Screen::breathe_finished);
    flow.tick(total_ms + 10000 + still_there_ms + idle_fade_ms);
    CHECK(flow.screen() == Screen::attract);
}

TEST_CASE("New content is swapped in only on Attract, never under someone's finger",
          "[kiosk-flow]") {
    Visit visit;
    auto updated = sample_content();
    updated.attract_text = testing::both("New words", "Palabras nuevas");
    updated.providers.pop_back();

    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::talk));
    visit.flow.offer_content(updated);
    visit.tick();
    CHECK(visit.flow.content_pending());
    CHECK(visit.flow.content().providers.size() == 2);
    CHECK(visit.flow.content_generation() == 0);
    visit.tap(Intent::choose_provider("peer"));
    CHECK(visit.flow.provider() != nullptr);

    visit.tap(Intent::done());
    CHECK_FALSE(visit.flow.content_pending());
    CHECK(visit.flow.content_generation() == 1);
    CHECK(visit.flow.text(visit.flow.content().attract_text) == "New words");

    // On Attract the swap is immediate.
    visit.flow.offer_content(sample_content());
    CHECK(visit.flow.content_generation() == 2);
    CHECK(visit.flow.content().providers.size() == 2);
}

TEST_CASE("Five quick taps in the hidden corner open the maintenance screen", "[kiosk-flow]") {
    Flow flow(sample_content(), 0);
    MonotonicMs now = 0;
    for (int i = 0; i < 4; ++i) {
        CHECK_FALSE(flow.corner_tap(now += 1000)); // too slow: only 3 s count
    }
    CHECK_FALSE(flow.corner_tap(now += 1000));
    CHECK(flow.screen() == Screen::attract);
    now += maintenance_window_ms + 1;
    for (int i = 0; i < 4; ++i) {
        CHECK_FALSE(flow.corner_tap(now += 400));
    }
    CHECK(flow.corner_tap(now += 400));
    CHECK(flow.screen() == Screen::maintenance);
    CHECK(flow.apply(Intent::back(), now).empty());
    CHECK(flow.screen() == Screen::attract);
}

TEST_CASE("Only Attract, the breathing session and a fade animate", "[kiosk-flow]") {
    Visit visit;
    CHECK(visit.flow.animating(visit.now));
    visit.tap(Intent::leave_attract());
    CHECK_FALSE(visit.flow.animating(visit.now));
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::choose_exercise("box"));
    CHECK_FALSE(visit.flow.animating(visit.now));
    visit.tap(Intent::choose_length(1));
    CHECK(visit.flow.animating(visit.now));
    // "Still there?" shows without animating.
    visit.wait(60000);
    REQUIRE(visit.flow.still_there(visit.now));
    CHECK(visit.flow.animating(visit.now)); // the session still runs under it
    visit.tap(Intent::home());
    visit.tap(Intent::choose_tile(Tile::urgent));
    REQUIRE(visit.flow.screen() == Screen::urgent);
    visit.wait(180000);
    REQUIRE(visit.flow.still_there(visit.now));
    CHECK_FALSE(visit.flow.animating(visit.now));
}

TEST_CASE("Offered content's assets dir becomes active together with its document",
          "[kiosk-flow]") {
    Flow flow(sample_content(), 0, "/cache/v1/assets");
    CHECK(flow.assets_dir() == "/cache/v1/assets");
    flow.apply(Intent::leave_attract(), 500);
    flow.offer_content(sample_content(), "/cache/v2/assets");
    CHECK(flow.assets_dir() == "/cache/v1/assets"); // old images stay with the old document
    flow.apply(Intent::done(), 1000);
    CHECK(flow.content_generation() == 1);
    CHECK(flow.assets_dir() == "/cache/v2/assets");
}

TEST_CASE("Home starts over for the same person in their language; Done forgets it too",
          "[kiosk-flow]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_locale("es"));
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::toggle_topic("sleep"));
    visit.tap(Intent::confirm_topics());
    REQUIRE(visit.flow.screen() == Screen::checkin_suggestions);
    visit.tap(Intent::home());
    CHECK(visit.flow.screen() == Screen::home);
    CHECK(visit.flow.locale() == "es");
    CHECK(visit.flow.ui("done") == "done es");
    CHECK(visit.flow.state().level_id.empty());
    CHECK(visit.flow.state().topic_ids.empty());
    CHECK(visit.flow.state().history.empty());
    visit.tap(Intent::back()); // nothing behind Home
    CHECK(visit.flow.screen() == Screen::home);
    // Still the same visit: nothing counts twice.
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::skip_topics());
    CHECK(visit.count_of(counter(metric::visit, "start")) == 1);
    CHECK(visit.count_of(counter(metric::crisis_viewed, "list")) == 1);
    CHECK(visit.count_of(counter(metric::checkin_level, "ill")) == 1);
    // Home from a breathing session stops it, uncompleted.
    visit.tap(Intent::home());
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(1));
    visit.tap(Intent::home());
    CHECK(visit.flow.screen() == Screen::home);
    visit.wait(5 * 60000);
    CHECK(visit.count_of(counter(metric::breathing_completed, "box")) == 0);
    // Done keeps nothing, not even the language.
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_locale("es"));
    visit.tap(Intent::done());
    CHECK(visit.flow.locale() == "en");
    CHECK(visit.flow.apply(Intent::home(), visit.now).empty()); // not from Attract
    CHECK(visit.flow.screen() == Screen::attract);
}

TEST_CASE("Attract shows every locale's line in turn; a visit still starts in the default",
          "[kiosk-flow]") {
    Flow flow(sample_content(), 0);
    CHECK(flow.attract_locale(0) == "en");
    CHECK(flow.attract_locale(attract_breath_ms - 1) == "en");
    CHECK(flow.attract_locale(attract_breath_ms) == "es");
    CHECK(flow.attract_locale(2 * attract_breath_ms) == "en");
    // The same for everyone: it depends on the clock only, not on anyone's choice.
    flow.apply(Intent::leave_attract(), 500);
    flow.apply(Intent::choose_locale("es"), 600);
    flow.apply(Intent::done(), 700);
    CHECK(flow.attract_locale(800) == "en");
    // A tap while the Spanish line shows: half of all taps would land in a language the
    // person did not choose.
    REQUIRE(flow.attract_locale(attract_breath_ms + 100) == "es");
    flow.apply(Intent::leave_attract(), attract_breath_ms + 100);
    CHECK(flow.locale() == "en");
    flow.apply(Intent::done(), attract_breath_ms + 200);
    flow.apply(Intent::open_urgent(), 3 * attract_breath_ms);
    CHECK(flow.screen() == Screen::urgent);
    CHECK(flow.locale() == "en");

    SECTION("the default locale first, the others in content order") {
        auto content = sample_content();
        content.locales = {{"es", "Español"}, {"fr", "Français"}, {"en", "English"}};
        content.default_locale = "en";
        Flow three(content, 0);
        CHECK(three.attract_locale(0) == "en");
        CHECK(three.attract_locale(attract_breath_ms) == "es");
        CHECK(three.attract_locale(2 * attract_breath_ms) == "fr");
        CHECK(three.attract_locale(3 * attract_breath_ms) == "en");
    }
}

TEST_CASE("Kiosk words a document leaves out come from the kiosk, in the visit's language",
          "[kiosk-flow]") {
    Visit visit;
    REQUIRE(visit.flow.content().ui.count("home") == 0);
    visit.tap(Intent::leave_attract());
    CHECK(visit.flow.ui("home") == "Home");
    CHECK(visit.flow.ui("still_there") == "Still there?");
    visit.tap(Intent::choose_locale("es"));
    CHECK(visit.flow.ui("home") == "Inicio");
    CHECK(visit.flow.ui("still_there") == "¿Sigues ahí?");
    auto content = sample_content();
    content.ui["home"] = testing::both("Start", "Comienzo");
    Visit own(content);
    own.tap(Intent::leave_attract());
    CHECK(own.flow.ui("home") == "Start");
}

namespace {

ContentDocument content_with_topic_rules() {
    auto content = sample_content();
    auto& reacting = content.checkin.levels[1];
    Suggestion sleep;
    sleep.text = testing::both("Sleep: try the sigh before bed", "Sueño");
    sleep.exercise_id = "sigh";
    sleep.topics = {"sleep"};
    Suggestion home_life;
    home_life.text = testing::both("Family or workload: the EAP helps", "Familia");
    home_life.provider_id = "eap";
    home_life.topics = {"family", "workload"};
    // General, sleep, general, general, home life.
    reacting.suggestions.insert(reacting.suggestions.begin() + 1, sleep);
    reacting.suggestions.push_back(home_life);
    return content;
}

} // namespace

TEST_CASE("Suggestions follow the chosen topics: those that fit come first, others stay away",
          "[kiosk-flow]") {
    // Issue 14: topics were asked for and then ignored.
    const auto offered_after = [](const std::vector<std::string>& topics) {
        Visit visit(content_with_topic_rules());
        visit.tap(Intent::leave_attract());
        visit.tap(Intent::choose_tile(Tile::checkin));
        visit.tap(Intent::choose_level("reacting"));
        for (const auto& topic : topics) {
            visit.tap(Intent::toggle_topic(topic));
        }
        visit.tap(topics.empty() ? Intent::skip_topics() : Intent::confirm_topics());
        REQUIRE(visit.flow.screen() == Screen::checkin_suggestions);
        return visit.flow.offered_suggestions();
    };
    CHECK(offered_after({}) == std::vector<std::size_t>{0, 2, 3});
    CHECK(offered_after({"sleep"}) == std::vector<std::size_t>{1, 0, 2, 3});
    CHECK(offered_after({"workload"}) == std::vector<std::size_t>{4, 0, 2, 3});
    CHECK(offered_after({"family", "sleep"}) == std::vector<std::size_t>{1, 4, 0, 2, 3});

    SECTION("a suggestion for a topic not chosen cannot be chosen") {
        Visit visit(content_with_topic_rules());
        visit.tap(Intent::leave_attract());
        visit.tap(Intent::choose_tile(Tile::checkin));
        visit.tap(Intent::choose_level("reacting"));
        visit.tap(Intent::toggle_topic("family"));
        visit.tap(Intent::confirm_topics());
        visit.tap(Intent::choose_suggestion(1)); // the sleep one
        CHECK(visit.flow.screen() == Screen::checkin_suggestions);
        visit.tap(Intent::choose_suggestion(4));
        CHECK(visit.flow.screen() == Screen::talk_provider);
        CHECK(visit.count_of(counter(metric::handoff_shown, "eap")) == 1);
        // Counting stays marginal: the topic on its own, never with the suggestion taken.
        CHECK(visit.count_of(counter(metric::checkin_topic, "family")) == 1);
    }
}

TEST_CASE("The most serious level shows the crisis lines once, with no suggestion leading back "
          "to them",
          "[kiosk-flow]") {
    // Issue 14: the first item under the crisis cards only reopened the same numbers.
    Visit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("ill"));
    visit.tap(Intent::skip_topics());
    const auto& suggestions = visit.flow.level()->suggestions;
    REQUIRE(suggestions[2].crisis_lines);
    CHECK(visit.flow.offered_suggestions() == std::vector<std::size_t>{0, 1});
    visit.tap(Intent::choose_suggestion(2));
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    // On the other levels the crisis lines are not on screen: there the suggestion leads to them.
    Visit other;
    other.tap(Intent::leave_attract());
    other.tap(Intent::choose_tile(Tile::checkin));
    other.tap(Intent::choose_level("injured"));
    other.tap(Intent::skip_topics());
    CHECK(other.flow.offered_suggestions() == std::vector<std::size_t>{0, 1, 2});
    other.tap(Intent::choose_suggestion(2));
    CHECK(other.flow.screen() == Screen::urgent);
}

TEST_CASE("The text-size and contrast switches are one person's: Home keeps them, Done and the "
          "idle reset forget them, and they count nothing",
          "[kiosk-flow][privacy]") {
    Visit visit;
    visit.tap(Intent::toggle_large_text()); // on Attract: nothing to switch
    CHECK_FALSE(visit.flow.large_text());
    visit.tap(Intent::leave_attract());
    const auto counted_before = visit.counted.size();
    visit.tap(Intent::toggle_large_text());
    visit.tap(Intent::toggle_high_contrast());
    CHECK(visit.flow.large_text());
    CHECK(visit.flow.high_contrast());
    CHECK(visit.counted.size() == counted_before);
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::home());
    CHECK(visit.flow.large_text());
    CHECK(visit.flow.high_contrast());
    visit.tap(Intent::done());
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK_FALSE(visit.flow.large_text());
    CHECK_FALSE(visit.flow.high_contrast());
    // The next person walks away with them on: the idle reset forgets them too.
    visit.wait(120000);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::toggle_high_contrast());
    visit.tap(Intent::toggle_large_text());
    visit.wait(10 * 60 * 1000);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK_FALSE(visit.flow.large_text());
    CHECK_FALSE(visit.flow.high_contrast());
}

TEST_CASE("The sound switch silences the breathing tones for one person: Home keeps it, Done and "
          "the idle reset turn the tones back on, and it counts nothing",
          "[kiosk-flow][privacy]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    REQUIRE(visit.flow.sound_on());
    // Home plays no tone, so it has no switch and the intent changes nothing there.
    CHECK_FALSE(visit.flow.sound_switch_shown());
    visit.tap(Intent::toggle_sound());
    CHECK(visit.flow.sound_on());
    visit.tap(Intent::choose_tile(Tile::breathe));
    const auto counted_before = visit.counted.size();
    CHECK(visit.flow.sound_switch_shown());
    visit.tap(Intent::toggle_sound());
    CHECK_FALSE(visit.flow.sound_on());
    CHECK(visit.counted.size() == counted_before);
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(1));
    REQUIRE(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.flow.sound_switch_shown());
    CHECK_FALSE(visit.flow.sound_on());
    visit.tap(Intent::toggle_sound()); // and on again, mid-session
    CHECK(visit.flow.sound_on());
    visit.tap(Intent::toggle_sound());
    visit.tap(Intent::home());
    CHECK_FALSE(visit.flow.sound_on());
    visit.tap(Intent::done());
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.sound_on());
    // The next person silences it and walks away during a session.
    visit.wait(120000);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::toggle_sound());
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(1));
    REQUIRE_FALSE(visit.flow.sound_on());
    visit.wait(10 * 60 * 1000);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.sound_on());
}

TEST_CASE("Content without tones shows no sound switch anywhere", "[kiosk-flow]") {
    ContentDocument content = sample_content();
    content.tone_enabled = false;
    Visit visit(content);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::breathe));
    CHECK_FALSE(visit.flow.sound_switch_shown());
    CHECK_FALSE(visit.flow.sound_on());
    visit.tap(Intent::toggle_sound());
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(1));
    CHECK_FALSE(visit.flow.sound_switch_shown());
    CHECK_FALSE(visit.flow.sound_on());
}

TEST_CASE("A person slows the breathing down or speeds it up: the circle goes on from where it "
          "is, the session ends later or sooner, and the pace counts nothing",
          "[kiosk-flow][privacy]") {
    Visit visit;
    visit.tap(Intent::leave_attract());
    // Nowhere but choosing a length and the session itself.
    CHECK_FALSE(visit.flow.pace_control_shown());
    visit.tap(Intent::slower());
    CHECK(visit.flow.state().pace_percent == 100);
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::choose_exercise("box"));
    REQUIRE(visit.flow.pace_control_shown());
    const auto counted_before = visit.counted.size();
    visit.tap(Intent::slower());
    visit.tap(Intent::slower());
    visit.tap(Intent::slower()); // the slowest step stays
    CHECK(visit.flow.state().pace_percent == 80);
    CHECK(visit.counted.size() == counted_before);
    visit.tap(Intent::choose_length(1));
    REQUIRE(visit.flow.screen() == Screen::breathe_running);
    const MonotonicMs started = visit.now;

    // 10 s on the wall at 80 % is 8 s of the exercise.
    visit.wait(10000);
    CHECK(visit.flow.breathing_elapsed(visit.now) == 8000);
    visit.tap(Intent::faster()); // 500 ms later: 8.4 s in
    CHECK(visit.flow.state().pace_percent == 90);
    CHECK(visit.flow.breathing_elapsed(visit.now) == 8400);
    visit.wait(1000);
    CHECK(visit.flow.breathing_elapsed(visit.now) == 9300);
    CHECK(visit.counted.size() == counted_before + 1); // breathing.started only

    // The session ends when the exercise's own time has run its plan: later on the wall.
    const auto plan = plan_session(visit.flow.content().exercises[0], 1);
    const MonotonicMs plan_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(plan.total_duration).count();
    const MonotonicMs change_at = started + 10500;
    const MonotonicMs end = change_at + ((plan_ms - 8400) * 100 + 89) / 90;
    // Someone is still there, touching now and then.
    while (visit.now + 20000 < end) {
        visit.wait(19500);
        visit.tap(Intent::touch());
    }
    visit.wait(end - 1 - visit.now);
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.wait(1);
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(end - started > plan_ms); // slower than written

    // Again and Home keep this person's pace; Done forgets it.
    visit.tap(Intent::again());
    CHECK(visit.flow.state().pace_percent == 90);
    CHECK(visit.flow.breathing_elapsed(visit.now + 1000) == 900);
    visit.tap(Intent::home());
    CHECK(visit.flow.state().pace_percent == 90);
    visit.tap(Intent::done());
    CHECK(visit.flow.state().pace_percent == 100);
}
