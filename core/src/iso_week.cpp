#include "wellness/iso_week.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace wellness {
namespace {

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil):
// plain integer arithmetic, so no time zone, no libc and no range limit of time_t.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<std::int64_t>(year - era * 400);        // [0, 399]
    const std::int64_t month_from_march = month > 2 ? month - 3 : month + 9;     // [0, 11]
    const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // [0, 365]
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; // [0, 146096]
    return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t day_of_era = days - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
    const std::int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    const std::int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return CivilDate{static_cast<int>(year), static_cast<unsigned>(month),
                     static_cast<unsigned>(day)};
}

// 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday.
std::int64_t weekday_from_days(std::int64_t days) {
    const std::int64_t shifted = (days + 3) % 7;
    return shifted < 0 ? shifted + 7 : shifted;
}

// The Monday of week 1 of an ISO year: the week holding January 4th.
std::int64_t first_monday_of_iso_year(std::int64_t year) {
    const std::int64_t january_4 = days_from_civil(year, 1, 4);
    return january_4 - weekday_from_days(january_4);
}

struct WeekNumber {
    int year;
    int week;
};

WeekNumber week_of_days(std::int64_t days) {
    const std::int64_t thursday = days - weekday_from_days(days) + 3;
    const int iso_year = civil_from_days(thursday).year;
    const std::int64_t week = (thursday - first_monday_of_iso_year(iso_year)) / 7 + 1;
    return WeekNumber{iso_year, static_cast<int>(week)};
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

IsoWeek IsoWeek::from_date(CivilDate date) {
    const WeekNumber number = week_of_days(days_from_civil(date.year, date.month, date.day));
    return IsoWeek(number.year, number.week);
}

IsoWeek IsoWeek::from_local_time(std::time_t instant) {
    std::tm local{};
    if (localtime_r(&instant, &local) == nullptr) {
        // Out of the C library's range: fall back to UTC arithmetic rather than fail.
        // Clamped to about +-270,000 years so the year still fits an int.
        constexpr std::int64_t max_days = 100'000'000;
        const std::int64_t days = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(instant) / 86400, -max_days, max_days);
        const WeekNumber number = week_of_days(days);
        return IsoWeek(number.year, number.week);
    }
    return from_date(CivilDate{local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                               static_cast<unsigned>(local.tm_mday)});
}

std::optional<IsoWeek> IsoWeek::parse(std::string_view text) {
    // Exactly "YYYY-Www": no sign, no spaces, uppercase W, two-digit week.
    if (text.size() != 8 || text[4] != '-' || text[5] != 'W') {
        return std::nullopt;
    }
    for (const std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u}) {
        if (!is_digit(text[i])) {
            return std::nullopt;
        }
    }
    const int year =
        (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    const int week = (text[6] - '0') * 10 + (text[7] - '0');
    if (week < 1 || week > weeks_in_year(year)) {
        return std::nullopt;
    }
    return IsoWeek(year, week);
}

std::string IsoWeek::to_string() const {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-W%02d", year_, week_);
    return buffer;
}

CivilDate IsoWeek::monday() const {
    return civil_from_days(first_monday_of_iso_year(year_) +
                           7 * static_cast<std::int64_t>(week_ - 1));
}

CivilDate IsoWeek::thursday() const {
    return civil_from_days(first_monday_of_iso_year(year_) +
                           7 * static_cast<std::int64_t>(week_ - 1) + 3);
}

std::string IsoWeek::month() const {
    const CivilDate date = thursday();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u", date.year, date.month);
    return buffer;
}

IsoWeek IsoWeek::next() const {
    return plus_weeks(1);
}

IsoWeek IsoWeek::prev() const {
    return plus_weeks(-1);
}

IsoWeek IsoWeek::plus_weeks(long weeks) const {
    // About a million years either way: far beyond any real use, and it keeps the day
    // arithmetic and the int year clear of overflow whatever a caller passes.
    constexpr long max_step = 50'000'000;
    weeks = std::clamp(weeks, -max_step, max_step);
    const std::int64_t monday_days =
        first_monday_of_iso_year(year_) + 7 * static_cast<std::int64_t>(week_ - 1);
    const WeekNumber number = week_of_days(monday_days + 7 * static_cast<std::int64_t>(weeks));
    return IsoWeek(number.year, number.week);
}

long IsoWeek::weeks_since(const IsoWeek& other) const {
    const std::int64_t mine =
        first_monday_of_iso_year(year_) + 7 * static_cast<std::int64_t>(week_ - 1);
    const std::int64_t theirs =
        first_monday_of_iso_year(other.year_) + 7 * static_cast<std::int64_t>(other.week_ - 1);
    return static_cast<long>((mine - theirs) / 7);
}

int IsoWeek::weeks_in_year(int year) {
    // December 28th is always in the last ISO week of its year.
    return week_of_days(days_from_civil(year, 12, 28)).week;
}

} // namespace wellness
