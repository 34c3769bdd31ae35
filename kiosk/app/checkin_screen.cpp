#include "screens.hpp"

#include <algorithm>

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
    ImFont* label_font = ui.fonts.level != nullptr ? ui.fonts.level : ui.fonts.heading;
    drag_list(ui, "checkin.levels", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        const auto count = static_cast<float>(std::max<std::size_t>(levels.size(), 1));
        const float even = (size.y - (count - 1) * layout.gap) / count;
        const float pad = layout.mm(3.0f);
        // Calm rows: the level's colour only as an edge and a shape, the text on the surface.
        const float edge = layout.mm(2.5f);
        const float shape_r = std::max(label_font->FontSize * 0.45f, layout.mm(3.0f));
        const float text_left = edge + pad + 2 * shape_r + pad;
        const float wrap = width - text_left - pad;
        for (std::size_t i = 0; i < levels.size(); ++i) {
            const auto& level = levels[i];
            const std::string label = flow.text(level.label);
            const std::string description = flow.text(level.description);
            const float label_h = text_height(label_font, wrap, label);
            const float description_h = text_height(ui.fonts.small, wrap, description);
            const float needed = label_h + layout.mm(1.0f) + description_h + 2 * pad;
            const float h = std::max({layout.target, even, needed});
            const ImU32 mark =
                i < ui.palette.levels.size() ? ui.palette.levels[i] : ui.palette.accent;
            const bool tapped =
                touch_target(ui, "checkin.level." + level.id, {width, h}, ui.palette.surface);
            const ImVec2 min = ImGui::GetItemRectMin();
            ImDrawList* list = ImGui::GetWindowDrawList();
            list->AddRectFilled(min, {min.x + edge, min.y + h}, mark, layout.mm(2.5f),
                                ImDrawFlags_RoundCornersLeft);
            const float top = min.y + std::max(pad, (h - needed) / 2 + pad);
            draw_level_shape(list, level_shape(i, levels.size()),
                             {min.x + edge + pad + shape_r, top + label_h / 2}, shape_r, mark,
                             ui.palette.text);
            draw_text(list, label_font, {min.x + text_left, top}, wrap, ui.palette.text, label);
            draw_text(list, ui.fonts.small, {min.x + text_left, top + label_h + layout.mm(1.0f)},
                      wrap, ui.palette.text_muted, description);
            if (tapped) {
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
    // Next (the forward action, primary) and Skip sit at the content's bottom left, far from
    // Done at the bottom right.
    const float row_top =
        forward_actions(ui, {{"checkin.next", flow.ui("next"), Intent::confirm_topics()},
                             {"checkin.skip", flow.ui("skip"), Intent::skip_topics()}});
    const float below = hint_h + layout.gap / 2;
    const ImVec2 at{layout.margin, layout.content_top() + below};
    const ImVec2 size{layout.content_width(), std::max(0.0f, row_top - at.y)};
    drag_list(ui, "checkin.topics", at, size, [&] {
        // Columns as many as fit at 45 mm each (at least one, at most three).
        const float usable = size.x - layout.mm(3.0f);
        const int columns = std::clamp(
            static_cast<int>((usable + layout.gap) / (layout.mm(45.0f) + layout.gap)), 1, 3);
        const float width =
            (usable - static_cast<float>(columns - 1) * layout.gap) / static_cast<float>(columns);
        const float pad = layout.mm(3.0f);
        int column = 0;
        float row_h = 0;
        std::vector<float> heights;
        for (const auto& topic : checkin.topics) {
            const std::string label = "\xE2\x9C\x93 " + flow.text(topic.label);
            heights.push_back(text_height(ui.fonts.body, width - 2 * pad, label) + pad);
        }
        for (std::size_t i = 0; i < checkin.topics.size(); ++i) {
            const auto& topic = checkin.topics[i];
            if (column == 0) {
                row_h = layout.target * 1.2f;
                for (std::size_t j = i; j < std::min(checkin.topics.size(), i + columns); ++j) {
                    row_h = std::max(row_h, heights[j]);
                }
            }
            const bool selected = flow.topic_selected(topic.id);
            const std::string label = (selected ? "\xE2\x9C\x93 " : "") + flow.text(topic.label);
            if (column > 0) {
                ImGui::SameLine(0, layout.gap);
            }
            if (label_button(ui, "checkin.topic." + topic.id, label, {width, row_h},
                             ui.palette.surface, ui.palette.text, {}, selected)) {
                ui.want(Intent::toggle_topic(topic.id));
            }
            column = (column + 1) % columns;
        }
    });
    bottom_bar(ui, true);
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
        // The cards for the topics the person chose, each opened on its own screen to read.
        const auto cards = flow.offered_cards();
        if (!cards.empty()) {
            const std::string heading = flow.ui("cards_heading");
            const float heading_h =
                draw_text(ImGui::GetWindowDrawList(), ui.fonts.heading, ImGui::GetCursorScreenPos(),
                          width, ui.palette.text, heading);
            ImGui::Dummy({width, heading_h});
            register_widget(ui, "checkin.cards_heading");
        }
        for (const TopicCard* card : cards) {
            const std::string title = flow.text(card->title);
            const float h = std::max(layout.target,
                                     text_height(ui.fonts.body, width - 2 * pad, title) + 2 * pad);
            if (label_button(ui, "checkin.card." + card->id, title, {width, h}, ui.palette.surface,
                             ui.palette.text)) {
                ui.want(Intent::open_card(card->id));
            }
        }
        // Someone to talk to: each peer-support team with an on-call number.
        for (const Provider* team : flow.peer_support_teams()) {
            const std::string label = flow.ui("talk_to_someone");
            const std::string name = flow.text(team->name);
            const float h =
                std::max(layout.target * 1.3f,
                         text_height(ui.fonts.body, width - 2 * pad, label) +
                             text_height(ui.fonts.small, width - 2 * pad, name) + 2 * pad);
            if (label_button(ui, "checkin.peer." + team->id, label, {width, h}, ui.palette.surface,
                             ui.palette.text, name)) {
                ui.want(Intent::open_peer_support(team->id));
            }
        }
    });
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
