#include "wellness/image.hpp"

#include "wellness/problem.hpp"

#include <memory>
#include <png.h>
#include <turbojpeg.h>

namespace wellness {

namespace {

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};
constexpr std::string_view jpeg_signature{"\xff\xd8\xff", 3};
// libpng stops reading once it has the pixels; the file must still end where a PNG ends, with
// the one IEND chunk and nothing after it (no truncation, no payload riding along).
constexpr std::string_view png_end{"\0\0\0\0IEND\xae\x42\x60\x82", 12};

Outcome check_sides(long width, long height, int max_side) {
    if (width < 1 || height < 1 || width > max_side || height > max_side)
        return {"the image is " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels; each side must be 1 to " + std::to_string(max_side)};
    return {};
}

// libpng's simplified API: no setjmp in our code, and it reports every error as a message.
void decode_png(std::string_view bytes, int max_side, ImageDecodeResult& result) {
    if (bytes.size() < png_signature.size() + png_end.size() ||
        bytes.substr(bytes.size() - png_end.size()) != png_end) {
        result.problem = "the PNG is cut short or has bytes after its end";
        return;
    }
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    struct Release {
        png_image& image;
        ~Release() { png_image_free(&image); }
    } release{image};
    if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
        result.problem = std::string("the PNG cannot be read: ") + image.message;
        return;
    }
    if (auto sides = check_sides(image.width, image.height, max_side); !sides.ok()) {
        result.problem = std::move(sides.problem);
        return;
    }
    image.format = PNG_FORMAT_RGBA;
    RgbaImage decoded;
    decoded.width = static_cast<int>(image.width);
    decoded.height = static_cast<int>(image.height);
    decoded.rgba.resize(PNG_IMAGE_SIZE(image));
    if (png_image_finish_read(&image, nullptr, decoded.rgba.data(), 0, nullptr) == 0 ||
        (image.warning_or_error & PNG_IMAGE_ERROR) != 0) {
        result.problem = std::string("the PNG does not decode: ") + image.message;
        return;
    }
    result.image = std::move(decoded);
}

void decode_jpeg(std::string_view bytes, int max_side, ImageDecodeResult& result) {
    std::unique_ptr<void, int (*)(tjhandle)> handle(tjInitDecompress(), tjDestroy);
    if (!handle) {
        result.problem = "the JPEG decoder cannot start";
        return;
    }
    auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto size = static_cast<unsigned long>(bytes.size());
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), data, size, &width, &height, &subsampling, &colorspace) !=
        0) {
        result.problem = std::string("the JPEG cannot be read: ") + tjGetErrorStr2(handle.get());
        return;
    }
    if (auto sides = check_sides(width, height, max_side); !sides.ok()) {
        result.problem = std::move(sides.problem);
        return;
    }
    RgbaImage decoded;
    decoded.width = width;
    decoded.height = height;
    decoded.rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    // A warning (a truncated file, a corrupt segment) is refused like an error: the image would
    // show with grey or garbled parts.
    if (tjDecompress2(handle.get(), data, size, decoded.rgba.data(), width, 0, height, TJPF_RGBA,
                      TJFLAG_STOPONWARNING) != 0) {
        result.problem = std::string("the JPEG does not decode: ") + tjGetErrorStr2(handle.get());
        return;
    }
    result.image = std::move(decoded);
}

} // namespace

std::optional<ImageFormat> sniff_image_format(std::string_view bytes) {
    if (bytes.substr(0, png_signature.size()) == png_signature)
        return ImageFormat::png;
    if (bytes.substr(0, jpeg_signature.size()) == jpeg_signature)
        return ImageFormat::jpeg;
    return std::nullopt;
}

std::string_view media_type_of(ImageFormat format) {
    return format == ImageFormat::png ? "image/png" : "image/jpeg";
}

ImageDecodeResult decode_image(std::string_view bytes, int max_side) {
    ImageDecodeResult result;
    if (bytes.size() > max_image_file_bytes) {
        result.problem =
            "the file is larger than " + std::to_string(max_image_file_bytes) + " bytes";
        return result;
    }
    result.format = sniff_image_format(bytes);
    if (!result.format) {
        result.problem = "the file is neither a PNG nor a JPEG";
        return result;
    }
    if (*result.format == ImageFormat::png)
        decode_png(bytes, max_side, result);
    else
        decode_jpeg(bytes, max_side, result);
    if (!result.problem.empty())
        result.image.reset();
    return result;
}

} // namespace wellness
