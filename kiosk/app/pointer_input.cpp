#include "pointer_input.hpp"

namespace wellness::kiosk {

bool PointerInput::handle(const SDL_Event& event, int window_width, int window_height) {
    const auto w = static_cast<float>(window_width);
    const auto h = static_cast<float>(window_height);
    switch (event.type) {
    case SDL_MOUSEMOTION:
        if (event.motion.which != SDL_TOUCH_MOUSEID) {
            queue_.push_back(
                {Kind::move,
                 {static_cast<float>(event.motion.x), static_cast<float>(event.motion.y)}});
        }
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (event.button.which != SDL_TOUCH_MOUSEID && event.button.button == SDL_BUTTON_LEFT) {
            const ImVec2 at{static_cast<float>(event.button.x), static_cast<float>(event.button.y)};
            queue_.push_back({Kind::move, at});
            queue_.push_back({event.type == SDL_MOUSEBUTTONDOWN ? Kind::down : Kind::up, at});
            if (event.type == SDL_MOUSEBUTTONDOWN) {
                presses_.push_back(at);
            }
        }
        return true;
    case SDL_MOUSEWHEEL:
        return false; // the backend scrolls lists with it
    case SDL_FINGERDOWN: {
        if (finger_) {
            return true; // one finger drives the UI; a second one is ignored
        }
        finger_ = event.tfinger.fingerId;
        const ImVec2 at{event.tfinger.x * w, event.tfinger.y * h};
        queue_.push_back({Kind::move, at});
        queue_.push_back({Kind::down, at});
        presses_.push_back(at);
        return true;
    }
    case SDL_FINGERMOTION:
        if (finger_ == event.tfinger.fingerId) {
            queue_.push_back({Kind::move, {event.tfinger.x * w, event.tfinger.y * h}});
        }
        return true;
    case SDL_FINGERUP:
        if (finger_ == event.tfinger.fingerId) {
            finger_.reset();
            const ImVec2 at{event.tfinger.x * w, event.tfinger.y * h};
            queue_.push_back({Kind::move, at});
            queue_.push_back({Kind::up, at});
            queue_.push_back({Kind::leave, at});
        }
        return true;
    default:
        return false;
    }
}

void PointerInput::apply(ImGuiIO& io) {
    bool moved_while_down = false;
    while (!queue_.empty()) {
        const Event event = queue_.front();
        if (event.kind == Kind::move) {
            moved_while_down =
                moved_while_down ||
                (down_ && (event.position.x != position_.x || event.position.y != position_.y));
            position_ = event.position;
            queue_.pop_front();
            continue;
        }
        if (event.kind == Kind::up && moved_while_down) {
            break; // a drag gets a frame with the button still down, then the release
        }
        if (event.kind == Kind::leave) {
            // Only once the release has been seen by ImGui (a frame earlier).
            position_ = {-FLT_MAX, -FLT_MAX};
            queue_.pop_front();
            continue;
        }
        const bool down = event.kind == Kind::down;
        if (down == down_) {
            queue_.pop_front();
            continue;
        }
        down_ = down;
        position_ = event.position;
        queue_.pop_front();
        break; // one press or release per frame
    }
    io.MousePos = position_;
    io.MouseDown[0] = down_;
    for (int i = 1; i < 5; ++i) {
        io.MouseDown[i] = false;
    }
}

std::vector<ImVec2> PointerInput::take_presses() {
    std::vector<ImVec2> presses;
    presses.swap(presses_);
    return presses;
}

} // namespace wellness::kiosk
