#include "station_connection.hpp"

#include "connection_watch.hpp"
#include "http_support.hpp"
#include "request_framing.hpp"
#include "socket_cut.hpp"

#include <Poco/Delegate.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <algorithm>
#include <cerrno>
#include <optional>
#include <poll.h>

namespace wellness::station {

namespace {

// Poco's server session, telling whether a request sent ahead has already been read in.
class StationSession : public Poco::Net::HTTPServerSession {
  public:
    using HTTPServerSession::buffered;
    using HTTPServerSession::HTTPServerSession;
};

std::chrono::microseconds to_chrono(const Poco::Timespan& span) {
    return std::chrono::microseconds(span.totalMicroseconds());
}

// Whether the socket has something to read (a request, or its end) before `until`.
// One poll(2): Poco's Socket::poll sets up and tears down an epoll set on every call.
bool wait_readable(const Poco::Net::StreamSocket& socket,
                   DeferredAnswer::Steady::time_point until) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - DeferredAnswer::Steady::now());
    pollfd watched{socket.impl()->sockfd(), POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&watched, 1, static_cast<int>(std::max<long>(left.count(), 0)));
    } while (ready < 0 && errno == EINTR);
    return ready > 0; // an error or hang-up counts too: reading the request finds it
}

} // namespace

StationRequest::StationRequest(Poco::Net::HTTPServerResponseImpl& response,
                               Poco::Net::HTTPServerSession& session,
                               Poco::Net::HTTPServerParams* params, ConnectionWatch& watch)
    : HTTPServerRequestImpl(response, session, params), response_(response), watch_(watch) {}

void StationRequest::request_began() {
    watch_.request_began(socket());
}

void StationRequest::request_ended() {
    watch_.request_ended(socket(), ConnectionWatch::Steady::now());
}

void StationRequest::close_lingering() {
    watch_.close_lingering(socket());
}

std::shared_ptr<DeferredAnswer>
StationRequest::answer_later(DeferredAnswer::Steady::time_point deadline,
                             DeferredAnswer::Reply fallback) {
    return std::make_shared<DeferredAnswer>(socket(), response_.getVersion(),
                                            response_.getKeepAlive(), response_.get("Server", ""),
                                            deadline, std::move(fallback));
}

StationConnection::StationConnection(const Poco::Net::StreamSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params,
                                     StoppableHandlerFactory::Ptr factory, ConnectionWatch& watch)
    : TCPServerConnection(socket), params_(std::move(params)), factory_(std::move(factory)),
      watch_(watch) {
    factory_->stop_announced() += Poco::delegate(this, &StationConnection::on_server_stopped);
}

StationConnection::~StationConnection() {
    factory_->stop_announced() -= Poco::delegate(this, &StationConnection::on_server_stopped);
}

void StationConnection::run() {
    if (!watch_.opened(socket(), ConnectionWatch::Steady::now())) {
        cut_socket(socket()); // over its address's limit: its thread is free at once
        return;
    }
    struct Closed {
        ConnectionWatch& watch;
        const Poco::Net::StreamSocket& socket;
        ~Closed() { watch.closed(socket); }
    } closed{watch_, socket()};
    StationSession session(socket(), params_);
    // Declared after the session, so it ends first: the socket closes only after the last
    // deferred answer is written, however the loop ends.
    struct Finish {
        StationConnection& connection;
        ~Finish() {
            try {
                connection.settle_deferred();
            } catch (...) {
                // out of memory while writing the fallback: the client sees the connection end
            }
            std::lock_guard lock(connection.mutex_);
            connection.finished_ = true;
        }
    } finish{*this};
    for (bool first = true; next_request_arrives(session, first); first = false) {
        // Only a client that sends before it has its answer gets here with one pending.
        settle_deferred();
        try {
            serve_one(session);
        } catch (const Poco::Net::NoMessageException&) {
            break;
        } catch (const Poco::Net::MessageException&) {
            // Poco's own refusal of a head it cannot read (too long a line or header, too many
            // fields, not HTTP at all, a TLS hello) answers in the contract's shape too.
            send_error_response(
                session, HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "malformed_request",
                                   "the request head could not be read: keep the URL under 2 KB "
                                   "and each header under 8 KB, in plain HTTP/1.1"));
        }
    }
}

void StationConnection::serve_one(Poco::Net::HTTPServerSession& session) {
    std::lock_guard lock(mutex_);
    if (stopped_)
        return;
    Poco::Net::HTTPServerResponseImpl response(session);
    std::optional<StationRequest> parsed;
    try {
        parsed.emplace(response, session, params_, watch_);
    } catch (const Poco::SyntaxException&) {
        // Poco reads Content-Length as a number while it builds the request; anything but
        // digits ends up here, before any handler could answer.
        send_error_response(session, HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST,
                                               "invalid_content_length",
                                               "Content-Length must be the body's size in digits"));
        return;
    }
    StationRequest& request = *parsed;
    if (auto problem = framing_problem(request)) {
        // Where its body ends is not known for sure, so nothing after it can be read.
        send_error_response(session, *problem);
        return;
    }
    response.setDate(Poco::Timestamp());
    response.setVersion(request.getVersion());
    ++requests_served_;
    const int most = params_->getMaxKeepAliveRequests();
    const bool may_keep_alive = params_->getKeepAlive() && (most <= 0 || requests_served_ < most);
    response.setKeepAlive(may_keep_alive && request.getKeepAlive());
    const std::string& server = params_->getSoftwareVersion();
    if (!server.empty())
        response.set("Server", server);
    try {
        std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
            factory_->create_handler(request, request));
        if (!handler) {
            send_error_response(session,
                                HttpError(Poco::Net::HTTPResponse::HTTP_NOT_IMPLEMENTED,
                                          "not_implemented", "no handler for this request"));
            return;
        }
        if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
            response.sendContinue();
        handler->handleRequest(request, response);
        session.setKeepAlive(may_keep_alive && response.getKeepAlive());
        deferred_ = request.deferred_answer();
    } catch (const Poco::Exception&) {
        if (!response.sent()) {
            try {
                send_error_response(session,
                                    HttpError(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                                              "internal_error", "the station failed to answer"));
            } catch (...) {
                // the connection is gone; TCPServerConnection logs the first failure
            }
        }
        throw;
    }
}

bool StationConnection::next_request_arrives(Poco::Net::HTTPServerSession& session, bool first) {
    // As HTTPServerSession::hasMoreRequests, with the deferred answer settled on the way.
    const auto limit = DeferredAnswer::Steady::now() +
                       to_chrono(first ? params_->getTimeout() : params_->getKeepAliveTimeout());
    bool readable = static_cast<StationSession&>(session).buffered() > 0;
    std::shared_ptr<DeferredAnswer> answer;
    {
        std::lock_guard lock(mutex_);
        answer = deferred_;
    }
    // The client sends its next request (or closes) once it has the answer: sleeping on the
    // socket here is the one sleep a request costs, as with an answer written in the handler.
    if (answer && !readable && !answer->written() && session.getKeepAlive())
        readable = wait_readable(socket(), std::min(answer->deadline(), limit));
    settle_deferred();
    {
        std::lock_guard lock(mutex_);
        if (stopped_)
            return false;
    }
    if (!first && !session.getKeepAlive())
        return false;
    // A TLS socket may hold a decrypted request already with nothing left on the wire. Asked
    // only now: while an answer was deferred, the writer's thread may have been using OpenSSL.
    return readable || socket().impl()->available() > 0 || wait_readable(socket(), limit);
}

void StationConnection::settle_deferred() {
    std::shared_ptr<DeferredAnswer> answer;
    {
        std::lock_guard lock(mutex_);
        answer = deferred_;
    }
    if (!answer)
        return;
    answer->settle();
    {
        std::lock_guard lock(mutex_);
        if (deferred_ == answer)
            deferred_.reset();
    }
    watch_.request_ended(socket(), ConnectionWatch::Steady::now());
}

void StationConnection::send_error_response(Poco::Net::HTTPServerSession& session,
                                            const HttpError& error) {
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setKeepAlive(false);
    send_error_now(response, error);
    session.setKeepAlive(false);
    // What the client still sends is read and dropped off this thread, so closing does not
    // reset the connection before the client has the answer.
    watch_.close_lingering(socket());
}

void StationConnection::on_server_stopped(const bool&) {
    // Waits for a request being served, then for its deferred answer: a stop answers every
    // request in flight. Under the lock the loop cannot finish, so the socket is still open.
    std::lock_guard lock(mutex_);
    stopped_ = true;
    if (finished_)
        return;
    if (deferred_)
        deferred_->settle();
    cut_socket(socket()); // wakes the loop waiting for the next request
}

} // namespace wellness::station
