#include "screens.hpp"

#include <cmath>
#include <numbers>

namespace wellness::kiosk {

void draw_breathing_circle(UiContext& ui, ImVec2 centre, float max_radius, float fullness) {
    ImDrawList* list = ImGui::GetWindowDrawList();
    const float min_radius = max_radius * 0.35f;
    const float radius = min_radius + (max_radius - min_radius) * std::clamp(fullness, 0.0f, 1.0f);
    const ImU32 accent = ui.palette.accent;
    list->AddCircle(centre, max_radius, mix(ui.palette.background, accent, 0.35f), 96,
                    ui.layout.mm(0.6f));
    // A soft edge: a few translucent rings around the filled circle (outlines, not discs, so
    // a software renderer fills each pixel about once).
    const float ring_width = ui.layout.mm(1.5f);
    for (int ring = 1; ring <= 3; ++ring) {
        const float ring_radius = radius + ring_width * (static_cast<float>(ring) - 0.5f);
        list->AddCircle(centre, ring_radius, mix(ui.palette.background, accent, 0.12f * (4 - ring)),
                        96, ring_width);
    }
    list->AddCircleFilled(centre, radius, mix(ui.palette.background, accent, 0.75f), 96);
}

void AttractScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    const auto width = static_cast<float>(layout.width);
    const auto height = static_cast<float>(layout.height);
    // Urgent help first, so it wins over the tap-anywhere area under it.
    top_bar(ui, "", true);
    // The hidden maintenance corner: taps there must not start a visit.
    ImGui::SetCursorScreenPos({0, 0});
    ImGui::InvisibleButton("##maintenance-corner", {layout.corner, layout.corner});
    ImGui::SetCursorScreenPos({0, 0});
    if (ImGui::InvisibleButton("##attract", {width, height})) {
        ui.want(Intent::leave_attract());
    }
    register_widget(ui, "attract.tap");

    // A slow breath: about six a minute.
    constexpr MonotonicMs period_ms = 10000;
    const double phase = static_cast<double>(ui.now % period_ms) / period_ms;
    const auto fullness = static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * phase));
    const float radius = std::min(width, height) * 0.22f;
    const ImVec2 centre{width / 2, height * 0.45f};
    draw_breathing_circle(ui, centre, radius, fullness);

    const std::string text = ui.flow.text(ui.flow.content().attract_text);
    const float wrap = width - 2 * layout.margin;
    draw_text(ImGui::GetWindowDrawList(), ui.fonts.heading,
              {layout.margin, centre.y + radius + layout.gap * 2}, wrap, ui.palette.text, text,
              true);
}

} // namespace wellness::kiosk
