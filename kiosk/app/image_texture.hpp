#pragma once

// Provider images as GL textures with linear filtering (photos and logos, drawn scaled).
// Replaced as a whole on each content swap; the old textures are freed.

#include "gl_api.hpp"
#include "provider_images.hpp"
#include "ui_kit.hpp"

#include <map>
#include <optional>
#include <string>

namespace wellness::kiosk {

class ProviderImageTextures {
  public:
    explicit ProviderImageTextures(const GlApi& gl) : gl_(gl) {}
    ~ProviderImageTextures() { clear(); }
    ProviderImageTextures(const ProviderImageTextures&) = delete;
    ProviderImageTextures& operator=(const ProviderImageTextures&) = delete;

    void replace(const ProviderImages& images);
    std::optional<TextureImage> get(const std::string& provider_id) const;
    void clear();

  private:
    const GlApi& gl_;
    std::map<std::string, std::pair<GLuint, TextureImage>> textures_; // provider id -> texture
};

} // namespace wellness::kiosk
