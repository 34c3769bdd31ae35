// wellness-kiosk: the fullscreen touch program of a precinct wellness room.
// Laid out like Dear ImGui's example_sdl_opengl3: Setup, Main loop, Cleanup.

#include "bench.hpp"
#include "flow.hpp"
#include "gl_api.hpp"
#include "image_texture.hpp"
#include "kiosk_options.hpp"
#include "kiosk_sync.hpp"
#include "layout.hpp"
#include "pointer_input.hpp"
#include "qr_texture.hpp"
#include "screens.hpp"
#include "script_host.hpp"
#include "script_runner.hpp"
#include "soft_tone.hpp"
#include "wellness/breathing.hpp"
#include "wellness/shipped_files.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <SDL.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <iostream>
#include <malloc.h>
#include <sstream>
#include <string_view>
#include <systemd/sd-daemon.h>

using namespace wellness;
using namespace wellness::kiosk;

namespace {

std::filesystem::path default_content_dir() {
    return shipped_files_dir(running_program(), WELLNESS_BUILD_TREE, WELLNESS_SOURCE_CONTENT_DIR,
                             std::filesystem::path(WELLNESS_DATADIR_FROM_BINDIR) /
                                 "wellness-kiosk/content");
}

std::filesystem::path default_data_dir() {
    // systemd's StateDirectory= sets STATE_DIRECTORY.
    if (const char* state = std::getenv("STATE_DIRECTORY"); state != nullptr && *state != '\0') {
        return state;
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".local/state/wellness-kiosk";
}

std::optional<std::string> read_small_file(const std::filesystem::path& path, std::size_t limit) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return std::nullopt;
    }
    // In chunks, not a buffer of `limit` bytes: that much zeroed memory would stay resident.
    // One byte over the limit is kept so the caller can tell the file is too long.
    std::string text;
    char chunk[64 * 1024];
    while (text.size() <= limit && file.read(chunk, sizeof chunk).gcount() > 0) {
        text.append(chunk, static_cast<std::size_t>(file.gcount()));
    }
    if (text.size() > limit + 1) {
        text.resize(limit + 1);
    }
    return text;
}

// Attract's circle takes 10 s a breath: at 10 frames a second its radius moves at most 1 % of
// its diameter a frame (5 px at 1080p), still a smooth swell, and a software renderer pays for
// every pixel of every frame (clear, fill, present), so the rate is most of Attract's cost.
constexpr auto attract_frame_interval = std::chrono::milliseconds(100);
constexpr auto fast_frame_interval = std::chrono::milliseconds(16);
// The sync worker starts this long after the first frame (its timers count in minutes).
constexpr auto sync_start_delay = std::chrono::seconds(2);

// DejaVu's largest face is under 1 MB.
constexpr std::size_t max_font_file_bytes = 8 * 1024 * 1024;

// Texture swizzles came with desktop OpenGL 3.3 and OpenGL ES 3.0. `version` is GL_VERSION:
// "4.5 (Core Profile) Mesa ..." or "OpenGL ES 3.2 Mesa ...".
bool has_texture_swizzle(const char* version) {
    if (version == nullptr) {
        return false;
    }
    std::string_view text = version;
    const bool es = text.starts_with("OpenGL ES ");
    if (es) {
        text.remove_prefix(std::string_view("OpenGL ES ").size());
    }
    int major = 0;
    int minor = 0;
    if (std::sscanf(std::string(text.substr(0, 16)).c_str(), "%d.%d", &major, &minor) != 2) {
        return false;
    }
    return es ? major >= 3 : (major > 3 || (major == 3 && minor >= 3));
}

GLuint upload_alpha_texture(const GlApi& gl, const unsigned char* pixels, int width, int height) {
    constexpr GLenum red = 0x1903;       // GL_RED
    constexpr GLint r8 = 0x8229;         // GL_R8
    constexpr GLenum swizzle_r = 0x8E42; // GL_TEXTURE_SWIZZLE_R; G, B and A follow it
    GLuint texture = 0;
    gl.GenTextures(1, &texture);
    gl.BindTexture(GL_TEXTURE_2D, texture);
    gl.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    gl.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    gl.TexParameteri(GL_TEXTURE_2D, swizzle_r, GL_ONE);
    gl.TexParameteri(GL_TEXTURE_2D, swizzle_r + 1, GL_ONE);
    gl.TexParameteri(GL_TEXTURE_2D, swizzle_r + 2, GL_ONE);
    gl.TexParameteri(GL_TEXTURE_2D, swizzle_r + 3, static_cast<GLint>(red));
    gl.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
    gl.TexImage2D(GL_TEXTURE_2D, 0, r8, width, height, 0, red, GL_UNSIGNED_BYTE, pixels);
    return texture;
}

struct GlChoice {
    SDL_Window* window = nullptr;
    SDL_GLContext context = nullptr;
    const char* glsl_version = nullptr;
};

// Desktop GL 3 first; kmsdrm may offer only OpenGL ES, so then GLES 3. No GLES 2: Debian's
// Dear ImGui OpenGL3 backend is built with its GL 3 loader, which refuses a version under 3
// (tried on Mesa with MESA_GLES_VERSION_OVERRIDE=2.0). With `gles_only` (--gles) only GLES 3.
GlChoice create_window_and_context(const char* title, int x, int y, int w, int h,
                                   Uint32 window_flags, bool gles_only) {
    struct Attempt {
        int profile;
        int major;
        int minor;
        const char* glsl;
    };
    const Attempt attempts[] = {
        {SDL_GL_CONTEXT_PROFILE_CORE, 3, 2, "#version 150"},
        {SDL_GL_CONTEXT_PROFILE_ES, 3, 0, "#version 300 es"},
    };
    for (const auto& attempt : attempts) {
        if (gles_only && attempt.profile != SDL_GL_CONTEXT_PROFILE_ES) {
            continue;
        }
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, attempt.profile);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, attempt.major);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, attempt.minor);
        SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
        SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
        SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
        SDL_Window* window = SDL_CreateWindow(title, x, y, w, h, window_flags);
        if (window == nullptr) {
            continue;
        }
        SDL_GLContext context = SDL_GL_CreateContext(window);
        if (context != nullptr) {
            return {window, context, attempt.glsl};
        }
        SDL_DestroyWindow(window);
    }
    return {};
}

std::string describe_status(const SyncStatus& status, const std::string& renderer,
                            const Layout& layout) {
    std::ostringstream text;
    auto yes_no = [](bool value) { return value ? "yes" : "no"; };
    text << "Station configured: " << yes_no(status.station_configured) << "\n"
         << "Enrolled: " << yes_no(status.enrolled) << "\n"
         << "Station reachable: " << yes_no(status.station_reachable) << "\n"
         << "Last successful contact: ";
    if (status.last_successful_contact) {
        char when[64];
        std::tm local{};
        localtime_r(&*status.last_successful_contact, &local);
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
        text << when;
    } else {
        text << "never";
    }
    text << "\nContent version: " << status.content_version << "\n"
         << "Weeks waiting to send: " << status.weeks_waiting << "\n";
    if (!status.last_error.empty()) {
        text << "Last error: " << status.last_error << "\n";
    }
    text << "Display: " << layout.width << "x" << layout.height << " at "
         << static_cast<int>(layout.dpi) << " dpi; " << renderer;
    return text.str();
}

double phase_tone_hz(PhaseKind kind, bool top_up) {
    if (top_up) {
        return 523.3; // C5: the sigh's short second breath in, above the first
    }
    switch (kind) {
    case PhaseKind::inhale:
        return 392.0; // G4
    case PhaseKind::hold:
        return 329.6; // E4
    case PhaseKind::exhale:
        return 261.6; // C4
    }
    return 329.6;
}

} // namespace

int main(int argc, char** argv) {
    const auto process_start = std::chrono::steady_clock::now();

    // ---------------------------------------------------------------- Setup
    // Settings: flags win over the config file; anything invalid stops here.
    const auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.options) {
        std::cerr << "wellness-kiosk: " << parsed.error << "\n\n" << usage_text();
        return 2;
    }
    KioskOptions options = *parsed.options;
    if (options.help) {
        std::cout << usage_text();
        return 0;
    }
    if (options.bench && !options.windowed) {
        options.windowed = true;
        options.window_width = 1920;
        options.window_height = 1080;
    }
    std::optional<ScriptRunner> script;
    if (!options.script.empty()) {
        const auto text = read_small_file(options.script, max_script_bytes);
        if (!text) {
            std::cerr << "wellness-kiosk: cannot read script " << options.script << "\n";
            return 2;
        }
        auto script_parse = parse_script(*text);
        if (!script_parse.errors.empty()) {
            for (const auto& error : script_parse.errors) {
                std::cerr << "wellness-kiosk: " << options.script.string() << ": " << error << "\n";
            }
            return 2;
        }
        script.emplace(std::move(script_parse.commands));
    }

    // Technical events (sync ok or failed, content version) go to standard error, which
    // systemd's journal keeps; nothing about what a person does is ever logged.
    Poco::Logger::root().setChannel(
        make_stderr_log_channel("wellness-kiosk", resolve_log_format(options.log_format)));
    Poco::Logger::root().setLevel(Poco::Message::PRIO_INFORMATION);
    // The program's own technical events; the sync library logs as "wellness.kiosk.sync".
    Poco::Logger& kiosk_log = Poco::Logger::get("wellness.kiosk");

    // The disk and network side: counters, content cache, the station. Never blocks a frame.
    SyncSettings sync_settings;
    sync_settings.data_dir = options.data_dir.empty() ? default_data_dir() : options.data_dir;
    sync_settings.station_url = options.station_url;
    sync_settings.enrollment_code = options.enrollment_code;
    sync_settings.station_fingerprint = options.station_fingerprint;
    sync_settings.default_content_dir = default_content_dir();
    if (options.sync_interval_seconds) {
        sync_settings.contact_interval = std::chrono::seconds(*options.sync_interval_seconds);
        sync_settings.contact_jitter = sync_settings.contact_interval / 5;
    }
    const std::int64_t clock_offset = options.clock_offset_seconds;
    sync_settings.wall_clock = [clock_offset] {
        return static_cast<std::time_t>(std::time(nullptr) + clock_offset);
    };
    std::unique_ptr<KioskSync> sync;
    ActiveContent content;
    try {
        std::filesystem::create_directories(sync_settings.data_dir);
        sync = std::make_unique<KioskSync>(sync_settings);
        content = sync->initial_content();
    } catch (const std::exception& error) {
        kiosk_log.fatal(std::string("cannot start: ") + error.what());
        return 1;
    }

    // SDL: video now, audio later (it may fail, that's fine). Fingers are fingers: SDL's mouse
    // copies of touches are skipped by PointerInput, and the mouse makes no fake touches.
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (options.gles) {
        // ES through EGL and Mesa's libGLESv2, as on a kmsdrm box, even under X11 (where SDL
        // would otherwise ask GLX for an ES profile).
        SDL_SetHint(SDL_HINT_OPENGL_ES_DRIVER, "1");
        SDL_SetHint(SDL_HINT_VIDEO_X11_FORCE_EGL, "1");
    }
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
        kiosk_log.fatal(std::string("SDL_Init: ") + SDL_GetError());
        return 1;
    }
    Uint32 window_flags = SDL_WINDOW_OPENGL | SDL_WINDOW_SHOWN;
    int requested_w = options.window_width;
    int requested_h = options.window_height;
    if (!options.windowed) {
        window_flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        SDL_DisplayMode mode{};
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            requested_w = mode.w;
            requested_h = mode.h;
        } else {
            requested_w = 1280;
            requested_h = 720;
        }
    }
    GlChoice gl_choice =
        create_window_and_context("Wellness room", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                  requested_w, requested_h, window_flags, options.gles);
    if (gl_choice.window == nullptr) {
        kiosk_log.fatal(std::string("no ") +
                        (options.gles ? "OpenGL ES 3.0" : "OpenGL 3.2 or OpenGL ES 3.0") +
                        " context (OpenGL ES 2 is not enough): " + SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_Window* window = gl_choice.window;
    SDL_GL_MakeCurrent(window, gl_choice.context);
    SDL_GL_SetSwapInterval(1); // vsync where there is one; frames are paced below anyway
    SDL_ShowCursor(options.windowed ? SDL_ENABLE : SDL_DISABLE);
    GlApi gl;
    if (!gl.load()) {
        kiosk_log.fatal("OpenGL functions missing");
        return 1;
    }
    const std::string renderer = reinterpret_cast<const char*>(gl.GetString(GL_RENDERER));
    // Which path this box took (technical, nothing about anyone): the video driver, the GL
    // flavour and version, and whether the context came through EGL.
    Poco::Logger::root().information(std::string("display ") + SDL_GetCurrentVideoDriver() + ", " +
                                     reinterpret_cast<const char*>(gl.GetString(GL_VERSION)) +
                                     " through " + current_context_interface() + ", shaders " +
                                     gl_choice.glsl_version + ", " + renderer);

    // Sizes from the window and the display's DPI (15 mm targets).
    int window_w = 0;
    int window_h = 0;
    SDL_GetWindowSize(window, &window_w, &window_h);
    std::optional<float> reported_dpi;
    float diagonal_dpi = 0;
    if (options.dpi) {
        reported_dpi = options.dpi; // the config's word over a driver's guess
    } else if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(window), &diagonal_dpi, nullptr,
                                 nullptr) == 0) {
        reported_dpi = diagonal_dpi;
    }
    const Layout layout = compute_layout(window_w, window_h, reported_dpi);

    // Dear ImGui: no imgui.ini (read-only kiosk, and it would keep state), no cursor changes,
    // a TTF with Latin-1 (Spanish accents) at the sizes the layout needs, loaded once.
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    static const ImWchar glyph_ranges[] = {
        0x0020, 0x00FF, // Basic Latin + Latin-1 Supplement
        0x2010, 0x2027, // dashes, quotes, ellipsis
        0x20AC, 0x20AC, // euro
        0x2192, 0x2192, // the arrow of a person's own stress change ("7 → 4")
        0x2713, 0x2713, // check mark on chosen topics
        0,
    };
    // Each file is read once and shared by every size (the atlas would keep a copy per size).
    std::string regular_font;
    std::string bold_font;
    std::string serif_bold_font;
    const std::filesystem::path dejavu = "/usr/share/fonts/truetype/dejavu";
    const std::pair<std::string*, const char*> font_files[] = {
        {&regular_font, "DejaVuSans.ttf"},
        {&bold_font, "DejaVuSans-Bold.ttf"},
        {&serif_bold_font, "DejaVuSerif-Bold.ttf"},
    };
    for (const auto& [bytes, name] : font_files) {
        auto text = read_small_file(dejavu / name, max_font_file_bytes);
        if (!text || text->empty() || text->size() > max_font_file_bytes) {
            kiosk_log.fatal("cannot load DejaVu fonts (fonts-dejavu-core)");
            return 1;
        }
        *bytes = std::move(*text);
    }
    ImFontConfig font_config;
    font_config.OversampleH = 1; // whole-pixel glyphs (PixelSnapH): no need for more
    font_config.OversampleV = 1;
    font_config.PixelSnapH = true;
    font_config.FontDataOwnedByAtlas = false;
    // The texture is as tall as its glyphs, not the next power of two.
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    auto load_fonts = [&](float scale) {
        Fonts set;
        auto load = [&](std::string& file, float size) {
            return io.Fonts->AddFontFromMemoryTTF(file.data(), static_cast<int>(file.size()),
                                                  std::round(size * scale), &font_config,
                                                  glyph_ranges);
        };
        set.body = load(regular_font, layout.font_body);
        set.small = load(regular_font, layout.font_small);
        set.heading = load(bold_font, layout.font_heading);
        set.title = load(bold_font, layout.font_title);
        set.level = load(serif_bold_font, layout.font_heading);
        return set;
    };
    // The larger set for the text-size switch is rasterised the first time someone asks for
    // it: most visits never do, and its glyphs are most of the atlas.
    std::optional<Fonts> large_fonts;
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowPadding = {0, 0};
    style.WindowBorderSize = 0;
    style.ItemSpacing = {layout.gap, layout.gap};
    style.AntiAliasedFill = true;
    ImGui_ImplSDL2_InitForOpenGL(window, gl_choice.context);
    if (!ImGui_ImplOpenGL3_Init(gl_choice.glsl_version)) {
        std::cerr << "wellness-kiosk: Dear ImGui's OpenGL renderer cannot run on "
                  << reinterpret_cast<const char*>(gl.GetString(GL_VERSION)) << "\n";
        return 1;
    }
    // The glyphs as one byte a pixel, read as white with the glyph as alpha (a swizzle): a
    // quarter of the RGBA copy the backend uploads, and a software renderer keeps textures in
    // the kiosk's own memory. Without swizzles (desktop GL 3.2) the backend's texture stays.
    const bool alpha_font_texture =
        has_texture_swizzle(reinterpret_cast<const char*>(gl.GetString(GL_VERSION)));
    GLuint font_texture = 0;
    const auto upload_fonts = [&] {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        if (font_texture != 0) {
            gl.DeleteTextures(1, &font_texture);
            font_texture = 0;
        }
        if (alpha_font_texture) {
            unsigned char* pixels = nullptr;
            int width = 0;
            int height = 0;
            io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
            font_texture = upload_alpha_texture(gl, pixels, width, height);
            io.Fonts->SetTexID(
                reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(font_texture)));
        } else {
            ImGui_ImplOpenGL3_CreateFontsTexture();
        }
        io.Fonts->ClearTexData(); // the atlas lives on the GPU now
    };
    // The backend's device objects come with its RGBA font texture: made while the atlas holds
    // only Dear ImGui's small default font, then dropped, so the kiosk's glyphs are never
    // converted to RGBA.
    if (alpha_font_texture) {
        ImGui_ImplOpenGL3_CreateDeviceObjects();
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        io.Fonts->Clear();
    }
    const Fonts normal_fonts = load_fonts(1.0f);
    upload_fonts();

    // Screens, the flow, and what hangs off them.
    SoftTone tone;
    // Opened once a breathing exercise is chosen and closed on Attract: an open device runs
    // its audio thread all day. No sound card: silent, not an error.
    bool tone_tried = false;
    MonotonicClock clock;
    Flow flow(content.document, clock.now(), content.assets_dir);
    Palette palette = make_palette(flow.content());
    int palette_generation = flow.content_generation();
    bool palette_high_contrast = false;
    QrTextureCache qr_textures(gl);
    ProviderImageTextures provider_textures(gl);
    // Decoded once per content, never while drawing, and first after the first frame (which is
    // Attract, with no provider on it); a bad image is skipped, not fatal.
    const auto load_provider_textures = [&] {
        const ProviderImages images = load_provider_images(flow.content(), flow.assets_dir());
        for (const std::string& problem : images.problems) {
            kiosk_log.warning(problem);
        }
        provider_textures.replace(images);
    };
    PointerInput pointer;
    AttractScreen attract_screen;
    HomeScreen home_screen;
    BreatheScreen breathe_screen;
    RatingScreen rating_screen;
    CheckinScreen checkin_screen;
    CardScreen card_screen;
    TalkScreen talk_screen;
    UrgentScreen urgent_screen;
    MaintenanceScreen maintenance_screen;
    StillThereOverlay still_there_overlay;
    WidgetMap widgets;
    std::vector<Intent> intents;
    const std::function<std::string()> maintenance_status = [&] {
        return describe_status(sync->status(), renderer, layout);
    };
    // Under --script the screens also record their targets, lists and text runs, so the script
    // can check the layout of the real frames (expect-layout).
    LayoutProbe layout_probe;
    if (!options.script.empty()) {
        io.UserData = &layout_probe;
    }
    SdlScriptHost script_host(window, gl, layout, flow, widgets, layout_probe, clock, pointer);
    std::optional<BenchDriver> bench;
    if (options.bench) {
        bench.emplace(layout.width, layout.height);
        bench->set_renderer(renderer);
    }
    auto record = [&](const std::vector<CounterKey>& counted) {
        if (bench) {
            return; // benchmark sessions are nobody's use
        }
        for (const auto& key : counted) {
            sync->record(key);
        }
    };

    // ---------------------------------------------------------------- Main loop
    bool quit = false;
    bool first_frame = true;
    int script_exit = 0;
    int settle_frames = 0; // frames to draw after input so ImGui settles
    Screen drawn_screen = flow.screen();
    std::string drawn_locale = flow.locale();
    bool drawn_large_text = false;
    bool drawn_high_contrast = false;
    bool drawn_still_there = false;
    std::optional<AttractPicture> drawn_picture;
    struct {
        std::size_t phase = 0;
        long cycle = -1;
    } last_breath;
    std::uint64_t watchdog_usec = 0;
    const bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
    auto last_pet = std::chrono::steady_clock::now();
    auto frame_due = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> sync_start_due;
    while (!quit) {
        MonotonicMs now = clock.now();
        const bool continuous = flow.animating(now) || script.has_value() ||
                                (bench && bench->wants_continuous()) || settle_frames > 0 ||
                                pointer.pending();

        // Wait for input unless something animates; wake for the idle fade and the watchdog.
        bool had_input = false;
        SDL_Event event;
        auto handle = [&](const SDL_Event& e) {
            if (e.type == SDL_QUIT) {
                quit = true;
            } else if (pointer.handle(e, layout.width, layout.height)) {
                had_input = true;
            } else if (e.type == SDL_WINDOWEVENT) {
                had_input = true; // exposed, resized, focus: redraw
            } else {
                ImGui_ImplSDL2_ProcessEvent(&e);
                had_input = had_input || e.type == SDL_MOUSEWHEEL;
            }
        };
        if (!continuous) {
            int timeout_ms = 1000;
            if (auto deadline = flow.next_deadline(now)) {
                timeout_ms = static_cast<int>(std::clamp<MonotonicMs>(*deadline - now, 1, 1000));
            }
            if (SDL_WaitEventTimeout(&event, timeout_ms) != 0) {
                handle(event);
            }
        } else if (const auto wait = frame_due - std::chrono::steady_clock::now();
                   wait > std::chrono::milliseconds(0)) {
            // Until the next frame is due, or at once when a finger lands.
            SDL_WaitEventTimeout(
                nullptr, static_cast<int>(
                             std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) +
                             1);
        }
        while (SDL_PollEvent(&event) != 0) {
            handle(event);
        }
        if (had_input) {
            settle_frames = 8;
        }
        if (watchdog && std::chrono::steady_clock::now() - last_pet >
                            std::chrono::microseconds(watchdog_usec / 3)) {
            sd_notify(0, "WATCHDOG=1");
            last_pet = std::chrono::steady_clock::now();
        }

        // Time passing: hidden corner, content swaps, breathing end, idle reset.
        now = clock.now();
        for (const ImVec2& press : pointer.take_presses()) {
            if (press.x >= 0 && press.y >= 0 && press.x < layout.corner &&
                press.y < layout.corner) {
                flow.corner_tap(now);
            } else {
                flow.apply(Intent::touch(), now);
            }
        }
        if (auto update = sync->take_content_update()) {
            flow.offer_content(std::move(update->document), std::move(update->assets_dir));
        }
        if (bench) {
            bench->before_frame(flow, now);
            if (bench->finished()) {
                quit = true;
            }
        }
        record(flow.tick(now));
        if (flow.high_contrast() != palette_high_contrast) {
            palette = make_palette(flow.content(), flow.high_contrast());
            palette_high_contrast = flow.high_contrast();
        }
        if (flow.content_generation() != palette_generation) {
            palette = make_palette(flow.content(), flow.high_contrast());
            qr_textures.clear();
            load_provider_textures();
            palette_generation = flow.content_generation();
        }
        if (flow.large_text() && !large_fonts) {
            large_fonts = load_fonts(large_text_scale);
            upload_fonts();
        }
        const Fonts& fonts = flow.large_text() ? *large_fonts : normal_fonts;
        const bool changed = flow.screen() != drawn_screen || flow.locale() != drawn_locale ||
                             flow.large_text() != drawn_large_text ||
                             flow.high_contrast() != drawn_high_contrast ||
                             flow.still_there(now) != drawn_still_there;
        if (!(continuous || had_input || changed || first_frame || flow.animating(now))) {
            continue; // nothing to show: draw nothing, stay asleep
        }
        // Attract's circle moves in half-pixel steps, slowest at its ends: a frame that would
        // repeat the last one's pixels is not drawn.
        std::optional<AttractPicture> picture;
        if (flow.screen() == Screen::attract) {
            picture = attract_picture(flow, layout, now);
        }
        if (picture && picture == drawn_picture && !(had_input || changed || first_frame) &&
            settle_frames == 0 && !script && !bench && !pointer.pending() &&
            flow.idle_fade(now) == 0.0) {
            frame_due = std::chrono::steady_clock::now() + attract_frame_interval;
            continue;
        }

        // One frame.
        const auto frame_start = std::chrono::steady_clock::now();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        pointer.apply(io); // after the backend, which would poll SDL's own mouse state
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(
            {static_cast<float>(layout.width), static_cast<float>(layout.height)});
        ImGui::Begin("kiosk", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoBackground | // glClear paints the background
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                         ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
        widgets.clear();
        layout_probe = {};
        intents.clear();
        UiContext ui{flow,
                     layout,
                     fonts,
                     palette,
                     now,
                     widgets,
                     intents,
                     [&](const std::string& text) { return qr_textures.get(text); },
                     [&](const std::string& id) { return provider_textures.get(id); },
                     &maintenance_status};
        ui.screen_entered = first_frame || flow.screen() != drawn_screen;
        ImGui::PushFont(fonts.body);
        switch (flow.screen()) {
        case Screen::attract:
            attract_screen.Draw(ui);
            break;
        case Screen::home:
            home_screen.Draw(ui);
            break;
        case Screen::breathe_choose_exercise:
        case Screen::breathe_choose_length:
        case Screen::breathe_running:
        case Screen::breathe_finished:
            breathe_screen.Draw(ui);
            break;
        case Screen::rating_before:
        case Screen::rating_after:
            rating_screen.Draw(ui);
            break;
        case Screen::checkin_level:
        case Screen::checkin_topics:
        case Screen::checkin_suggestions:
            checkin_screen.Draw(ui);
            break;
        case Screen::topic_card:
        case Screen::peer_support_card:
            card_screen.Draw(ui);
            break;
        case Screen::talk_list:
        case Screen::talk_provider:
            talk_screen.Draw(ui);
            break;
        case Screen::urgent:
            urgent_screen.Draw(ui);
            break;
        case Screen::maintenance:
            maintenance_screen.Draw(ui);
            break;
        }
        ImGui::PopFont();
        // The press that answers "Still there?" is a touch and ends it at once; the prompt
        // stays until that finger lifts, so its own buttons (Done) get their release and the
        // screen under it gets nothing.
        const bool still_there =
            flow.still_there(now) ||
            (drawn_still_there && (ImGui::IsMouseDown(ImGuiMouseButton_Left) ||
                                   ImGui::IsMouseReleased(ImGuiMouseButton_Left)));
        if (still_there) {
            // A window of its own on top: every touch goes to it, none to the screen under it.
            ImGui::SetNextWindowPos({0, 0});
            ImGui::SetNextWindowSize(
                {static_cast<float>(layout.width), static_cast<float>(layout.height)});
            ImGui::Begin("still-there", nullptr,
                         ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                             ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
            ImGui::PushFont(fonts.body);
            still_there_overlay.Draw(ui);
            ImGui::PopFont();
            ImGui::End();
        }
        if (const double fade = flow.idle_fade(now); fade > 0) {
            // Leave no trace: the screen fades to the calm background before it forgets.
            ImGui::GetForegroundDrawList()->AddRectFilled(
                {0, 0}, {static_cast<float>(layout.width), static_cast<float>(layout.height)},
                (palette.background & ~IM_COL32_A_MASK) |
                    (static_cast<ImU32>(fade * 255.0) << IM_COL32_A_SHIFT));
        }
        ImGui::End();
        ImGui::Render();
        gl.Viewport(0, 0, static_cast<int>(io.DisplaySize.x), static_cast<int>(io.DisplaySize.y));
        const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(palette.background);
        gl.ClearColor(clear.x, clear.y, clear.z, 1.0f);
        gl.Clear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (script) {
            const auto status = script->after_frame(script_host);
            if (status == ScriptRunner::Status::failed) {
                std::cerr << "wellness-kiosk: " << script->failure() << "\n";
                script_exit = 1;
                quit = true;
            } else if (status == ScriptRunner::Status::finished) {
                quit = true;
            }
        }
        SDL_GL_SwapWindow(window);
        const auto frame_end = std::chrono::steady_clock::now();
        if (bench) {
            bench->frame_drawn(
                std::chrono::duration<double, std::milli>(frame_end - frame_start).count(),
                std::chrono::duration<double, std::milli>(frame_end - process_start).count());
        }
        if (first_frame) {
            first_frame = false;
            quit = quit || options.first_frame_exit;
            if (bench) {
                std::printf("{\"metric\":\"font_atlas\",\"width\":%d,\"height\":%d}\n",
                            io.Fonts->TexWidth, io.Fonts->TexHeight);
            }
            sd_notify(0, "READY=1");
            sync_start_due = frame_end + sync_start_delay;
            if (!quit) {
                load_provider_textures(); // not on Attract, but soon after a touch
            }
            // Start-up's scratch (fonts rasterised, content parsed, images decoded) is freed by
            // now; glibc keeps the pages, and the box has little memory to spare all day.
            ::malloc_trim(0);
        }
        drawn_screen = flow.screen();
        drawn_locale = flow.locale();
        drawn_large_text = flow.large_text();
        drawn_high_contrast = flow.high_contrast();
        drawn_still_there = still_there;
        drawn_picture = std::move(picture);

        // What the person asked for this frame.
        for (const auto& intent : intents) {
            record(flow.apply(intent, now));
        }
        if (ui.contact_now_requested) {
            sync->request_contact_now();
        }
        // A soft tone when the breath changes phase, unless this person silenced it (switching
        // it back on waits for the next phase instead of sounding at once).
        if (flow.screen() == Screen::breathe_running) {
            if (const Exercise* exercise = flow.exercise()) {
                const auto state =
                    breathing_state(*exercise, flow.state().length_minutes,
                                    std::chrono::milliseconds(flow.breathing_elapsed(now)));
                if (flow.sound_on() &&
                    (state.phase_index != last_breath.phase || state.cycle != last_breath.cycle)) {
                    tone.play(phase_tone_hz(state.phase, is_top_up(*exercise, state.phase_index)));
                }
                last_breath = {state.phase_index, state.cycle};
            }
        } else {
            last_breath = {0, -1};
        }
        if (settle_frames > 0) {
            --settle_frames;
        }
        // The worker's first store write and contact wait until the kiosk is up: uses recorded
        // meanwhile wait in memory, and stop() writes them if the kiosk ends before.
        if (sync_start_due && frame_end >= *sync_start_due) {
            sync->start();
            sync_start_due.reset();
        }
        const bool wants_tone = flow.screen() == Screen::breathe_choose_exercise ||
                                flow.screen() == Screen::breathe_choose_length ||
                                flow.screen() == Screen::breathe_running;
        if (wants_tone && !tone_tried) {
            tone.open();
            tone_tried = true;
        } else if (flow.screen() == Screen::attract && tone_tried) {
            tone.close();
            tone_tried = false;
        }

        // Pace frames ourselves: Xvfb and some kmsdrm setups have no vsync. The wait is at the
        // top of the loop, where a touch ends it.
        const bool fast = flow.screen() == Screen::breathe_running || settle_frames > 0 || script;
        frame_due =
            std::max(frame_due + (fast ? fast_frame_interval : attract_frame_interval), frame_end);
    }

    // ---------------------------------------------------------------- Cleanup
    sd_notify(0, "STOPPING=1");
    sync->stop();
    tone.close();
    qr_textures.clear();
    if (font_texture != 0) {
        gl.DeleteTextures(1, &font_texture);
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl_choice.context);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return script_exit;
}
