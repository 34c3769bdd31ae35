#include "screens.hpp"

#include <cmath>

namespace wellness::kiosk {

void TalkScreen::Draw(UiContext& ui) {
    if (ui.flow.screen() == Screen::talk_list) {
        DrawList(ui);
    } else if (ui.flow.screen() == Screen::talk_provider) {
        DrawProvider(ui);
    }
}

void TalkScreen::DrawList(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    top_bar(ui, flow.ui("talk_heading"));
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "talk.list", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        const float pad = layout.mm(3.0f);
        for (const auto& provider : flow.content().providers) {
            const std::string name = flow.text(provider.name);
            std::string detail = flow.text(provider.description);
            const std::string hours = flow.text(provider.hours);
            if (!hours.empty()) {
                detail += (detail.empty() ? "" : "\n") + hours;
            }
            const float needed = text_height(ui.fonts.body, width - 2 * pad, name) +
                                 text_height(ui.fonts.small, width - 2 * pad, detail) + 2 * pad;
            if (label_button(ui, "talk.provider." + provider.id, name,
                             {width, std::max(layout.target * 1.3f, needed)}, ui.palette.surface,
                             ui.palette.text, detail)) {
                ui.want(Intent::choose_provider(provider.id));
            }
        }
    });
    bottom_bar(ui, true);
}

void TalkScreen::DrawProvider(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const Provider* provider = flow.provider();
    if (provider == nullptr) {
        return;
    }
    top_bar(ui, flow.text(provider->name));
    ImDrawList* list = ImGui::GetWindowDrawList();
    const float top = layout.content_top();
    float qr_drawn = 0;
    if (auto qr = ui.qr(provider->booking_url)) {
        // Whole pixels per module and a whole-pixel origin: every module is a crisp square.
        const float side = std::floor(layout.qr_side());
        const float module = std::floor(side / static_cast<float>(qr->modules));
        qr_drawn = module * static_cast<float>(qr->modules);
        const ImVec2 origin{std::floor(layout.margin), std::floor(top + (side - qr_drawn) / 2)};
        ImGui::SetCursorScreenPos(origin);
        ImGui::Image(qr->texture, {qr_drawn, qr_drawn});
        register_widget(ui, "talk.qr");
    }
    const float left = layout.margin + std::max(qr_drawn, layout.qr_side()) + layout.gap * 2;
    const float wrap = static_cast<float>(layout.width) - layout.margin - left;
    float y = top;
    y += draw_text(list, ui.fonts.body, {left, y}, wrap, ui.palette.text, flow.ui("scan_qr"));
    y += layout.gap / 2;
    y += draw_text(list, ui.fonts.small, {left, y}, wrap, ui.palette.accent, provider->booking_url);
    y += layout.gap;
    if (!provider->phone.empty()) {
        y += draw_text(list, ui.fonts.small, {left, y}, wrap, ui.palette.text_muted,
                       flow.ui("phone_label"));
        y += draw_text(list, ui.fonts.heading, {left, y}, wrap, ui.palette.text, provider->phone);
        y += layout.gap / 2;
    }
    const std::string hours = flow.text(provider->hours);
    if (!hours.empty()) {
        y += draw_text(list, ui.fonts.small, {left, y}, wrap, ui.palette.text_muted,
                       flow.ui("hours_label"));
        y += draw_text(list, ui.fonts.body, {left, y}, wrap, ui.palette.text, hours);
        y += layout.gap / 2;
    }
    draw_text(list, ui.fonts.small, {left, y}, wrap, ui.palette.text_muted,
              flow.text(provider->description));
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
