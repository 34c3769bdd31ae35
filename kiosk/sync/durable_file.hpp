#pragma once

// The kiosk's files: durable writes from core, and the content cache's checksum.

#include "wellness/durable_file.hpp"

#include <string>
#include <string_view>

namespace wellness::kiosk {

using wellness::read_file_limited;
using wellness::write_file_atomically;

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

} // namespace wellness::kiosk
