#include "screens.hpp"

namespace wellness::kiosk {

float draw_crisis_lines(UiContext& ui, float width) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const float pad = layout.mm(3.0f);
    const float inner = width - 2 * pad;
    const std::string call = flow.ui("call_label");
    const std::string text = flow.ui("text_label");
    float used = 0;
    for (const auto& line : flow.content().crisis_lines) {
        const std::string name = flow.text(line.name);
        const std::string description = flow.text(line.description);
        std::string numbers;
        if (!line.call.empty()) {
            numbers += call + " " + line.call;
        }
        if (!line.text.empty()) {
            numbers += (numbers.empty() ? "" : "     ") + text + " " + line.text;
        }
        const float h = text_height(ui.fonts.heading, inner, name) +
                        text_height(ui.fonts.small, inner, description) +
                        text_height(ui.fonts.heading, inner, numbers) + 2 * pad;
        const ImVec2 min = ImGui::GetCursorScreenPos();
        ImDrawList* list = ImGui::GetWindowDrawList();
        list->AddRectFilled(min, {min.x + width, min.y + h},
                            mix(ui.palette.surface, ui.palette.urgent, 0.25f), layout.mm(2.5f));
        list->AddRectFilled(min, {min.x + layout.mm(1.5f), min.y + h}, ui.palette.urgent);
        float y = min.y + pad;
        y += draw_text(list, ui.fonts.heading, {min.x + pad, y}, inner, ui.palette.text, name);
        y += draw_text(list, ui.fonts.small, {min.x + pad, y}, inner, ui.palette.text_muted,
                       description);
        draw_text(list, ui.fonts.heading, {min.x + pad, y}, inner, ui.palette.text, numbers);
        ImGui::Dummy({width, h});
        register_widget(ui, "crisis." + line.id);
        used += h + layout.gap;
    }
    return used;
}

void UrgentScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    top_bar(ui, ui.flow.ui("urgent_heading"), false);
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "urgent.list", at, size,
              [&] { draw_crisis_lines(ui, size.x - layout.mm(3.0f)); });
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
