#pragma once

// What a handler may ask of the connection its request came on. StationConnection's requests
// implement it and the router hands it to each handler it makes (StationHandler::guard), so the
// handler base needs neither the connection's type nor a cast, and this layer includes no file
// of the connection's.

namespace wellness::station {

class AnswerDeferral; // deferred_answer.hpp

class RequestConnection {
  public:
    virtual ~RequestConnection() = default;

    // The connection is in a request from now until request_ended(): it is not cut meanwhile.
    virtual void request_began() = 0;
    virtual void request_ended() = 0;
    // After an answer sent before its request's body was read: what the client still sends is
    // read and dropped off this thread, then the connection closes.
    virtual void close_lingering() = 0;
    // Whether the handler left its answer to another thread (which then reports the end).
    virtual bool deferred() const = 0;
    // For a handler whose answer another thread writes.
    virtual AnswerDeferral& deferral() = 0;
};

} // namespace wellness::station
