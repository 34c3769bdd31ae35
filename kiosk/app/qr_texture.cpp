#include "qr_texture.hpp"

#include "qr_code.hpp"

#include <cstdint>
#include <vector>

namespace wellness::kiosk {

std::optional<QrImage> QrTextureCache::get(const std::string& text) {
    auto found = textures_.find(text);
    if (found == textures_.end()) {
        const auto matrix = encode_qr(text);
        if (!matrix) {
            return std::nullopt;
        }
        std::vector<std::uint8_t> rgba(static_cast<std::size_t>(matrix->size * matrix->size) * 4);
        for (std::size_t i = 0; i < matrix->dark.size(); ++i) {
            const std::uint8_t level = matrix->dark[i] != 0 ? 0 : 255;
            rgba[i * 4 + 0] = level;
            rgba[i * 4 + 1] = level;
            rgba[i * 4 + 2] = level;
            rgba[i * 4 + 3] = 255;
        }
        GLuint texture = 0;
        gl_.GenTextures(1, &texture);
        gl_.BindTexture(GL_TEXTURE_2D, texture);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        gl_.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
        gl_.TexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, matrix->size, matrix->size, 0, GL_RGBA,
                       GL_UNSIGNED_BYTE, rgba.data());
        found = textures_.emplace(text, std::pair{texture, matrix->size}).first;
    }
    QrImage image;
    image.texture = reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(found->second.first));
    image.modules = found->second.second;
    return image;
}

void QrTextureCache::clear() {
    for (auto& [text, texture] : textures_) {
        gl_.DeleteTextures(1, &texture.first);
    }
    textures_.clear();
}

} // namespace wellness::kiosk
