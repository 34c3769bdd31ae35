#pragma once

#include "config.hpp"

#include <Poco/Logger.h>

namespace wellness::station {

class StationStore;

// What nearly every request handler needs, made once by the router and handed to each handler's
// constructor, so a handler names only what is its own (a throttle, the counts writer, TLS, a
// path's last segment). References only: all four belong to the station (the logger to Poco's
// registry) and outlive every handler.
struct StationServices {
    StationStore& store;
    const Clock& clock;
    const StationConfig& config;
    Poco::Logger& logger;
};

} // namespace wellness::station
