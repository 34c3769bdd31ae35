#include "qr_code.hpp"
#include "screens.hpp"
#include "urgent_contacts.hpp"

#include <algorithm>
#include <cmath>

namespace wellness::kiosk {

void CardScreen::Draw(UiContext& ui) {
    if (ui.flow.screen() == Screen::topic_card) {
        DrawTopicCard(ui);
    } else if (ui.flow.screen() == Screen::peer_support_card) {
        DrawPeerSupport(ui);
    }
}

void CardScreen::DrawTopicCard(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const TopicCard* card = flow.card();
    if (card == nullptr) {
        return;
    }
    top_bar(ui, flow.text(card->title));
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "card.text", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        ImDrawList* list = ImGui::GetWindowDrawList();
        const std::string body = flow.text(card->body);
        const ImVec2 body_at = ImGui::GetCursorScreenPos();
        const float body_h = draw_text(list, ui.fonts.body, body_at, width, ui.palette.text, body);
        ImGui::Dummy({width, body_h});
        register_widget(ui, "card.body");
        if (card->take_home_url.empty()) {
            return;
        }
        const auto qr = ui.qr(card->take_home_url);
        if (!qr) {
            return;
        }
        // The QR on the left with the hint and the link beside it, or under it when the screen
        // is too narrow for both. The same bytes for everyone: the link as content has it.
        const float pad = layout.mm(3.0f);
        const float side = contact_qr_side(layout);
        const float beside = width - 2 * pad - side - layout.gap;
        const bool stacked = beside < layout.mm(40.0f);
        const float text_left = stacked ? pad : pad + side + layout.gap;
        const float text_wrap = stacked ? width - 2 * pad : beside;
        const std::string hint = flow.ui("take_home");
        const float text_h = text_height(ui.fonts.body, text_wrap, hint) + layout.gap / 2 +
                             text_height(ui.fonts.small, text_wrap, card->take_home_url);
        const float h =
            stacked ? pad + side + layout.gap + text_h + pad : pad + std::max(side, text_h) + pad;
        const ImVec2 min = ImGui::GetCursorScreenPos();
        list->AddRectFilled(min, {min.x + width, min.y + h}, ui.palette.surface, layout.mm(2.5f));
        const auto module = static_cast<float>(qr_pixels_per_module(qr->modules, side));
        const float drawn = module * static_cast<float>(qr->modules);
        const ImVec2 origin{std::floor(min.x + pad + (side - drawn) / 2),
                            std::floor(min.y + pad + (side - drawn) / 2)};
        ImGui::SetCursorScreenPos(origin);
        ImGui::Image(qr->texture, {drawn, drawn});
        register_widget(ui, "card.qr");
        float y = stacked ? min.y + pad + side + layout.gap
                          : min.y + pad + std::max(0.0f, (side - text_h) / 2);
        y += draw_text(list, ui.fonts.body, {min.x + text_left, y}, text_wrap, ui.palette.text,
                       hint);
        y += layout.gap / 2;
        draw_text(list, ui.fonts.small, {min.x + text_left, y}, text_wrap, ui.palette.text_muted,
                  card->take_home_url);
        ImGui::SetCursorScreenPos(min);
        ImGui::Dummy({width, h});
        register_area(ui, "card.take_home");
    });
    bottom_bar(ui, true);
}

void CardScreen::DrawPeerSupport(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const Provider* team = flow.provider();
    if (team == nullptr) {
        return;
    }
    top_bar(ui, flow.ui("talk_to_someone"));
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "peer.list", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        ImDrawList* list = ImGui::GetWindowDrawList();
        const std::string hint = flow.ui("scan_to_text");
        const float hint_h = draw_text(list, ui.fonts.body, ImGui::GetCursorScreenPos(), width,
                                       ui.palette.text, hint);
        ImGui::Dummy({width, hint_h});
        register_widget(ui, "peer.hint");
        // The team's name, hours and on-call number in large text with its sms: QR, drawn
        // like Urgent help's contacts.
        draw_contacts(ui, {peer_support_contact(*team)}, width);
        const std::string description = flow.text(team->description);
        if (!description.empty()) {
            const float description_h = draw_text(list, ui.fonts.small, ImGui::GetCursorScreenPos(),
                                                  width, ui.palette.text_muted, description);
            ImGui::Dummy({width, description_h});
            register_widget(ui, "peer.description");
        }
    });
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
