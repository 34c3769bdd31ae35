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

std::string address_of(const Poco::Net::StreamSocket& socket) {
    try {
        return socket.peerAddress().host().toString();
    } catch (const Poco::Exception&) {
        return {}; // already gone: counted apart, and ends at its first read
    }
}

// Runs on the acceptor thread: a refused connection is closed before it takes a thread.
class PerAddressFilter : public Poco::Net::TCPServerConnectionFilter {
  public:
    explicit PerAddressFilter(ConnectionWatch& watch) : watch_(watch) {}
    bool accept(const Poco::Net::StreamSocket& socket) override { return watch_.admits(socket); }

  private:
    ConnectionWatch& watch_;
};

} // namespace

ConnectionWatch::ConnectionWatch(std::chrono::milliseconds head_time, std::size_t per_address)
    : head_time_(head_time), per_address_(per_address) {}

ConnectionWatch::~ConnectionWatch() {
    stop();
}

bool ConnectionWatch::opened(const Poco::Net::StreamSocket& socket, Steady::time_point now) {
    std::string address = address_of(socket);
    std::lock_guard lock(mutex_);
    // Checked again here: connections accepted while others from the address were still
    // queued for a thread passed the filter together.
    auto& open = open_by_address_[address];
    if (per_address_ > 0 && open >= per_address_)
        return false;
    ++open;
    watched_[key_of(socket)] = Watched{socket, false, now, std::move(address)};
    return true;
}

void ConnectionWatch::closed(const Poco::Net::StreamSocket& socket) {
    std::lock_guard lock(mutex_);
    auto found = watched_.find(key_of(socket));
    if (found == watched_.end())
        return;
    if (auto open = open_by_address_.find(found->second.address);
        open != open_by_address_.end() && --open->second == 0)
        open_by_address_.erase(open);
    watched_.erase(found);
}

bool ConnectionWatch::admits(const Poco::Net::StreamSocket& socket) {
    if (per_address_ == 0)
        return true;
    return open_from(address_of(socket)) < per_address_;
}

std::size_t ConnectionWatch::open_from(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto found = open_by_address_.find(address);
    return found == open_by_address_.end() ? 0 : found->second;
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
    lingering_.start();
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
    lingering_.stop();
}

WatchedHttpServer::WatchedHttpServer(StoppableHandlerFactory::Ptr factory,
                                     Poco::ThreadPool& threads,
                                     const Poco::Net::ServerSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     ConnectionWatch& watch)
    : TCPServer(new StationConnectionFactory(params, factory, watch), threads, socket, params),
      factory_(factory) {
    setConnectionFilter(new PerAddressFilter(watch));
}

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
