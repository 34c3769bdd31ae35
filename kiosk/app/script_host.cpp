#include "script_host.hpp"

#include <cstdint>
#include <stb_image_write.h>
#include <vector>

namespace wellness::kiosk {

bool write_screenshot(const GlApi& gl, int width, int height, const std::string& path) {
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4);
    gl.PixelStorei(GL_PACK_ALIGNMENT, 1);
    gl.ReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    // RGB, bottom row first in GL: flip while dropping alpha.
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* from = &rgba[static_cast<std::size_t>(height - 1 - y) * width * 4];
        std::uint8_t* to = &rgb[static_cast<std::size_t>(y) * width * 3];
        for (int x = 0; x < width; ++x) {
            to[x * 3 + 0] = from[x * 4 + 0];
            to[x * 3 + 1] = from[x * 4 + 1];
            to[x * 3 + 2] = from[x * 4 + 2];
        }
    }
    return stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3) != 0;
}

std::optional<ScriptRect> SdlScriptHost::widget(const std::string& test_id) {
    auto found = widgets_.find(test_id);
    if (found == widgets_.end()) {
        return std::nullopt;
    }
    const auto& r = found->second;
    return ScriptRect{r.min.x, r.min.y, r.max.x, r.max.y};
}

void SdlScriptHost::push_finger(Uint32 type, float x, float y) {
    SDL_Event event{};
    event.type = type;
    event.tfinger.timestamp = SDL_GetTicks();
    event.tfinger.touchId = 1;
    event.tfinger.fingerId = 1;
    event.tfinger.x = x / static_cast<float>(layout_.width);
    event.tfinger.y = y / static_cast<float>(layout_.height);
    event.tfinger.pressure = type == SDL_FINGERUP ? 0.0f : 1.0f;
    event.tfinger.windowID = SDL_GetWindowID(window_);
    SDL_PushEvent(&event);
}

void SdlScriptHost::push_mouse_button(Uint32 type, float x, float y) {
    SDL_Event motion{};
    motion.type = SDL_MOUSEMOTION;
    motion.motion.windowID = SDL_GetWindowID(window_);
    motion.motion.x = static_cast<Sint32>(x);
    motion.motion.y = static_cast<Sint32>(y);
    SDL_PushEvent(&motion);
    SDL_Event button{};
    button.type = type;
    button.button.windowID = SDL_GetWindowID(window_);
    button.button.button = SDL_BUTTON_LEFT;
    button.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    button.button.clicks = 1;
    button.button.x = static_cast<Sint32>(x);
    button.button.y = static_cast<Sint32>(y);
    SDL_PushEvent(&button);
}

void SdlScriptHost::tap(float x, float y, bool finger) {
    if (finger) {
        push_finger(SDL_FINGERDOWN, x, y);
        push_finger(SDL_FINGERUP, x, y);
    } else {
        push_mouse_button(SDL_MOUSEBUTTONDOWN, x, y);
        push_mouse_button(SDL_MOUSEBUTTONUP, x, y);
    }
}

void SdlScriptHost::drag(float x, float y, float dx, float dy) {
    push_finger(SDL_FINGERDOWN, x, y);
    constexpr int steps = 6;
    for (int i = 1; i <= steps; ++i) {
        const float t = static_cast<float>(i) / steps;
        push_finger(SDL_FINGERMOTION, x + dx * t, y + dy * t);
    }
    push_finger(SDL_FINGERUP, x + dx, y + dy);
}

void SdlScriptHost::corner_taps(int count) {
    const float at = layout_.corner / 2;
    for (int i = 0; i < count; ++i) {
        push_finger(SDL_FINGERDOWN, at, at);
        push_finger(SDL_FINGERUP, at, at);
    }
}

bool SdlScriptHost::screenshot(const std::string& path) {
    return write_screenshot(gl_, layout_.width, layout_.height, path);
}

bool SdlScriptHost::anything_hovered() {
    const ImGuiIO& io = ImGui::GetIO();
    const bool pointer_on_screen = io.MousePos.x > -1e30f && io.MousePos.y > -1e30f;
    return ImGui::IsAnyItemHovered() || ImGui::IsAnyItemActive() || pointer_on_screen;
}

} // namespace wellness::kiosk
