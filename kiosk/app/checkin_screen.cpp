#include "screens.hpp"

namespace wellness::kiosk {

void CheckinScreen::Draw(UiContext& ui) {
    switch (ui.flow.screen()) {
    case Screen::checkin_level:
        DrawLevels(ui);
        break;
    case Screen::checkin_topics:
        DrawTopics(ui);
        break;
    case Screen::checkin_suggestions:
        DrawSuggestions(ui);
        break;
    default:
        break;
    }
}

void CheckinScreen::DrawLevels(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const auto& levels = flow.content().checkin.levels;
    top_bar(ui, flow.text(flow.content().checkin.question));
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "checkin.levels", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        const auto count = static_cast<float>(std::max<std::size_t>(levels.size(), 1));
        const float even = (size.y - (count - 1) * layout.gap) / count;
        for (const auto& level : levels) {
            const std::string label = flow.text(level.label);
            const std::string description = flow.text(level.description);
            const float pad = layout.mm(3.0f);
            const float needed = text_height(ui.fonts.body, width - 2 * pad, label) +
                                 text_height(ui.fonts.small, width - 2 * pad, description) +
                                 2 * pad;
            const ImU32 fill = parse_colour(level.color, ui.palette.surface);
            if (label_button(ui, "checkin.level." + level.id, label,
                             {width, std::max({layout.target, even, needed})}, fill, 0,
                             description)) {
                ui.want(Intent::choose_level(level.id));
            }
        }
    });
    bottom_bar(ui, true);
}

void CheckinScreen::DrawTopics(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const auto& checkin = flow.content().checkin;
    std::string question = flow.text(checkin.topics_question);
    if (question.empty()) {
        question = flow.ui("topics_prompt");
    }
    top_bar(ui, question);
    // Say that several may be picked (or none).
    const std::string hint = flow.ui("topics_prompt");
    const ImVec2 hint_at{layout.margin, layout.content_top()};
    const float hint_h = draw_text(ImGui::GetWindowDrawList(), ui.fonts.body, hint_at,
                                   layout.content_width(), ui.palette.text, hint);
    ImGui::SetCursorScreenPos(hint_at);
    ImGui::Dummy({layout.content_width(), hint_h});
    register_widget(ui, "checkin.topics_hint");
    const float below = hint_h + layout.gap / 2;
    const ImVec2 at{layout.margin, layout.content_top() + below};
    const ImVec2 size{layout.content_width(), layout.content_height() - below};
    drag_list(ui, "checkin.topics", at, size, [&] {
        const int columns = layout.width >= 1000 ? 3 : 2;
        const float width =
            (size.x - layout.mm(3.0f) - static_cast<float>(columns - 1) * layout.gap) /
            static_cast<float>(columns);
        int column = 0;
        for (const auto& topic : checkin.topics) {
            const bool selected = flow.topic_selected(topic.id);
            const std::string label = (selected ? "\xE2\x9C\x93 " : "") + flow.text(topic.label);
            if (column > 0) {
                ImGui::SameLine(0, layout.gap);
            }
            if (label_button(ui, "checkin.topic." + topic.id, label, {width, layout.target * 1.2f},
                             selected ? ui.palette.accent : ui.palette.surface, 0, {}, selected)) {
                ui.want(Intent::toggle_topic(topic.id));
            }
            column = (column + 1) % columns;
        }
    });
    bottom_bar(ui, true,
               {{"checkin.next", flow.ui("next"), Intent::confirm_topics()},
                {"checkin.skip", flow.ui("skip"), Intent::skip_topics()}});
}

void CheckinScreen::DrawSuggestions(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const CheckinLevel* level = flow.level();
    if (level == nullptr) {
        return;
    }
    // A serious level opens with a warm first line of its own instead of the generic heading.
    const std::string first_line = flow.text(level->first_line);
    top_bar(ui, first_line.empty() ? flow.ui("suggestions_heading") : std::string());
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "checkin.suggestions", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        if (!first_line.empty()) {
            const ImVec2 line_at = ImGui::GetCursorScreenPos();
            const float line_h = draw_text(ImGui::GetWindowDrawList(), ui.fonts.heading, line_at,
                                           width, ui.palette.text, first_line);
            ImGui::Dummy({width, line_h});
            register_widget(ui, "checkin.first_line");
        }
        // The most serious level: the crisis lines come first, before anything else.
        if (flow.is_most_serious_level()) {
            draw_crisis_lines(ui, width);
        }
        const float pad = layout.mm(3.0f);
        for (const std::size_t i : flow.offered_suggestions()) {
            const Suggestion& suggestion = level->suggestions[i];
            const std::string text = flow.text(suggestion.text);
            const float h = std::max(layout.target,
                                     text_height(ui.fonts.body, width - 2 * pad, text) + 2 * pad);
            const bool leads_somewhere = !suggestion.exercise_id.empty() ||
                                         !suggestion.provider_id.empty() || suggestion.crisis_lines;
            const ImU32 fill = leads_somewhere
                                   ? ui.palette.surface
                                   : mix(ui.palette.background, ui.palette.surface, 0.5f);
            if (label_button(ui, "checkin.suggestion." + std::to_string(i), text, {width, h}, fill,
                             ui.palette.text) &&
                leads_somewhere) {
                ui.want(Intent::choose_suggestion(static_cast<int>(i)));
            }
        }
    });
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
