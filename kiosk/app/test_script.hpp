#pragma once

// The --script language the tests use to drive the real kiosk with real SDL input events.
// One command a line, '#' starts a comment:
//   tap ID | touch ID            mouse click / finger tap on the centre of a widget by test id
//   tap-at X Y | touch-at X Y    the same at window coordinates
//   drag ID DX DY                finger drag starting on a widget, by DX DY pixels
//   corner-taps N                N finger taps in the hidden top-left corner
//   wait-frames N                draw N frames
//   advance-ms N                 move the kiosk's monotonic clock forward (test only)
//   hold-clock                   stop the kiosk's monotonic clock where it is; from then on
//                                only advance-ms moves it, so frames are the same every run
//   screenshot PATH              write the last frame as PNG
//   expect-screen NAME           fail unless the flow is on that screen
//   expect-widget ID             fail unless that widget was drawn (and is in view)
//   expect-no-widget ID          fail if that widget is in view
//   expect-inside ID OUTER       fail unless widget ID's rectangle lies inside widget OUTER's
//   expect-no-hover              fail if any widget is hovered or active
//   expect-layout                fail if the frame's widgets overlap, leave the screen, are
//                                under 15 mm, or a text runs out of its box (layout_problems)
//   quit
// Parsing is pure and strict: an unknown command or bad argument is an error with its line.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::kiosk {

struct ScriptCommand {
    enum class Kind {
        tap,
        touch,
        tap_at,
        touch_at,
        drag,
        corner_taps,
        wait_frames,
        advance_ms,
        hold_clock,
        screenshot,
        expect_screen,
        expect_widget,
        expect_no_widget,
        expect_inside,
        expect_no_hover,
        expect_layout,
        quit,
    };
    Kind kind = Kind::quit;
    std::string argument; // widget id, path or screen name
    std::string outer;    // expect-inside: the enclosing widget's id
    float x = 0, y = 0;   // tap-at / touch-at position, drag distance
    std::int64_t number = 0;
    int line = 0;
};

struct ScriptParseResult {
    std::vector<ScriptCommand> commands;
    std::vector<std::string> errors; // "line N: ..." ; commands is empty when there are errors
};

inline constexpr std::size_t max_script_bytes = 64 * 1024;
inline constexpr std::size_t max_script_commands = 2000;

ScriptParseResult parse_script(std::string_view text);

} // namespace wellness::kiosk
