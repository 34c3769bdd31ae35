#include "gl_api.hpp"

#include <SDL.h>
#include <dlfcn.h>

namespace wellness::kiosk {

namespace {
template <class Function> bool load_one(Function& function, const char* name) {
    function = reinterpret_cast<Function>(SDL_GL_GetProcAddress(name));
    return function != nullptr;
}
// Whether `library` is loaded and its `function` (eglGetCurrentContext, glXGetCurrentContext)
// reports a current context.
bool has_current_context(const char* library, const char* function) {
    void* handle = dlopen(library, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    using GetCurrentContext = void* (*)();
    const auto get = reinterpret_cast<GetCurrentContext>(dlsym(handle, function));
    const bool current = get != nullptr && get() != nullptr;
    dlclose(handle);
    return current;
}
} // namespace

const char* current_context_interface() {
    if (has_current_context("libEGL.so.1", "eglGetCurrentContext")) {
        return "EGL";
    }
    if (has_current_context("libGLX.so.0", "glXGetCurrentContext") ||
        has_current_context("libGL.so.1", "glXGetCurrentContext")) {
        return "GLX";
    }
    return "an unknown interface";
}

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
