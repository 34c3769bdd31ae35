#pragma once

#include <string>
#include <string_view>

namespace wellness::station {

// 32 random bytes from OpenSSL's CSPRNG, base64url without padding.
std::string random_secret();
// `length` characters from an alphabet without look-alikes (no 0/O, 1/I/L), for codes a person
// types on a kiosk's maintenance screen.
std::string random_code(std::size_t length);

std::string sha256_hex(std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);

struct PasswordRecord {
    std::string salt_hex;
    std::string hash_hex;
    int iterations = 0;
};

inline constexpr int default_pbkdf2_iterations = 600000;
// The least a configuration file may set (OWASP's figure for PBKDF2-HMAC-SHA256). Only tests,
// in process, hash faster.
inline constexpr int minimum_pbkdf2_iterations = 600000;
inline constexpr std::size_t minimum_password_length = 12;

// PBKDF2-HMAC-SHA256 with a random 16-byte salt.
PasswordRecord hash_password(std::string_view password, int iterations);
bool verify_password(std::string_view password, const PasswordRecord& record);

} // namespace wellness::station
