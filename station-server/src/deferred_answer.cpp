#include "deferred_answer.hpp"

#include "http_support.hpp"
#include "socket_cut.hpp"
#include "station_metrics.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <sstream>
#include <sys/socket.h>

namespace wellness::station {

DeferredAnswer::DeferredAnswer(Poco::Net::StreamSocket socket, std::string version, bool keep_alive,
                               std::string server, Steady::time_point deadline, Reply fallback)
    : socket_(std::move(socket)), version_(std::move(version)), keep_alive_(keep_alive),
      server_(std::move(server)), deadline_(deadline), fallback_(std::move(fallback)) {}

bool DeferredAnswer::answer(const Reply& reply) {
    if (!claim())
        return false;
    write(reply);
    std::lock_guard lock(mutex_);
    state_ = State::written;
    if (awaited_) // waking costs a system call; nearly always nobody waits
        done_.notify_all();
    return true;
}

void DeferredAnswer::settle() {
    {
        std::unique_lock lock(mutex_);
        awaited_ = true;
        if (done_.wait_until(lock, deadline_, [this] { return state_ == State::written; }))
            return;
    }
    if (answer(fallback_))
        return;
    // Claimed by the writer, which is writing without waiting for the peer: moments at most.
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return state_ == State::written; });
}

bool DeferredAnswer::written() const {
    std::lock_guard lock(mutex_);
    return state_ == State::written;
}

bool DeferredAnswer::claim() {
    std::lock_guard lock(mutex_);
    if (state_ != State::open)
        return false;
    state_ = State::writing;
    return true;
}

void DeferredAnswer::write(const Reply& reply) {
    // Counted before it is sent: whoever has the answer finds it counted in /metrics.
    if (counters_)
        counters_->count(static_cast<int>(reply.status));
    Poco::Net::HTTPResponse head(reply.status);
    head.setVersion(version_);
    head.setKeepAlive(keep_alive_);
    head.setDate(Poco::Timestamp());
    if (!server_.empty())
        head.set("Server", server_);
    if (reply.retry_after_seconds)
        head.set("Retry-After", std::to_string(*reply.retry_after_seconds));
    describe_body(head, "application/json; charset=utf-8", reply.json.size());
    std::ostringstream text;
    head.write(text);
    text << reply.json;
    const std::string bytes = text.str();
    try {
        // On a TLS connection OpenSSL ignores MSG_DONTWAIT and may wait, at most the send
        // timeout, for a kiosk that stopped reading; a connection holds at most one answer in
        // flight and a kiosk's batches per hour are limited, so only a socket buffer's worth
        // of unread answers (hundreds) could ever get it there.
        int sent = socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size()),
                                     MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent == static_cast<int>(bytes.size()))
            return;
    } catch (const Poco::Exception&) {
        // the peer has gone, or its socket is full because it stopped reading
    }
    cut_socket(socket_);
}

} // namespace wellness::station
