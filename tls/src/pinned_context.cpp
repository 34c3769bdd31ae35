#include "wellness/pinned_context.hpp"

#include "wellness/fingerprint.hpp"

#include <Poco/Net/SSLManager.h>
#include <algorithm>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace wellness::tls {

struct PinnedContext::State {
    mutable std::mutex mutex;
    std::vector<std::string> pins;
    std::string last_presented;
};

namespace {

// Takes the place of OpenSSL's chain verification: the leaf certificate's fingerprint must be
// pinned; nothing else (issuer, dates, names) is consulted, so nothing else can be forged.
int verify_pinned(X509_STORE_CTX* store, void* argument) {
    auto& state = *static_cast<PinnedContext::State*>(argument);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (!leaf) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        return 0;
    }
    unsigned char* der = nullptr;
    const int length = i2d_X509(leaf, &der);
    if (length <= 0) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        return 0;
    }
    const std::string presented =
        fingerprint_of_der(std::string_view(reinterpret_cast<const char*>(der), length));
    OPENSSL_free(der);
    std::lock_guard lock(state.mutex);
    state.last_presented = presented;
    if (std::find(state.pins.begin(), state.pins.end(), presented) != state.pins.end())
        return 1;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_UNTRUSTED);
    return 0;
}

} // namespace

void initialize_tls() {
    static std::once_flag ready;
    std::call_once(ready, [] { Poco::Net::initializeSSL(); });
}

PinnedContext::PinnedContext(std::vector<std::string> pins) : state_(std::make_shared<State>()) {
    initialize_tls();
    state_->pins = std::move(pins);
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED; // SSL_VERIFY_PEER
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // The pin is the identity; host names play no part (a station is reached by its address).
    context_->enableExtendedCertificateVerification(false);
    SSL_CTX_set_cert_verify_callback(context_->sslContext(), verify_pinned, state_.get());
}

PinnedContext::~PinnedContext() = default;

std::vector<std::string> PinnedContext::pins() const {
    std::lock_guard lock(state_->mutex);
    return state_->pins;
}

void PinnedContext::set_pins(std::vector<std::string> pins) {
    std::lock_guard lock(state_->mutex);
    state_->pins = std::move(pins);
}

std::string PinnedContext::last_presented() const {
    std::lock_guard lock(state_->mutex);
    return state_->last_presented;
}

} // namespace wellness::tls
