#pragma once

#include "deferred_answer.hpp"
#include "request_connection.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <memory>
#include <mutex>

namespace Poco::Net {
class HTTPServerSession;
}

namespace wellness::station {

class HttpError;

class ConnectionWatch;

// A handler factory whose connections can be told the server stops (Poco lets only its own
// HTTPServer and HTTPServerConnection reach that event).
class StoppableHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    using Ptr = Poco::SharedPtr<StoppableHandlerFactory>;
    // The handler for a request on a station connection, which the handler may ask of its
    // connection (RequestConnection) without knowing its type.
    virtual Poco::Net::HTTPRequestHandler*
    create_handler(const Poco::Net::HTTPServerRequest& request, RequestConnection& connection) = 0;
    void announce_stop(const void* server) { serverStopped(server, false); }
    Poco::BasicEvent<const bool>& stop_announced() { return serverStopped; }
};

// A request on a station connection, and what its handler may ask of the connection: its
// watch is told when the request begins and ends, and the answer may be left to another thread.
class StationRequest : public Poco::Net::HTTPServerRequestImpl,
                       public RequestConnection,
                       public AnswerDeferral {
  public:
    StationRequest(Poco::Net::HTTPServerResponseImpl& response,
                   Poco::Net::HTTPServerSession& session, Poco::Net::HTTPServerParams* params,
                   ConnectionWatch& watch);

    void request_began() override;
    void request_ended() override;
    void close_lingering() override;
    std::shared_ptr<DeferredAnswer> answer_later(DeferredAnswer::Steady::time_point deadline,
                                                 DeferredAnswer::Reply fallback) override;
    void defer(std::shared_ptr<DeferredAnswer> answer) override { deferred_ = std::move(answer); }
    bool deferred() const override { return deferred_ != nullptr; }
    AnswerDeferral& deferral() override { return *this; }
    const std::shared_ptr<DeferredAnswer>& deferred_answer() const { return deferred_; }

  private:
    Poco::Net::HTTPServerResponseImpl& response_;
    ConnectionWatch& watch_;
    std::shared_ptr<DeferredAnswer> deferred_;
};

// Poco's HTTPServerConnection, with two additions: a handler may defer its answer (the
// connection then reads the next request only after that answer is written, or answers the
// fallback at its deadline, and never closes the socket before), and the connection is under
// a ConnectionWatch from its start to its end.
class StationConnection : public Poco::Net::TCPServerConnection {
  public:
    StationConnection(const Poco::Net::StreamSocket& socket,
                      Poco::Net::HTTPServerParams::Ptr params, StoppableHandlerFactory::Ptr factory,
                      ConnectionWatch& watch);
    ~StationConnection() override;

    void run() override;

  private:
    void serve_one(Poco::Net::HTTPServerSession& session);
    // Whether a next request is there to read, within the session's timeouts; the last deferred
    // answer is written (or its deadline has passed) before it returns.
    bool next_request_arrives(Poco::Net::HTTPServerSession& session, bool first);
    void settle_deferred();
    // Answers in the contract's error shape and closes the connection.
    void send_error_response(Poco::Net::HTTPServerSession& session, const HttpError& error);
    void on_server_stopped(const bool& abort_current);

    Poco::Net::HTTPServerParams::Ptr params_;
    StoppableHandlerFactory::Ptr factory_;
    ConnectionWatch& watch_;
    std::mutex mutex_; // held while a request is served, so a stop waits for it
    bool stopped_ = false;
    bool finished_ = false;
    int requests_served_ = 0;                  // the loop has ended; its socket is about to close
    std::shared_ptr<DeferredAnswer> deferred_; // the last request's answer, until written
};

class StationConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
  public:
    StationConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                             StoppableHandlerFactory::Ptr factory, ConnectionWatch& watch)
        : params_(std::move(params)), factory_(std::move(factory)), watch_(watch) {}

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override {
        return new StationConnection(socket, params_, factory_, watch_);
    }

  private:
    Poco::Net::HTTPServerParams::Ptr params_;
    StoppableHandlerFactory::Ptr factory_;
    ConnectionWatch& watch_;
};

} // namespace wellness::station
