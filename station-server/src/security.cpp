#include "security.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <cstdint>
#include <nettle/pbkdf2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace wellness::station {

namespace {

std::vector<unsigned char> random_bytes(std::size_t count) {
    std::vector<unsigned char> bytes(count);
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("the system random number generator failed");
    return bytes;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
    return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(data, data + size));
}

std::vector<unsigned char> from_hex(std::string_view hex) {
    std::vector<unsigned char> out;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0)
        return {};
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = nibble(hex[i]);
        int low = nibble(hex[i + 1]);
        if (high < 0 || low < 0)
            return {};
        out.push_back(static_cast<unsigned char>(high * 16 + low));
    }
    return out;
}

// PBKDF2-HMAC-SHA256 by Nettle, not OpenSSL: OpenSSL 3 copies, frees and wipes an HMAC context
// on every iteration (a third of its time, in perf), Nettle keeps the keyed states and uses the
// CPU's SHA instructions. The same bytes, at a third of the CPU, for the admin's sign-in and for
// every password check a guesser gets through the throttle (station-bench --abuse).
std::vector<unsigned char> pbkdf2(std::string_view password, const std::vector<unsigned char>& salt,
                                  int iterations) {
    if (iterations < 1)
        throw std::invalid_argument("PBKDF2 needs at least one iteration");
    std::vector<unsigned char> key(32);
    pbkdf2_hmac_sha256(password.size(), reinterpret_cast<const std::uint8_t*>(password.data()),
                       static_cast<unsigned>(iterations), salt.size(), salt.data(), key.size(),
                       key.data());
    return key;
}

} // namespace

std::string random_secret() {
    auto bytes = random_bytes(32);
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

std::string random_code(std::size_t length) {
    static constexpr std::string_view alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    std::string code;
    while (code.size() < length) {
        for (unsigned char byte : random_bytes(length * 2)) {
            // Rejection sampling keeps every letter equally likely.
            if (byte >= 248 || code.size() == length)
                continue;
            code.push_back(alphabet[byte % alphabet.size()]);
        }
    }
    return code;
}

std::string sha256_hex(std::string_view data) {
    // OpenSSL's one-shot digest: every kiosk request hashes its token, and Poco's SHA2Engine
    // allocates and clears its context three times per hash (measured at 4 % of a counts
    // request).
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return to_hex(digest, size);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

PasswordRecord hash_password(std::string_view password, int iterations) {
    auto salt = random_bytes(16);
    auto key = pbkdf2(password, salt, iterations);
    return {to_hex(salt.data(), salt.size()), to_hex(key.data(), key.size()), iterations};
}

bool verify_password(std::string_view password, const PasswordRecord& record) {
    auto salt = from_hex(record.salt_hex);
    if (salt.empty() || record.iterations < 1)
        return false;
    auto key = pbkdf2(password, salt, record.iterations);
    return constant_time_equal(to_hex(key.data(), key.size()), record.hash_hex);
}

} // namespace wellness::station
