#include "screens.hpp"

#include <algorithm>

namespace wellness::kiosk {

void StillThereOverlay::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const auto width = static_cast<float>(layout.width);
    const auto height = static_cast<float>(layout.height);
    ImDrawList* list = ImGui::GetWindowDrawList();
    // The screen stays visible under a calm veil: the person sees what is about to go.
    list->AddRectFilled({0, 0}, {width, height},
                        (ui.palette.background & ~IM_COL32_A_MASK) | (150u << IM_COL32_A_SHIFT));

    const float pad = layout.mm(4.0f);
    const float card_w =
        std::min(layout.content_width(), std::max(layout.target * 9.0f, width * 0.5f));
    const float inner = card_w - 2 * pad;
    const std::string title = flow.ui("still_there");
    const std::string hint = flow.ui("still_there_hint");
    const std::string stay = flow.ui("still_here");
    const std::string done = flow.ui("done");
    const float title_h = text_height(ui.fonts.title, inner, title);
    const float hint_h = text_height(ui.fonts.body, inner, hint);
    const float button_h = layout.target;
    const float card_h = pad + title_h + layout.gap / 2 + hint_h + layout.gap + button_h + pad;
    const ImVec2 card_min{(width - card_w) / 2,
                          std::max(layout.margin, height - layout.bar_height - card_h)};
    list->AddRectFilled(card_min, {card_min.x + card_w, card_min.y + card_h}, ui.palette.surface,
                        layout.mm(3.0f));
    float y = card_min.y + pad;
    y +=
        draw_text(list, ui.fonts.title, {card_min.x + pad, y}, inner, ui.palette.text, title, true);
    y += layout.gap / 2;
    y += draw_text(list, ui.fonts.body, {card_min.x + pad, y}, inner, ui.palette.text, hint, true);
    y += layout.gap;

    // "I'm still here" and Done, far apart; the rest of the screen answers any touch too.
    const float button_w = std::max(layout.target * 2.5f, (inner - layout.target) / 2);
    ImGui::SetCursorScreenPos({card_min.x + pad, y});
    if (label_button(ui, "still_there.stay", stay, {button_w, button_h}, ui.palette.accent, 0)) {
        ui.want(Intent::touch());
    }
    const float done_w = std::max(layout.target * 2.0f, button_w * 0.6f);
    ImGui::SetCursorScreenPos({card_min.x + card_w - pad - done_w, y});
    if (label_button(ui, "still_there.done", done, {done_w, button_h}, ui.palette.background,
                     ui.palette.text)) {
        ui.want(Intent::done());
    }
    ImGui::SetCursorScreenPos({card_min.x, card_min.y});
    ImGui::Dummy({card_w, card_h});
    register_area(ui, "still_there");
    ImGui::SetCursorScreenPos({0, 0});
    if (ImGui::InvisibleButton("##still-there-anywhere", {width, height})) {
        ui.want(Intent::touch());
    }
}

} // namespace wellness::kiosk
