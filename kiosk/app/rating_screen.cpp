#include "screens.hpp"

#include <algorithm>
#include <cmath>

namespace wellness::kiosk {

namespace {

// A simple face from calm (1: a smile) to very stressed (5: a frown), drawn so the meaning
// does not rest on colour or words alone.
void draw_face(ImDrawList* list, ImVec2 centre, float radius, int face, ImU32 ink) {
    const float stroke = std::max(2.0f, radius * 0.09f);
    list->AddCircle(centre, radius, ink, 48, stroke);
    const float eye_dx = radius * 0.36f;
    const float eye_y = centre.y - radius * 0.22f;
    list->AddCircleFilled({centre.x - eye_dx, eye_y}, radius * 0.09f, ink, 16);
    list->AddCircleFilled({centre.x + eye_dx, eye_y}, radius * 0.09f, ink, 16);
    // The mouth's bend: +1 a full smile, -1 a full frown.
    const float bend = 1.0f - 2.0f * static_cast<float>(face - 1) /
                                  static_cast<float>(content_limits::rating_faces - 1);
    const float mouth_y = centre.y + radius * 0.35f;
    const float half = radius * 0.42f;
    const ImVec2 left{centre.x - half, mouth_y - bend * radius * 0.08f};
    const ImVec2 right{centre.x + half, mouth_y - bend * radius * 0.08f};
    const ImVec2 control{centre.x, mouth_y + bend * radius * 0.28f};
    list->AddBezierQuadratic(left, control, right, ink, stroke, 24);
}

} // namespace

std::string rating_change_text(const Flow& flow) {
    const VisitState& state = flow.state();
    const StressRating* rating = flow.stress_rating();
    if (rating == nullptr || !state.rating_before || !state.rating_after) {
        return {};
    }
    auto shown = [&](int value) {
        if (rating->style == RatingStyle::faces) {
            const auto index = static_cast<std::size_t>(value - 1);
            if (index < rating->face_labels.size()) {
                return flow.text(rating->face_labels[index]);
            }
        }
        return std::to_string(value);
    };
    return shown(*state.rating_before) + " \u2192 " + shown(*state.rating_after);
}

void RatingScreen::Draw(UiContext& ui) {
    const Flow& flow = ui.flow;
    const StressRating* rating = flow.stress_rating();
    if (rating == nullptr) {
        return;
    }
    const Layout& layout = ui.layout;
    const bool before = flow.screen() == Screen::rating_before;
    top_bar(ui, flow.text(before ? rating->question_before : rating->question_after));
    const float bottom =
        forward_actions(ui, {BarButton{"rating.skip", flow.ui("skip"), Intent::skip_rating()}});
    const float top = layout.content_top();
    if (rating->style == RatingStyle::faces) {
        DrawFaces(ui, top, bottom);
    } else {
        DrawScale(ui, top, bottom);
    }
    bottom_bar(ui, true);
}

void RatingScreen::DrawScale(UiContext& ui, float top, float bottom) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const StressRating& rating = *flow.stress_rating();
    const int lowest = flow.lowest_rating();
    const int count = flow.highest_rating() - lowest + 1;
    const float width = layout.content_width();
    // As many in a row as fit at a target each; the rows as even as they can be.
    const int fit =
        std::max(1, static_cast<int>((width + layout.gap) / (layout.target + layout.gap)));
    const int rows = (count + fit - 1) / fit;
    const int per_row = (count + rows - 1) / rows;
    const auto rows_f = static_cast<float>(rows);
    const std::string low = flow.text(rating.low_label);
    const std::string high = flow.text(rating.high_label);
    const float line_h = ui.fonts.small->FontSize * 1.2f;
    // The end labels go under the numbers when there is room, else beside the first and last
    // rows (a short landscape screen).
    const bool below = bottom - top >= rows_f * layout.target + rows_f * layout.gap + 2 * line_h;
    const float room = bottom - top - (below ? 2 * line_h + rows_f * layout.gap : 0.0f);
    const float h = std::max(
        layout.target, std::min(layout.target * 1.4f, (room - (rows_f - 1) * layout.gap) / rows_f));
    const float most_w =
        (width - static_cast<float>(per_row - 1) * layout.gap) / static_cast<float>(per_row);
    const float w = below ? std::min(layout.target * 1.6f, most_w) : layout.target;
    const float row_w =
        static_cast<float>(per_row) * w + static_cast<float>(per_row - 1) * layout.gap;
    const float left = layout.margin + (width - row_w) / 2;
    float y = top;
    for (int row = 0; row < rows; ++row) {
        const int first = row * per_row;
        const int last = std::min(count, first + per_row);
        for (int i = first; i < last; ++i) {
            const int value = lowest + i;
            ImGui::SetCursorScreenPos({left + static_cast<float>(i - first) * (w + layout.gap), y});
            if (label_button(ui, "rating.value." + std::to_string(value), std::to_string(value),
                             {w, h}, ui.palette.surface, ui.palette.text, {}, false,
                             ui.fonts.heading)) {
                ui.want(Intent::rate(value));
            }
        }
        y += h + layout.gap;
    }
    // What the ends mean: the calm end by the first number, the other by the last.
    ImDrawList* list = ImGui::GetWindowDrawList();
    if (below) {
        const float half = (row_w - layout.gap) / 2;
        draw_text(list, ui.fonts.small, {left, y}, half, ui.palette.text_muted, low);
        const float high_w = std::min(half, text_run_width(ui.fonts.small, half, high));
        draw_text(list, ui.fonts.small, {left + row_w - high_w, y}, high_w, ui.palette.text_muted,
                  high);
        return;
    }
    const float side = left - layout.margin - layout.gap;
    if (side <= 0) {
        return;
    }
    const float low_h = text_height(ui.fonts.small, side, low);
    draw_text(list, ui.fonts.small, {layout.margin, top + std::max(0.0f, (h - low_h) / 2)}, side,
              ui.palette.text_muted, low);
    const float last_top = top + (rows_f - 1) * (h + layout.gap);
    const float high_h = text_height(ui.fonts.small, side, high);
    draw_text(list, ui.fonts.small,
              {left + row_w + layout.gap, last_top + std::max(0.0f, (h - high_h) / 2)}, side,
              ui.palette.text_muted, high);
}

void RatingScreen::DrawFaces(UiContext& ui, float top, float bottom) {
    const Layout& layout = ui.layout;
    const Flow& flow = ui.flow;
    const StressRating& rating = *flow.stress_rating();
    const auto count = static_cast<int>(rating.face_labels.size());
    if (count == 0) {
        return;
    }
    const float width = layout.content_width();
    const float w =
        std::min(layout.target * 2.4f,
                 (width - static_cast<float>(count - 1) * layout.gap) / static_cast<float>(count));
    const float h = std::max(layout.target, std::min(layout.target * 2.4f, bottom - top));
    const float row_w = static_cast<float>(count) * w + static_cast<float>(count - 1) * layout.gap;
    const float left = layout.margin + (width - row_w) / 2;
    const float pad = layout.mm(1.5f);
    for (int i = 0; i < count; ++i) {
        const int value = i + 1;
        const std::string label = flow.text(rating.face_labels[static_cast<std::size_t>(i)]);
        const ImVec2 at{left + static_cast<float>(i) * (w + layout.gap), top};
        ImGui::SetCursorScreenPos(at);
        const bool tapped =
            touch_target(ui, "rating.value." + std::to_string(value), {w, h}, ui.palette.surface);
        ImDrawList* list = ImGui::GetWindowDrawList();
        const float label_h = text_height(ui.fonts.small, w - 2 * pad, label);
        const float radius = std::max(2.0f, std::min(w / 2 - pad, (h - label_h - 3 * pad) / 2));
        draw_face(list, {at.x + w / 2, at.y + pad + radius}, radius, value, ui.palette.text);
        draw_text(list, ui.fonts.small, {at.x + pad, at.y + 2 * pad + 2 * radius}, w - 2 * pad,
                  ui.palette.text, label, true);
        if (tapped) {
            ui.want(Intent::rate(value));
        }
    }
}

} // namespace wellness::kiosk
