#pragma once

#include <compare>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace wellness {

struct CivilDate {
    int year = 1970;
    unsigned month = 1; // 1..12
    unsigned day = 1;   // 1..31
    auto operator<=>(const CivilDate&) const = default;
};

// An ISO 8601 week ("2026-W47"): weeks start on Monday and belong to the year that holds
// their Thursday, so 2026-12-31 may be in 2027-W01... or 2026-W53.
class IsoWeek {
  public:
    IsoWeek() = default; // 1970-W01

    // Pure calendar arithmetic (no libc, no time zone).
    static IsoWeek from_date(CivilDate date);
    // The week holding the given instant in the process's local time zone.
    static IsoWeek from_local_time(std::time_t instant);
    // Strict: exactly "YYYY-Www" with a week that exists in that year.
    static std::optional<IsoWeek> parse(std::string_view text);

    int year() const { return year_; }
    int week() const { return week_; }
    std::string to_string() const;

    CivilDate monday() const;
    CivilDate thursday() const;
    // "YYYY-MM" of the month holding this week's Thursday.
    std::string month() const;

    IsoWeek next() const;
    IsoWeek prev() const;
    IsoWeek plus_weeks(long weeks) const;
    // Whole weeks from `other` to this (positive when this is later).
    long weeks_since(const IsoWeek& other) const;

    // ISO years have 52 or 53 weeks.
    static int weeks_in_year(int year);

    auto operator<=>(const IsoWeek&) const = default;

  private:
    IsoWeek(int year, int week) : year_(year), week_(week) {}
    int year_ = 1970;
    int week_ = 1;
};

} // namespace wellness
