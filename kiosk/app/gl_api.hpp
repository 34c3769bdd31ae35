#pragma once

// The few OpenGL calls the kiosk makes itself (QR textures, clearing, screenshots), looked up
// through SDL so they work on desktop GL and on GLES (kmsdrm) alike. Dear ImGui's backend
// loads its own.

#include <SDL_opengl.h>

namespace wellness::kiosk {

struct GlApi {
    void(APIENTRY* GenTextures)(GLsizei, GLuint*) = nullptr;
    void(APIENTRY* DeleteTextures)(GLsizei, const GLuint*) = nullptr;
    void(APIENTRY* BindTexture)(GLenum, GLuint) = nullptr;
    void(APIENTRY* TexParameteri)(GLenum, GLenum, GLint) = nullptr;
    void(APIENTRY* TexImage2D)(GLenum, GLint, GLint, GLsizei, GLsizei, GLint, GLenum, GLenum,
                               const void*) = nullptr;
    void(APIENTRY* PixelStorei)(GLenum, GLint) = nullptr;
    void(APIENTRY* ReadPixels)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void*) = nullptr;
    void(APIENTRY* Viewport)(GLint, GLint, GLsizei, GLsizei) = nullptr;
    void(APIENTRY* ClearColor)(GLfloat, GLfloat, GLfloat, GLfloat) = nullptr;
    void(APIENTRY* Clear)(GLbitfield) = nullptr;
    const GLubyte*(APIENTRY* GetString)(GLenum) = nullptr;

    // Needs a current context; false if any function is missing.
    bool load();
};

// How the current context was made: "EGL" (kmsdrm, Wayland, or --gles under X11), "GLX", or
// "an unknown interface". Asked of the already loaded libraries, never loading one.
const char* current_context_interface();

} // namespace wellness::kiosk
