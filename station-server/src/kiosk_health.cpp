#include "kiosk_health.hpp"

namespace wellness::station {

KioskHealth kiosk_health(const KioskRecord& kiosk, std::time_t now,
                         std::chrono::seconds contact_interval) {
    if (kiosk.revoked)
        return KioskHealth::revoked;
    if (!kiosk.enrolled)
        return KioskHealth::waiting_for_enrollment;
    const std::time_t heard =
        kiosk.last_contact.value_or(kiosk.enrolled_at.value_or(kiosk.created_at));
    const auto silence = std::chrono::seconds(now > heard ? now - heard : 0);
    if (silence > kiosk_silent_after)
        return KioskHealth::silent;
    if (silence > 2 * contact_interval)
        return KioskHealth::late;
    return KioskHealth::ok;
}

std::string_view to_string(KioskHealth health) {
    switch (health) {
    case KioskHealth::ok:
        return "ok";
    case KioskHealth::late:
        return "late";
    case KioskHealth::silent:
        return "silent";
    case KioskHealth::waiting_for_enrollment:
        return "waiting_for_enrollment";
    case KioskHealth::revoked:
        return "revoked";
    }
    return "ok";
}

} // namespace wellness::station
