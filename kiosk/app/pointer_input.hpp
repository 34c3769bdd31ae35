#pragma once

// Touch and mouse into Dear ImGui. SDL turns touches into mouse events too; we take fingers as
// fingers and skip those copies. After a finger lifts, the pointer moves off-screen so nothing
// stays hovered for the next person. Queued events reach ImGui one press or release per frame,
// so a tap shorter than a frame is still a press and then a release.

#include <SDL.h>
#include <deque>
#include <imgui.h>
#include <optional>
#include <vector>

namespace wellness::kiosk {

class PointerInput {
  public:
    // Returns true when the event was a pointer event (and is taken care of).
    bool handle(const SDL_Event& event, int window_width, int window_height);
    // Call after the platform backend's NewFrame, before ImGui::NewFrame.
    void apply(ImGuiIO& io);
    bool pending() const { return !queue_.empty(); }
    // Where fingers and buttons went down since the last call (for the hidden corner).
    std::vector<ImVec2> take_presses();

  private:
    enum class Kind { move, down, up, leave };
    struct Event {
        Kind kind;
        ImVec2 position;
    };
    std::deque<Event> queue_;
    std::vector<ImVec2> presses_;
    ImVec2 position_{-FLT_MAX, -FLT_MAX};
    bool down_ = false;
    std::optional<SDL_FingerID> finger_;
};

} // namespace wellness::kiosk
