#pragma once

// The kiosk side of --script: real SDL input events pushed into the queue, the frame's widget
// map, the test clock and glReadPixels screenshots.

#include "flow.hpp"
#include "gl_api.hpp"
#include "layout.hpp"
#include "pointer_input.hpp"
#include "script_runner.hpp"
#include "ui_kit.hpp"

#include <SDL.h>
#include <optional>

namespace wellness::kiosk {

// Monotonic milliseconds; tests may move it forward (advance-ms) or hold it, never back.
class MonotonicClock {
  public:
    MonotonicMs now() const {
        return (held_ ? *held_ : static_cast<MonotonicMs>(SDL_GetTicks64())) + offset_;
    }
    void advance(MonotonicMs ms) { offset_ += ms; }
    // Tests: time stands still from here on but for advance().
    void hold() {
        if (!held_) {
            held_ = static_cast<MonotonicMs>(SDL_GetTicks64());
        }
    }

  private:
    MonotonicMs offset_ = 0;
    std::optional<MonotonicMs> held_;
};

bool write_screenshot(const GlApi& gl, int width, int height, const std::string& path);

class SdlScriptHost final : public ScriptHost {
  public:
    SdlScriptHost(SDL_Window* window, const GlApi& gl, const Layout& layout, const Flow& flow,
                  const WidgetMap& widgets, const LayoutProbe& probe, MonotonicClock& clock,
                  const PointerInput& pointer)
        : window_(window), gl_(gl), layout_(layout), flow_(flow), widgets_(widgets), probe_(probe),
          clock_(clock), pointer_(pointer) {}

    std::optional<ScriptRect> widget(const std::string& test_id) override;
    void tap(float x, float y, bool finger) override;
    void drag(float x, float y, float dx, float dy) override;
    void corner_taps(int count) override;
    void advance_clock(std::int64_t ms) override { clock_.advance(ms); }
    void hold_clock() override { clock_.hold(); }
    bool screenshot(const std::string& path) override;
    std::string screen_name() override { return std::string(to_string(flow_.screen())); }
    bool anything_hovered() override;
    std::vector<std::string> layout_problems() override {
        return wellness::kiosk::layout_problems(layout_, widgets_, probe_);
    }
    bool input_pending() override {
        return pointer_.pending() || SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    }

  private:
    void push_finger(Uint32 type, float x, float y);
    void push_mouse_button(Uint32 type, float x, float y);

    SDL_Window* window_;
    const GlApi& gl_;
    const Layout& layout_;
    const Flow& flow_;
    const WidgetMap& widgets_;
    const LayoutProbe& probe_;
    MonotonicClock& clock_;
    const PointerInput& pointer_;
};

} // namespace wellness::kiosk
