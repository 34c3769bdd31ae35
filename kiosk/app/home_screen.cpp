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
                         tile.fill,
                         tile.fill == ui.palette.urgent ? ui.palette.on_urgent : ui.palette.text,
                         {}, false, ui.fonts.heading)) {
            ui.want(Intent::choose_tile(tile.tile));
        }
    }

    // The language switch, each language named in itself, in the bottom bar's left group.
    std::vector<BarButton> languages;
    if (flow.content().locales.size() > 1) {
        for (const auto& locale : flow.content().locales) {
            languages.push_back({"home.lang." + locale.id, locale.name,
                                 Intent::choose_locale(locale.id), locale.id == flow.locale()});
        }
    }
    bottom_bar(ui, false, languages);
}

} // namespace wellness::kiosk
