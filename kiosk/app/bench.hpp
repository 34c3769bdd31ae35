#pragma once

// --bench: drives the real kiosk through a breathing session and idle screens and prints the
// figures as JSON lines. Window-free apart from what the main loop hands it.

#include "flow.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace wellness::kiosk {

struct ProcessUsage {
    double cpu_seconds = 0; // user + system, all threads
    double peak_rss_mb = 0; // VmHWM
    double pss_mb = 0;      // /proc/self/smaps_rollup
};
ProcessUsage process_usage();

class BenchDriver {
  public:
    BenchDriver(int width, int height) : width_(width), height_(height) {}

    // Each loop iteration, before drawing: moves the flow from phase to phase.
    void before_frame(Flow& flow, MonotonicMs now);
    // Each drawn frame: its duration from start of frame to after the buffer swap.
    void frame_drawn(double frame_ms, double since_start_ms);
    bool finished() const { return phase_ == Phase::done; }
    // Whether the bench itself needs frames drawn continuously (only while breathing).
    bool wants_continuous() const { return phase_ == Phase::breathing; }
    void set_renderer(std::string renderer) { renderer_ = std::move(renderer); }

    static constexpr int breathing_frames = 600;
    static constexpr MonotonicMs idle_ms = 10000;

  private:
    enum class Phase { first_frame, breathing, idle_home, idle_attract, done };
    void start_idle(Phase phase, MonotonicMs now);
    void finish_idle(const char* screen, MonotonicMs now);

    int width_;
    int height_;
    std::string renderer_;
    Phase phase_ = Phase::first_frame;
    std::vector<double> frame_ms_;
    MonotonicMs idle_started_ = 0;
    double idle_cpu_started_ = 0;
    std::chrono::steady_clock::time_point idle_wall_started_;
};

} // namespace wellness::kiosk
