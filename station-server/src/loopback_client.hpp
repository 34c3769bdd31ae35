#pragma once

// A raw HTTP/1.1 client on a TCP connection from a chosen loopback source address (all of
// 127/8 is loopback on Linux): lets the abuse benchmark and tests play many hosts on one box.
// Bounded waits only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace wellness::station {

class LoopbackClient {
  public:
    LoopbackClient(const std::string& source, unsigned short port)
        : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0)
            return;
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        connected_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
                     ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    }
    ~LoopbackClient() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    LoopbackClient(const LoopbackClient&) = delete;
    LoopbackClient& operator=(const LoopbackClient&) = delete;

    bool connected() const { return connected_; }
    void send(const std::string& bytes) {
        (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    // Everything until the server closes, or until `seconds` pass with nothing new.
    std::string read_all(int seconds) {
        std::string got;
        char buffer[4096];
        pollfd watched{fd_, POLLIN, 0};
        while (::poll(&watched, 1, seconds * 1000) > 0) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            got.append(buffer, static_cast<std::size_t>(n));
        }
        return got;
    }
    // The first bytes that come, within `seconds`.
    std::string read_some(int seconds) {
        char buffer[4096];
        pollfd watched{fd_, POLLIN, 0};
        if (::poll(&watched, 1, seconds * 1000) <= 0)
            return {};
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }
    bool closed_by_server() const { return closed_; }

    // A whole request that asks the server to close after answering.
    static std::string request(const std::string& method, const std::string& path,
                               const std::string& body, const std::string& token = "") {
        std::string text =
            method + " " + path + " HTTP/1.1\r\nHost: station\r\nConnection: close\r\n";
        if (!token.empty())
            text += "Authorization: Bearer " + token + "\r\n";
        if (!body.empty() || method == "POST")
            text +=
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n";
        return text + "\r\n" + body;
    }
    // The status code of an answer's first line, 0 when there is none.
    static int status_of(const std::string& answer) {
        return answer.size() > 12 && answer.starts_with("HTTP/1.1 ")
                   ? std::stoi(answer.substr(9, 3))
                   : 0;
    }

  private:
    int fd_;
    bool connected_ = false;
    bool closed_ = false;
};

} // namespace wellness::station
