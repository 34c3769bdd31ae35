#pragma once

// A certificate's identity as people compare it: the SHA-256 of its DER bytes, written as 32
// upper-case hex pairs joined by colons ("AB:CD:...", as browsers show it).

#include <optional>
#include <string>
#include <string_view>

namespace wellness::tls {

std::string fingerprint_of_der(std::string_view der);

// The fingerprint of the first certificate in `pem`; nullopt when it holds none.
std::optional<std::string> fingerprint_of_pem(std::string_view pem);

// What a person typed or a file holds: 64 hex digits, with or without colons or spaces, in any
// case, optionally after "sha256:" / "SHA256 ". nullopt when it is anything else.
std::optional<std::string> parse_fingerprint(std::string_view text);

} // namespace wellness::tls
