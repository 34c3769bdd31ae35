#include "screens.hpp"

#include <cmath>
#include <numbers>

namespace wellness::kiosk {

ImU32 breathing_circle_fill(const Palette& palette) {
    return mix(palette.background, palette.accent, 0.75f);
}

void draw_breathing_circle(UiContext& ui, ImVec2 centre, float max_radius, float fullness,
                           float min_radius) {
    ImDrawList* list = ImGui::GetWindowDrawList();
    if (min_radius <= 0) {
        min_radius = max_radius * 0.35f;
    }
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
    list->AddCircleFilled(centre, radius, breathing_circle_fill(ui.palette), 96);
}

namespace {

struct AttractGeometry {
    ImVec2 centre;
    float max_radius;
    float min_radius;
};

AttractGeometry attract_geometry(const Layout& layout) {
    const auto width = static_cast<float>(layout.width);
    const auto height = static_cast<float>(layout.height);
    const float max_radius = std::min(width, height) * 0.22f;
    return {{width / 2, height * 0.45f}, max_radius, max_radius * 0.35f};
}

} // namespace

AttractPicture attract_picture(const Flow& flow, const Layout& layout, MonotonicMs now) {
    // A slow breath: about six a minute.
    const double phase =
        static_cast<double>(now % attract_breath_ms) / static_cast<double>(attract_breath_ms);
    const double fullness = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * phase);
    const AttractGeometry geometry = attract_geometry(layout);
    const double radius =
        geometry.min_radius + (geometry.max_radius - geometry.min_radius) * fullness;
    // The line fades out and the next fades in while the circle is at its smallest.
    const double fade = 0.06;
    const double alpha = std::clamp(std::min(phase, 1.0 - phase) / fade, 0.0, 1.0);
    return {static_cast<int>(std::lround(radius)), static_cast<int>(std::lround(alpha * 64)),
            flow.attract_locale(now)};
}

void AttractScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const auto width = static_cast<float>(layout.width);
    const auto height = static_cast<float>(layout.height);
    // Every locale's line in turn, one breath each.
    const std::string& locale = flow.attract_locale(ui.now);
    const auto& content = flow.content();
    // Urgent help first, so it wins over the tap-anywhere area under it.
    top_bar(ui, "", true);
    // The hidden maintenance corner: taps there must not start a visit.
    ImGui::SetCursorScreenPos({0, 0});
    ImGui::InvisibleButton("##maintenance-corner", {layout.corner, layout.corner});
    ImGui::SetCursorScreenPos({0, 0});
    if (ImGui::InvisibleButton("##attract", {width, height})) {
        ui.want(Intent::leave_attract());
    }
    register_area(ui, "attract.tap");

    const AttractPicture picture = attract_picture(flow, layout, ui.now);
    const AttractGeometry geometry = attract_geometry(layout);
    const float radius = geometry.max_radius;
    const ImVec2 centre = geometry.centre;
    const float shown_radius = static_cast<float>(picture.radius_px);
    draw_breathing_circle(ui, centre, radius,
                          (shown_radius - geometry.min_radius) / (radius - geometry.min_radius),
                          geometry.min_radius);

    const double alpha = static_cast<double>(picture.text_alpha_64ths) / 64.0;
    const std::string text = localized(content.attract_text, locale, content.default_locale);
    const float wrap = width - 2 * layout.margin;
    const ImVec2 at{layout.margin, centre.y + radius + layout.gap * 2};
    const float text_h = draw_text(ImGui::GetWindowDrawList(), ui.fonts.heading, at, wrap,
                                   (ui.palette.text & ~IM_COL32_A_MASK) |
                                       (static_cast<ImU32>(alpha * 255.0) << IM_COL32_A_SHIFT),
                                   text, true);
    ImGui::SetCursorScreenPos(at);
    ImGui::Dummy({wrap, text_h});
    register_widget(ui, "attract.line." + locale);
}

} // namespace wellness::kiosk
