#include "wellness/iso_week.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>

using wellness::CivilDate;
using wellness::IsoWeek;

namespace {

IsoWeek week_of(int year, unsigned month, unsigned day) {
    return IsoWeek::from_date(CivilDate{year, month, day});
}

IsoWeek parsed(const char* text) {
    const auto week = IsoWeek::parse(text);
    REQUIRE(week.has_value());
    return *week;
}

// The C library's own ISO week (%G-W%V) of a UTC date: an independent reference for the sweep.
std::string libc_iso_week(int year, int month, int day) {
    std::tm date{};
    date.tm_year = year - 1900;
    date.tm_mon = month - 1;
    date.tm_mday = day;
    date.tm_hour = 12;
    const std::time_t instant = timegm(&date);
    std::tm normalized{};
    gmtime_r(&instant, &normalized);
    char text[32];
    std::strftime(text, sizeof text, "%G-W%V", &normalized);
    return text;
}

// Sets TZ for the lifetime of the object and restores it afterwards.
class ScopedTimeZone {
  public:
    explicit ScopedTimeZone(const char* zone) {
        if (const char* old = std::getenv("TZ")) {
            saved_ = old;
            had_ = true;
        }
        setenv("TZ", zone, 1);
        tzset();
    }
    ~ScopedTimeZone() {
        if (had_) {
            setenv("TZ", saved_.c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }
    ScopedTimeZone(const ScopedTimeZone&) = delete;
    ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

  private:
    std::string saved_;
    bool had_ = false;
};

} // namespace

TEST_CASE("Dates at the turn of the year fall in the ISO week that holds their Thursday",
          "[iso-week]") {
    CHECK(week_of(2020, 12, 31).to_string() == "2020-W53");
    CHECK(week_of(2021, 1, 1).to_string() == "2020-W53");
    CHECK(week_of(2021, 1, 3).to_string() == "2020-W53");
    CHECK(week_of(2021, 1, 4).to_string() == "2021-W01");
    CHECK(week_of(2024, 12, 29).to_string() == "2024-W52");
    CHECK(week_of(2024, 12, 30).to_string() == "2025-W01");
    CHECK(week_of(2025, 1, 1).to_string() == "2025-W01");
    CHECK(week_of(2025, 12, 28).to_string() == "2025-W52");
    CHECK(week_of(2025, 12, 29).to_string() == "2026-W01");
    CHECK(week_of(2026, 1, 1).to_string() == "2026-W01");
    CHECK(week_of(2026, 11, 19).to_string() == "2026-W47");
    CHECK(week_of(2026, 12, 31).to_string() == "2026-W53");
    CHECK(week_of(2027, 1, 1).to_string() == "2026-W53");
    CHECK(week_of(2027, 1, 3).to_string() == "2026-W53");
    CHECK(week_of(2027, 1, 4).to_string() == "2027-W01");
    CHECK(week_of(2000, 1, 1).to_string() == "1999-W52");
    CHECK(week_of(2000, 2, 29).to_string() == "2000-W09");
}

TEST_CASE("Years have 53 ISO weeks exactly when they start or, if leap, end on a Thursday",
          "[iso-week]") {
    CHECK(IsoWeek::weeks_in_year(2015) == 53);
    CHECK(IsoWeek::weeks_in_year(2020) == 53);
    CHECK(IsoWeek::weeks_in_year(2026) == 53);
    CHECK(IsoWeek::weeks_in_year(2032) == 53);
    CHECK(IsoWeek::weeks_in_year(2021) == 52);
    CHECK(IsoWeek::weeks_in_year(2024) == 52);
    CHECK(IsoWeek::weeks_in_year(2025) == 52);
    CHECK(IsoWeek::weeks_in_year(2027) == 52);
    for (int year = 1990; year <= 2040; ++year) {
        // Independent rule: 53 weeks iff January 1st is a Thursday, or a Wednesday in a leap year.
        std::tm january_1{};
        january_1.tm_year = year - 1900;
        january_1.tm_mday = 1;
        january_1.tm_hour = 12;
        const std::time_t instant = timegm(&january_1);
        std::tm normalized{};
        gmtime_r(&instant, &normalized);
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        const bool long_year = normalized.tm_wday == 4 || (leap && normalized.tm_wday == 3);
        INFO("year " << year);
        CHECK(IsoWeek::weeks_in_year(year) == (long_year ? 53 : 52));
    }
}

TEST_CASE("Every day from 1990 to 2040 gets the same ISO week as the C library computes",
          "[iso-week]") {
    std::tm date{};
    date.tm_year = 1990 - 1900;
    date.tm_mday = 1;
    date.tm_hour = 12;
    std::time_t instant = timegm(&date);
    int checked = 0;
    int mismatches = 0;
    for (;;) {
        std::tm day{};
        gmtime_r(&instant, &day);
        if (day.tm_year + 1900 > 2040) {
            break;
        }
        const int year = day.tm_year + 1900;
        const auto expected = libc_iso_week(year, day.tm_mon + 1, day.tm_mday);
        const auto actual =
            week_of(year, static_cast<unsigned>(day.tm_mon + 1), static_cast<unsigned>(day.tm_mday))
                .to_string();
        if (actual != expected) {
            ++mismatches;
            INFO(year << "-" << day.tm_mon + 1 << "-" << day.tm_mday);
            CHECK(actual == expected);
        }
        ++checked;
        instant += 86400;
    }
    CHECK(checked > 18000);
    CHECK(mismatches == 0);
}

TEST_CASE("ISO week text is parsed strictly", "[iso-week]") {
    CHECK(parsed("2026-W47").year() == 2026);
    CHECK(parsed("2026-W47").week() == 47);
    CHECK(parsed("2026-W01").week() == 1);
    CHECK(parsed("2026-W53").week() == 53);
    CHECK(parsed("2020-W53").to_string() == "2020-W53");

    for (const char* bad : {"2026-W54", "2026-W00", "2025-W53", "2026-w47", " 2026-W47",
                            "2026-W47 ", "2026-W4", "2026-W047", "26-W47", "+2026-W47", "2026W47",
                            "2026-47", "2026-W4a", "２０２６-W47", "", "2026-W47\n", "-026-W47"}) {
        INFO("text: \"" << bad << "\"");
        CHECK_FALSE(IsoWeek::parse(bad).has_value());
    }
    CHECK_FALSE(IsoWeek::parse(std::string_view("2026-W4\0", 8)).has_value());
}

TEST_CASE("A parsed week prints back as the same text", "[iso-week]") {
    for (int year : {1999, 2020, 2025, 2026}) {
        for (int week = 1; week <= IsoWeek::weeks_in_year(year); ++week) {
            const IsoWeek first = week_of(year, 1, 4).plus_weeks(week - 1);
            const auto text = first.to_string();
            const auto again = IsoWeek::parse(text);
            REQUIRE(again.has_value());
            CHECK(*again == first);
            CHECK(again->week() == week);
        }
    }
}

TEST_CASE("A week's Monday and Thursday may lie in the neighbouring calendar year", "[iso-week]") {
    CHECK(parsed("2026-W01").monday() == CivilDate{2025, 12, 29});
    CHECK(parsed("2026-W01").thursday() == CivilDate{2026, 1, 1});
    CHECK(parsed("2020-W53").monday() == CivilDate{2020, 12, 28});
    CHECK(parsed("2020-W53").thursday() == CivilDate{2020, 12, 31});
    CHECK(parsed("2026-W53").monday() == CivilDate{2026, 12, 28});
    CHECK(parsed("2026-W53").thursday() == CivilDate{2026, 12, 31});
    CHECK(parsed("2025-W01").monday() == CivilDate{2024, 12, 30});
    CHECK(parsed("2026-W47").monday() == CivilDate{2026, 11, 16});
}

TEST_CASE("A week belongs to the month of its Thursday", "[iso-week]") {
    CHECK(parsed("2026-W01").month() == "2026-01"); // Monday is 2025-12-29
    CHECK(parsed("2025-W01").month() == "2025-01"); // Monday is 2024-12-30
    CHECK(parsed("2020-W53").month() == "2020-12"); // Sunday is 2021-01-03
    CHECK(parsed("2026-W05").month() == "2026-01"); // Jan 26 .. Feb 1, Thursday Jan 29
    CHECK(parsed("2026-W06").month() == "2026-02");
    CHECK(parsed("2026-W44").month() == "2026-10"); // Oct 26 .. Nov 1, Thursday Oct 29
    CHECK(parsed("2026-W45").month() == "2026-11");
}

TEST_CASE("Stepping between weeks crosses year edges, 53-week years included", "[iso-week]") {
    CHECK(parsed("2020-W52").next().to_string() == "2020-W53");
    CHECK(parsed("2020-W53").next().to_string() == "2021-W01");
    CHECK(parsed("2021-W01").prev().to_string() == "2020-W53");
    CHECK(parsed("2025-W52").next().to_string() == "2026-W01");
    CHECK(parsed("2026-W01").prev().to_string() == "2025-W52");
    CHECK(parsed("2026-W53").next().to_string() == "2027-W01");
    CHECK(parsed("2026-W47").plus_weeks(0).to_string() == "2026-W47");
    CHECK(parsed("2026-W47").plus_weeks(7).to_string() == "2027-W01");
    CHECK(parsed("2026-W47").plus_weeks(-47).to_string() == "2025-W52");
    CHECK(parsed("2026-W47").plus_weeks(52 * 10).to_string() == "2036-W45");

    CHECK(parsed("2027-W01").weeks_since(parsed("2026-W47")) == 7);
    CHECK(parsed("2026-W47").weeks_since(parsed("2027-W01")) == -7);
    CHECK(parsed("2021-W01").weeks_since(parsed("2020-W52")) == 2);
    CHECK(parsed("2026-W10").weeks_since(parsed("2026-W10")) == 0);

    IsoWeek walking = parsed("1999-W30");
    for (long step = 1; step <= 2000; ++step) {
        const IsoWeek stepped = walking.next();
        REQUIRE(stepped.prev() == walking);
        REQUIRE(stepped.weeks_since(parsed("1999-W30")) == step);
        REQUIRE(parsed("1999-W30").plus_weeks(step) == stepped);
        REQUIRE(walking < stepped);
        walking = stepped;
    }
}

TEST_CASE("Weeks order by time, not by text", "[iso-week]") {
    CHECK(parsed("2020-W53") < parsed("2021-W01"));
    CHECK(parsed("2026-W09") < parsed("2026-W10"));
    CHECK(parsed("2025-W52") < parsed("2026-W01"));
    CHECK(IsoWeek() == parsed("1970-W01"));
}

TEST_CASE("Instants outside the C library's calendar still give a week instead of failing",
          "[iso-week]") {
    ScopedTimeZone utc("UTC0");
    const IsoWeek far_future = IsoWeek::from_local_time(std::numeric_limits<std::time_t>::max());
    const IsoWeek far_past = IsoWeek::from_local_time(std::numeric_limits<std::time_t>::min());
    CHECK(far_past < IsoWeek::from_local_time(0));
    CHECK(IsoWeek::from_local_time(0) < far_future);
    CHECK(IsoWeek::from_local_time(0).to_string() == "1970-W01");
}

TEST_CASE("The local week of an instant follows the process's time zone", "[iso-week]") {
    // 2026-01-04T23:30:00Z: Sunday evening in UTC, already Monday 2026-01-05 in Berlin.
    const std::time_t instant = 1767569400;
    {
        ScopedTimeZone utc("UTC0");
        CHECK(IsoWeek::from_local_time(instant).to_string() == "2026-W01");
    }
    {
        ScopedTimeZone berlin("CET-1CEST,M3.5.0,M10.5.0/3");
        CHECK(IsoWeek::from_local_time(instant).to_string() == "2026-W02");
    }
    {
        // 2021-01-04T03:00:00Z is still Sunday 2021-01-03 in New York: 2020-W53.
        ScopedTimeZone new_york("EST5EDT,M3.2.0,M11.1.0");
        CHECK(IsoWeek::from_local_time(1609729200).to_string() == "2020-W53");
    }
}
