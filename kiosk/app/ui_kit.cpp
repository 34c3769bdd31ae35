#include "ui_kit.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <imgui_internal.h> // SetNextWindowScroll: applied by Begin, in the same frame

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

namespace {

const char* next_char(const char* s, const char* end) {
    ++s;
    while (s < end && (static_cast<unsigned char>(*s) & 0xC0) == 0x80) {
        ++s;
    }
    return s;
}

} // namespace

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

Palette make_palette(const ContentDocument& content) {
    Palette palette;
    palette.background = parse_colour(content.theme.background, IM_COL32(29, 43, 54, 255));
    palette.surface = parse_colour(content.theme.surface, IM_COL32(38, 57, 74, 255));
    palette.text = parse_colour(content.theme.text, IM_COL32(242, 245, 247, 255));
    palette.accent = parse_colour(content.theme.accent, IM_COL32(127, 183, 190, 255));
    palette.surface_pressed = mix(palette.surface, palette.text, 0.22f);
    palette.surface_hovered = mix(palette.surface, palette.text, 0.08f);
    palette.text_muted = mix(palette.text, palette.background, 0.3f);
    palette.urgent =
        content.checkin.levels.empty()
            ? IM_COL32(176, 48, 48, 255)
            : parse_colour(content.checkin.levels.back().color, IM_COL32(176, 48, 48, 255));
    return palette;
}

float draw_text(ImDrawList* list, ImFont* font, ImVec2 at, float wrap_width, ImU32 colour,
                const std::string& text, bool centred) {
    const float line_height = font->FontSize * 1.2f;
    const char* s = text.data();
    const char* end = s + text.size();
    float y = at.y;
    while (s < end) {
        const char* newline = static_cast<const char*>(std::memchr(s, '\n', end - s));
        const char* line_end = newline ? newline : end;
        const char* wrap = font->CalcWordWrapPositionA(1.0f, s, line_end, wrap_width);
        if (wrap <= s) {
            wrap = next_char(s, line_end);
        }
        const float width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.0f, s, wrap).x;
        const float x = centred ? at.x + std::max(0.0f, (wrap_width - width) / 2) : at.x;
        if (list != nullptr) {
            list->AddText(font, font->FontSize, {x, y}, colour, s, wrap);
        }
        y += line_height;
        s = wrap;
        while (s < line_end && *s == ' ') {
            ++s;
        }
        if (s == line_end && newline != nullptr) {
            ++s;
        }
    }
    return y - at.y;
}

float text_height(ImFont* font, float wrap_width, const std::string& text) {
    return draw_text(nullptr, font, {0, 0}, wrap_width, 0, text);
}

bool touch_target(UiContext& ui, const std::string& test_id, ImVec2 size, ImU32 fill,
                  bool selected) {
    ImGui::PushID(test_id.c_str());
    const bool released = ImGui::InvisibleButton("##target", size);
    ImGui::PopID();
    register_widget(ui, test_id);
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
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
        list->AddRect(min, max, ui.palette.accent, rounding, 0, ui.layout.mm(1.2f));
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
                         IM_COL32(255, 255, 255, 255))) {
            ui.want(Intent::open_urgent());
        }
        right -= width + layout.gap;
    }
    // The title starts after the hidden maintenance corner.
    const float left = layout.corner + layout.margin;
    ImFont* font = ui.fonts.heading;
    const float width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, title.c_str()).x;
    if (width > right - left) {
        font = ui.fonts.body;
    }
    const float y = layout.margin / 2 + (layout.target - font->FontSize) / 2;
    ImGui::GetWindowDrawList()->PushClipRect({left, 0}, {right, layout.bar_height}, true);
    draw_text(ImGui::GetWindowDrawList(), font, {left, y}, right - left, ui.palette.text, title);
    ImGui::GetWindowDrawList()->PopClipRect();
}

void bottom_bar(UiContext& ui, bool show_back, const std::vector<BarButton>& extra) {
    const Layout& layout = ui.layout;
    const float y = static_cast<float>(layout.height) - layout.margin / 2 - layout.target;
    auto width_for = [&](const std::string& label) {
        const float text_w =
            ui.fonts.body->CalcTextSizeA(ui.fonts.body->FontSize, FLT_MAX, 0, label.c_str()).x;
        return std::max(layout.target * 2.0f, text_w + layout.mm(8.0f));
    };
    float left = layout.margin;
    if (show_back) {
        const std::string label = ui.flow.ui("back");
        const float w = width_for(label);
        ImGui::SetCursorScreenPos({left, y});
        if (label_button(ui, "chrome.back", label, {w, layout.target}, ui.palette.surface,
                         ui.palette.text)) {
            ui.want(Intent::back());
        }
        left += w + layout.gap;
    }
    if (ui.flow.screen() != Screen::home && ui.flow.screen() != Screen::maintenance) {
        // Starting over without Done: the same person keeps their language.
        const std::string label = ui.flow.ui("home");
        ImGui::SetCursorScreenPos({left, y});
        if (label_button(ui, "chrome.home", label, {width_for(label), layout.target},
                         ui.palette.surface, ui.palette.text)) {
            ui.want(Intent::home());
        }
    }
    float right = static_cast<float>(layout.width) - layout.margin;
    const std::string done = ui.flow.ui("done");
    const float done_w = width_for(done);
    ImGui::SetCursorScreenPos({right - done_w, y});
    if (label_button(ui, "chrome.done", done, {done_w, layout.target}, ui.palette.accent, 0)) {
        ui.want(Intent::done());
    }
    right -= done_w + layout.gap;
    for (const auto& button : extra) {
        const float w = width_for(button.label);
        ImGui::SetCursorScreenPos({right - w, y});
        if (label_button(ui, button.test_id, button.label, {w, layout.target}, ui.palette.surface,
                         ui.palette.text)) {
            ui.want(button.intent);
        }
        right -= w + layout.gap;
    }
}

void drag_list(UiContext& ui, const std::string& test_id, ImVec2 at, ImVec2 size,
               const std::function<void()>& draw_items) {
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
}

} // namespace wellness::kiosk
