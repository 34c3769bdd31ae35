#include "lingering_close.hpp"

#include <Poco/Exception.h>
#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace wellness::station {

LingeringClose::LingeringClose(std::size_t most_connections, std::chrono::milliseconds most_time,
                               std::size_t most_bytes)
    : most_connections_(most_connections), most_time_(most_time), most_bytes_(most_bytes) {
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::runtime_error("could not make the lingering close's wake-up pipe");
}

LingeringClose::~LingeringClose() {
    stop();
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void LingeringClose::adopt(Poco::Net::StreamSocket& socket) {
    try {
        socket.shutdownSend();
    } catch (const Poco::Exception&) {
        return; // the client has gone already
    }
    std::lock_guard lock(mutex_);
    if (stopping_ || !thread_.joinable() || lingering_.size() >= most_connections_)
        return;
    const int descriptor = ::fcntl(socket.impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return;
    lingering_.push_back({descriptor, Steady::now() + most_time_, 0});
    const char wake = 1;
    [[maybe_unused]] const auto ignored = ::write(wake_[1], &wake, 1);
}

std::size_t LingeringClose::lingering() {
    std::lock_guard lock(mutex_);
    return lingering_.size();
}

void LingeringClose::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable())
        return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void LingeringClose::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        const char wake = 1;
        [[maybe_unused]] const auto ignored = ::write(wake_[1], &wake, 1);
    }
    if (thread_.joinable())
        thread_.join();
    std::lock_guard lock(mutex_);
    for (const auto& connection : lingering_)
        ::close(connection.descriptor);
    lingering_.clear();
}

void LingeringClose::run() {
    std::vector<pollfd> polled;
    char sink[4096];
    for (;;) {
        auto timeout = std::chrono::milliseconds(1000);
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            const auto now = Steady::now();
            // Ended: the client closed, sent too much, or took too long.
            std::erase_if(lingering_, [&](const Lingering& connection) {
                const bool over = connection.until <= now || connection.drained >= most_bytes_;
                if (over)
                    ::close(connection.descriptor);
                return over;
            });
            polled.assign(1, pollfd{wake_[0], POLLIN, 0});
            for (const auto& connection : lingering_) {
                polled.push_back(pollfd{connection.descriptor, POLLIN, 0});
                timeout = std::min(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                connection.until - now) +
                                                std::chrono::milliseconds(1));
            }
        }
        const int ready = ::poll(polled.data(), polled.size(),
                                 static_cast<int>(std::max<long>(timeout.count(), 0)));
        if (ready < 0 && errno != EINTR)
            return;
        if (polled[0].revents != 0)
            while (::read(wake_[0], sink, sizeof sink) > 0) {
            }
        std::lock_guard lock(mutex_);
        for (std::size_t i = 1; i < polled.size(); ++i) {
            if (polled[i].revents == 0)
                continue;
            auto connection =
                std::find_if(lingering_.begin(), lingering_.end(),
                             [&](const auto& c) { return c.descriptor == polled[i].fd; });
            if (connection == lingering_.end())
                continue;
            const auto got = ::recv(connection->descriptor, sink, sizeof sink, MSG_DONTWAIT);
            if (got > 0)
                connection->drained += static_cast<std::size_t>(got);
            else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                connection->drained = most_bytes_; // closed or failed: ends at the next turn
        }
    }
}

} // namespace wellness::station
