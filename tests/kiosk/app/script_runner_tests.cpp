#include "script_runner.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace wellness::kiosk;

namespace {

// Records what the runner asks of the kiosk.
struct FakeHost final : ScriptHost {
    std::map<std::string, ScriptRect> widgets;
    std::vector<std::string> calls;
    std::string screen = "home";
    bool hovered = false;
    int pending_frames = 0;

    std::optional<ScriptRect> widget(const std::string& id) override {
        auto found = widgets.find(id);
        return found == widgets.end() ? std::nullopt : std::optional(found->second);
    }
    void tap(float x, float y, bool finger) override {
        calls.push_back((finger ? "touch " : "tap ") + std::to_string(int(x)) + " " +
                        std::to_string(int(y)));
    }
    void drag(float, float, float, float dy) override {
        calls.push_back("drag " + std::to_string(int(dy)));
    }
    void corner_taps(int count) override { calls.push_back("corner " + std::to_string(count)); }
    void advance_clock(std::int64_t ms) override {
        calls.push_back("advance " + std::to_string(ms));
    }
    void hold_clock() override { calls.push_back("hold"); }
    bool screenshot(const std::string& path) override {
        calls.push_back("screenshot " + path);
        return true;
    }
    std::string screen_name() override { return screen; }
    bool anything_hovered() override { return hovered; }
    std::vector<std::string> layout_problems() override { return {}; }
    bool input_pending() override { return pending_frames-- > 0; }
};

ScriptRunner runner_for(const char* text) {
    auto parsed = parse_script(text);
    REQUIRE(parsed.errors.empty());
    return ScriptRunner(parsed.commands);
}

} // namespace

TEST_CASE("The script runner taps a widget's centre and lets the UI settle before going on",
          "[kiosk-script]") {
    FakeHost host;
    host.widgets["home.talk"] = {100, 200, 300, 400};
    auto runner = runner_for("tap home.talk\nadvance-ms 500\nscreenshot /tmp/x.png\n");
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running); // first frame drawn
    CHECK(host.calls.empty());
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
    CHECK(host.calls == std::vector<std::string>{"tap 200 300"});
    for (int i = 0; i < ScriptRunner::settle_frames; ++i) {
        CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
        CHECK(host.calls.size() == 1);
    }
    host.pending_frames = 2; // injected events still queued: wait for them too
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
    CHECK(host.calls.size() == 1);
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
    CHECK(host.calls.back() == "advance 500");
    runner.after_frame(host);
    runner.after_frame(host);
    CHECK(runner.after_frame(host) == ScriptRunner::Status::finished);
    CHECK(host.calls.back() == "screenshot /tmp/x.png");
}

TEST_CASE("The script runner fails with the line when the screen is not what was expected",
          "[kiosk-script]") {
    FakeHost host;
    auto missing = runner_for("\n\ntap home.nothing\n");
    missing.after_frame(host);
    CHECK(missing.after_frame(host) == ScriptRunner::Status::failed);
    CHECK(missing.failure() == "script line 3: no widget 'home.nothing' on screen home");

    auto wrong_screen = runner_for("expect-screen attract\n");
    wrong_screen.after_frame(host);
    CHECK(wrong_screen.after_frame(host) == ScriptRunner::Status::failed);

    host.hovered = true;
    auto hover = runner_for("expect-no-hover\n");
    hover.after_frame(host);
    CHECK(hover.after_frame(host) == ScriptRunner::Status::failed);

    host.widgets["talk.qr"] = {0, 0, 10, 10};
    auto in_view = runner_for("expect-widget talk.qr\nexpect-no-widget talk.qr\n");
    in_view.after_frame(host);
    CHECK(in_view.after_frame(host) == ScriptRunner::Status::failed);
    CHECK(in_view.failure().starts_with("script line 2:"));
}

TEST_CASE("hold-clock stops the kiosk's clock before the steps that follow, so frames repeat",
          "[kiosk-script]") {
    FakeHost host;
    auto runner = runner_for("hold-clock\nadvance-ms 2500\nscreenshot /tmp/x.png\n");
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running); // first frame drawn
    CHECK(runner.after_frame(host) == ScriptRunner::Status::running);
    CHECK(host.calls == std::vector<std::string>{"hold", "advance 2500"});
    auto status = ScriptRunner::Status::running;
    for (int frame = 0; frame < 10 && status == ScriptRunner::Status::running; ++frame) {
        status = runner.after_frame(host);
    }
    CHECK(status == ScriptRunner::Status::finished);
    CHECK(host.calls.back() == "screenshot /tmp/x.png");
}
