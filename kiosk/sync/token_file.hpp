#pragma once

// The kiosk's bearer token, kept in the data dir readable by its owner only.

#include <filesystem>
#include <optional>
#include <string>

namespace wellness::kiosk {

// The token's file in the kiosk's data directory.
inline constexpr const char* token_file_name = "token";
// The token before the last swap: a station restored from a backup taken before that swap
// knows only this one (its own swap then follows at once, the token being old).
inline constexpr const char* previous_token_file_name = "token.previous";

// nullopt if missing or not a plausible token (1 to 256 printable ASCII characters). A token
// file others can read is tightened to 0600 first.
std::optional<std::string> read_token(const std::filesystem::path& file);

// Created with mode 0600 from the first byte and renamed into place.
void write_token(const std::filesystem::path& file, const std::string& token);

bool is_plausible_token(const std::string& token);

} // namespace wellness::kiosk
