#include "screens.hpp"
#include "wellness/breathing.hpp"

#include <algorithm>
#include <cfloat>
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

// "6 breaths a minute", "5.5 breaths a minute" (the decimal mark of the visit's language).
std::string breaths_a_minute(const Flow& flow, const Exercise& exercise) {
    const int tenths = breaths_per_minute_tenths(exercise, flow.state().pace_percent);
    std::string number = std::to_string(tenths / 10);
    if (tenths % 10 != 0) {
        number += flow.ui("decimal_mark") + std::to_string(tenths % 10);
    }
    return number + " " + flow.ui("breaths_unit");
}

// Slower and Faster side by side on the left, far from Done on the right edge (one slip onto
// Done would wipe the visit), then the pace in breaths a minute (and, while a session runs, the
// time left), in a row `layout.target` high from `top`.
void pace_row(UiContext& ui, float top, const std::string& words) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const int pace = flow.state().pace_percent;
    const std::string slower = flow.ui("pace_slower");
    const std::string faster = flow.ui("pace_faster");
    const float pad = layout.mm(4.0f);
    const float button_w =
        std::max({layout.target * 1.6f, text_width(ui.fonts.body, slower) + 2 * pad,
                  text_width(ui.fonts.body, faster) + 2 * pad});
    const ImVec2 size{button_w, layout.target};
    float x = layout.margin;
    ImGui::SetCursorScreenPos({x, top});
    if (label_button(ui, "breathe.pace.slower", slower, size,
                     pace > pace_steps_percent.front() ? ui.palette.surface : ui.palette.background,
                     ui.palette.text)) {
        ui.want(Intent::slower());
    }
    x += button_w + layout.gap;
    ImGui::SetCursorScreenPos({x, top});
    if (label_button(ui, "breathe.pace.faster", faster, size,
                     pace < pace_steps_percent.back() ? ui.palette.surface : ui.palette.background,
                     ui.palette.text)) {
        ui.want(Intent::faster());
    }
    x += button_w + layout.gap * 2;
    const float words_w = layout.margin + layout.content_width() - x;
    const float words_h = text_height(ui.fonts.small, words_w, words);
    const float words_top = top + std::max(0.0f, (layout.target - words_h) / 2);
    draw_text(ImGui::GetWindowDrawList(), ui.fonts.small, {x, words_top}, words_w,
              ui.palette.text_muted, words);
    ImGui::SetCursorScreenPos({x, words_top});
    ImGui::Dummy({text_run_width(ui.fonts.small, words_w, words), words_h});
    register_widget(ui, "breathe.pace");
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
    // The pace row (a resonance picker: how many breaths a minute) goes under the lengths. On a
    // short screen the description gives way to it: the list just chosen from showed it.
    const float pace_h = layout.target + layout.gap;
    const std::string description = flow.text(exercise->description);
    const float heading_h =
        text_height(ui.fonts.heading, layout.content_width(), flow.ui("choose_length"));
    const float description_h =
        text_height(ui.fonts.body, layout.content_width(), description) + layout.gap;
    if (y + description_h + heading_h + layout.gap + layout.target + pace_h <=
        static_cast<float>(layout.height) - layout.bar_height - layout.margin) {
        y += draw_text(list, ui.fonts.body, {layout.margin, y}, layout.content_width(),
                       ui.palette.text_muted, description);
        y += layout.gap;
    }
    y += draw_text(list, ui.fonts.heading, {layout.margin, y}, layout.content_width(),
                   ui.palette.text, flow.ui("choose_length"));
    y += layout.gap;
    const auto count = static_cast<float>(exercise->lengths_minutes.size());
    const float w =
        std::min(layout.target * 3.0f, (layout.content_width() - (count - 1) * layout.gap) / count);
    const float h =
        std::max(layout.target, std::min(layout.target * 1.8f, static_cast<float>(layout.height) -
                                                                   layout.bar_height - y -
                                                                   layout.margin - pace_h));
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
    pace_row(ui, y + h + layout.gap, breaths_a_minute(flow, *exercise));
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
    // The pace row with the time left sits under the circle.
    const float small_h = layout.target;
    // The soft rings reach a little beyond the circle.
    const float max_radius =
        std::min((area_h - small_h - layout.gap) / 2, layout.content_width() / 2) - layout.mm(4.5f);
    const ImVec2 centre{static_cast<float>(layout.width) / 2,
                        area_top + (area_h - small_h - layout.gap) / 2};

    // The label and countdown always sit inside the circle: its smallest size holds the
    // longest phase name in this language (the heading font, or the body font if even the
    // whole circle is too small for it).
    const bool top_up = is_top_up(*exercise, state.phase_index);
    const std::string phase = flow.ui(top_up ? "phase_top_up" : phase_key(state.phase));
    const float pad = layout.mm(1.5f);
    ImFont* label_font = ui.fonts.heading;
    ImFont* count_font = ui.fonts.title;
    float min_radius = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        float widest = 0;
        for (const char* key : {"phase_inhale", "phase_hold", "phase_exhale", "phase_top_up"}) {
            const std::string name = flow.ui(key);
            widest = std::max(
                widest,
                label_font->CalcTextSizeA(label_font->FontSize, FLT_MAX, 0, name.c_str()).x);
        }
        const float block_h = label_font->FontSize * 1.2f + count_font->FontSize * 1.2f;
        min_radius = pacer_min_radius(max_radius, 0.35f, widest, block_h, pad);
        if (min_radius <= max_radius * 0.8f || attempt == 1) {
            break;
        }
        label_font = ui.fonts.body;
        count_font = ui.fonts.heading;
    }
    // A breathing curve: each phase starts and ends gently.
    const auto fullness = static_cast<float>(eased_circle(state));
    draw_breathing_circle(ui, centre, max_radius, fullness, min_radius);
    const float radius = min_radius + (max_radius - min_radius) * std::clamp(fullness, 0.0f, 1.0f);

    ImDrawList* list = ImGui::GetWindowDrawList();
    const ImU32 label_colour =
        from_rgb(readable_on(to_rgb(breathing_circle_fill(ui.palette)), to_rgb(ui.palette.text),
                             to_rgb(ui.palette.background)));
    const int count =
        countdown_number(exercise->phases[state.phase_index].seconds, state.phase_remaining);
    const std::string number = count > 0 ? std::to_string(count) : std::string();
    const float label_w =
        label_font->CalcTextSizeA(label_font->FontSize, FLT_MAX, 0, phase.c_str()).x;
    const float number_w =
        count_font->CalcTextSizeA(count_font->FontSize, FLT_MAX, 0, number.c_str()).x;
    const float block_w = std::max(label_w, number_w);
    const float block_h = label_font->FontSize * 1.2f + count_font->FontSize * 1.2f;
    const ImVec2 block_min{std::floor(centre.x - block_w / 2), std::floor(centre.y - block_h / 2)};
    float y = block_min.y;
    y += draw_text(list, label_font, {block_min.x, y}, block_w + 1, label_colour, phase, true);
    if (!number.empty()) {
        draw_text(list, count_font, {block_min.x, y}, block_w + 1, label_colour, number, true);
    }
    ImGui::SetCursorScreenPos(block_min);
    ImGui::Dummy({block_w, block_h});
    register_widget(ui, "breathe.label");
    // For tests: the largest box of the label's shape inside the circle's disc as drawn now;
    // the label lies inside the disc exactly when it lies inside this box.
    if (block_w > 0 && block_h > 0) {
        const float scale = radius / std::hypot(block_w / 2, block_h / 2);
        const ImVec2 half{block_w / 2 * scale, block_h / 2 * scale};
        ImGui::SetCursorScreenPos({centre.x - half.x, centre.y - half.y});
        ImGui::Dummy({2 * half.x, 2 * half.y});
        register_area(ui, "breathe.circle");
    }
    register_area(ui, top_up ? "breathe.phase.top_up"
                             : std::string("breathe.phase.") + std::string(to_string(state.phase)));
    // Time left in the session (on the wall clock, at this pace), quietly under the circle.
    const auto wall_remaining = state.session_remaining * 100 / flow.state().pace_percent;
    pace_row(ui, area_top + area_h - small_h,
             minutes_seconds(wall_remaining) + " · " + breaths_a_minute(flow, *exercise));
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
    // The person's own change, when they rated before and after: the circle makes room for it.
    const std::string change = rating_change_text(flow);
    const std::string change_heading =
        change.empty() ? std::string() : flow.text(flow.stress_rating()->change_heading);
    ImDrawList* list = ImGui::GetWindowDrawList();
    const float change_h =
        change.empty()
            ? 0.0f
            : text_height(ui.fonts.body, layout.content_width(), change_heading) +
                  text_height(ui.fonts.title, layout.content_width(), change) + layout.gap;
    // With a change to show, the circle takes what the words and Again leave (at most a quarter
    // of the height), and on a short screen gives way to them.
    const float heading_h =
        text_height(ui.fonts.heading, layout.content_width(), flow.ui("session_complete"));
    const float radius =
        change.empty()
            ? area_h * 0.25f
            : std::min(area_h * 0.25f,
                       (area_h - 4 * layout.gap - heading_h - layout.target - change_h) / 2);
    float y = area_top;
    if (change.empty() || radius >= layout.mm(5.0f)) {
        const ImVec2 centre{static_cast<float>(layout.width) / 2, area_top + radius + layout.gap};
        draw_breathing_circle(ui, centre, radius, 0.0f);
        y = centre.y + radius + layout.gap;
    }
    y += draw_text(list, ui.fonts.heading, {layout.margin, y}, layout.content_width(),
                   ui.palette.text, flow.ui("session_complete"), true);
    if (!change.empty()) {
        y += layout.gap;
        y += draw_text(list, ui.fonts.body, {layout.margin, y}, layout.content_width(),
                       ui.palette.text_muted, change_heading, true);
        const float change_top = y;
        y += draw_text(list, ui.fonts.title, {layout.margin, y}, layout.content_width(),
                       ui.palette.text, change, true);
        const float change_w = text_run_width(ui.fonts.title, layout.content_width(), change);
        ImGui::SetCursorScreenPos({(static_cast<float>(layout.width) - change_w) / 2, change_top});
        ImGui::Dummy({change_w, y - change_top});
        register_widget(ui, "breathe.rating_change");
    }
    const float w = layout.target * 3.0f;
    ImGui::SetCursorScreenPos({(static_cast<float>(layout.width) - w) / 2, y + layout.gap});
    if (label_button(ui, "breathe.again", flow.ui("again"), {w, layout.target}, ui.palette.accent,
                     0)) {
        ui.want(Intent::again());
    }
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
