#include "screens.hpp"

#include <cfloat>

namespace wellness::kiosk {

void HomeScreen::Draw(UiContext& ui) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    top_bar(ui, "", false);
    // The privacy promise, where everybody sees it.
    const float note_left = layout.corner + layout.margin;
    draw_text(ImGui::GetWindowDrawList(), ui.fonts.small, {note_left, layout.margin},
              static_cast<float>(layout.width) - note_left - layout.margin, ui.palette.text_muted,
              flow.ui("privacy_note"));

    struct TileSpec {
        const char* test_id;
        const char* label_key;
        Tile tile;
        ImU32 fill;
        Rect rect;
    };
    const HomeTiles rects = home_tiles(layout);
    const TileSpec tiles[] = {
        {"home.breathe", "tile_breathe", Tile::breathe, ui.palette.surface, rects.breathe},
        {"home.checkin", "tile_checkin", Tile::checkin, ui.palette.surface, rects.checkin},
        {"home.talk", "tile_talk", Tile::talk, ui.palette.surface, rects.talk},
        {"home.urgent", "tile_urgent", Tile::urgent, ui.palette.urgent, rects.urgent},
    };
    for (const auto& tile : tiles) {
        ImGui::SetCursorScreenPos({tile.rect.x, tile.rect.y});
        if (label_button(ui, tile.test_id, flow.ui(tile.label_key), {tile.rect.w, tile.rect.h},
                         tile.fill, 0, {}, false, ui.fonts.heading)) {
            ui.want(Intent::choose_tile(tile.tile));
        }
    }

    // The language switch, each language named in itself.
    if (flow.content().locales.size() > 1) {
        float x = layout.margin;
        const float y = static_cast<float>(layout.height) - layout.margin / 2 - layout.target;
        for (const auto& locale : flow.content().locales) {
            const float text_w =
                ui.fonts.body
                    ->CalcTextSizeA(ui.fonts.body->FontSize, FLT_MAX, 0, locale.name.c_str())
                    .x;
            const float w = std::max(layout.target * 1.6f, text_w + layout.mm(8.0f));
            ImGui::SetCursorScreenPos({x, y});
            const bool current = locale.id == flow.locale();
            if (label_button(ui, "home.lang." + locale.id, locale.name, {w, layout.target},
                             current ? ui.palette.accent : ui.palette.surface, 0, {}, current)) {
                ui.want(Intent::choose_locale(locale.id));
            }
            x += w + layout.gap;
        }
    }
    bottom_bar(ui, false);
}

} // namespace wellness::kiosk
