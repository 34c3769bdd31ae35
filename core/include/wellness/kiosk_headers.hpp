#pragma once

// The HTTP headers of the kiosk-station contract (DESIGN.md, HTTP contract), named once for
// both sides.

#include <algorithm>
#include <string_view>

namespace wellness {

// Kiosk to station, on every request: the content version the kiosk runs, so the console's
// version column is true (a counting change waits on the kiosk for the next week).
inline constexpr const char* content_version_header = "X-Content-Version";
// Station to kiosk, on every manifest answer (304 included): the station's current k.
inline constexpr const char* station_k_header = "X-Station-K";
// Station to kiosk: the fingerprint of the certificate that will take over, announced before
// it does; a kiosk learns it only over the pinned channel.
inline constexpr const char* next_certificate_header = "X-Station-Next-Certificate";
// Station to kiosk, on manifest answers: "due" once the kiosk's token should be swapped for a
// fresh one (POST /api/v1/kiosk/token).
inline constexpr const char* token_rotation_header = "X-Kiosk-Token-Rotate";
// Station to kiosk, on every manifest answer: the id of the station's ledger of acknowledged
// batches, 32 lowercase hex digits. A restore from a backup gives it a new one; a kiosk then
// sends again the releases an earlier ledger acknowledged (the backup may not hold them).
inline constexpr const char* station_ledger_header = "X-Station-Ledger";

inline bool is_valid_ledger_id(std::string_view text) {
    return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

} // namespace wellness
