#pragma once

// One person's visit driven through the kiosk's flow, collecting every counter it adds as the
// window side does; time is stepped by hand. Shared by the flow tests.

#include "flow.hpp"
#include "sample_content.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace wellness::kiosk::testing {

inline CounterKey counter(std::string_view metric, std::string key) {
    return {std::string(metric), std::move(key)};
}

struct Visit {
    explicit Visit(ContentDocument content = sample_content()) : flow(std::move(content), 0) {}
    Flow flow;
    MonotonicMs now = 0;
    std::vector<CounterKey> counted;

    void tap(const Intent& intent) {
        now += 500;
        auto added = flow.apply(intent, now);
        counted.insert(counted.end(), added.begin(), added.end());
        tick();
    }
    void wait(MonotonicMs ms) {
        now += ms;
        tick();
    }
    void tick() {
        auto added = flow.tick(now);
        counted.insert(counted.end(), added.begin(), added.end());
    }
    long count_of(const CounterKey& key) const {
        return std::count(counted.begin(), counted.end(), key);
    }
    long count_of_metric(std::string_view metric) const {
        return std::count_if(counted.begin(), counted.end(),
                             [&](const CounterKey& key) { return key.metric == metric; });
    }
};

} // namespace wellness::kiosk::testing
