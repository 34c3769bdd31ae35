#pragma once

#include <Poco/Net/StreamSocket.h>
#include <sys/socket.h>

namespace wellness::station {

// Ends a connection from any thread: shutdown(2) on the descriptor wakes the thread blocked on
// it, which then finds the end of its stream. Never through Poco's shutdown(): on a TLS socket
// that writes a close_notify with OpenSSL state the connection's own thread may be using.
inline void cut_socket(const Poco::Net::StreamSocket& socket) {
    if (socket.impl() && socket.impl()->sockfd() >= 0)
        ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
}

} // namespace wellness::station
