#pragma once

#include "config.hpp"

#include <Poco/Logger.h>

namespace wellness::station {

class StationStore;

// What nearly every request handler needs, made once by the router and handed to each handler's
// constructor, so a handler names only what is its own (a throttle, the counts writer, TLS, a
// path's last segment). References only: the station owns all four and outlives its handlers.
struct StationServices {
    StationStore& store;
    const Clock& clock;
    const StationConfig& config;
    Poco::Logger& logger;
};

} // namespace wellness::station
