#pragma once

#include "station_store.hpp"

#include <chrono>
#include <ctime>
#include <string_view>

namespace wellness::station {

// How a kiosk is doing, judged from its last contact by the station's clock. A kiosk calls at
// a fixed interval whether or not anyone used it, so silence is a fault, never a quiet room:
// late once two intervals have passed without a contact (one missed call can be a reboot),
// silent after a whole day. Enrolled kiosks that never called count from their enrollment.
enum class KioskHealth { ok, late, silent, waiting_for_enrollment, revoked };

inline constexpr std::chrono::seconds kiosk_silent_after{24 * 3600};

KioskHealth kiosk_health(const KioskRecord& kiosk, std::time_t now,
                         std::chrono::seconds contact_interval);

// "ok", "late", "silent", "waiting_for_enrollment", "revoked"
std::string_view to_string(KioskHealth health);

} // namespace wellness::station
