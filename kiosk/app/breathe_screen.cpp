#include "screens.hpp"
#include "wellness/breathing.hpp"

#include <chrono>
#include <cmath>

namespace wellness::kiosk {

namespace {

const char* phase_key(PhaseKind kind) {
    switch (kind) {
    case PhaseKind::inhale:
        return "phase_inhale";
    case PhaseKind::hold:
        return "phase_hold";
    case PhaseKind::exhale:
        return "phase_exhale";
    }
    return "phase_hold";
}

std::string minutes_seconds(std::chrono::nanoseconds remaining) {
    const auto total =
        static_cast<long>(std::ceil(std::chrono::duration<double>(remaining).count()));
    const long minutes = total / 60;
    const long seconds = total % 60;
    return std::to_string(minutes) + (seconds < 10 ? ":0" : ":") + std::to_string(seconds);
}

} // namespace

void BreatheScreen::Draw(UiContext& ui) {
    switch (ui.flow.screen()) {
    case Screen::breathe_choose_exercise:
        DrawChooseExercise(ui);
        break;
    case Screen::breathe_choose_length:
        DrawChooseLength(ui);
        break;
    case Screen::breathe_running:
        DrawRunning(ui);
        break;
    case Screen::breathe_finished:
        DrawFinished(ui);
        break;
    default:
        break;
    }
}

void BreatheScreen::DrawChooseExercise(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    top_bar(ui, flow.ui("choose_exercise"));
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "breathe.list", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        for (const auto& exercise : flow.content().exercises) {
            const std::string name = flow.text(exercise.name);
            const std::string description = flow.text(exercise.description);
            const float pad = layout.mm(3.0f);
            const float needed = text_height(ui.fonts.body, width - 2 * pad, name) +
                                 text_height(ui.fonts.small, width - 2 * pad, description) +
                                 2 * pad;
            if (label_button(ui, "breathe.exercise." + exercise.id, name,
                             {width, std::max(layout.target * 1.3f, needed)}, ui.palette.surface,
                             ui.palette.text, description)) {
                ui.want(Intent::choose_exercise(exercise.id));
            }
        }
    });
    bottom_bar(ui, true);
}

void BreatheScreen::DrawChooseLength(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const Exercise* exercise = flow.exercise();
    if (exercise == nullptr) {
        return;
    }
    top_bar(ui, flow.text(exercise->name));
    ImDrawList* list = ImGui::GetWindowDrawList();
    float y = layout.content_top();
    y += draw_text(list, ui.fonts.body, {layout.margin, y}, layout.content_width(),
                   ui.palette.text_muted, flow.text(exercise->description));
    y += layout.gap;
    y += draw_text(list, ui.fonts.heading, {layout.margin, y}, layout.content_width(),
                   ui.palette.text, flow.ui("choose_length"));
    y += layout.gap;
    const auto count = static_cast<float>(exercise->lengths_minutes.size());
    const float w =
        std::min(layout.target * 3.0f, (layout.content_width() - (count - 1) * layout.gap) / count);
    const float h = std::max(
        layout.target, std::min(layout.target * 1.8f, static_cast<float>(layout.height) -
                                                          layout.bar_height - y - layout.margin));
    float x = layout.margin;
    for (int minutes : exercise->lengths_minutes) {
        ImGui::SetCursorScreenPos({x, y});
        if (label_button(ui, "breathe.length." + std::to_string(minutes),
                         std::to_string(minutes) + " " + flow.ui("minutes_unit"), {w, h},
                         ui.palette.accent, 0, {}, false, ui.fonts.heading)) {
            ui.want(Intent::choose_length(minutes));
        }
        x += w + layout.gap;
    }
    bottom_bar(ui, true);
}

void BreatheScreen::DrawRunning(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const Exercise* exercise = flow.exercise();
    if (exercise == nullptr) {
        return;
    }
    top_bar(ui, flow.text(exercise->name));
    const auto elapsed = std::chrono::milliseconds(flow.breathing_elapsed(ui.now));
    const BreathingState state = breathing_state(*exercise, flow.state().length_minutes, elapsed);

    const float area_top = layout.content_top();
    const float area_h = layout.content_height();
    const float radius = area_h * 0.42f;
    const ImVec2 centre{static_cast<float>(layout.width) / 2, area_top + area_h * 0.47f};
    draw_breathing_circle(ui, centre, radius, static_cast<float>(state.circle));

    ImDrawList* list = ImGui::GetWindowDrawList();
    const std::string phase = flow.ui(phase_key(state.phase));
    const auto seconds_left =
        static_cast<long>(std::ceil(std::chrono::duration<double>(state.phase_remaining).count()));
    const float box = radius * 1.6f;
    const float text_block = ui.fonts.heading->FontSize * 1.2f + ui.fonts.title->FontSize * 1.2f;
    float y = centre.y - text_block / 2;
    y += draw_text(list, ui.fonts.heading, {centre.x - box / 2, y}, box, ui.palette.text, phase,
                   true);
    draw_text(list, ui.fonts.title, {centre.x - box / 2, y}, box, ui.palette.text,
              std::to_string(seconds_left), true);
    // Time left in the session, quietly under the circle.
    draw_text(list, ui.fonts.small, {layout.margin, area_top + area_h - ui.fonts.small->FontSize},
              layout.content_width(), ui.palette.text_muted,
              minutes_seconds(state.session_remaining), true);
    bottom_bar(ui, true);
}

void BreatheScreen::DrawFinished(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const Exercise* exercise = flow.exercise();
    if (exercise == nullptr) {
        return;
    }
    top_bar(ui, flow.text(exercise->name));
    const float area_top = layout.content_top();
    const float area_h = layout.content_height();
    const float radius = area_h * 0.25f;
    const ImVec2 centre{static_cast<float>(layout.width) / 2, area_top + radius + layout.gap};
    draw_breathing_circle(ui, centre, radius, 0.0f);
    float y = centre.y + radius + layout.gap;
    y += draw_text(ImGui::GetWindowDrawList(), ui.fonts.heading, {layout.margin, y},
                   layout.content_width(), ui.palette.text, flow.ui("session_complete"), true);
    const float w = layout.target * 3.0f;
    ImGui::SetCursorScreenPos({(static_cast<float>(layout.width) - w) / 2, y + layout.gap});
    if (label_button(ui, "breathe.again", flow.ui("again"), {w, layout.target}, ui.palette.accent,
                     0)) {
        ui.want(Intent::again());
    }
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
