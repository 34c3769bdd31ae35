#include "ui_kit.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <imgui_internal.h>
#include <sstream> // SetNextWindowScroll: applied by Begin, in the same frame

namespace wellness::kiosk {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

ImU32 with_alpha(ImU32 colour, float alpha) {
    const auto a = static_cast<ImU32>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f);
    return (colour & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

} // namespace

ImU32 readable_text_on(ImU32 fill) {
    const float r = static_cast<float>((fill >> IM_COL32_R_SHIFT) & 0xff);
    const float g = static_cast<float>((fill >> IM_COL32_G_SHIFT) & 0xff);
    const float b = static_cast<float>((fill >> IM_COL32_B_SHIFT) & 0xff);
    const float luminance = 0.299f * r + 0.587f * g + 0.114f * b;
    return luminance > 150.0f ? IM_COL32(20, 24, 28, 255) : IM_COL32(255, 255, 255, 255);
}

void register_widget(UiContext& ui, const std::string& test_id) {
    if (!ImGui::IsItemVisible()) {
        return;
    }
    // Only the part a finger can reach: inside the list's clip rectangle.
    const ImDrawList* list = ImGui::GetWindowDrawList();
    const ImVec2 clip_min = list->GetClipRectMin();
    const ImVec2 clip_max = list->GetClipRectMax();
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    WidgetRect visible{{std::max(min.x, clip_min.x), std::max(min.y, clip_min.y)},
                       {std::min(max.x, clip_max.x), std::min(max.y, clip_max.y)}};
    if (visible.max.x > visible.min.x && visible.max.y > visible.min.y) {
        ui.widgets[test_id] = visible;
    }
}

void register_area(UiContext& ui, const std::string& test_id) {
    register_widget(ui, test_id);
    LayoutProbe* probe = layout_probe();
    if (const auto found = ui.widgets.find(test_id);
        probe != nullptr && found != ui.widgets.end()) {
        const WidgetRect& r = found->second;
        probe->areas[test_id] = {r.min.x, r.min.y, r.max.x - r.min.x, r.max.y - r.min.y};
    }
}

ImU32 parse_colour(const std::string& hex, ImU32 fallback) {
    if (hex.size() != 7 || hex[0] != '#') {
        return fallback;
    }
    int channel[3];
    for (int i = 0; i < 3; ++i) {
        const int high = hex_digit(hex[1 + 2 * i]);
        const int low = hex_digit(hex[2 + 2 * i]);
        if (high < 0 || low < 0) {
            return fallback;
        }
        channel[i] = high * 16 + low;
    }
    return IM_COL32(channel[0], channel[1], channel[2], 255);
}

ImU32 mix(ImU32 a, ImU32 b, float t) {
    ImU32 out = 0;
    for (int shift : {IM_COL32_R_SHIFT, IM_COL32_G_SHIFT, IM_COL32_B_SHIFT, IM_COL32_A_SHIFT}) {
        const float ca = static_cast<float>((a >> shift) & 0xff);
        const float cb = static_cast<float>((b >> shift) & 0xff);
        const auto c = static_cast<ImU32>(ca + (cb - ca) * t + 0.5f);
        out |= (std::min<ImU32>(c, 255u) << shift);
    }
    return out;
}

Rgb to_rgb(ImU32 colour) {
    return {static_cast<std::uint8_t>((colour >> IM_COL32_R_SHIFT) & 0xff),
            static_cast<std::uint8_t>((colour >> IM_COL32_G_SHIFT) & 0xff),
            static_cast<std::uint8_t>((colour >> IM_COL32_B_SHIFT) & 0xff)};
}

ImU32 from_rgb(Rgb colour, float alpha) {
    return IM_COL32(colour.r, colour.g, colour.b,
                    static_cast<int>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f));
}

Palette make_palette(const ContentDocument& content, bool high_contrast) {
    const ThemeColours c = theme_colours(content, high_contrast);
    Palette palette;
    palette.background = from_rgb(c.background);
    palette.surface = from_rgb(c.surface);
    palette.text = from_rgb(c.text);
    palette.text_muted = from_rgb(c.text_muted);
    palette.accent = from_rgb(c.accent);
    palette.on_accent = from_rgb(c.on_accent);
    palette.urgent = from_rgb(c.urgent);
    palette.on_urgent = from_rgb(c.on_urgent);
    palette.selected_edge = from_rgb(c.selected_edge);
    palette.surface_pressed = mix(palette.surface, palette.text, 0.22f);
    palette.surface_hovered = mix(palette.surface, palette.text, 0.08f);
    for (const Rgb mark : c.level_marks) {
        palette.levels.push_back(from_rgb(mark));
    }
    return palette;
}

namespace {

struct TextLine {
    const char* begin;
    const char* end;
    float width;
};

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// Greedy wrap at spaces only: a word (or a phone number) is never split.
std::vector<TextLine> wrap_words(ImFont* font, float size, const std::string& text,
                                 float wrap_width, float& widest_word) {
    std::vector<TextLine> lines;
    widest_word = 0;
    auto width_of = [&](const char* b, const char* e) {
        return font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e).x;
    };
    const char* s = text.data();
    const char* end = s + text.size();
    while (s <= end) {
        const char* newline = static_cast<const char*>(std::memchr(s, '\n', end - s));
        const char* para_end = newline ? newline : end;
        const char* line_begin = nullptr;
        const char* line_end = nullptr;
        const char* p = s;
        while (p < para_end) {
            while (p < para_end && is_space(*p)) {
                ++p;
            }
            if (p >= para_end) {
                break;
            }
            const char* word_end = p;
            while (word_end < para_end && !is_space(*word_end)) {
                ++word_end;
                // A link may break after a '/', never inside a word or a phone number.
                if (word_end[-1] == '/' && word_end < para_end && word_end[0] != '/') {
                    break;
                }
            }
            widest_word = std::max(widest_word, width_of(p, word_end));
            if (line_begin == nullptr) {
                line_begin = p;
                line_end = word_end;
            } else if (width_of(line_begin, word_end) <= wrap_width) {
                line_end = word_end;
            } else {
                lines.push_back({line_begin, line_end, width_of(line_begin, line_end)});
                line_begin = p;
                line_end = word_end;
            }
            p = word_end;
        }
        if (line_begin != nullptr) {
            lines.push_back({line_begin, line_end, width_of(line_begin, line_end)});
        } else if (newline != nullptr) {
            lines.push_back({s, s, 0.0f}); // an empty line between paragraphs
        }
        if (newline == nullptr) {
            break;
        }
        s = newline + 1;
    }
    return lines;
}

// The font size a run is drawn at: its font's, or smaller (to min_text_shrink) so its widest
// word fits the box.
float fitted_size(ImFont* font, const std::string& text, float wrap_width,
                  std::vector<TextLine>& lines) {
    float size = font->FontSize;
    float widest = 0;
    lines = wrap_words(font, size, text, wrap_width, widest);
    if (widest > wrap_width && widest > 0) {
        size = std::max(std::floor(font->FontSize * min_text_shrink),
                        std::floor(size * wrap_width / widest));
        lines = wrap_words(font, size, text, wrap_width, widest);
    }
    return size;
}

} // namespace

LayoutProbe* layout_probe() {
    if (ImGui::GetCurrentContext() == nullptr) {
        return nullptr;
    }
    return static_cast<LayoutProbe*>(ImGui::GetIO().UserData);
}

float draw_text(ImDrawList* list, ImFont* font, ImVec2 at, float wrap_width, ImU32 colour,
                const std::string& text, bool centred) {
    std::vector<TextLine> lines;
    const float size = fitted_size(font, text, wrap_width, lines);
    const float line_height = size * 1.2f;
    if (LayoutProbe* probe = list != nullptr ? layout_probe() : nullptr; probe != nullptr) {
        float widest = 0;
        float ink_left = at.x + wrap_width;
        for (const TextLine& line : lines) {
            widest = std::max(widest, line.width);
            ink_left = std::min(
                ink_left, centred ? at.x + std::max(0.0f, (wrap_width - line.width) / 2) : at.x);
        }
        const float h = line_height * static_cast<float>(lines.size());
        const ImVec2 clip_min = list->GetClipRectMin();
        const ImVec2 clip_max = list->GetClipRectMax();
        const float x0 = std::max(ink_left, clip_min.x);
        const float y0 = std::max(at.y, clip_min.y);
        const float x1 = std::min(ink_left + widest, clip_max.x);
        const float y1 = std::min(at.y + h, clip_max.y);
        if (x1 > x0 && y1 > y0 && !lines.empty()) {
            const bool in_list = clip_min.x > 0.5f || clip_min.y > 0.5f ||
                                 clip_max.x < ImGui::GetIO().DisplaySize.x - 0.5f ||
                                 clip_max.y < ImGui::GetIO().DisplaySize.y - 0.5f;
            probe->texts.push_back({{at.x, at.y, wrap_width, h},
                                    {x0, y0, x1 - x0, y1 - y0},
                                    widest > wrap_width + 0.5f,
                                    in_list,
                                    text});
        }
    }
    float y = at.y;
    for (const TextLine& line : lines) {
        const float x = centred ? at.x + std::max(0.0f, (wrap_width - line.width) / 2) : at.x;
        if (list != nullptr && line.end > line.begin) {
            list->AddText(font, size, {std::floor(x), std::floor(y)}, colour, line.begin, line.end);
        }
        y += line_height;
    }
    return y - at.y;
}

float text_height(ImFont* font, float wrap_width, const std::string& text) {
    return draw_text(nullptr, font, {0, 0}, wrap_width, 0, text);
}

float text_run_width(ImFont* font, float wrap_width, const std::string& text) {
    std::vector<TextLine> lines;
    fitted_size(font, text, wrap_width, lines);
    float widest = 0;
    for (const TextLine& line : lines) {
        widest = std::max(widest, line.width);
    }
    return widest;
}

bool touch_target(UiContext& ui, const std::string& test_id, ImVec2 size, ImU32 fill,
                  bool selected) {
    ImGui::PushID(test_id.c_str());
    const bool released = ImGui::InvisibleButton("##target", size);
    ImGui::PopID();
    register_widget(ui, test_id);
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    if (LayoutProbe* probe = layout_probe(); probe != nullptr && ImGui::IsItemVisible()) {
        probe->targets[test_id] = {min.x, min.y, max.x - min.x, max.y - min.y};
    }
    ImU32 colour = fill;
    if (ImGui::IsItemActive()) {
        colour = mix(fill, IM_COL32(255, 255, 255, 255), 0.22f);
    } else if (ImGui::IsItemHovered()) {
        colour = mix(fill, IM_COL32(255, 255, 255, 255), 0.08f);
    }
    const float rounding = ui.layout.mm(2.5f);
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->AddRectFilled(min, max, colour, rounding);
    if (selected) {
        list->AddRect(min, max, ui.palette.selected_edge, rounding, 0, ui.layout.mm(1.2f));
    }
    // A finger that dragged a list is scrolling, not choosing.
    const float slop = ui.layout.mm(4.0f);
    const bool dragged = ImGui::GetIO().MouseDragMaxDistanceSqr[0] > slop * slop;
    return released && !dragged;
}

bool label_button(UiContext& ui, const std::string& test_id, const std::string& label, ImVec2 size,
                  ImU32 fill, ImU32 text_colour, const std::string& detail, bool selected,
                  ImFont* label_font) {
    const bool tapped = touch_target(ui, test_id, size, fill, selected);
    const ImVec2 min = ImGui::GetItemRectMin();
    const float pad = ui.layout.mm(3.0f);
    const float wrap = size.x - 2 * pad;
    if (label_font == nullptr) {
        label_font = ui.fonts.body;
    }
    const float label_h = text_height(label_font, wrap, label);
    const float detail_h = detail.empty() ? 0.0f : text_height(ui.fonts.small, wrap, detail);
    const float gap = detail.empty() ? 0.0f : ui.layout.mm(1.0f);
    const float top = min.y + std::max(pad * 0.5f, (size.y - label_h - gap - detail_h) / 2);
    ImDrawList* list = ImGui::GetWindowDrawList();
    const ImU32 colour = text_colour != 0 ? text_colour : readable_text_on(fill);
    draw_text(list, label_font, {min.x + pad, top}, wrap, colour, label, detail.empty());
    if (!detail.empty()) {
        draw_text(list, ui.fonts.small, {min.x + pad, top + label_h + gap}, wrap,
                  with_alpha(colour, 0.85f), detail);
    }
    return tapped;
}

void draw_image_fitted(ImDrawList* list, const TextureImage& image, ImVec2 at, float side) {
    if (image.width <= 0 || image.height <= 0) {
        return;
    }
    const float scale = side / static_cast<float>(std::max(image.width, image.height));
    const float w = std::floor(static_cast<float>(image.width) * scale);
    const float h = std::floor(static_cast<float>(image.height) * scale);
    const ImVec2 min{std::floor(at.x + (side - w) / 2), std::floor(at.y + (side - h) / 2)};
    list->AddImage(image.texture, min, {min.x + w, min.y + h});
}

void top_bar(UiContext& ui, const std::string& title, bool show_urgent,
             const std::string& urgent_label) {
    const Layout& layout = ui.layout;
    float right = static_cast<float>(layout.width) - layout.margin;
    if (show_urgent) {
        const std::string label = urgent_label.empty() ? ui.flow.ui("tile_urgent") : urgent_label;
        const float text_w =
            ui.fonts.body->CalcTextSizeA(ui.fonts.body->FontSize, FLT_MAX, 0, label.c_str()).x;
        const float width = std::max(layout.target * 2.2f, text_w + layout.mm(8.0f));
        ImGui::SetCursorScreenPos({right - width, layout.margin / 2});
        if (label_button(ui, "chrome.urgent", label, {width, layout.target}, ui.palette.urgent,
                         ui.palette.on_urgent)) {
            ui.want(Intent::open_urgent());
        }
        right -= width + layout.gap;
    }
    // The title starts after the hidden maintenance corner; it takes the biggest font at which
    // it fits the bar whole (wrapped at words), never cut.
    const float left = layout.corner + layout.margin;
    const float room = right - left;
    ImFont* font = ui.fonts.small;
    for (ImFont* candidate : {ui.fonts.heading, ui.fonts.body}) {
        if (text_height(candidate, room, title) <= layout.target &&
            text_run_width(candidate, room, title) <= room) {
            font = candidate;
            break;
        }
    }
    const float h = text_height(font, room, title);
    const float y = layout.margin / 2 + std::max(0.0f, (layout.target - h) / 2);
    draw_text(ImGui::GetWindowDrawList(), font, {left, y}, room, ui.palette.text, title);
}

float text_width(ImFont* font, const std::string& text) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x;
}

void draw_level_shape(ImDrawList* list, LevelShape shape, ImVec2 centre, float radius, ImU32 fill,
                      ImU32 outline) {
    const float r = radius;
    const float edge = std::max(1.5f, r * 0.15f);
    switch (shape) {
    case LevelShape::circle:
        list->AddCircleFilled(centre, r, fill, 32);
        list->AddCircle(centre, r, outline, 32, edge);
        break;
    case LevelShape::triangle: {
        const ImVec2 a{centre.x, centre.y - r};
        const ImVec2 b{centre.x + r * 0.95f, centre.y + r * 0.8f};
        const ImVec2 c{centre.x - r * 0.95f, centre.y + r * 0.8f};
        list->AddTriangleFilled(a, b, c, fill);
        list->AddTriangle(a, b, c, outline, edge);
        break;
    }
    case LevelShape::diamond: {
        const ImVec2 p[4] = {{centre.x, centre.y - r},
                             {centre.x + r, centre.y},
                             {centre.x, centre.y + r},
                             {centre.x - r, centre.y}};
        list->AddConvexPolyFilled(p, 4, fill);
        list->AddPolyline(p, 4, outline, ImDrawFlags_Closed, edge);
        break;
    }
    case LevelShape::square:
        list->AddRectFilled({centre.x - r * 0.85f, centre.y - r * 0.85f},
                            {centre.x + r * 0.85f, centre.y + r * 0.85f}, fill);
        list->AddRect({centre.x - r * 0.85f, centre.y - r * 0.85f},
                      {centre.x + r * 0.85f, centre.y + r * 0.85f}, outline, 0, 0, edge);
        break;
    }
}

namespace {

// The contrast switch's icon: a circle half filled.
void draw_contrast_icon(ImDrawList* list, ImVec2 centre, float r, ImU32 colour) {
    list->AddCircle(centre, r, colour, 32, std::max(1.5f, r * 0.15f));
    list->PathArcTo(centre, r, IM_PI * 0.5f, IM_PI * 1.5f, 24);
    list->PathFillConvex(colour);
}

// The sound switch's icon: a speaker with waves while the tones play, crossed out when not.
void draw_sound_icon(ImDrawList* list, ImVec2 centre, float r, ImU32 colour, bool on) {
    const float line = std::max(1.5f, r * 0.15f);
    const float left = centre.x - r;
    const ImVec2 cone[4] = {{left, centre.y - r * 0.35f},
                            {left + r * 0.45f, centre.y - r * 0.35f},
                            {left + r * 0.95f, centre.y - r * 0.8f},
                            {left + r * 0.95f, centre.y + r * 0.8f}};
    list->AddRectFilled({cone[0].x, cone[0].y}, {cone[1].x, centre.y + r * 0.35f}, colour);
    list->AddTriangleFilled(cone[1], cone[2], {cone[1].x, centre.y + r * 0.35f}, colour);
    list->AddTriangleFilled({cone[1].x, centre.y + r * 0.35f}, cone[2], cone[3], colour);
    if (on) {
        for (const float wave : {0.45f, 0.8f}) {
            list->PathArcTo({left + r * 0.95f, centre.y}, r * wave, -IM_PI * 0.3f, IM_PI * 0.3f,
                            12);
            list->PathStroke(colour, 0, line);
        }
    } else {
        const float s = r * 0.4f;
        const ImVec2 mid{left + r * 1.25f + s, centre.y};
        list->AddLine({mid.x - s, mid.y - s}, {mid.x + s, mid.y + s}, colour, line);
        list->AddLine({mid.x - s, mid.y + s}, {mid.x + s, mid.y - s}, colour, line);
    }
}

} // namespace

void bottom_bar(UiContext& ui, bool show_back, const std::vector<BarButton>& left_extra) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    std::vector<BarButton> left;
    if (show_back) {
        left.push_back({"chrome.back", flow.ui("back"), Intent::back()});
    }
    if (flow.screen() != Screen::home && flow.screen() != Screen::maintenance) {
        // Starting over without Done: the same person keeps their language.
        left.push_back({"chrome.home", flow.ui("home"), Intent::home()});
    }
    left.insert(left.end(), left_extra.begin(), left_extra.end());
    // The person's own view: bigger text, higher contrast. Done and Attract forget both.
    left.push_back({"chrome.text_size", "Aa", Intent::toggle_large_text(), flow.large_text()});
    left.push_back({"chrome.contrast", "", Intent::toggle_high_contrast(), flow.high_contrast()});
    if (flow.sound_switch_shown()) {
        // Where a breathing tone can play, the person can silence it; Done turns it back on.
        left.push_back({"chrome.sound", "", Intent::toggle_sound(), false});
    }
    std::vector<float> widths;
    for (const auto& button : left) {
        widths.push_back(button.label.empty() ? 0.0f : text_width(ui.fonts.body, button.label));
    }
    const std::string done = flow.ui("done");
    const BottomBar bar = bottom_bar_rects(layout, widths, text_width(ui.fonts.body, done));
    ImDrawList* list = ImGui::GetWindowDrawList();
    if (LayoutProbe* probe = layout_probe(); probe != nullptr) {
        for (const auto& button : left) {
            probe->near_done.push_back(button.test_id);
        }
    }
    for (std::size_t i = 0; i < left.size(); ++i) {
        const Rect& r = bar.left[i];
        ImGui::SetCursorScreenPos({r.x, r.y});
        if (label_button(ui, left[i].test_id, left[i].label, {r.w, r.h}, ui.palette.surface,
                         ui.palette.text, {}, left[i].selected)) {
            ui.want(left[i].intent);
        }
        const ImVec2 icon_centre{r.x + r.w / 2, r.y + r.h / 2};
        if (left[i].test_id == "chrome.contrast") {
            draw_contrast_icon(list, icon_centre, r.h * 0.25f, ui.palette.text);
        } else if (left[i].test_id == "chrome.sound") {
            draw_sound_icon(list, icon_centre, r.h * 0.25f, ui.palette.text, flow.sound_on());
        }
    }
    // Done is not the accent: ending a visit is not the way forward.
    ImGui::SetCursorScreenPos({bar.done.x, bar.done.y});
    if (label_button(ui, "chrome.done", done, {bar.done.w, bar.done.h}, ui.palette.surface,
                     ui.palette.text)) {
        ui.want(Intent::done());
    }
}

float forward_actions(UiContext& ui, const std::vector<BarButton>& buttons) {
    std::vector<float> widths;
    for (const auto& button : buttons) {
        widths.push_back(text_width(ui.fonts.body, button.label));
    }
    const ForwardRow row = forward_row(ui.layout, widths);
    if (LayoutProbe* probe = layout_probe(); probe != nullptr) {
        for (const auto& button : buttons) {
            probe->near_done.push_back(button.test_id);
        }
    }
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        const Rect& r = row.buttons[i];
        ImGui::SetCursorScreenPos({r.x, r.y});
        const bool primary = i == 0;
        if (label_button(ui, buttons[i].test_id, buttons[i].label, {r.w, r.h},
                         primary ? ui.palette.accent : ui.palette.surface,
                         primary ? ui.palette.on_accent : ui.palette.text)) {
            ui.want(buttons[i].intent);
        }
    }
    return row.top;
}

void drag_list(UiContext& ui, const std::string& test_id, ImVec2 at, ImVec2 size,
               const std::function<void()>& draw_items) {
    // ImGui puts a child window on whole pixels; so does the rectangle recorded for it.
    at = {std::floor(at.x), std::floor(at.y)};
    size = {std::floor(size.x), std::floor(size.y)};
    ImGui::SetCursorScreenPos(at);
    if (ui.screen_entered) {
        // ImGui keeps a child's scroll by id across visits: the next person must not find the
        // list where the last one left it (nor the crisis lines scrolled out of view). Unlike
        // SetScrollY, this takes effect in this very frame.
        ImGui::SetNextWindowScroll({-1.0f, 0.0f});
    }
    ImGui::BeginChild(test_id.c_str(), size, false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
    draw_items();
    const ImGuiIO& io = ImGui::GetIO();
    const float slop = ui.layout.mm(4.0f);
    // A finger that went down on the list scrolls it, even if it slides off the list.
    const ImVec2 start = io.MouseClickedPos[0];
    const bool started_on_list =
        start.x >= at.x && start.x < at.x + size.x && start.y >= at.y && start.y < at.y + size.y;
    if (started_on_list && ImGui::IsMouseDragging(ImGuiMouseButton_Left, slop)) {
        ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    }
    const float scroll_max = ImGui::GetScrollMaxY();
    if (scroll_max > 0) {
        // Not a control, just a hint that the list goes on.
        const float track = size.y;
        const float thumb = std::max(track * size.y / (size.y + scroll_max), ui.layout.mm(6.0f));
        const float top = at.y + (track - thumb) * (ImGui::GetScrollY() / scroll_max);
        const float x = at.x + size.x - ui.layout.mm(1.5f);
        ImGui::GetWindowDrawList()->AddRectFilled({x, top}, {x + ui.layout.mm(1.0f), top + thumb},
                                                  ui.palette.text_muted, ui.layout.mm(0.5f));
    }
    ImGui::EndChild();
    ui.widgets[test_id] = {at, {at.x + size.x, at.y + size.y}};
    if (LayoutProbe* probe = layout_probe(); probe != nullptr) {
        probe->lists[test_id] = {at.x, at.y, size.x, size.y};
    }
}

} // namespace wellness::kiosk

namespace wellness::kiosk {

namespace {

Rect as_rect(const WidgetRect& r) {
    return {r.min.x, r.min.y, r.max.x - r.min.x, r.max.y - r.min.y};
}

bool rect_inside(const Rect& inner, const Rect& outer, float slack) {
    return inner.x >= outer.x - slack && inner.y >= outer.y - slack &&
           inner.x + inner.w <= outer.x + outer.w + slack &&
           inner.y + inner.h <= outer.y + outer.h + slack;
}

bool rect_overlap(const Rect& a, const Rect& b, float slack) {
    return a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h &&
           b.y + slack < a.y + a.h;
}

std::string describe(const Rect& r) {
    std::ostringstream out;
    out << "(" << r.x << "," << r.y << " " << r.w << "x" << r.h << ")";
    return out.str();
}

} // namespace

std::vector<std::string> layout_problems(const Layout& layout, const WidgetMap& widgets,
                                         const LayoutProbe& probe) {
    std::vector<std::string> problems;
    const Rect screen{0, 0, static_cast<float>(layout.width), static_cast<float>(layout.height)};
    const float fifteen_mm = min_target_mm * layout.px_per_mm;
    std::vector<std::pair<std::string, Rect>> solid;      // widgets
    std::vector<std::pair<std::string, Rect>> containers; // lists and areas
    for (const auto& [id, r] : widgets) {
        const Rect rect = as_rect(r);
        if (!rect_inside(rect, screen, 0.5f)) {
            problems.push_back(id + " " + describe(rect) + " is off-screen");
        }
        if (probe.lists.contains(id) || probe.areas.contains(id)) {
            containers.emplace_back(id, rect);
        } else {
            solid.emplace_back(id, rect);
        }
    }
    for (std::size_t i = 0; i < solid.size(); ++i) {
        for (std::size_t j = i + 1; j < solid.size(); ++j) {
            // Nested counts too: a button drawn inside another is hidden by it or steals its
            // taps. What holds widgets by design is an area (register_area), not a widget.
            const auto& [a_id, a] = solid[i];
            const auto& [b_id, b] = solid[j];
            if (rect_overlap(a, b, 0.5f)) {
                const char* how = rect_inside(a, b, 0.5f) || rect_inside(b, a, 0.5f)
                                      ? " nests with "
                                      : " overlaps ";
                problems.push_back(a_id + " " + describe(a) + how + b_id + " " + describe(b));
            }
        }
    }
    // A container holds a widget whole or not at all; containers nest or stay apart.
    for (const auto& [c_id, c] : containers) {
        for (const auto& [id, rect] : solid) {
            if (rect_overlap(rect, c, 0.5f) && !rect_inside(rect, c, 0.5f)) {
                problems.push_back(id + " " + describe(rect) + " is cut by the edge of " + c_id +
                                   " " + describe(c));
            }
        }
        for (const auto& [other_id, other] : containers) {
            if (other_id > c_id && rect_overlap(c, other, 0.5f) && !rect_inside(c, other, 0.5f) &&
                !rect_inside(other, c, 0.5f)) {
                problems.push_back(c_id + " " + describe(c) + " crosses " + other_id + " " +
                                   describe(other));
            }
        }
    }
    for (const auto& [id, rect] : probe.targets) {
        if (rect.w < fifteen_mm - 0.5f || rect.h < fifteen_mm - 0.5f) {
            problems.push_back("target " + id + " " + describe(rect) + " is under 15 mm (" +
                               std::to_string(fifteen_mm) + " px)");
        }
    }
    for (const auto& run : probe.texts) {
        const std::string what = "text '" + run.text.substr(0, 40) + "' " + describe(run.ink);
        if (run.wider_than_box) {
            problems.push_back(what + " is wider than its box " + describe(run.box));
        }
        if (!rect_inside(run.ink, screen, 0.5f)) {
            problems.push_back(what + " is off-screen");
        }
        for (const auto& [id, rect] : solid) {
            if (rect_overlap(run.ink, rect, 0.5f) && !rect_inside(run.ink, rect, 1.0f)) {
                problems.push_back(what + " runs under " + id + " " + describe(rect));
            }
        }
        for (const auto& [id, rect] : containers) {
            if (rect_overlap(run.ink, rect, 0.5f) && !rect_inside(run.ink, rect, 1.0f)) {
                problems.push_back(what + " is cut by the edge of " + id + " " + describe(rect));
            }
        }
    }
    if (auto done = widgets.find("chrome.done"); done != widgets.end()) {
        const Rect d = as_rect(done->second);
        for (const auto& id : probe.near_done) {
            const auto found = widgets.find(id);
            if (found == widgets.end()) {
                continue;
            }
            const Rect rect = as_rect(found->second);
            if (rect_distance(d, rect) < layout.target - 0.5f) {
                problems.push_back("Done " + describe(d) + " is within a target of " + id + " " +
                                   describe(rect));
            }
        }
    }
    return problems;
}

} // namespace wellness::kiosk
