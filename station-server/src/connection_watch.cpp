#include "connection_watch.hpp"

#include "socket_cut.hpp"
#include "station_connection.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <algorithm>

namespace wellness::station {

namespace {

const void* key_of(const Poco::Net::StreamSocket& socket) {
    return socket.impl();
}

} // namespace

ConnectionWatch::ConnectionWatch(std::chrono::milliseconds head_time) : head_time_(head_time) {}

ConnectionWatch::~ConnectionWatch() {
    stop();
}

void ConnectionWatch::opened(const Poco::Net::StreamSocket& socket, Steady::time_point now) {
    std::lock_guard lock(mutex_);
    watched_[key_of(socket)] = Watched{socket, false, now};
}

void ConnectionWatch::closed(const Poco::Net::StreamSocket& socket) {
    std::lock_guard lock(mutex_);
    watched_.erase(key_of(socket));
}

void ConnectionWatch::request_began(const Poco::Net::StreamSocket& socket) {
    std::lock_guard lock(mutex_);
    if (auto found = watched_.find(key_of(socket)); found != watched_.end())
        found->second.in_request = true;
}

void ConnectionWatch::request_ended(const Poco::Net::StreamSocket& socket, Steady::time_point now) {
    std::lock_guard lock(mutex_);
    if (auto found = watched_.find(key_of(socket)); found != watched_.end()) {
        found->second.in_request = false;
        found->second.waiting_since = now;
    }
}

std::size_t ConnectionWatch::cut_overdue(Steady::time_point now) {
    std::lock_guard lock(mutex_);
    std::size_t cut = 0;
    for (auto& [key, watched] : watched_) {
        if (watched.in_request || now - watched.waiting_since <= head_time_)
            continue;
        // Under the lock: closed() cannot run meanwhile, so the descriptor is still this
        // connection's. The connection's thread then sees the end of its stream and finishes.
        cut_socket(watched.socket);
        watched.waiting_since = now; // one shutdown per overdue spell is enough
        ++cut;
    }
    return cut;
}

void ConnectionWatch::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable())
        return;
    stopping_ = false;
    auto period =
        std::clamp(head_time_ / 4, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
    thread_ = std::thread([this, period] {
        std::unique_lock sleeping(mutex_);
        while (!stopping_) {
            wake_.wait_for(sleeping, period, [this] { return stopping_; });
            if (stopping_)
                break;
            sleeping.unlock();
            cut_overdue(Steady::now());
            sleeping.lock();
        }
    });
}

void ConnectionWatch::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

WatchedHttpServer::WatchedHttpServer(StoppableHandlerFactory::Ptr factory,
                                     Poco::ThreadPool& threads,
                                     const Poco::Net::ServerSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     ConnectionWatch& watch)
    : TCPServer(new StationConnectionFactory(params, factory, watch), threads, socket, params),
      factory_(factory) {}

WatchedHttpServer::~WatchedHttpServer() {
    stop_all();
}

void WatchedHttpServer::stop_all() {
    stop();
    // Each HTTP connection listens for this on its handler factory and ends after its current
    // request.
    factory_->announce_stop(this);
}

} // namespace wellness::station
