#include "gl_api.hpp"

#include <SDL.h>

namespace wellness::kiosk {

namespace {
template <class Function> bool load_one(Function& function, const char* name) {
    function = reinterpret_cast<Function>(SDL_GL_GetProcAddress(name));
    return function != nullptr;
}
} // namespace

bool GlApi::load() {
    bool ok = true;
    ok &= load_one(GenTextures, "glGenTextures");
    ok &= load_one(DeleteTextures, "glDeleteTextures");
    ok &= load_one(BindTexture, "glBindTexture");
    ok &= load_one(TexParameteri, "glTexParameteri");
    ok &= load_one(TexImage2D, "glTexImage2D");
    ok &= load_one(PixelStorei, "glPixelStorei");
    ok &= load_one(ReadPixels, "glReadPixels");
    ok &= load_one(Viewport, "glViewport");
    ok &= load_one(ClearColor, "glClearColor");
    ok &= load_one(Clear, "glClear");
    ok &= load_one(GetString, "glGetString");
    return ok;
}

} // namespace wellness::kiosk
