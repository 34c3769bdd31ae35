#include "qr_code.hpp"
#include "screens.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace wellness::kiosk {

namespace {

std::optional<TextureImage> provider_image(const UiContext& ui, const std::string& id) {
    return ui.provider_image ? ui.provider_image(id) : std::nullopt;
}

} // namespace

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
            const std::optional<TextureImage> image = provider_image(ui, provider.id);
            if (!image) {
                const float needed = text_height(ui.fonts.body, width - 2 * pad, name) +
                                     text_height(ui.fonts.small, width - 2 * pad, detail) + 2 * pad;
                if (label_button(ui, "talk.provider." + provider.id, name,
                                 {width, std::max(layout.target * 1.3f, needed)},
                                 ui.palette.surface, ui.palette.text, detail)) {
                    ui.want(Intent::choose_provider(provider.id));
                }
                continue;
            }
            // The logo in a square on the left, the name and details beside it.
            const float logo = layout.target;
            const float wrap = width - 3 * pad - logo;
            const float name_h = text_height(ui.fonts.body, wrap, name);
            const float gap = detail.empty() ? 0.0f : layout.mm(1.0f);
            const float text_h = name_h + gap + text_height(ui.fonts.small, wrap, detail);
            const float height = std::max({layout.target * 1.3f, text_h + 2 * pad, logo + 2 * pad});
            if (touch_target(ui, "talk.provider." + provider.id, {width, height},
                             ui.palette.surface)) {
                ui.want(Intent::choose_provider(provider.id));
            }
            const ImVec2 min = ImGui::GetItemRectMin();
            ImDrawList* list = ImGui::GetWindowDrawList();
            draw_image_fitted(list, *image, {min.x + pad, min.y + (height - logo) / 2}, logo);
            const float left = min.x + 2 * pad + logo;
            const float top = min.y + (height - text_h) / 2;
            draw_text(list, ui.fonts.body, {left, top}, wrap, ui.palette.text, name);
            if (!detail.empty()) {
                draw_text(list, ui.fonts.small, {left, top + name_h + gap}, wrap,
                          ui.palette.text_muted, detail);
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
    // Portrait: the QR centred on top and the words under it at full width; landscape: the
    // words on the QR's right.
    const bool portrait = layout.height > layout.width;
    if (auto qr = ui.qr(provider->booking_url)) {
        // Whole pixels per module and a whole-pixel origin: every module is a crisp square.
        const float side = std::floor(layout.qr_side());
        const auto module = static_cast<float>(qr_pixels_per_module(qr->modules, side));
        qr_drawn = module * static_cast<float>(qr->modules);
        const float x =
            portrait ? (static_cast<float>(layout.width) - qr_drawn) / 2 : layout.margin;
        const ImVec2 origin{std::floor(x), std::floor(top + (side - qr_drawn) / 2)};
        ImGui::SetCursorScreenPos(origin);
        ImGui::Image(qr->texture, {qr_drawn, qr_drawn});
        register_widget(ui, "talk.qr");
    }
    const float qr_room = std::max(qr_drawn, std::floor(layout.qr_side()));
    const float left = portrait ? layout.margin : layout.margin + qr_room + layout.gap * 2;
    const float wrap = static_cast<float>(layout.width) - layout.margin - left;
    float y = portrait ? top + qr_room + layout.gap : top;
    if (const auto image = provider_image(ui, provider->id)) {
        const float logo = layout.target * 1.5f;
        draw_image_fitted(list, *image, {left, y}, logo);
        ImGui::SetCursorScreenPos({left, y});
        ImGui::Dummy({logo, logo});
        register_widget(ui, "talk.provider_image");
        y += logo + layout.gap / 2;
    }
    y += draw_text(list, ui.fonts.body, {left, y}, wrap, ui.palette.text, flow.ui("scan_qr"));
    y += layout.gap / 2;
    y += draw_text(list, ui.fonts.small, {left, y}, wrap, ui.palette.text, provider->booking_url);
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
