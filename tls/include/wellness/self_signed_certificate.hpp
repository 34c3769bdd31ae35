#pragma once

// The station's own certificate: an ECDSA P-256 key and a self-signed X.509 certificate whose
// subject alternative names are the station's configured names and addresses.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace wellness::tls {

struct KeyAndCertificate {
    std::string private_key_pem;
    std::string certificate_pem;
};

// `names`: DNS names and IP addresses (IPv4 or IPv6, told apart by their form), at least one;
// the first is also the subject's common name. Throws std::runtime_error when OpenSSL fails.
KeyAndCertificate make_self_signed_certificate(const std::vector<std::string>& names,
                                               std::time_t not_before, std::time_t not_after);

// The end of a certificate's validity; nullopt when `pem` holds no certificate.
std::optional<std::time_t> certificate_not_after(const std::string& pem);

} // namespace wellness::tls
