#include "qr_code.hpp"
#include "screens.hpp"
#include "urgent_contacts.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace wellness::kiosk {

namespace {

// One number of a contact: its QR on the left, "Call" / "Text" and the number in large text on
// its right (or under it when the card is too narrow for both side by side).
struct NumberBlock {
    const ContactNumber* number = nullptr;
    std::string label;
    ImFont* number_font = nullptr;
    float width = 0;
    float height = 0;
    bool stacked = false;
};

} // namespace

float contact_qr_side(const Layout& layout) {
    // About 3 cm, so a phone held at arm's length reads it, but never most of the screen.
    const float side = std::max(layout.mm(30.0f), layout.target * 1.8f);
    return std::floor(std::min(side, layout.content_height() * 0.6f));
}

float draw_contacts(UiContext& ui, const std::vector<UrgentContact>& contacts, float width) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const float pad = layout.mm(3.0f);
    const float inner = width - 2 * pad;
    const float qr_side = contact_qr_side(layout);
    const float text_gap = layout.gap;
    float used = 0;
    for (const auto& contact : contacts) {
        const std::string name = flow.text(contact.name);
        const std::string description = flow.text(contact.description);
        const std::string hours = flow.text(contact.hours);

        std::vector<NumberBlock> blocks;
        for (const auto& number : contact.numbers) {
            NumberBlock block;
            block.number = &number;
            block.label =
                flow.ui(number.kind == ContactNumber::Kind::call ? "call_label" : "text_label");
            block.number_font = ui.fonts.title;
            float text_w = std::max(text_width(ui.fonts.body, block.label),
                                    text_width(block.number_font, number.number));
            if (qr_side + text_gap + text_w > inner) {
                block.number_font = ui.fonts.heading;
                text_w = std::max(text_width(ui.fonts.body, block.label),
                                  text_width(block.number_font, number.number));
            }
            const float text_h =
                ui.fonts.body->FontSize * 1.2f + block.number_font->FontSize * 1.2f;
            block.stacked = qr_side + text_gap + text_w > inner;
            block.width = block.stacked ? std::max(qr_side, std::min(text_w, inner))
                                        : qr_side + text_gap + text_w;
            block.height = block.stacked ? qr_side + text_gap / 2 + text_h : qr_side;
            blocks.push_back(std::move(block));
        }
        // Blocks side by side while they fit, else on the next row.
        struct Placed {
            const NumberBlock* block;
            float x;
            float y;
        };
        std::vector<Placed> placed;
        float x = 0;
        float row_y = 0;
        float row_h = 0;
        for (const auto& block : blocks) {
            if (x > 0 && x + block.width > inner) {
                row_y += row_h + layout.gap;
                x = 0;
                row_h = 0;
            }
            placed.push_back({&block, x, row_y});
            x += block.width + layout.gap * 2;
            row_h = std::max(row_h, block.height);
        }
        const float numbers_h = blocks.empty() ? 0.0f : row_y + row_h;

        const float name_h = text_height(ui.fonts.heading, inner, name);
        const float description_h =
            description.empty() ? 0.0f : text_height(ui.fonts.small, inner, description);
        const float hours_h = hours.empty() ? 0.0f : text_height(ui.fonts.small, inner, hours);
        const float h = pad + name_h + description_h + hours_h +
                        (blocks.empty() ? 0.0f : layout.gap / 2 + numbers_h) + pad;

        const ImVec2 min = ImGui::GetCursorScreenPos();
        ImDrawList* list = ImGui::GetWindowDrawList();
        const ImU32 card = mix(ui.palette.surface, ui.palette.urgent, 0.25f);
        list->AddRectFilled(min, {min.x + width, min.y + h}, card, layout.mm(2.5f));
        list->AddRectFilled(min, {min.x + layout.mm(1.5f), min.y + h}, ui.palette.urgent);
        float y = min.y + pad;
        y += draw_text(list, ui.fonts.heading, {min.x + pad, y}, inner, ui.palette.text, name);
        if (!description.empty()) {
            y += draw_text(list, ui.fonts.small, {min.x + pad, y}, inner, ui.palette.text,
                           description);
        }
        if (!hours.empty()) {
            y += draw_text(list, ui.fonts.small, {min.x + pad, y}, inner, ui.palette.text, hours);
        }
        y += layout.gap / 2;
        for (const auto& [block, bx, by] : placed) {
            const ImVec2 at{std::floor(min.x + pad + bx), std::floor(y + by)};
            // The same bytes for everyone: the QR holds only tel:/sms: and the number.
            if (auto qr = ui.qr(block->number->uri)) {
                const auto module = static_cast<float>(qr_pixels_per_module(qr->modules, qr_side));
                const float drawn = module * static_cast<float>(qr->modules);
                const ImVec2 origin{at.x + std::floor((qr_side - drawn) / 2),
                                    at.y + std::floor((qr_side - drawn) / 2)};
                ImGui::SetCursorScreenPos(origin);
                ImGui::Image(qr->texture, {drawn, drawn});
                register_widget(ui, qr_widget(contact, *block->number));
            }
            const ImVec2 text_at = block->stacked
                                       ? ImVec2{at.x, at.y + qr_side + text_gap / 2}
                                       : ImVec2{at.x + qr_side + text_gap,
                                                at.y + (qr_side - ui.fonts.body->FontSize * 1.2f -
                                                        block->number_font->FontSize * 1.2f) /
                                                           2};
            const float text_wrap = block->stacked ? inner : block->width - qr_side - text_gap;
            float ty = text_at.y;
            ty += draw_text(list, ui.fonts.body, {text_at.x, ty}, text_wrap, ui.palette.text,
                            block->label);
            draw_text(list, block->number_font, {text_at.x, ty}, text_wrap, ui.palette.text,
                      block->number->number);
        }
        ImGui::SetCursorScreenPos(min);
        ImGui::Dummy({width, h});
        register_area(ui, contact.widget);
        used += h + layout.gap;
    }
    return used;
}

float draw_crisis_lines(UiContext& ui, float width) {
    return draw_contacts(ui, crisis_contacts(ui.flow.content()), width);
}

void UrgentScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    top_bar(ui, ui.flow.ui("urgent_heading"), false);
    const ImVec2 at{layout.margin, layout.content_top()};
    const ImVec2 size{layout.content_width(), layout.content_height()};
    drag_list(ui, "urgent.list", at, size, [&] {
        const float width = size.x - layout.mm(3.0f);
        const float hint_h = text_height(ui.fonts.body, width, ui.flow.ui("scan_to_call"));
        draw_text(ImGui::GetWindowDrawList(), ui.fonts.body, ImGui::GetCursorScreenPos(), width,
                  ui.palette.text, ui.flow.ui("scan_to_call"));
        ImGui::Dummy({width, hint_h});
        register_widget(ui, "urgent.hint");
        draw_contacts(ui, urgent_contacts(ui.flow.content()), width);
    });
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
