#pragma once

// What a handler may ask of the connection its request came on. StationConnection's requests
// implement it and the router hands it to each handler it makes (StationHandler::guard), so the
// handler base needs neither the connection's type nor a cast, and this layer no file of the
// connection's.

#include "deferred_answer.hpp"

#include <memory>

namespace wellness::station {

class RequestConnection {
  public:
    virtual ~RequestConnection() = default;

    // The connection is in a request from now until request_ended(): it is not cut meanwhile.
    virtual void request_began() = 0;
    virtual void request_ended() = 0;
    // After an answer sent before its request's body was read: what the client still sends is
    // read and dropped off this thread, then the connection closes.
    virtual void close_lingering() = 0;

    // An answer to this request that another thread may write (until `deadline`; after it the
    // connection answers `fallback`). It takes effect once passed to defer().
    virtual std::shared_ptr<DeferredAnswer>
    answer_later(DeferredAnswer::Steady::time_point deadline, DeferredAnswer::Reply fallback) = 0;
    // The handler returns without answering; `answer` will (and reports the request's end).
    virtual void defer(std::shared_ptr<DeferredAnswer> answer) = 0;
    virtual bool deferred() const = 0;
};

} // namespace wellness::station
