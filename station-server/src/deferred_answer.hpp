#pragma once

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace wellness::station {

using Status = Poco::Net::HTTPResponse::HTTPStatus; // as http_support.hpp names it

class RouteCounters;

// The answer to a request that a thread other than its connection's writes. The counts writer
// answers each batch on its kiosk's connection as soon as the batch's commit is durable, so the
// request's thread goes straight back to its connection instead of sleeping until the commit
// and being woken (on a two-core box that sleep and wake cost as much as the commit itself).
// Exactly one answer is written, the first claimed; if none has been by the deadline, the
// connection writes the fallback itself. The connection reads no further request and closes
// nothing until the answer is written (StationConnection), so answers keep their order and
// never go to a descriptor that has been closed and reused.
class DeferredAnswer {
  public:
    using Steady = std::chrono::steady_clock;

    struct Reply {
        Status status = Status::HTTP_OK;
        std::string json; // the body, application/json
        std::optional<long> retry_after_seconds;
    };

    // `version`, `keep_alive` and `server` are the connection's answer headers for this request.
    DeferredAnswer(Poco::Net::StreamSocket socket, std::string version, bool keep_alive,
                   std::string server, Steady::time_point deadline, Reply fallback);
    DeferredAnswer(const DeferredAnswer&) = delete;
    DeferredAnswer& operator=(const DeferredAnswer&) = delete;

    // Writes `reply` unless an answer has been claimed already; returns whether it did. Never
    // waits for the peer: one whose socket cannot take the whole answer now has stopped reading
    // and has its connection shut down instead.
    bool answer(const Reply& reply);

    // Returns once an answer is written; at the deadline, writes the fallback first.
    void settle();

    bool written() const;
    // The route's counters the written answer is counted in (/metrics); call before defer().
    void count_in(RouteCounters* counters) { counters_ = counters; }
    Steady::time_point deadline() const { return deadline_; }

  private:
    enum class State { open, writing, written };
    bool claim();
    void write(const Reply& reply);

    Poco::Net::StreamSocket socket_;
    std::string version_;
    bool keep_alive_;
    std::string server_;
    Steady::time_point deadline_;
    Reply fallback_;
    RouteCounters* counters_ = nullptr;
    mutable std::mutex mutex_;
    std::condition_variable done_;
    State state_ = State::open;
    bool awaited_ = false; // a settle() waits, so the writer must wake it
};

// What a handler whose answer another thread writes asks of its request's connection
// (RequestConnection::deferral()).
class AnswerDeferral {
  public:
    virtual ~AnswerDeferral() = default;
    // An answer to this request that another thread may write (until `deadline`; after it the
    // connection answers `fallback`). It takes effect once passed to defer().
    virtual std::shared_ptr<DeferredAnswer>
    answer_later(DeferredAnswer::Steady::time_point deadline, DeferredAnswer::Reply fallback) = 0;
    // The handler returns without answering; `answer` will.
    virtual void defer(std::shared_ptr<DeferredAnswer> answer) = 0;
};

} // namespace wellness::station
