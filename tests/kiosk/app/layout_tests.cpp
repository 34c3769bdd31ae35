#include "layout.hpp"
#include "qr_code.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace wellness::kiosk;

TEST_CASE("Touch targets are at least 15 mm at the display's DPI on small and large screens",
          "[kiosk-layout]") {
    const std::pair<int, int> sizes[] = {{800, 480}, {1280, 720}, {1920, 1080}};
    const float dpis[] = {72.0f, 96.0f, 133.0f, 160.0f, 220.0f};
    for (auto [w, h] : sizes) {
        for (float dpi : dpis) {
            // Kiosk screens are at least 5.5 inches across; a smaller one at that DPI is not a
            // screen anyone mounts on a wall.
            if (std::hypot(static_cast<float>(w), static_cast<float>(h)) / dpi < 5.5f) {
                continue;
            }
            const auto layout = compute_layout(w, h, dpi);
            INFO(w << "x" << h << " at " << dpi << " dpi");
            const float fifteen_mm = 15.0f * dpi / 25.4f;
            CHECK(layout.target >= fifteen_mm);
            CHECK(layout.bar_height >= fifteen_mm);
            // Home's four tiles and both bars fit on the screen, each tile a big target.
            const HomeTiles tiles = home_tiles(layout);
            for (const Rect& tile : {tiles.breathe, tiles.checkin, tiles.talk, tiles.urgent}) {
                CHECK(tile.w >= fifteen_mm);
                CHECK(tile.h >= fifteen_mm);
                CHECK(tile.y + tile.h <= layout.content_top() + layout.content_height() + 0.5f);
            }
            // A button's label fits inside the smallest target.
            CHECK(layout.font_body < layout.target);
            CHECK(layout.font_title < layout.content_height());
        }
    }
}

TEST_CASE("A missing or absurd DPI falls back to 96", "[kiosk-layout]") {
    CHECK(effective_dpi(std::nullopt) == fallback_dpi);
    CHECK(effective_dpi(0.0f) == fallback_dpi);
    CHECK(effective_dpi(std::numeric_limits<float>::quiet_NaN()) == fallback_dpi);
    CHECK(effective_dpi(10000.0f) == fallback_dpi);
    CHECK(effective_dpi(141.0f) == 141.0f);
    CHECK(compute_layout(800, 480, std::nullopt).target >= 15.0f * 96.0f / 25.4f);
}

TEST_CASE("Text grows with the screen so it stays crisp and readable at 1080p", "[kiosk-layout]") {
    const auto small = compute_layout(800, 480, 96.0f);
    const auto large = compute_layout(1920, 1080, 96.0f);
    CHECK(large.font_body > small.font_body);
    CHECK(large.font_title > large.font_heading);
    CHECK(large.font_heading > large.font_body);
    CHECK(small.font_small >= 12.0f);
    // Whole pixel sizes: fractional font sizes blur.
    CHECK(large.font_body == std::round(large.font_body));
}

TEST_CASE("The QR code takes at least a third of the screen height and fits the content area",
          "[kiosk-layout]") {
    for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 720}, std::pair{1920, 1080}}) {
        const auto layout = compute_layout(w, h, 96.0f);
        INFO(w << "x" << h);
        CHECK(layout.qr_side() >= static_cast<float>(h) / 3.0f);
        CHECK(layout.qr_side() <= layout.content_height());
        CHECK(layout.qr_side() <= layout.content_width() / 2);
    }
}

TEST_CASE("A QR code carries exactly its text with a 4-module quiet zone", "[kiosk-qr]") {
    const auto url = "https://eap.example.org/book?site=precinct-7";
    const auto matrix = encode_qr(url);
    REQUIRE(matrix);
    // Version sizes are 21 + 4(v-1) modules; plus the quiet zone on both sides.
    CHECK((matrix->size - 2 * qr_quiet_zone_modules - 21) % 4 == 0);
    for (int i = 0; i < matrix->size; ++i) {
        for (int q = 0; q < qr_quiet_zone_modules; ++q) {
            CHECK_FALSE(matrix->is_dark(i, q));
            CHECK_FALSE(matrix->is_dark(q, i));
            CHECK_FALSE(matrix->is_dark(i, matrix->size - 1 - q));
            CHECK_FALSE(matrix->is_dark(matrix->size - 1 - q, i));
        }
    }
    // The finder pattern's dark corner sits right inside the quiet zone.
    CHECK(matrix->is_dark(qr_quiet_zone_modules, qr_quiet_zone_modules));
    // The same link gives the same modules for every person.
    const auto again = encode_qr(url);
    REQUIRE(again);
    CHECK(again->dark == matrix->dark);
    const auto other = encode_qr("https://eap.example.org/book?site=precinct-8");
    REQUIRE(other);
    CHECK(other->dark != matrix->dark);
}

TEST_CASE("An empty or NUL-carrying QR text is refused", "[kiosk-qr]") {
    CHECK_FALSE(encode_qr(""));
    CHECK_FALSE(encode_qr(std::string_view("https://a\0b", 11)));
}

TEST_CASE("QR modules are whole pixels so the code is drawn crisp", "[kiosk-qr]") {
    CHECK(qr_pixels_per_module(33, 360.0f) == 10);
    CHECK(qr_pixels_per_module(33, 329.0f) == 9);
    CHECK(qr_pixels_per_module(33, 10.0f) == 1);
    CHECK(qr_pixels_per_module(0, 100.0f) == 1);
}

TEST_CASE("Home's Urgent help is a band across the bottom, not a quarter of the screen",
          "[kiosk-layout]") {
    // Issue 14: the Urgent tile filled a quarter of Home.
    for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 720}, std::pair{1920, 1080},
                        std::pair{1080, 1920}}) {
        INFO(w << "x" << h);
        const auto layout = compute_layout(w, h, 96.0f);
        const HomeTiles tiles = home_tiles(layout);
        const auto area = [](const Rect& r) { return r.w * r.h; };
        const float content = layout.content_width() * layout.content_height();
        CHECK(area(tiles.urgent) < content / 4);
        for (const Rect& tile : {tiles.breathe, tiles.checkin, tiles.talk}) {
            CHECK(area(tiles.urgent) < area(tile));
            // Above the band, never over it.
            CHECK(tile.y + tile.h + layout.gap <= tiles.urgent.y + 0.5f);
        }
        // Still big enough to find and hit at once: a full-width target.
        CHECK(tiles.urgent.h >= layout.target);
        CHECK(tiles.urgent.w == Approx(layout.content_width()));
        CHECK(tiles.urgent.y + tiles.urgent.h <=
              layout.content_top() + layout.content_height() + 0.5f);
    }
}

#include "theme.hpp"

#include <fstream>
#include <iterator>

namespace {

wellness::ContentDocument shipped_content() {
    const std::string path = std::string(WELLNESS_SOURCE_CONTENT_DIR) + "/default-content.json";
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    auto parsed = wellness::parse_content(text);
    REQUIRE(parsed.document);
    return *parsed.document;
}

} // namespace

TEST_CASE("Every text colour reaches 4.5:1 on what it is drawn on, in both contrast modes",
          "[kiosk-layout][theme]") {
    // Issue 14: level descriptions were 2.5 to 2.9:1 on their saturated bars.
    wellness::ContentDocument content = shipped_content();
    wellness::ContentDocument soft = content;
    soft.theme = {"#6f7f8a", "#7a8a95", "#c0c8cc", "#9fd0d6"}; // an admin's too-soft theme
    for (const wellness::ContentDocument* doc : {&content, &soft}) {
        for (const bool high : {false, true}) {
            INFO((doc == &soft ? "soft theme" : "shipped theme")
                 << (high ? ", high contrast" : ""));
            const ThemeColours c = theme_colours(*doc, high);
            CHECK(contrast_ratio(c.text, c.background) >= 4.5);
            CHECK(contrast_ratio(c.text, c.surface) >= 4.5);
            CHECK(contrast_ratio(c.text_muted, c.background) >= 4.5);
            CHECK(contrast_ratio(c.text_muted, c.surface) >= 4.5);
            CHECK(contrast_ratio(c.on_accent, c.accent) >= 4.5);
            CHECK(contrast_ratio(c.on_urgent, c.urgent) >= 4.5);
            // The level's colour is a marker beside the text, never under it; the shape and
            // its outline stand out from the row.
            REQUIRE(c.level_marks.size() == doc->checkin.levels.size());
        }
    }
}

TEST_CASE("Each check-in level has its own shape, so colour is never the only cue",
          "[kiosk-layout][theme]") {
    CHECK(level_shape(0, 4) == LevelShape::circle);
    CHECK(level_shape(1, 4) == LevelShape::triangle);
    CHECK(level_shape(2, 4) == LevelShape::diamond);
    CHECK(level_shape(3, 4) == LevelShape::square);
    CHECK(level_shape(2, 3) == LevelShape::square);
}

TEST_CASE("The bottom bar never overlaps and keeps Done a target away from everything",
          "[kiosk-layout]") {
    for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}, std::pair{1920, 1080},
                        std::pair{1080, 1920}, std::pair{3840, 2160}}) {
        const auto layout = compute_layout(w, h, 96.0f);
        INFO(w << "x" << h);
        // Back, Home, text size, contrast; labels as wide as Spanish ones at this font.
        const std::vector<float> text = {layout.font_body * 3, layout.font_body * 3.5f,
                                         layout.font_body * 1.4f, 0};
        const BottomBar bar = bottom_bar_rects(layout, text, layout.font_body * 4.5f);
        REQUIRE(bar.fits);
        REQUIRE(bar.left.size() == text.size());
        for (std::size_t i = 0; i < bar.left.size(); ++i) {
            CHECK(bar.left[i].w >= layout.target);
            CHECK(rect_distance(bar.left[i], bar.done) >= layout.target);
            for (std::size_t j = i + 1; j < bar.left.size(); ++j) {
                CHECK_FALSE(rects_overlap(bar.left[i], bar.left[j]));
            }
        }
        CHECK(bar.done.x + bar.done.w <= static_cast<float>(w) - layout.margin + 0.5f);
        CHECK(bar.done.y + bar.done.h <= static_cast<float>(h));
    }
}

TEST_CASE("Sizes follow the short side, so portrait targets are not twice landscape's",
          "[kiosk-layout]") {
    const auto landscape = compute_layout(1920, 1080, 96.0f);
    const auto portrait = compute_layout(1080, 1920, 96.0f);
    CHECK(portrait.target == landscape.target);
    CHECK(portrait.font_body == landscape.font_body);
}
