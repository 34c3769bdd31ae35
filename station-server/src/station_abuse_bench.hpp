#pragma once

namespace wellness::station {

// station-bench --abuse (station_abuse_bench.cpp); returns the exit status.
int run_abuse_bench(bool quick);

} // namespace wellness::station
