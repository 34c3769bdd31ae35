#include "sync_schedule.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>
#include <algorithm>
#include <array>

namespace wellness::kiosk {

std::time_t week_end(const IsoWeek& week) {
    const CivilDate monday = week.next().monday();
    std::tm local{};
    local.tm_year = monday.year - 1900;
    local.tm_mon = static_cast<int>(monday.month) - 1;
    local.tm_mday = static_cast<int>(monday.day);
    local.tm_isdst = -1; // let the zone's rules decide, so a DST switch does not shift the end
    return std::mktime(&local);
}

std::time_t release_moment(const IsoWeek& week, const std::string& kiosk_secret,
                           std::chrono::seconds spread) {
    const std::time_t end = week_end(week);
    if (spread.count() <= 0)
        return end;
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(kiosk_secret);
    sha.update("|release|");
    sha.update(week.to_string());
    const Poco::DigestEngine::Digest& digest = sha.digest();
    std::uint64_t draw = 0;
    for (std::size_t i = 0; i < 8; ++i)
        draw = (draw << 8) | digest[i];
    const auto offset = static_cast<std::time_t>(draw % static_cast<std::uint64_t>(spread.count()));
    return end + offset;
}

bool release_due(const IsoWeek& week, std::time_t now, const std::string& kiosk_secret,
                 std::chrono::seconds spread) {
    return now >= release_moment(week, kiosk_secret, spread);
}

std::time_t next_contact_after(std::time_t now, std::chrono::seconds interval,
                               std::chrono::seconds jitter, RandomSource& random) {
    const long long jitter_seconds = std::max<long long>(0, jitter.count());
    std::uniform_int_distribution<long long> draw(-jitter_seconds, jitter_seconds);
    const long long delay =
        std::max<long long>(minimum_contact_gap_seconds, interval.count() + draw(random));
    return now + static_cast<std::time_t>(delay);
}

std::string make_kiosk_secret() {
    Poco::RandomInputStream random;
    std::array<unsigned char, 32> bytes{};
    random.read(reinterpret_cast<char*>(bytes.data()), bytes.size());
    static constexpr char hex[] = "0123456789abcdef";
    std::string secret;
    for (unsigned char byte : bytes) {
        secret += hex[byte >> 4];
        secret += hex[byte & 15];
    }
    return secret;
}

} // namespace wellness::kiosk
