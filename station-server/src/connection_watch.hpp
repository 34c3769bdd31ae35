#pragma once

#include "lingering_close.hpp"
#include "station_connection.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class ServerSocket;
}

namespace wellness::station {

// Ends connections that take too long to send a request's head. Poco's receive timeout bounds
// each wait for bytes, not their sum, so a client sending a header byte now and then would hold
// a worker thread for good; a few such clients would hold them all. A connection is watched
// from when it opens and again from when each of its requests has been answered, until the
// next request's head has been read; past `head_time` the watch shuts its socket down. Bodies
// have their own limit (StationHandler), and a request in its handler is never cut.
class ConnectionWatch {
  public:
    using Steady = std::chrono::steady_clock;

    // `per_address`: how many connections one client address may hold open at once (0: no
    // limit), so that one host cannot take every worker thread.
    explicit ConnectionWatch(std::chrono::milliseconds head_time, std::size_t per_address = 0);
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch&) = delete;
    ConnectionWatch& operator=(const ConnectionWatch&) = delete;

    // Whether the connection may be served: false when its address holds per_address open
    // already (it is then not watched, and its thread should end it at once).
    bool opened(const Poco::Net::StreamSocket& socket, Steady::time_point now);
    void closed(const Poco::Net::StreamSocket& socket);
    void request_began(const Poco::Net::StreamSocket& socket);
    void request_ended(const Poco::Net::StreamSocket& socket, Steady::time_point now);

    // At accept time, before a thread is taken: whether `socket`'s address is under its limit.
    bool admits(const Poco::Net::StreamSocket& socket);
    std::size_t open_from(const std::string& address);

    // Shuts down every connection that has waited for a request head longer than head_time at
    // `now`; returns how many.
    std::size_t cut_overdue(Steady::time_point now);

    // A refused request's connection, answered: closed lingering (LingeringClose), off the
    // calling thread.
    void close_lingering(Poco::Net::StreamSocket& socket) { lingering_.adopt(socket); }
    std::size_t lingering() { return lingering_.lingering(); }

    // A thread that calls cut_overdue a few times per head_time until stop().
    void start();
    void stop();

  private:
    struct Watched {
        Poco::Net::StreamSocket socket; // keeps the descriptor's owner alive while watched
        bool in_request = false;
        Steady::time_point waiting_since;
        std::string address;
    };

    std::chrono::milliseconds head_time_;
    std::size_t per_address_;
    std::unordered_map<std::string, std::size_t> open_by_address_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::unordered_map<const void*, Watched> watched_; // by socket implementation
    std::thread thread_;
    LingeringClose lingering_;
};

// Poco's HTTPServer, on StationConnections (deferred answers, and every connection under a
// ConnectionWatch).
class WatchedHttpServer : public Poco::Net::TCPServer {
  public:
    // Connections from an address over the watch's limit are closed as they are accepted.
    WatchedHttpServer(StoppableHandlerFactory::Ptr factory, Poco::ThreadPool& threads,
                      const Poco::Net::ServerSocket& socket,
                      Poco::Net::HTTPServerParams::Ptr params, ConnectionWatch& watch);
    ~WatchedHttpServer() override;

    // As HTTPServer::stopAll(false): stops accepting; requests in flight finish and are
    // answered, and each connection ends after its current request.
    void stop_all();

  private:
    StoppableHandlerFactory::Ptr factory_;
};

} // namespace wellness::station
