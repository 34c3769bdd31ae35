#include "image_texture.hpp"

#include <cstdint>

namespace wellness::kiosk {

void ProviderImageTextures::replace(const ProviderImages& images) {
    clear();
    for (const auto& [id, image] : images.by_provider_id) {
        GLuint texture = 0;
        gl_.GenTextures(1, &texture);
        gl_.BindTexture(GL_TEXTURE_2D, texture);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        gl_.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
        gl_.TexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, image.width, image.height, 0, GL_RGBA,
                       GL_UNSIGNED_BYTE, image.rgba.data());
        TextureImage drawn;
        drawn.texture = reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture));
        drawn.width = image.width;
        drawn.height = image.height;
        textures_.emplace(id, std::pair{texture, drawn});
    }
}

std::optional<TextureImage> ProviderImageTextures::get(const std::string& provider_id) const {
    const auto found = textures_.find(provider_id);
    if (found == textures_.end()) {
        return std::nullopt;
    }
    return found->second.second;
}

void ProviderImageTextures::clear() {
    for (auto& [id, texture] : textures_) {
        gl_.DeleteTextures(1, &texture.first);
    }
    textures_.clear();
}

} // namespace wellness::kiosk
