#include <catch2/catch.hpp>

#include <cmath>

#include "ref/science/cf_time.hpp"

using namespace ref::science;

namespace {

DateTime date(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) { return DateTime{y, m, d, hh, mm, ss}; }

std::string decoded(const char* units, const char* calendar, double value) {
    return format_datetime(CfTime(units, calendar).decode(value));
}

}  // namespace

TEST_CASE("known dates in every calendar") {
    CHECK(decoded("days since 2000-01-01", "noleap", 365) == "2001-01-01 00:00:00");
    CHECK(decoded("days since 2000-01-01", "365_day", 59) == "2000-03-01 00:00:00");
    CHECK(decoded("days since 2000-01-01", "360_day", 30) == "2000-02-01 00:00:00");
    CHECK(decoded("days since 2000-01-01", "360_day", 360) == "2001-01-01 00:00:00");
    CHECK(decoded("days since 2000-01-01", "proleptic_gregorian", 59) == "2000-02-29 00:00:00");
    CHECK(decoded("days since 2000-01-01", "proleptic_gregorian", 366) == "2001-01-01 00:00:00");
    CHECK(decoded("days since 2001-01-01", "all_leap", 59) == "2001-02-29 00:00:00");
    CHECK(decoded("days since 2001-01-01", "366_day", 366) == "2002-01-01 00:00:00");
    CHECK(decoded("days since 1900-02-28", "julian", 1) == "1900-02-29 00:00:00");
    CHECK(decoded("days since 1900-02-28", "proleptic_gregorian", 1) == "1900-03-01 00:00:00");
    CHECK(decoded("days since 1850-01-01", "standard", 54786) == "2000-01-01 00:00:00");
    CHECK(decoded("days since 1850-01-01", "gregorian", 54786.5) == "2000-01-01 12:00:00");
}

TEST_CASE("the standard calendar is Julian before 1582-10-15") {
    CHECK(decoded("days since 1582-10-04", "standard", 1) == "1582-10-15 00:00:00");
    CHECK(decoded("days since 1582-10-15", "standard", -1) == "1582-10-04 00:00:00");
    const CfTime standard("days since 1000-01-01", "standard");
    const CfTime julian("days since 1000-01-01", "julian");
    for (double v = 0; v < 200000; v += 997) {
        CHECK(standard.decode(v) == julian.decode(v));
    }
    CHECK(decoded("days since 1500-01-01", "standard", 0) == "1500-01-01 00:00:00");
    CHECK_THROWS_AS(standard.encode(date(1582, 10, 10)), CfTimeError);
    CHECK(is_leap_year(Calendar::standard, 1500));
    CHECK_FALSE(is_leap_year(Calendar::standard, 1900));
}

TEST_CASE("units strings with separators and time of day and time zones and small years") {
    CHECK(decoded("hours since 2000-01-01T00:00:00Z", "standard", 36) == "2000-01-02 12:00:00");
    CHECK(decoded("seconds since 1970-01-01 00:00:00 +00:00", "standard", 86399) == "1970-01-01 23:59:59");
    CHECK(decoded("minutes since 2000-1-1 0:0", "noleap", 90) == "2000-01-01 01:30:00");
    CHECK(decoded("days since 1850-01-01 00:00:00.0", "noleap", 1) == "1850-01-02 00:00:00");
    CHECK(decoded("Days since 2000-01-01 06:00", "360_day", 0.75) == "2000-01-02 00:00:00");
    CHECK(decoded("days since 2000-01-01 UTC", "noleap", 0) == "2000-01-01 00:00:00");
    // The ACCESS-ESM1-5 piControl axis: 300 months from year 101.
    CHECK(decoded("days since 0101-01-01", "proleptic_gregorian", 15.5) == "0101-01-16 12:00:00");
    CHECK(decoded("days since 0101-01-01", "proleptic_gregorian", 9115.5) == "0125-12-16 12:00:00");
    CHECK(decoded("days since 0001-01-01", "noleap", 365 * 100) == "0101-01-01 00:00:00");
}

TEST_CASE("invalid units and calendars and dates are errors") {
    CHECK_THROWS_AS(parse_time_units("months since 2000-01-01"), CfTimeError);
    CHECK_THROWS_AS(parse_time_units("days after 2000-01-01"), CfTimeError);
    CHECK_THROWS_AS(parse_time_units("days since 2000/01/01"), CfTimeError);
    CHECK_THROWS_AS(parse_time_units("days since 2000-01-01 00:00:00 +05:00"), CfTimeError);
    CHECK_THROWS_AS(parse_calendar("martian"), CfTimeError);
    CHECK_THROWS_AS(CfTime("days since 2001-02-29", "noleap"), CfTimeError);
    CHECK_NOTHROW(CfTime("days since 2001-02-30", "360_day"));
    CHECK_THROWS_AS(CfTime("days since 2000-01-01", "noleap").encode(date(2000, 2, 29)), CfTimeError);
    CHECK_THROWS_AS(CfTime("days since 2000-01-01", "noleap").decode(std::nan("")), CfTimeError);
    CHECK(parse_calendar("") == Calendar::standard);
    CHECK(parse_calendar(" Gregorian ") == Calendar::standard);
}

TEST_CASE("encode inverts decode in every calendar") {
    for (const char* calendar :
         {"standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"}) {
        INFO(calendar);
        const CfTime time("hours since 1850-01-01 03:00:00", calendar);
        for (double v = -2.0e7; v < 2.0e7; v += 7919.0) {
            const DateTime d = time.decode(v);
            REQUIRE_NOTHROW(validate_date(time.calendar(), d));
            CHECK(time.encode(d) == v);
        }
        // Consecutive day numbers map to consecutive dates.
        for (std::int64_t n = 700000; n < 740000; n += 13) {
            const DateTime d = date_from_day_number(time.calendar(), n);
            CHECK(day_number(time.calendar(), d.year, d.month, d.day) == n);
        }
    }
}

TEST_CASE("values convert between units of the same calendar only") {
    const CfTime days("days since 1999-12-31", "noleap");
    const CfTime hours("hours since 2000-01-01", "noleap");
    CHECK(days.convert_from(24.0, hours) == 2.0);
    CHECK(hours.convert_from(0.5, days) == -12.0);
    CHECK_THROWS_AS(days.convert_from(1.0, CfTime("days since 2000-01-01", "360_day")), CfTimeError);
    CHECK(format_datetime(date(101, 1, 16, 12)) == "0101-01-16 12:00:00");
}
