#include "script_runner.hpp"

namespace wellness::kiosk {

ScriptRunner::ScriptRunner(std::vector<ScriptCommand> commands) : commands_(std::move(commands)) {}

ScriptRunner::Status ScriptRunner::fail(const ScriptCommand& command, const std::string& why) {
    failure_ = "script line " + std::to_string(command.line) + ": " + why;
    return Status::failed;
}

ScriptRunner::Status ScriptRunner::after_frame(ScriptHost& host) {
    if (!failure_.empty()) {
        return Status::failed;
    }
    if (frames_to_wait_ > 0) {
        --frames_to_wait_;
        return Status::running;
    }
    if (host.input_pending()) {
        return Status::running;
    }
    using Kind = ScriptCommand::Kind;
    while (next_ < commands_.size()) {
        const ScriptCommand& command = commands_[next_++];
        switch (command.kind) {
        case Kind::tap:
        case Kind::touch:
        case Kind::drag: {
            const auto rect = host.widget(command.argument);
            if (!rect) {
                return fail(command,
                            "no widget '" + command.argument + "' on screen " + host.screen_name());
            }
            const float x = (rect->min_x + rect->max_x) / 2;
            const float y = (rect->min_y + rect->max_y) / 2;
            if (command.kind == Kind::drag) {
                host.drag(x, y, command.x, command.y);
            } else {
                host.tap(x, y, command.kind == Kind::touch);
            }
            frames_to_wait_ = settle_frames;
            return Status::running;
        }
        case Kind::tap_at:
        case Kind::touch_at:
            host.tap(command.x, command.y, command.kind == Kind::touch_at);
            frames_to_wait_ = settle_frames;
            return Status::running;
        case Kind::corner_taps:
            host.corner_taps(static_cast<int>(command.number));
            frames_to_wait_ = settle_frames;
            return Status::running;
        case Kind::wait_frames:
            frames_to_wait_ = command.number;
            if (frames_to_wait_ > 0) {
                --frames_to_wait_; // this frame counts
                return Status::running;
            }
            break;
        case Kind::advance_ms:
            host.advance_clock(command.number);
            frames_to_wait_ = 2;
            return Status::running;
        case Kind::hold_clock:
            host.hold_clock();
            break;
        case Kind::screenshot:
            if (!host.screenshot(command.argument)) {
                return fail(command, "could not write " + command.argument);
            }
            break;
        case Kind::expect_screen:
            if (host.screen_name() != command.argument) {
                return fail(command,
                            "expected screen " + command.argument + ", on " + host.screen_name());
            }
            break;
        case Kind::expect_widget:
            if (!host.widget(command.argument)) {
                return fail(command,
                            "no widget '" + command.argument + "' on screen " + host.screen_name());
            }
            break;
        case Kind::expect_no_widget:
            if (host.widget(command.argument)) {
                return fail(command, "widget '" + command.argument + "' is in view on screen " +
                                         host.screen_name());
            }
            break;
        case Kind::expect_inside: {
            const auto inner = host.widget(command.argument);
            const auto outer = host.widget(command.outer);
            if (!inner || !outer) {
                return fail(command, "no widget '" + (inner ? command.outer : command.argument) +
                                         "' on screen " + host.screen_name());
            }
            if (inner->min_x < outer->min_x || inner->min_y < outer->min_y ||
                inner->max_x > outer->max_x || inner->max_y > outer->max_y) {
                return fail(command, "widget '" + command.argument + "' reaches outside '" +
                                         command.outer + "' on screen " + host.screen_name());
            }
            break;
        }
        case Kind::expect_layout: {
            const auto problems = host.layout_problems();
            if (!problems.empty()) {
                std::string text = "the layout does not hold on screen " + host.screen_name();
                for (const auto& problem : problems) {
                    text += "\n  " + problem;
                }
                return fail(command, text);
            }
            break;
        }
        case Kind::expect_no_hover:
            if (host.anything_hovered()) {
                return fail(command, "a widget is still hovered after the finger lifted");
            }
            break;
        case Kind::quit:
            next_ = commands_.size();
            return Status::finished;
        }
    }
    return Status::finished;
}

} // namespace wellness::kiosk
