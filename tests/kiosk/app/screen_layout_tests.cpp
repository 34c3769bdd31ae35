// Every screen of the kiosk laid out without a window, from the same screen classes the kiosk
// draws with, at every size and orientation it must hold at, in each language: no widget over
// another, nothing off-screen, every touch target at least 15 mm at the display's DPI, every
// text run inside its box and never under another widget, Done far from the forward actions.

#include "layout.hpp"
#include "sample_content.hpp"
#include "screens.hpp"
#include "theme.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cfloat>
#include <fstream>
#include <imgui.h>
#include <iterator>
#include <set>
#include <sstream>

using namespace wellness::kiosk;

namespace {

using wellness::kiosk::testing::default_content;

struct Display {
    int width;
    int height;
    float dpi; // a real panel of that resolution
};

// 7" 800x480, 10.1" 1280x800, 21.5" 1080p, a 24" portrait panel, a 27" 4K.
const Display displays[] = {{800, 480, 133.0f},
                            {1280, 800, 149.0f},
                            {1920, 1080, 102.0f},
                            {1080, 1920, 92.0f},
                            {3840, 2160, 163.0f}};

class Harness {
  public:
    explicit Harness(const Layout& layout, bool large_text) : layout_(layout) {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.DisplaySize = {static_cast<float>(layout.width), static_cast<float>(layout.height)};
        io.DeltaTime = 1.0f / 60.0f;
        io.UserData = &probe_;
        static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x20AC, 0x20AC,
                                         0x2192, 0x2192, 0x2713, 0x2713, 0};
        const std::string dir = "/usr/share/fonts/truetype/dejavu/";
        const float scale = large_text ? large_text_scale : 1.0f;
        ImFontConfig config;
        config.OversampleH = 1;
        config.OversampleV = 1;
        auto load = [&](const char* file, float size) {
            ImFont* font = io.Fonts->AddFontFromFileTTF((dir + file).c_str(),
                                                        std::round(size * scale), &config, ranges);
            REQUIRE(font != nullptr);
            return font;
        };
        fonts_.body = load("DejaVuSans.ttf", layout.font_body);
        fonts_.small = load("DejaVuSans.ttf", layout.font_small);
        fonts_.heading = load("DejaVuSans-Bold.ttf", layout.font_heading);
        fonts_.title = load("DejaVuSans-Bold.ttf", layout.font_title);
        fonts_.level = load("DejaVuSerif-Bold.ttf", layout.font_heading);
        unsigned char* pixels = nullptr;
        int w = 0;
        int h = 0;
        io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
        io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
        ImGuiStyle& style = ImGui::GetStyle();
        style.WindowPadding = {0, 0};
        style.WindowBorderSize = 0;
        style.ItemSpacing = {layout.gap, layout.gap};
    }
    ~Harness() { ImGui::DestroyContext(); }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    // Draws two frames of the flow's screen (the first enters it) and keeps the second's.
    void frame(const Flow& flow, MonotonicMs now) {
        for (int i = 0; i < 2; ++i) {
            draw_frame(flow, now, i == 0);
        }
    }

    // A finger on the widget's centre, down for a frame and lifted: the intents the screen
    // recorded on the way (the widget must be on the flow's screen).
    std::vector<Intent> tap(const Flow& flow, MonotonicMs now, const std::string& test_id) {
        frame(flow, now);
        const auto found = widgets_.find(test_id);
        REQUIRE(found != widgets_.end());
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = found->second.centre();
        std::vector<Intent> recorded;
        for (const bool down : {false, true, false}) {
            io.MouseDown[0] = down;
            draw_frame(flow, now, false);
            recorded.insert(recorded.end(), intents_.begin(), intents_.end());
        }
        io.MousePos = {-FLT_MAX, -FLT_MAX};
        draw_frame(flow, now, false);
        return recorded;
    }

    // A finger down on the centre of a widget of the last frame, moved by `dy` in small steps,
    // lifted.
    void drag(const Flow& flow, MonotonicMs now, const std::string& test_id, float dy) {
        const auto found = widgets_.find(test_id);
        REQUIRE(found != widgets_.end());
        ImGuiIO& io = ImGui::GetIO();
        ImVec2 at = found->second.centre();
        io.MousePos = at;
        draw_frame(flow, now, false);
        io.MouseDown[0] = true;
        draw_frame(flow, now, false);
        const int steps = 12;
        for (int i = 0; i < steps; ++i) {
            at.y += dy / steps;
            io.MousePos = at;
            draw_frame(flow, now, false);
        }
        io.MouseDown[0] = false;
        draw_frame(flow, now, false);
        io.MousePos = {-FLT_MAX, -FLT_MAX};
        draw_frame(flow, now, false);
    }

    const WidgetMap& widgets() const { return widgets_; }
    const LayoutProbe& probe() const { return probe_; }

  private:
    void draw_frame(const Flow& flow, MonotonicMs now, bool entered) {
        probe_ = {};
        widgets_.clear();
        intents_.clear();
        const Palette palette = make_palette(flow.content(), flow.high_contrast());
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("kiosk", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
        UiContext ui{flow,
                     layout_,
                     fonts_,
                     palette,
                     now,
                     widgets_,
                     intents_,
                     [](const std::string&) {
                         return std::optional<QrImage>(QrImage{
                             reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(2)), 33});
                     },
                     {},
                     &status_};
        ui.screen_entered = entered;
        ImGui::PushFont(fonts_.body);
        draw(ui);
        ImGui::PopFont();
        ImGui::End();
        ImGui::Render();
    }

    void draw(UiContext& ui) {
        switch (ui.flow.screen()) {
        case Screen::attract:
            attract_.Draw(ui);
            break;
        case Screen::home:
            home_.Draw(ui);
            break;
        case Screen::breathe_choose_exercise:
        case Screen::breathe_choose_length:
        case Screen::breathe_running:
        case Screen::breathe_finished:
            breathe_.Draw(ui);
            break;
        case Screen::rating_before:
        case Screen::rating_after:
            rating_.Draw(ui);
            break;
        case Screen::checkin_level:
        case Screen::checkin_topics:
        case Screen::checkin_suggestions:
            checkin_.Draw(ui);
            break;
        case Screen::topic_card:
        case Screen::peer_support_card:
            card_.Draw(ui);
            break;
        case Screen::talk_list:
        case Screen::talk_provider:
            talk_.Draw(ui);
            break;
        case Screen::urgent:
            urgent_.Draw(ui);
            break;
        case Screen::maintenance:
            maintenance_.Draw(ui);
            break;
        }
    }

    const Layout& layout_;
    Fonts fonts_;
    LayoutProbe probe_;
    WidgetMap widgets_;
    std::vector<Intent> intents_;
    std::function<std::string()> status_ = [] {
        return std::string("Station configured: no\nDisplay: test");
    };
    AttractScreen attract_;
    HomeScreen home_;
    BreatheScreen breathe_;
    RatingScreen rating_;
    CheckinScreen checkin_;
    CardScreen card_;
    TalkScreen talk_;
    UrgentScreen urgent_;
    MaintenanceScreen maintenance_;
};

void check_frame(const Harness& harness, const Layout& layout, const std::string& where) {
    const auto problems = layout_problems(layout, harness.widgets(), harness.probe());
    std::ostringstream all;
    for (const auto& problem : problems) {
        all << "\n  " << problem;
    }
    INFO(where << all.str());
    CHECK(problems.empty());
    // Something was laid out (the probe saw the frame).
    CHECK_FALSE(harness.widgets().empty());
}

struct Step {
    std::string name;
    std::vector<Intent> intents;
    MonotonicMs advance = 0;
    std::vector<Intent> after = {}; // applied once the time has advanced
};

std::vector<Step> every_screen(const wellness::ContentDocument& content) {
    std::vector<Step> steps;
    steps.push_back({"attract", {}});
    steps.push_back({"home", {Intent::leave_attract()}});
    steps.push_back(
        {"breathe exercises", {Intent::leave_attract(), Intent::choose_tile(Tile::breathe)}});
    for (const auto& exercise : content.exercises) {
        std::vector<Intent> to_length{Intent::leave_attract(), Intent::choose_tile(Tile::breathe),
                                      Intent::choose_exercise(exercise.id)};
        steps.push_back({"breathe length " + exercise.id, to_length});
        auto running = to_length;
        running.push_back(Intent::choose_length(exercise.lengths_minutes.front()));
        const MonotonicMs to_end = MonotonicMs{exercise.lengths_minutes.front()} * 60000 + 500;
        if (content.stress_rating) {
            steps.push_back({"rating before " + exercise.id, running});
            auto rated = running;
            rated.push_back(
                Intent::rate(content.stress_rating->style == wellness::RatingStyle::faces ? 4 : 7));
            steps.push_back({"rating after " + exercise.id, rated, to_end});
            steps.push_back({"breathe finished with a change " + exercise.id,
                             rated,
                             to_end,
                             {Intent::rate(2)}});
            running.push_back(Intent::skip_rating());
        }
        steps.push_back({"breathe running " + exercise.id, running, 1500});
        steps.push_back({"breathe finished " + exercise.id, running, to_end});
    }
    steps.push_back(
        {"checkin levels", {Intent::leave_attract(), Intent::choose_tile(Tile::checkin)}});
    for (const auto& level : content.checkin.levels) {
        std::vector<Intent> to_topics{Intent::leave_attract(), Intent::choose_tile(Tile::checkin),
                                      Intent::choose_level(level.id)};
        steps.push_back({"checkin topics " + level.id, to_topics});
        auto with_topic = to_topics;
        if (!content.checkin.topics.empty()) {
            with_topic.push_back(Intent::toggle_topic(content.checkin.topics.front().id));
        }
        steps.push_back({"checkin topic chosen " + level.id, with_topic});
        auto suggestions = to_topics;
        suggestions.push_back(Intent::skip_topics());
        steps.push_back({"checkin suggestions " + level.id, suggestions});
        // Every topic a card fits, chosen: the suggestions with every card, each card opened,
        // and each peer-support team's card.
        auto with_cards = to_topics;
        std::set<std::string> card_topics;
        for (const auto& card : content.topic_cards) {
            card_topics.insert(card.topics.begin(), card.topics.end());
        }
        for (const auto& topic : card_topics) {
            with_cards.push_back(Intent::toggle_topic(topic));
        }
        with_cards.push_back(Intent::confirm_topics());
        steps.push_back({"checkin suggestions with cards " + level.id, with_cards});
        for (const auto& card : content.topic_cards) {
            auto opened = with_cards;
            opened.push_back(Intent::open_card(card.id));
            steps.push_back({"topic card " + card.id + " " + level.id, opened});
        }
        for (const auto& provider : content.providers) {
            if (provider.kind == "peer-support" && !provider.phone_24h.empty()) {
                auto opened = suggestions;
                opened.push_back(Intent::open_peer_support(provider.id));
                steps.push_back({"peer support card " + provider.id + " " + level.id, opened});
            }
        }
    }
    steps.push_back({"talk list", {Intent::leave_attract(), Intent::choose_tile(Tile::talk)}});
    for (const auto& provider : content.providers) {
        steps.push_back({"talk provider " + provider.id,
                         {Intent::leave_attract(), Intent::choose_tile(Tile::talk),
                          Intent::choose_provider(provider.id)}});
    }
    steps.push_back({"urgent", {Intent::leave_attract(), Intent::open_urgent()}});
    steps.push_back({"maintenance", {Intent::open_maintenance()}});
    return steps;
}

void run_every_screen(bool large_text, bool high_contrast,
                      const wellness::ContentDocument& content = default_content()) {
    const auto steps = every_screen(content);
    for (const Display& display : displays) {
        const Layout layout = compute_layout(display.width, display.height, display.dpi);
        Harness harness(layout, large_text);
        for (const auto& locale : content.locales) {
            for (const Step& step : steps) {
                Flow flow(content, 0);
                MonotonicMs now = 10;
                bool first = true;
                for (const Intent& intent : step.intents) {
                    flow.apply(intent, now);
                    if (first && flow.screen() == Screen::home) {
                        flow.apply(Intent::choose_locale(locale.id), now);
                        if (large_text) {
                            flow.apply(Intent::toggle_large_text(), now);
                        }
                        if (high_contrast) {
                            flow.apply(Intent::toggle_high_contrast(), now);
                        }
                        first = false;
                    }
                    now += 100;
                }
                if (step.advance > 0) {
                    now += step.advance;
                    flow.tick(now);
                }
                for (const Intent& intent : step.after) {
                    flow.apply(intent, now);
                }
                std::ostringstream where;
                where << step.name << " (" << to_string(flow.screen()) << "), " << locale.id << ", "
                      << display.width << "x" << display.height << " at " << display.dpi << " dpi"
                      << (large_text ? ", large text" : "")
                      << (high_contrast ? ", high contrast" : "");
                harness.frame(flow, now);
                check_frame(harness, layout, where.str());
            }
        }
    }
}

} // namespace

TEST_CASE("Every screen holds at every size and orientation in both languages",
          "[kiosk-layout][screens]") {
    run_every_screen(false, false);
}

TEST_CASE("Every screen holds with the large text and high contrast switches on",
          "[kiosk-layout][screens]") {
    run_every_screen(true, true);
}

TEST_CASE("Every screen holds with a five-faces stress rating, in both languages and both text "
          "sizes",
          "[kiosk-layout][screens][rating]") {
    wellness::ContentDocument content = default_content();
    REQUIRE(content.stress_rating);
    content.stress_rating->style = wellness::RatingStyle::faces;
    content.stress_rating->face_labels = {{{"en", "Calm"}, {"es", "En calma"}},
                                          {{"en", "A little tense"}, {"es", "Un poco tenso"}},
                                          {{"en", "Tense"}, {"es", "Tenso"}},
                                          {{"en", "Stressed"}, {"es", "Estresado"}},
                                          {{"en", "Very stressed"}, {"es", "Muy estresado"}}};
    run_every_screen(false, false, content);
    run_every_screen(true, true, content);
}

namespace {

WidgetRect widget_at(float x, float y, float w, float h) {
    return {{x, y}, {x + w, y + h}};
}

bool mentions(const std::vector<std::string>& problems, const std::string& a,
              const std::string& b) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& problem) {
        return problem.find(a) != std::string::npos && problem.find(b) != std::string::npos;
    });
}

} // namespace

TEST_CASE("The layout check refuses a widget drawn wholly inside another", "[kiosk-layout]") {
    const Layout layout = compute_layout(1280, 800, 149.0f);
    const WidgetMap widgets{{"home.breathe", widget_at(100, 100, 400, 300)},
                            {"home.lang.es", widget_at(150, 150, 120, 100)}};
    const auto problems = layout_problems(layout, widgets, LayoutProbe{});
    INFO(problems.size());
    CHECK(mentions(problems, "home.breathe", "home.lang.es"));
}

TEST_CASE("The layout check refuses widgets that touch, and keeps apart ones quiet",
          "[kiosk-layout]") {
    const Layout layout = compute_layout(1280, 800, 149.0f);
    const WidgetMap overlapping{{"chrome.back", widget_at(10, 700, 120, 90)},
                                {"chrome.home", widget_at(100, 700, 120, 90)}};
    CHECK(mentions(layout_problems(layout, overlapping, LayoutProbe{}), "chrome.back",
                   "chrome.home"));
    const WidgetMap apart{{"chrome.back", widget_at(10, 700, 120, 90)},
                          {"chrome.home", widget_at(150, 700, 120, 90)}};
    CHECK(layout_problems(layout, apart, LayoutProbe{}).empty());
}

TEST_CASE("An area holds its widgets whole: one across its edge is refused", "[kiosk-layout]") {
    const Layout layout = compute_layout(1280, 800, 149.0f);
    LayoutProbe probe;
    probe.areas["contact.card"] = {100, 100, 600, 300};
    WidgetMap widgets{{"contact.card", widget_at(100, 100, 600, 300)},
                      {"qr.card.call", widget_at(120, 120, 200, 200)}};
    CHECK(layout_problems(layout, widgets, probe).empty());
    widgets["qr.card.call"] = widget_at(600, 120, 200, 200); // sticks out on the right
    CHECK(mentions(layout_problems(layout, widgets, probe), "qr.card.call", "contact.card"));
}

namespace {

bool has_intent(const std::vector<Intent>& intents, Intent::Kind kind) {
    return std::any_of(intents.begin(), intents.end(),
                       [&](const Intent& intent) { return intent.kind == kind; });
}

} // namespace

TEST_CASE("The sound switch is on every breathing screen and nowhere else, and a tap on it "
          "silences the tones and a second brings them back",
          "[kiosk-layout][screens]") {
    const wellness::ContentDocument content = default_content();
    REQUIRE(content.tone_enabled);
    const Layout layout = compute_layout(800, 480, 133.0f);
    Harness harness(layout, false);
    for (const Step& step : every_screen(content)) {
        Flow flow(content, 0);
        MonotonicMs now = 10;
        for (const Intent& intent : step.intents) {
            flow.apply(intent, now);
            now += 100;
        }
        if (step.advance > 0) {
            now += step.advance;
            flow.tick(now);
        }
        for (const Intent& intent : step.after) {
            flow.apply(intent, now);
        }
        harness.frame(flow, now);
        INFO(step.name << " (" << to_string(flow.screen()) << ")");
        const bool breathing = to_string(flow.screen()).starts_with("breathe_");
        CHECK(harness.widgets().contains("chrome.sound") == breathing);
        if (!breathing) {
            continue;
        }
        check_frame(harness, layout, step.name + " with the sound switch");
        const auto first = harness.tap(flow, now, "chrome.sound");
        REQUIRE(has_intent(first, Intent::Kind::toggle_sound));
        CHECK_FALSE(has_intent(first, Intent::Kind::done));
        for (const Intent& intent : first) {
            flow.apply(intent, now);
        }
        CHECK_FALSE(flow.sound_on());
        const Screen before = flow.screen();
        for (const Intent& intent : harness.tap(flow, now, "chrome.sound")) {
            flow.apply(intent, now);
        }
        CHECK(flow.sound_on());
        CHECK(flow.screen() == before);
    }
}

TEST_CASE("Content without tones shows no sound switch on the breathing screens",
          "[kiosk-layout][screens]") {
    wellness::ContentDocument content = default_content();
    content.tone_enabled = false;
    const Layout layout = compute_layout(1280, 800, 149.0f);
    Harness harness(layout, false);
    Flow flow(content, 0);
    flow.apply(Intent::leave_attract(), 10);
    flow.apply(Intent::choose_tile(Tile::breathe), 20);
    harness.frame(flow, 30);
    CHECK(harness.widgets().contains("chrome.done"));
    CHECK_FALSE(harness.widgets().contains("chrome.sound"));
}

TEST_CASE("On a 7-inch 800x480 panel at 133 dpi every check-in level fits or is dragged whole "
          "into view, its words inside it",
          "[kiosk-layout][screens]") {
    const wellness::ContentDocument content = default_content();
    const auto& levels = content.checkin.levels;
    REQUIRE(levels.size() >= 4);
    const Layout layout = compute_layout(800, 480, 133.0f);
    for (const bool large_text : {false, true}) {
        Harness harness(layout, large_text);
        for (const auto& locale : content.locales) {
            Flow flow(content, 0);
            flow.apply(Intent::leave_attract(), 10);
            flow.apply(Intent::choose_locale(locale.id), 20);
            if (large_text) {
                flow.apply(Intent::toggle_large_text(), 30);
            }
            flow.apply(Intent::choose_tile(Tile::checkin), 40);
            REQUIRE(flow.screen() == Screen::checkin_level);
            std::set<std::string> seen_whole;
            harness.frame(flow, 50);
            for (int drag = 0; drag < 12 && seen_whole.size() < levels.size(); ++drag) {
                const std::string where = locale.id + (large_text ? ", large text" : "") +
                                          ", after " + std::to_string(drag) + " drags";
                check_frame(harness, layout, where);
                for (const auto& level : levels) {
                    const std::string id = "checkin.level." + level.id;
                    const auto visible = harness.widgets().find(id);
                    const auto full = harness.probe().targets.find(id);
                    if (visible == harness.widgets().end() ||
                        full == harness.probe().targets.end()) {
                        continue;
                    }
                    const WidgetRect& v = visible->second;
                    const Rect& f = full->second;
                    if (v.min.y > f.y + 0.5f || v.max.y < f.y + f.h - 0.5f) {
                        continue; // partly scrolled out: the drag brings it in
                    }
                    seen_whole.insert(level.id);
                    // Its name and description are drawn, whole, inside its row.
                    for (const std::string& words :
                         {wellness::localized(level.label, locale.id, content.default_locale),
                          wellness::localized(level.description, locale.id,
                                              content.default_locale)}) {
                        const auto& texts = harness.probe().texts;
                        const auto run =
                            std::find_if(texts.begin(), texts.end(),
                                         [&](const TextRunRecord& r) { return r.text == words; });
                        INFO(where << ": " << words);
                        REQUIRE(run != texts.end());
                        CHECK(run->ink.y >= f.y - 0.5f);
                        CHECK(run->ink.y + run->ink.h <= f.y + f.h + 0.5f);
                        CHECK(run->ink.h >= run->box.h - 0.5f); // not clipped
                        CHECK_FALSE(run->wider_than_box);
                    }
                }
                harness.drag(flow, 60, "checkin.levels", -layout.content_height() / 3);
            }
            INFO(locale.id << (large_text ? ", large text" : ""));
            CHECK(seen_whole.size() == levels.size());
        }
    }
}

TEST_CASE("Tapping a card or someone to talk to on the suggestions opens it, with its QR",
          "[kiosk-layout][screens][cards]") {
    const wellness::ContentDocument content = default_content();
    // Sizes where the suggestions show every card without a drag (a tap here enters the screen
    // afresh, at the top of its list); the layout at every size is checked above.
    for (const Display& display : {displays[2], displays[4]}) {
        const Layout layout = compute_layout(display.width, display.height, display.dpi);
        Harness harness(layout, false);
        Flow flow(content, 0);
        MonotonicMs now = 10;
        for (const Intent& intent :
             {Intent::leave_attract(), Intent::choose_tile(Tile::checkin),
              Intent::choose_level("reacting"), Intent::toggle_topic("critical-incident"),
              Intent::confirm_topics()}) {
            flow.apply(intent, now += 100);
        }
        REQUIRE(flow.screen() == Screen::checkin_suggestions);
        harness.frame(flow, now);
        INFO(display.width << "x" << display.height);
        CHECK(harness.widgets().contains("checkin.cards_heading"));
        CHECK_FALSE(harness.widgets().contains("checkin.card.sleep-after-nights"));
        const auto opened = harness.tap(flow, now, "checkin.card.after-critical-incident");
        REQUIRE(has_intent(opened, Intent::Kind::open_card));
        for (const Intent& intent : opened) {
            flow.apply(intent, now);
        }
        REQUIRE(flow.screen() == Screen::topic_card);
        harness.frame(flow, now);
        check_frame(harness, layout, "the critical incident card");
        CHECK(harness.widgets().contains("card.body"));
        for (int drag = 0; drag < 8 && !harness.widgets().contains("card.qr"); ++drag) {
            harness.drag(flow, now, "card.text", -layout.target);
        }
        CHECK(harness.widgets().contains("card.qr"));
        flow.apply(Intent::back(), now);
        const auto talk = harness.tap(flow, now, "checkin.peer.peer-support");
        REQUIRE(has_intent(talk, Intent::Kind::open_peer_support));
        for (const Intent& intent : talk) {
            flow.apply(intent, now);
        }
        REQUIRE(flow.screen() == Screen::peer_support_card);
        harness.frame(flow, now);
        check_frame(harness, layout, "someone to talk to");
        CHECK(harness.widgets().contains("qr.peer.peer-support.text"));
    }
}
