#pragma once

// Runs a parsed --script against the running kiosk, one step per drawn frame. Window-free: the
// kiosk implements ScriptHost with real SDL events, its widget map and glReadPixels.

#include "test_script.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wellness::kiosk {

struct ScriptRect {
    float min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

class ScriptHost {
  public:
    virtual ~ScriptHost() = default;
    virtual std::optional<ScriptRect> widget(const std::string& test_id) = 0;
    virtual void tap(float x, float y, bool finger) = 0;
    virtual void drag(float x, float y, float dx, float dy) = 0;
    virtual void corner_taps(int count) = 0;
    virtual void advance_clock(std::int64_t ms) = 0;
    virtual void hold_clock() = 0;
    virtual bool screenshot(const std::string& path) = 0;
    virtual std::string screen_name() = 0;
    virtual bool anything_hovered() = 0;
    // The last frame's layout problems, one sentence each; empty when it holds.
    virtual std::vector<std::string> layout_problems() = 0;
    virtual bool input_pending() = 0; // injected events ImGui has not seen yet
};

class ScriptRunner {
  public:
    enum class Status { running, finished, failed };

    explicit ScriptRunner(std::vector<ScriptCommand> commands);

    // Called once after each drawn frame (before it is shown): runs commands until one needs
    // frames to pass.
    Status after_frame(ScriptHost& host);
    const std::string& failure() const { return failure_; }

    // Frames to let the UI settle after injected input: press, release, new screen.
    static constexpr int settle_frames = 4;

  private:
    Status fail(const ScriptCommand& command, const std::string& why);

    std::vector<ScriptCommand> commands_;
    std::size_t next_ = 0;
    std::int64_t frames_to_wait_ = 1; // let the first frame draw before looking at widgets
    std::string failure_;
};

} // namespace wellness::kiosk
