#pragma once

#include <Poco/Net/StreamSocket.h>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace wellness::station {

// Closing a connection with unread bytes makes the kernel reset it, and the client may lose the
// answer it has not read yet. A refused request's connection is therefore closed "lingering":
// its sending side is shut down and what the client still sends is read and dropped until it
// closes, `most_bytes` or `most_time` pass. That waiting happens here, on one thread for all
// such connections, so the worker thread that refused the request is free at once.
class LingeringClose {
  public:
    using Steady = std::chrono::steady_clock;

    // The defaults let a refused upload of the largest body the station takes (8 MiB) finish
    // at LAN speed, so its client reads the refusal rather than a reset.
    explicit LingeringClose(std::size_t most_connections = 512,
                            std::chrono::milliseconds most_time = std::chrono::seconds(2),
                            std::size_t most_bytes = 8 * 1024 * 1024);
    ~LingeringClose();
    LingeringClose(const LingeringClose&) = delete;
    LingeringClose& operator=(const LingeringClose&) = delete;

    // Shuts down sending on `socket` (its answer has been written) and keeps a duplicate of its
    // descriptor, so the connection outlives the socket's owner closing it. When most_connections
    // linger already, only the shutdown is done (an attacker's flood is not given memory).
    void adopt(Poco::Net::StreamSocket& socket);
    std::size_t lingering();

    void start();
    void stop(); // closes every lingering connection

  private:
    struct Lingering {
        int descriptor = -1;
        Steady::time_point until;
        std::size_t drained = 0;
    };
    void run();

    std::size_t most_connections_;
    std::chrono::milliseconds most_time_;
    std::size_t most_bytes_;
    std::mutex mutex_;
    std::vector<Lingering> lingering_;
    bool stopping_ = false;
    int wake_[2] = {-1, -1}; // a pipe: a new connection or stop() interrupts the poll
    std::thread thread_;
};

} // namespace wellness::station
