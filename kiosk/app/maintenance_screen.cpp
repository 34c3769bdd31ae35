#include "screens.hpp"

#include <algorithm>

namespace wellness::kiosk {

void MaintenanceScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    top_bar(ui, ui.flow.ui("maintenance_title"), false);
    // Technical status only: nothing here says what anyone did on the kiosk.
    const std::string status =
        ui.maintenance_status != nullptr ? (*ui.maintenance_status)() : std::string();
    float y = layout.content_top();
    y += draw_text(ImGui::GetWindowDrawList(), ui.fonts.small, {layout.margin, y},
                   layout.content_width(), ui.palette.text, status);
    const float w =
        std::min(layout.content_width(),
                 button_width(layout, text_width(ui.fonts.body, "Contact station now"), 4.0f));
    ImGui::SetCursorScreenPos({layout.margin, y + layout.gap});
    if (label_button(ui, "maintenance.contact-now", "Contact station now", {w, layout.target},
                     ui.palette.surface, ui.palette.text)) {
        ui.contact_now_requested = true;
    }
    bottom_bar(ui, true);
}

} // namespace wellness::kiosk
