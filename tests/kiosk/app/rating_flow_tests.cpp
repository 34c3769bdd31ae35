// The before / after stress rating through the kiosk's flow: which screens it adds, what it
// counts (two separate histograms, never a pair), and that Done, Home, Again and walking away
// forget it.

#include "flow.hpp"
#include "flow_visit.hpp"
#include "sample_content.hpp"
#include "screens.hpp"
#include "wellness/breathing.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>

using namespace wellness;
using namespace wellness::kiosk;
using wellness::kiosk::testing::sample_content;
using wellness::kiosk::testing::sample_content_with_rating;

namespace {

using wellness::kiosk::testing::counter;

// A visit with the rating in content, and the steps to its screens.
struct RatingVisit : wellness::kiosk::testing::Visit {
    explicit RatingVisit(ContentDocument content = sample_content_with_rating())
        : Visit(std::move(content)) {}
    // Home, Breathe, box, one minute: the rating question before the session.
    void to_rating_before() {
        tap(Intent::leave_attract());
        tap(Intent::choose_tile(Tile::breathe));
        tap(Intent::choose_exercise("box"));
        tap(Intent::choose_length(1));
    }
    // The one-minute box session's exact length (core's plan).
    MonotonicMs session_ms() const {
        const auto plan = plan_session(*flow.exercise(), 1);
        return std::chrono::duration_cast<std::chrono::milliseconds>(plan.total_duration).count();
    }
};

} // namespace

TEST_CASE("With a stress rating in content, choosing a length asks how stressed the person feels "
          "before the session starts",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    CHECK(visit.flow.screen() == Screen::rating_before);
    // The session has not started: nothing about breathing is counted yet.
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 0);
    visit.tap(Intent::rate(7));
    CHECK(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.count_of(counter(metric::rating_before, "7")) == 1);
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 1);
}

TEST_CASE("After the session the same question comes again, then the person sees their own "
          "change, counted as two separate ratings",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::rate(7));
    const MonotonicMs length = visit.session_ms();
    visit.wait(length - 1);
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.wait(1);
    CHECK(visit.flow.screen() == Screen::rating_after);
    CHECK(visit.count_of(counter(metric::breathing_completed, "box")) == 1);
    visit.tap(Intent::rate(4));
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(rating_change_text(visit.flow) == "7 \u2192 4");
    // One count in each histogram, each on its own key; nothing else names a rating.
    CHECK(visit.count_of(counter(metric::rating_before, "7")) == 1);
    CHECK(visit.count_of(counter(metric::rating_after, "4")) == 1);
    CHECK(visit.count_of_metric(metric::rating_before) == 1);
    CHECK(visit.count_of_metric(metric::rating_after) == 1);
    for (const auto& key : visit.counted) {
        if (key.metric.rfind("rating.", 0) == 0) {
            CHECK(key.key.size() <= 2);
        }
    }
}

TEST_CASE("Done forgets the person's ratings: the next visit sees no change and starts fresh",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::rate(8));
    visit.wait(visit.session_ms());
    visit.tap(Intent::rate(3));
    REQUIRE(rating_change_text(visit.flow) == "8 \u2192 3");
    visit.tap(Intent::done());
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK_FALSE(visit.flow.state().rating_before);
    CHECK_FALSE(visit.flow.state().rating_after);
    CHECK(rating_change_text(visit.flow).empty());
}

TEST_CASE("Home and Again forget the ratings too; Again asks the question before once more",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::rate(6));
    visit.wait(visit.session_ms());
    visit.tap(Intent::rate(5));
    visit.tap(Intent::again());
    CHECK(visit.flow.screen() == Screen::rating_before);
    CHECK_FALSE(visit.flow.state().rating_before);
    CHECK(rating_change_text(visit.flow).empty());
    visit.tap(Intent::rate(5));
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.tap(Intent::home());
    CHECK(visit.flow.screen() == Screen::home);
    CHECK_FALSE(visit.flow.state().rating_before);
}

TEST_CASE("A person walking away from the rating after a session is forgotten by the idle reset",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::rate(9));
    visit.wait(visit.session_ms());
    REQUIRE(visit.flow.screen() == Screen::rating_after);
    // The screen they walked away from asks "Still there?" before it fades.
    CHECK(visit.flow.asks_still_there());
    visit.wait(MonotonicMs{visit.flow.content().idle_timeout_seconds} * 1000 + still_there_ms +
               idle_fade_ms);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK_FALSE(visit.flow.state().rating_before);
    CHECK(visit.count_of_metric(metric::rating_after) == 0);
}

TEST_CASE("Skipping the rating before starts the session and is not asked again after it",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::skip_rating());
    CHECK(visit.flow.screen() == Screen::breathe_running);
    CHECK(visit.count_of(counter(metric::breathing_started, "box")) == 1);
    visit.wait(visit.session_ms());
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(visit.count_of_metric(metric::rating_before) == 0);
    CHECK(visit.count_of_metric(metric::rating_after) == 0);
    CHECK(rating_change_text(visit.flow).empty());
}

TEST_CASE("Skipping the rating after a session shows the end without a change and counts only "
          "the rating before",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::rate(6));
    visit.wait(visit.session_ms());
    visit.tap(Intent::skip_rating());
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(rating_change_text(visit.flow).empty());
    CHECK(visit.count_of_metric(metric::rating_before) == 1);
    CHECK(visit.count_of_metric(metric::rating_after) == 0);
}

TEST_CASE("A rating outside the content's buckets, or on another screen, changes and counts "
          "nothing",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::rate(5)); // on Home
    CHECK(visit.flow.screen() == Screen::home);
    visit.tap(Intent::choose_tile(Tile::breathe));
    visit.tap(Intent::choose_exercise("box"));
    visit.tap(Intent::choose_length(1));
    for (int bad : {-1, 11, 1000}) {
        visit.tap(Intent::rate(bad));
        CHECK(visit.flow.screen() == Screen::rating_before);
    }
    CHECK(visit.count_of_metric(metric::rating_before) == 0);
    RatingVisit faces(sample_content_with_rating(RatingStyle::faces));
    faces.to_rating_before();
    for (int bad : {0, 6}) {
        faces.tap(Intent::rate(bad));
        CHECK(faces.flow.screen() == Screen::rating_before);
    }
    faces.tap(Intent::rate(2));
    CHECK(faces.count_of(counter(metric::rating_before, "2")) == 1);
    faces.wait(faces.session_ms());
    faces.tap(Intent::rate(1));
    CHECK(rating_change_text(faces.flow) == "A little tense \u2192 Calm");
}

TEST_CASE("Back from the rating before leads to the lengths, and Back from the session after it "
          "too",
          "[kiosk-flow][rating]") {
    RatingVisit visit;
    visit.to_rating_before();
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::breathe_choose_length);
    visit.tap(Intent::choose_length(1));
    visit.tap(Intent::rate(3));
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::breathe_choose_length);
}

TEST_CASE("Content without a stress rating runs breathing exactly as before: no rating screen, "
          "no rating counted",
          "[kiosk-flow][rating]") {
    RatingVisit visit(sample_content());
    visit.to_rating_before();
    CHECK(visit.flow.screen() == Screen::breathe_running);
    visit.wait(visit.session_ms());
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    visit.tap(Intent::rate(3));
    CHECK(visit.flow.screen() == Screen::breathe_finished);
    CHECK(visit.count_of_metric(metric::rating_before) == 0);
    CHECK(visit.count_of_metric(metric::rating_after) == 0);
}
