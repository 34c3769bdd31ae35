#pragma once

// QR codes as GL textures, one texel per module with nearest filtering so they scale crisp.
// Cached per link; cleared when the content changes.

#include "gl_api.hpp"
#include "ui_kit.hpp"

#include <map>
#include <optional>
#include <string>

namespace wellness::kiosk {

class QrTextureCache {
  public:
    explicit QrTextureCache(const GlApi& gl) : gl_(gl) {}
    ~QrTextureCache() { clear(); }
    QrTextureCache(const QrTextureCache&) = delete;
    QrTextureCache& operator=(const QrTextureCache&) = delete;

    std::optional<QrImage> get(const std::string& text);
    void clear();

  private:
    const GlApi& gl_;
    std::map<std::string, std::pair<GLuint, int>> textures_; // text -> (texture, modules)
};

} // namespace wellness::kiosk
