#pragma once

// A TLS client context that trusts exactly the certificates whose fingerprints it is given:
// no certificate authority, no host name check. The station makes its own certificate, so its
// fingerprint, handed over with the enrollment code, is the whole of its identity. A server
// presenting any other certificate fails the handshake, before one byte of a request is sent.

#include <Poco/Net/Context.h>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace wellness::tls {

class PinnedContext {
  public:
    // `pins`: fingerprints as parse_fingerprint() gives them; an empty list trusts no one.
    explicit PinnedContext(std::vector<std::string> pins);
    ~PinnedContext();
    PinnedContext(const PinnedContext&) = delete;
    PinnedContext& operator=(const PinnedContext&) = delete;

    Poco::Net::Context::Ptr context() const { return context_; }
    std::vector<std::string> pins() const;
    void set_pins(std::vector<std::string> pins);

    // The fingerprint of the last certificate presented to this context, accepted or not ("" if
    // none yet): lets a caller say which certificate a refused station showed.
    std::string last_presented() const;

    struct State; // shared with OpenSSL's verify callback

  private:
    std::shared_ptr<State> state_; // declared before context_: outlives it
    Poco::Net::Context::Ptr context_;
};

// Poco's SSL library initialisation, once per process.
void initialize_tls();

} // namespace wellness::tls
