#include "pacer.hpp"
#include "sample_content.hpp"
#include "urgent_contacts.hpp"
#include "wellness/breathing.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

using namespace wellness;
using namespace wellness::kiosk;
using std::chrono::milliseconds;

namespace {

using wellness::kiosk::testing::default_content;

Rgb hex(const std::string& colour) {
    const auto channel = [&](std::size_t at) {
        return static_cast<std::uint8_t>(std::stoi(colour.substr(at, 2), nullptr, 16));
    };
    return {channel(1), channel(3), channel(5)};
}

} // namespace

TEST_CASE("The pacer's countdown never shows a number for less than a second", "[kiosk-pacer]") {
    // Issue 14: a 5.5 s phase showed "6" for half a second.
    auto content = default_content();
    Exercise odd;
    odd.id = "odd";
    odd.phases = {{PhaseKind::inhale, 4.7}, {PhaseKind::hold, 0.5}, {PhaseKind::exhale, 2.5}};
    odd.lengths_minutes = {1};
    content.exercises.push_back(odd);
    for (const auto& exercise : content.exercises) {
        INFO(exercise.id);
        // One minute stepped a millisecond at a time, as the frames would see it.
        const auto total = plan_session(exercise, 1).total_duration;
        int shown = -1;
        long long since = 0;
        std::size_t phase = 0;
        for (long long t = 0; t <= std::chrono::duration_cast<milliseconds>(total).count(); ++t) {
            const auto state = breathing_state(exercise, 1, milliseconds(t));
            const int number = state.finished
                                   ? -2
                                   : countdown_number(exercise.phases[state.phase_index].seconds,
                                                      state.phase_remaining);
            if (number != shown || state.phase_index != phase) {
                if (shown > 0) {
                    INFO("number " << shown << " at " << since << " ms");
                    CHECK(t - since >= 1000);
                }
                if (number > 0 && state.phase_index == phase && shown > 0) {
                    CHECK(number == shown - 1); // counts down by one
                }
                shown = number;
                since = t;
                phase = state.phase_index;
            }
        }
    }
    CHECK(countdown_number(5.5, milliseconds(5500)) == 5);
    CHECK(countdown_number(5.5, milliseconds(4001)) == 5);
    CHECK(countdown_number(5.5, milliseconds(4000)) == 4);
    CHECK(countdown_number(5.5, milliseconds(1)) == 1);
    CHECK(countdown_number(4.0, milliseconds(4000)) == 4);
    CHECK(countdown_number(0.5, milliseconds(500)) == 0); // too short for any number
}

TEST_CASE("The pacer eases each phase: it starts and stops gently, still timed by the clock",
          "[kiosk-pacer]") {
    const auto content = default_content();
    for (const auto& exercise : content.exercises) {
        INFO(exercise.id);
        double previous = eased_circle(breathing_state(exercise, 1, milliseconds(0)));
        double previous_step = 0;
        std::size_t phase = 0;
        for (long long t = 10; t < 30000; t += 10) {
            const auto state = breathing_state(exercise, 1, milliseconds(t));
            const double now = eased_circle(state);
            const double step = now - previous;
            // Continuous: no jump anywhere, phase boundaries included.
            CHECK(std::abs(step) < 0.02);
            if (state.phase_index != phase) {
                // At a phase change the circle is (almost) at rest.
                CHECK(std::abs(previous_step) < 0.002);
                CHECK(std::abs(step) < 0.002);
                phase = state.phase_index;
            } else if (state.phase == PhaseKind::inhale) {
                // It moves the way the breath goes.
                CHECK(step >= -1e-12);
            } else if (state.phase == PhaseKind::exhale) {
                CHECK(step <= 1e-12);
            } else {
                CHECK(step == Approx(0.0).margin(1e-12));
            }
            previous = now;
            previous_step = step;
        }
    }
    // Half way through a phase it is half way between the phase's ends, as the line is.
    const auto& box = content.exercises.at(0);
    const auto half = breathing_state(box, 1, milliseconds(2000));
    CHECK(eased_circle(half) == Approx(half.circle));
    const auto early = breathing_state(box, 1, milliseconds(400));
    CHECK(eased_circle(early) < early.circle);
}

TEST_CASE("The sigh's second, short breath in is a top-up with its own name and sound",
          "[kiosk-pacer]") {
    const auto content = default_content();
    const Exercise* sigh = nullptr;
    for (const auto& exercise : content.exercises) {
        if (exercise.id == "physiological-sigh") {
            sigh = &exercise;
        }
    }
    REQUIRE(sigh != nullptr);
    CHECK_FALSE(is_top_up(*sigh, 0));
    CHECK(is_top_up(*sigh, 1));
    CHECK_FALSE(is_top_up(*sigh, 2));
    for (const auto& exercise : content.exercises) {
        if (&exercise != sigh) {
            for (std::size_t i = 0; i < exercise.phases.size(); ++i) {
                CHECK_FALSE(is_top_up(exercise, i));
            }
        }
    }
    // A hold between the two breaths in keeps the second a top-up; an exhale does not.
    Exercise held;
    held.phases = {{PhaseKind::inhale, 3},
                   {PhaseKind::hold, 1},
                   {PhaseKind::inhale, 1},
                   {PhaseKind::exhale, 5}};
    CHECK(is_top_up(held, 2));
    CHECK_FALSE(is_top_up(held, 0));
    // Its own words, in every language, when the content has none.
    REQUIRE(builtin_ui_text("phase_top_up") != nullptr);
    CHECK(content.ui.at("phase_top_up").at("en") != content.ui.at("phase_inhale").at("en"));
    CHECK(content.ui.at("phase_top_up").at("es") != content.ui.at("phase_inhale").at("es"));
}

TEST_CASE("The pacer's label reads on the circle at 4.5:1 or better, whatever the theme",
          "[kiosk-pacer]") {
    // Issue 14: "Breathe in" at 2.88:1.
    const auto content = default_content();
    const Rgb background = hex(content.theme.background);
    const Rgb accent = hex(content.theme.accent);
    // The circle's fill, as the kiosk mixes it (three quarters accent).
    const auto fill_of = [](Rgb bg, Rgb acc) {
        const auto m = [](std::uint8_t a, std::uint8_t b) {
            return static_cast<std::uint8_t>(a + (b - a) * 0.75f + 0.5f);
        };
        return Rgb{m(bg.r, acc.r), m(bg.g, acc.g), m(bg.b, acc.b)};
    };
    const Rgb fill = fill_of(background, accent);
    const Rgb label = readable_on(fill, hex(content.theme.text), background);
    CHECK(contrast_ratio(label, fill) >= 4.5);
    CHECK(contrast_ratio(Rgb{0, 0, 0}, Rgb{255, 255, 255}) == Approx(21.0));
    std::mt19937 random(14);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 2000; ++i) {
        const Rgb any{static_cast<std::uint8_t>(byte(random)),
                      static_cast<std::uint8_t>(byte(random)),
                      static_cast<std::uint8_t>(byte(random))};
        const Rgb text{static_cast<std::uint8_t>(byte(random)),
                       static_cast<std::uint8_t>(byte(random)),
                       static_cast<std::uint8_t>(byte(random))};
        CHECK(contrast_ratio(readable_on(any, text, background), any) >= 4.5);
    }
}

TEST_CASE("The pacer's smallest circle still holds its label and countdown", "[kiosk-pacer]") {
    for (const float max_radius : {90.0f, 160.0f, 400.0f}) {
        for (const float label_w : {40.0f, 120.0f, 170.0f}) {
            const float block_h = 60.0f;
            const float pad = 6.0f;
            const float r = pacer_min_radius(max_radius, 0.35f, label_w, block_h, pad);
            INFO(max_radius << " " << label_w << " -> " << r);
            CHECK(r >= max_radius * 0.35f);
            CHECK(r <= max_radius);
            if (r < max_radius) {
                // Every corner of the padded block lies within the circle.
                CHECK(std::hypot(label_w / 2 + pad, block_h / 2 + pad) <= r + 1e-3f);
            }
        }
    }
}

TEST_CASE("Urgent help lists the crisis lines, then 24-hour contacts, then emergency numbers, "
          "each with the same tel:/sms: QR for everyone",
          "[kiosk-urgent][privacy]") {
    // Issue 14: Urgent help listed only the crisis lines, as plain text.
    const auto content = default_content();
    const auto contacts = urgent_contacts(content);
    std::vector<std::string> order;
    std::set<std::string> payloads;
    for (const auto& contact : contacts) {
        order.push_back(contact.widget);
        for (const auto& number : contact.numbers) {
            payloads.insert(number.uri);
        }
        CHECK_FALSE(contact.numbers.empty());
    }
    CHECK(order == std::vector<std::string>{"crisis.988-lifeline", "crisis.copline",
                                            "urgent.provider.peer-support", "urgent.provider.eap",
                                            "urgent.emergency.emergency"});
    CHECK(payloads == std::set<std::string>{"tel:988", "sms:988", "tel:18002675463", "tel:5550101",
                                            "tel:5550100", "tel:911"});
    CHECK(contacts.at(0).numbers.at(0).number == "988");
    CHECK(contacts.at(1).numbers.at(0).number == "1-800-267-5463"); // shown as written
    // The same bytes for every person: built from the content alone.
    CHECK(urgent_contacts(content).at(1).numbers.at(0).uri == contacts.at(1).numbers.at(0).uri);
    CHECK(qr_widget(contacts.at(0), contacts.at(0).numbers.at(1)) == "qr.crisis.988-lifeline.text");

    CHECK(tel_uri("+1 (555) 010.0100") == "tel:+15550100100");
    CHECK(tel_uri("1+2") == "tel:12");
    CHECK(sms_uri("---") == "");

    SECTION("a provider without a 24-hour number is not on Urgent help") {
        auto changed = content;
        for (auto& provider : changed.providers) {
            provider.phone_24h.clear();
        }
        changed.emergency_numbers.clear();
        CHECK(urgent_contacts(changed).size() == changed.crisis_lines.size());
        CHECK(crisis_contacts(changed).size() == changed.crisis_lines.size());
    }
}
