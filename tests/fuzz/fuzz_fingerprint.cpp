// A certificate fingerprint as a person types it, and a PEM file's first certificate.
#include "wellness/fingerprint.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto fingerprint = wellness::tls::parse_fingerprint(text)) {
        // The canonical form is 32 hex pairs joined by colons and parses to itself.
        if (fingerprint->size() != 95 ||
            wellness::tls::parse_fingerprint(*fingerprint) != fingerprint)
            __builtin_trap();
    }
    if (auto fingerprint = wellness::tls::fingerprint_of_pem(text))
        if (fingerprint->size() != 95)
            __builtin_trap();
    return 0;
}
