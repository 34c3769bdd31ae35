#include "wellness/fingerprint.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <cctype>
#include <memory>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace wellness::tls {

namespace {

std::string colon_hex(const Poco::DigestEngine::Digest& digest) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string text;
    for (auto byte : digest) {
        if (!text.empty())
            text += ':';
        text += digits[byte >> 4];
        text += digits[byte & 0x0f];
    }
    return text;
}

} // namespace

std::string fingerprint_of_der(std::string_view der) {
    Poco::SHA2Engine sha256(Poco::SHA2Engine::SHA_256);
    sha256.update(der.data(), der.size());
    return colon_hex(sha256.digest());
}

std::optional<std::string> fingerprint_of_pem(std::string_view pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio)
        return std::nullopt;
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!certificate)
        return std::nullopt;
    unsigned char* der = nullptr;
    const int length = i2d_X509(certificate.get(), &der);
    if (length <= 0)
        return std::nullopt;
    std::string fingerprint =
        fingerprint_of_der(std::string_view(reinterpret_cast<const char*>(der), length));
    OPENSSL_free(der);
    return fingerprint;
}

std::optional<std::string> parse_fingerprint(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (text.size() > 200)
        return std::nullopt;
    std::string lowered;
    for (char c : text.substr(0, 7))
        lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered.starts_with("sha256:") || lowered.starts_with("sha256 "))
        text.remove_prefix(7);
    std::string hex;
    for (char c : text) {
        if (c == ':' || c == ' ')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64)
        return std::nullopt;
    std::string fingerprint;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (!fingerprint.empty())
            fingerprint += ':';
        fingerprint += hex.substr(i, 2);
    }
    return fingerprint;
}

} // namespace wellness::tls
