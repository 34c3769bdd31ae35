#pragma once

// What every screen's Draw() gets: the flow to read, sizes, fonts, colours, and where to put
// the person's intents. Plus the few widgets the screens share (big touch targets, bars,
// drag-scrolled lists). Screens do no IO and keep no state of their own beyond the frame.

#include "flow.hpp"
#include "layout.hpp"
#include "pacer.hpp"
#include "theme.hpp"

#include <cstdint>
#include <functional>
#include <imgui.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wellness::kiosk {

struct Fonts {
    ImFont* small = nullptr;
    ImFont* body = nullptr;
    ImFont* heading = nullptr;
    ImFont* title = nullptr;
    // Check-in level names: a serif face, so "Ill" cannot read as the numeral "III".
    ImFont* level = nullptr;
};

// The calm theme: colours from the content document.
struct Palette {
    ImU32 background = 0;
    ImU32 surface = 0;
    ImU32 surface_pressed = 0;
    ImU32 surface_hovered = 0;
    ImU32 text = 0;
    ImU32 text_muted = 0;
    ImU32 accent = 0;    // the one meaning of "primary": the forward action
    ImU32 on_accent = 0; // text on the accent
    ImU32 urgent = 0;    // the most serious check-in level's hue, dark enough for white text
    ImU32 on_urgent = 0;
    ImU32 selected_edge = 0;   // outline of a chosen topic or language
    std::vector<ImU32> levels; // each check-in level's marker colour
};

ImU32 parse_colour(const std::string& hex, ImU32 fallback);
ImU32 mix(ImU32 a, ImU32 b, float t);
Rgb to_rgb(ImU32 colour);
ImU32 from_rgb(Rgb colour, float alpha = 1.0f);
Palette make_palette(const ContentDocument& content, bool high_contrast = false);

// Where each widget was drawn this frame, by a stable test id; the test script taps by id.
struct WidgetRect {
    ImVec2 min;
    ImVec2 max;
    ImVec2 centre() const { return {(min.x + max.x) / 2, (min.y + max.y) / 2}; }
};
using WidgetMap = std::map<std::string, WidgetRect>;

// What a window-free layout test reads back from a frame (null in the kiosk): every touch
// target's full rectangle, the drag lists that hold other widgets, and every text run with the
// box it was given. Reached through ImGui's io.UserData, which only the test sets.
struct TextRunRecord {
    Rect box; // where the run may go: its position, wrap width and (for labels) height
    Rect ink; // where its lines went, clipped like the widgets
    bool wider_than_box = false; // a word did not fit even at the smallest size
    bool in_list = false;
    std::string text;
};
struct LayoutProbe {
    std::map<std::string, Rect> targets;
    std::map<std::string, Rect> lists;
    std::map<std::string, Rect> areas; // register_area: regions that hold widgets by design
    std::vector<TextRunRecord> texts;
    std::vector<std::string> near_done; // the bottom bar's other buttons and forward actions
};
LayoutProbe* layout_probe();

// What is wrong with a frame's layout, one sentence each (empty: it holds): a widget over
// another (partly or wholly inside it) or off-screen, a widget or text cut by the edge of a
// list or area that holds it, two areas crossing, a touch target under 15 mm at the layout's DPI, a
// text run wider than its box or partly under a widget, Done within a target's width of another bar
// widget.
std::vector<std::string> layout_problems(const Layout& layout, const WidgetMap& widgets,
                                         const LayoutProbe& probe);

// A QR texture for a link, made and cached by the window side.
struct QrImage {
    ImTextureID texture = nullptr;
    int modules = 0;
};
using QrSource = std::function<std::optional<QrImage>(const std::string& text)>;

// A provider's image as a texture, decoded and uploaded by the window side on a content swap.
struct TextureImage {
    ImTextureID texture = nullptr;
    int width = 0;
    int height = 0;
};
using ProviderImageSource = std::function<std::optional<TextureImage>(const std::string& id)>;

struct UiContext {
    const Flow& flow;
    const Layout& layout;
    const Fonts& fonts;
    const Palette& palette;
    MonotonicMs now = 0;
    WidgetMap& widgets;
    std::vector<Intent>& intents;
    QrSource qr;
    ProviderImageSource provider_image; // by provider id; unset or nullopt: no image
    const std::function<std::string()>* maintenance_status = nullptr; // technical text
    bool contact_now_requested = false; // set by the maintenance screen's button
    // The first frame of a screen (or of the program): lists start again from the top.
    bool screen_entered = false;

    void want(Intent intent) const { intents.push_back(std::move(intent)); }
};

// Records the last ImGui item's visible rectangle under `test_id`.
void register_widget(UiContext& ui, const std::string& test_id);
// The same for a region that holds other widgets by design (a contact card and its QR codes,
// Attract's tap-anywhere backdrop under its Urgent button, the pacer's circle around its
// label). The script finds it like a widget; the layout check treats it as a container: a
// widget must lie wholly inside it or wholly outside, and widgets never nest in each other.
void register_area(UiContext& ui, const std::string& test_id);

// A big touch target: an invisible button with a visible rounded panel, registered under
// `test_id`. Returns true on a tap (press and release on it without dragging a list).
bool touch_target(UiContext& ui, const std::string& test_id, ImVec2 size, ImU32 fill,
                  bool selected = false);

// touch_target with a centred label (and an optional second line in the small font).
// text_colour 0 picks black or white for contrast with the fill.
bool label_button(UiContext& ui, const std::string& test_id, const std::string& label, ImVec2 size,
                  ImU32 fill, ImU32 text_colour, const std::string& detail = {},
                  bool selected = false, ImFont* label_font = nullptr);
ImU32 readable_text_on(ImU32 fill);

// Draws wrapped text in a box with a font; returns the height used.
float draw_text(ImDrawList* list, ImFont* font, ImVec2 at, float wrap_width, ImU32 colour,
                const std::string& text, bool centred = false);
float text_height(ImFont* font, float wrap_width, const std::string& text);
// The widest line of a wrapped run (after any shrink): what a test checks against its box.
float text_run_width(ImFont* font, float wrap_width, const std::string& text);

// Draws `image` scaled to fit a `side` square at `at`, centred, keeping its aspect ratio.
void draw_image_fitted(ImDrawList* list, const TextureImage& image, ImVec2 at, float side);

// Top bar: a title after the hidden corner, and the persistent Urgent button on the right
// (labelled `urgent_label`, or the ui string tile_urgent when empty).
void top_bar(UiContext& ui, const std::string& title, bool show_urgent = true,
             const std::string& urgent_label = {});

struct BarButton {
    std::string test_id;
    std::string label;
    Intent intent;
    bool selected = false;
};
// Bottom bar: Back on the left (optional), then Home (everywhere but Home: starts over with the
// same language), `left_extra` (Home's language switch), the text-size and contrast switches,
// the sound switch where a breathing tone can play (Flow::sound_switch_shown);
// Done alone on the right edge (forgets everything), in a neutral colour, a target's width or
// more from its nearest neighbour (bottom_bar_rects).
void bottom_bar(UiContext& ui, bool show_back, const std::vector<BarButton>& left_extra = {});

// A screen's forward actions (Next, Skip) as a row at the bottom of the content area, the
// first in the accent (primary) colour. Returns the row's top: the screen's content ends there.
float forward_actions(UiContext& ui, const std::vector<BarButton>& buttons);

float text_width(ImFont* font, const std::string& text);

// The level's shape cue (circle, triangle, diamond, square) centred at `centre`.
void draw_level_shape(ImDrawList* list, LevelShape shape, ImVec2 centre, float radius, ImU32 fill,
                      ImU32 outline);

// A vertical list in the content area that scrolls by dragging a finger. `draw_items` lays out
// the list's widgets from the child's cursor. On `ui.screen_entered` it starts at the top.
void drag_list(UiContext& ui, const std::string& test_id, ImVec2 at, ImVec2 size,
               const std::function<void()>& draw_items);

} // namespace wellness::kiosk
