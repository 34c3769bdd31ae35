// The one image decoder of station and kiosk, fed real files and every broken version of them.

#include "../station/test_images.hpp"
#include "wellness/image.hpp"

#include <catch2/catch.hpp>

using namespace wellness;

TEST_CASE("A real PNG and a real JPEG decode to their pixels", "[image]") {
    const auto png = decode_image(red_png(), 64);
    REQUIRE(png.image);
    CHECK(png.format == ImageFormat::png);
    CHECK(png.image->width == 2);
    CHECK(png.image->height == 2);
    REQUIRE(png.image->rgba.size() == 16);
    for (std::size_t pixel = 0; pixel < 4; ++pixel) {
        CHECK(png.image->rgba[pixel * 4 + 0] == 255);
        CHECK(png.image->rgba[pixel * 4 + 1] == 0);
        CHECK(png.image->rgba[pixel * 4 + 2] == 0);
        CHECK(png.image->rgba[pixel * 4 + 3] == 255);
    }
    const auto jpeg = decode_image(blue_jpeg(), 64);
    REQUIRE(jpeg.image);
    CHECK(jpeg.format == ImageFormat::jpeg);
    REQUIRE(jpeg.image->rgba.size() == 16);
    CHECK(jpeg.image->rgba[2] > 200);  // blue
    CHECK(jpeg.image->rgba[0] < 60);   // not red
    CHECK(jpeg.image->rgba[3] == 255); // opaque
}

TEST_CASE("Every truncated copy of a PNG or JPEG is refused, never shown in part", "[image]") {
    for (const std::string& whole : {red_png(), blue_jpeg()}) {
        for (std::size_t length = 0; length < whole.size(); ++length) {
            INFO("first " << length << " of " << whole.size() << " bytes");
            const auto decoded = decode_image(whole.substr(0, length), 64);
            CHECK_FALSE(decoded.image);
            CHECK_FALSE(decoded.problem.empty());
        }
    }
}

TEST_CASE("A damaged byte anywhere in a PNG's data is refused", "[image]") {
    const std::string whole = red_png();
    // Every byte after the signature is covered by a chunk CRC, so any change is caught.
    for (std::size_t at = 8; at < whole.size(); ++at) {
        std::string damaged = whole;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        INFO("byte " << at);
        CHECK_FALSE(decode_image(damaged, 64).image);
    }
}

TEST_CASE("A PNG with bytes after its end is refused", "[image]") {
    CHECK_FALSE(decode_image(red_png() + "<?php payload ?>", 64).image);
    CHECK(decode_image(red_png(), 64).image);
}

TEST_CASE("An image over the side limit is refused from its header", "[image]") {
    const auto too_wide = decode_image(red_png(), 1);
    CHECK_FALSE(too_wide.image);
    CHECK_THAT(too_wide.problem, Catch::Contains("1 to 1"));
    CHECK_FALSE(decode_image(blue_jpeg(), 1).image);
}

TEST_CASE("Anything but a PNG or JPEG, or too large a file, is refused", "[image]") {
    CHECK(decode_image("GIF89a....", 64).problem == "the file is neither a PNG nor a JPEG");
    CHECK_FALSE(decode_image("", 64).image);
    CHECK_FALSE(sniff_image_format("<svg/>"));
    std::string huge = red_png();
    huge.resize(max_image_file_bytes + 1, '\0');
    CHECK_THAT(decode_image(huge, 64).problem, Catch::Contains("larger than"));
}
