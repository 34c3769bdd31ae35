#include "bench.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

namespace wellness::kiosk {

namespace {

double kib_field(const char* path, const std::string& field) {
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line)) {
        if (line.rfind(field, 0) == 0) {
            std::istringstream rest(line.substr(field.size()));
            double kib = 0;
            rest >> kib;
            return kib / 1024.0;
        }
    }
    return -1;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

} // namespace

ProcessUsage process_usage() {
    ProcessUsage usage;
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    usage.cpu_seconds = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                        static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    usage.peak_rss_mb = kib_field("/proc/self/status", "VmHWM:");
    usage.pss_mb = kib_field("/proc/self/smaps_rollup", "Pss:");
    return usage;
}

void BenchDriver::before_frame(Flow& flow, MonotonicMs now) {
    switch (phase_) {
    case Phase::breathing:
        if (flow.screen() != Screen::breathe_running) {
            flow.apply(Intent::done(), now);
            flow.apply(Intent::leave_attract(), now);
            flow.apply(Intent::choose_tile(Tile::breathe), now);
            const auto& exercise = flow.content().exercises.front();
            flow.apply(Intent::choose_exercise(exercise.id), now);
            flow.apply(Intent::choose_length(exercise.lengths_minutes.back()), now);
            flow.apply(Intent::skip_rating(), now); // content with a stress rating asks first
        }
        if (static_cast<int>(frame_ms_.size()) >= breathing_frames) {
            std::printf("{\"metric\":\"breathing_frame_ms\",\"resolution\":\"%dx%d\","
                        "\"frames\":%zu,\"p50\":%.2f,\"p99\":%.2f,\"renderer\":\"%s\"}\n",
                        width_, height_, frame_ms_.size(), percentile(frame_ms_, 0.5),
                        percentile(frame_ms_, 0.99), renderer_.c_str());
            std::fflush(stdout);
            flow.apply(Intent::done(), now);
            flow.apply(Intent::leave_attract(), now);
            start_idle(Phase::idle_home, now);
        }
        break;
    case Phase::idle_home:
        if (now - idle_started_ >= idle_ms) {
            finish_idle("home", now);
            flow.apply(Intent::done(), now);
            start_idle(Phase::idle_attract, now);
        }
        break;
    case Phase::idle_attract:
        if (now - idle_started_ >= idle_ms) {
            finish_idle("attract", now);
            const auto usage = process_usage();
            std::printf("{\"metric\":\"memory_mb\",\"peak_rss\":%.1f,\"pss\":%.1f}\n",
                        usage.peak_rss_mb, usage.pss_mb);
            std::fflush(stdout);
            phase_ = Phase::done;
        }
        break;
    case Phase::first_frame:
    case Phase::done:
        break;
    }
}

void BenchDriver::frame_drawn(double frame_ms, double since_start_ms) {
    if (phase_ == Phase::first_frame) {
        std::printf("{\"metric\":\"start_to_first_frame_ms\",\"value\":%.1f}\n", since_start_ms);
        std::fflush(stdout);
        phase_ = Phase::breathing;
        return;
    }
    if (phase_ == Phase::breathing) {
        frame_ms_.push_back(frame_ms);
    }
}

void BenchDriver::start_idle(Phase phase, MonotonicMs now) {
    phase_ = phase;
    idle_started_ = now;
    idle_cpu_started_ = process_usage().cpu_seconds;
    idle_wall_started_ = std::chrono::steady_clock::now();
}

void BenchDriver::finish_idle(const char* screen, MonotonicMs) {
    const double cpu = process_usage().cpu_seconds - idle_cpu_started_;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - idle_wall_started_)
            .count();
    std::printf("{\"metric\":\"idle_cpu_percent\",\"screen\":\"%s\",\"seconds\":%.1f,"
                "\"value\":%.2f}\n",
                screen, wall, wall > 0 ? 100.0 * cpu / wall : 0.0);
    std::fflush(stdout);
}

} // namespace wellness::kiosk
