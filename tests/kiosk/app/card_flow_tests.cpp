// Topic cards and the peer-support "someone to talk to" card through the kiosk's flow: which
// cards the suggestions offer, what opening one counts (card.viewed by its id; handoff.shown for
// a peer-support team, nothing else), and that Back, Done and walking away leave nothing behind.

#include "flow.hpp"
#include "flow_visit.hpp"
#include "sample_content.hpp"
#include "urgent_contacts.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace wellness;
using namespace wellness::kiosk;
using wellness::kiosk::testing::default_content;

namespace {

using wellness::kiosk::testing::counter;

// A visit on the default bundle (three topic cards, a peer-support team with an on-call number).
struct CardVisit : wellness::kiosk::testing::Visit {
    CardVisit() : Visit(default_content()) {}
    // Check in at `level` with `topics` chosen: the suggestions screen.
    void to_suggestions(const std::string& level, const std::vector<std::string>& topics) {
        tap(Intent::leave_attract());
        tap(Intent::choose_tile(Tile::checkin));
        tap(Intent::choose_level(level));
        for (const auto& topic : topics) {
            tap(Intent::toggle_topic(topic));
        }
        tap(topics.empty() ? Intent::skip_topics() : Intent::confirm_topics());
        REQUIRE(flow.screen() == Screen::checkin_suggestions);
    }
    std::vector<std::string> offered_ids() const {
        std::vector<std::string> ids;
        for (const TopicCard* card : flow.offered_cards()) {
            ids.push_back(card->id);
        }
        return ids;
    }
};

} // namespace

TEST_CASE("The suggestions offer the cards of the topics the person chose, in content order, and "
          "none without a topic",
          "[kiosk-flow][cards]") {
    CardVisit sleep;
    sleep.to_suggestions("reacting", {"sleep"});
    CHECK(sleep.offered_ids() == std::vector<std::string>{"sleep-after-nights"});

    CardVisit several;
    several.to_suggestions("injured", {"family", "critical-incident", "sleep"});
    CHECK(several.offered_ids() ==
          std::vector<std::string>{"sleep-after-nights", "after-critical-incident", "family"});
    // A card that fits several topics comes once.
    CardVisit both;
    both.to_suggestions("healthy", {"family", "relationships"});
    CHECK(both.offered_ids() == std::vector<std::string>{"family"});

    CardVisit skipped;
    skipped.to_suggestions("healthy", {});
    CHECK(skipped.offered_ids().empty());
    CardVisit other;
    other.to_suggestions("healthy", {"finances"});
    CHECK(other.offered_ids().empty());
}

TEST_CASE("Opening a card shows it and counts card.viewed by its id once a visit; Back returns "
          "to the suggestions",
          "[kiosk-flow][cards]") {
    CardVisit visit;
    visit.to_suggestions("reacting", {"sleep", "critical-incident"});
    const auto before = visit.counted.size();
    visit.tap(Intent::open_card("after-critical-incident"));
    CHECK(visit.flow.screen() == Screen::topic_card);
    REQUIRE(visit.flow.card() != nullptr);
    CHECK(visit.flow.card()->id == "after-critical-incident");
    // The one counter it adds: the card's view, keyed by its id alone.
    REQUIRE(visit.counted.size() == before + 1);
    CHECK(visit.counted.back() == counter(metric::card_viewed, "after-critical-incident"));
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    visit.tap(Intent::open_card("after-critical-incident"));
    visit.tap(Intent::back());
    visit.tap(Intent::open_card("sleep-after-nights"));
    CHECK(visit.count_of(counter(metric::card_viewed, "after-critical-incident")) == 1);
    CHECK(visit.count_of(counter(metric::card_viewed, "sleep-after-nights")) == 1);
    CHECK(visit.count_of_metric(metric::card_viewed) == 2);
}

TEST_CASE("A card that is not on the screen cannot be opened, and nothing is counted",
          "[kiosk-flow][cards]") {
    CardVisit visit;
    visit.to_suggestions("healthy", {"family"});
    const auto before = visit.counted;
    visit.tap(Intent::open_card("sleep-after-nights")); // for a topic not chosen
    visit.tap(Intent::open_card("no-such-card"));
    visit.tap(Intent::open_card(""));
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    CHECK(visit.counted == before);
    // Nor from any other screen.
    CardVisit home;
    home.tap(Intent::leave_attract());
    home.tap(Intent::open_card("family"));
    CHECK(home.flow.screen() == Screen::home);
    CHECK(home.count_of_metric(metric::card_viewed) == 0);
}

TEST_CASE("Someone to talk to shows the peer-support team's on-call number to text, counting only "
          "handoff.shown",
          "[kiosk-flow][cards]") {
    CardVisit visit;
    visit.to_suggestions("injured", {});
    const auto teams = visit.flow.peer_support_teams();
    REQUIRE(teams.size() == 1);
    CHECK(teams.front()->id == "peer-support");
    const auto before = visit.counted.size();
    visit.tap(Intent::open_peer_support("peer-support"));
    CHECK(visit.flow.screen() == Screen::peer_support_card);
    REQUIRE(visit.flow.provider() != nullptr);
    REQUIRE(visit.counted.size() == before + 1);
    CHECK(visit.counted.back() == counter(metric::handoff_shown, "peer-support"));
    // Its QR is sms: and the on-call number's digits, built from content alone.
    const UrgentContact contact = peer_support_contact(*visit.flow.provider());
    REQUIRE(contact.numbers.size() == 1);
    CHECK(contact.numbers.front().kind == ContactNumber::Kind::text);
    CHECK(contact.numbers.front().number == visit.flow.provider()->phone_24h);
    CHECK(contact.numbers.front().uri == "sms:5550101");
    CHECK(contact.widget == "peer.peer-support");
    visit.tap(Intent::back());
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
}

TEST_CASE("Only a peer-support team with an on-call number gets a someone-to-talk-to card",
          "[kiosk-flow][cards]") {
    CardVisit visit;
    visit.to_suggestions("healthy", {});
    const auto before = visit.counted;
    visit.tap(Intent::open_peer_support("eap")); // a 24-hour line, but not peer support
    visit.tap(Intent::open_peer_support("chaplain"));
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    CHECK(visit.counted == before);

    ContentDocument no_on_call = default_content();
    for (auto& provider : no_on_call.providers) {
        provider.phone_24h.clear();
    }
    Flow flow(no_on_call, 0);
    CHECK(flow.peer_support_teams().empty());
}

TEST_CASE("A person walking away from a card is forgotten after Still there?, and Done forgets "
          "the card",
          "[kiosk-flow][cards]") {
    CardVisit visit;
    visit.to_suggestions("reacting", {"sleep"});
    visit.tap(Intent::open_card("sleep-after-nights"));
    const ContentDocument& content = visit.flow.content();
    const MonotonicMs help_idle = MonotonicMs{help_idle_timeout(content)} * 1000;
    CHECK(visit.flow.idle_timeout_ms() == help_idle);
    visit.wait(help_idle - 1);
    CHECK_FALSE(visit.flow.still_there(visit.now));
    visit.wait(1);
    CHECK(visit.flow.still_there(visit.now));
    CHECK(visit.flow.screen() == Screen::topic_card);
    visit.wait(still_there_ms + idle_fade_ms);
    CHECK(visit.flow.screen() == Screen::attract);
    CHECK(visit.flow.state().card_id.empty());
    CHECK(visit.flow.state().topic_ids.empty());

    CardVisit done;
    done.to_suggestions("reacting", {"sleep"});
    done.tap(Intent::open_peer_support("peer-support"));
    done.tap(Intent::done());
    CHECK(done.flow.screen() == Screen::attract);
    CHECK(done.flow.state().provider_id.empty());
    CHECK(done.flow.card() == nullptr);
}

TEST_CASE("Content without topic cards offers none, and counts no card", "[kiosk-flow][cards]") {
    ContentDocument content = default_content();
    content.topic_cards.clear();
    wellness::kiosk::testing::Visit visit(content);
    visit.tap(Intent::leave_attract());
    visit.tap(Intent::choose_tile(Tile::checkin));
    visit.tap(Intent::choose_level("reacting"));
    visit.tap(Intent::toggle_topic("sleep"));
    visit.tap(Intent::confirm_topics());
    CHECK(visit.flow.offered_cards().empty());
    visit.tap(Intent::open_card("sleep-after-nights"));
    CHECK(visit.flow.screen() == Screen::checkin_suggestions);
    CHECK(visit.count_of_metric(metric::card_viewed) == 0);
}
