// Calendar-aware date-times (solver spec §1.7) and PartialDateTime comparisons (§3.4).
#include "solver/time.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace ref::solver;

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kDay = 86'400 * kSecond;

DateTime at(Calendar calendar, int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
            int microsecond = 0) {
    return DateTime{year, month, day, hour, minute, second, microsecond, calendar};
}

bool valid(Calendar calendar, int year, int month, int day) { return is_valid(at(calendar, year, month, day)); }

// Whole days from a to b (b - a) in `calendar`.
int64_t days(Calendar calendar, int y1, int m1, int d1, int y2, int m2, int d2) {
    const int64_t us = microseconds_between(at(calendar, y2, m2, d2), at(calendar, y1, m1, d1));
    REQUIRE(us % kDay == 0);
    return us / kDay;
}

PartialDateTime partial(std::optional<int> year, std::optional<int> month = {}, std::optional<int> day = {},
                        std::optional<int> hour = {}, std::optional<int> minute = {},
                        std::optional<int> second = {}) {
    return PartialDateTime{year, month, day, hour, minute, second};
}

}  // namespace

TEST_CASE("calendar names parse case-insensitively with aliases", "[time]") {
    CHECK(parse_calendar("standard") == Calendar::Standard);
    CHECK(parse_calendar("gregorian") == Calendar::Standard);
    CHECK(parse_calendar("GREGORIAN") == Calendar::Standard);
    CHECK(parse_calendar("") == Calendar::Standard);
    CHECK(parse_calendar("proleptic_gregorian") == Calendar::ProlepticGregorian);
    CHECK(parse_calendar("Julian") == Calendar::Julian);
    CHECK(parse_calendar("noleap") == Calendar::NoLeap);
    CHECK(parse_calendar("365_day") == Calendar::NoLeap);
    CHECK(parse_calendar("NoLeap") == Calendar::NoLeap);
    CHECK(parse_calendar("all_leap") == Calendar::AllLeap);
    CHECK(parse_calendar("366_day") == Calendar::AllLeap);
    CHECK(parse_calendar("360_day") == Calendar::Day360);
    CHECK_FALSE(parse_calendar("360day"));
    CHECK_FALSE(parse_calendar("none"));
    CHECK_FALSE(parse_calendar(" standard"));
    for (const Calendar c : {Calendar::Standard, Calendar::ProlepticGregorian, Calendar::Julian, Calendar::NoLeap,
                             Calendar::AllLeap, Calendar::Day360})
        CHECK(parse_calendar(to_string(c)) == c);
    CHECK(to_string(Calendar::Day360) == "360_day");
    CHECK(to_string(Calendar::NoLeap) == "noleap");
}

TEST_CASE("30 February exists only in 360_day", "[time]") {
    CHECK(valid(Calendar::Day360, 2000, 2, 30));
    CHECK(valid(Calendar::Day360, 2001, 2, 29));
    CHECK_FALSE(valid(Calendar::Day360, 2000, 1, 31));
    for (const Calendar c : {Calendar::Standard, Calendar::ProlepticGregorian, Calendar::Julian, Calendar::NoLeap,
                             Calendar::AllLeap})
        CHECK_FALSE(valid(c, 2000, 2, 30));
    CHECK(valid(Calendar::Standard, 2000, 1, 31));
    CHECK_FALSE(valid(Calendar::Standard, 2000, 4, 31));
}

TEST_CASE("leap years follow each calendar's rule", "[time]") {
    // 2000: leap everywhere it can be; 1900: Gregorian common year, Julian leap year.
    CHECK(valid(Calendar::Standard, 2000, 2, 29));
    CHECK(valid(Calendar::ProlepticGregorian, 2000, 2, 29));
    CHECK(valid(Calendar::Julian, 2000, 2, 29));
    CHECK_FALSE(valid(Calendar::Standard, 1900, 2, 29));
    CHECK_FALSE(valid(Calendar::ProlepticGregorian, 1900, 2, 29));
    CHECK(valid(Calendar::Julian, 1900, 2, 29));
    // Standard is Julian before the reform.
    CHECK(valid(Calendar::Standard, 1500, 2, 29));
    CHECK_FALSE(valid(Calendar::ProlepticGregorian, 1500, 2, 29));
    CHECK_FALSE(valid(Calendar::Standard, 2001, 2, 29));
    CHECK_FALSE(valid(Calendar::Julian, 2001, 2, 29));
    CHECK_FALSE(valid(Calendar::NoLeap, 2000, 2, 29));
    CHECK(valid(Calendar::AllLeap, 2001, 2, 29));
    CHECK(valid(Calendar::AllLeap, 1900, 2, 29));
}

TEST_CASE("the 1582 reform gap exists only in the standard calendar", "[time]") {
    CHECK(valid(Calendar::Standard, 1582, 10, 4));
    CHECK(valid(Calendar::Standard, 1582, 10, 15));
    for (int day = 5; day <= 14; ++day) {
        CHECK_FALSE(valid(Calendar::Standard, 1582, 10, day));
        CHECK(valid(Calendar::ProlepticGregorian, 1582, 10, day));
        CHECK(valid(Calendar::Julian, 1582, 10, day));
    }
    CHECK(valid(Calendar::Standard, 1583, 10, 10));
}

TEST_CASE("year zero exists only outside the real-world calendars", "[time]") {
    CHECK_FALSE(valid(Calendar::Standard, 0, 1, 1));
    CHECK_FALSE(valid(Calendar::Julian, 0, 1, 1));
    CHECK(valid(Calendar::ProlepticGregorian, 0, 2, 29));
    CHECK(valid(Calendar::NoLeap, 0, 1, 1));
    CHECK(valid(Calendar::Day360, 0, 1, 1));
    CHECK(valid(Calendar::Standard, 1, 1, 1));
}

TEST_CASE("time-of-day and month ranges are validated", "[time]") {
    CHECK(is_valid(at(Calendar::Standard, 2000, 1, 1, 23, 59, 59, 999'999)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 1, 24)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 1, 0, 60)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 1, 0, 0, 60)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 1, 0, 0, 0, 1'000'000)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 1, -1)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 0, 1)));
    CHECK_FALSE(is_valid(at(Calendar::Day360, 2000, 13, 1)));
    CHECK_FALSE(is_valid(at(Calendar::Standard, 2000, 1, 0)));
}

TEST_CASE("elapsed time counts the calendar's own days", "[time]") {
    // A year.
    CHECK(days(Calendar::Day360, 2000, 1, 1, 2001, 1, 1) == 360);
    CHECK(days(Calendar::NoLeap, 2000, 1, 1, 2001, 1, 1) == 365);
    CHECK(days(Calendar::AllLeap, 2001, 1, 1, 2002, 1, 1) == 366);
    CHECK(days(Calendar::ProlepticGregorian, 2000, 1, 1, 2001, 1, 1) == 366);
    CHECK(days(Calendar::ProlepticGregorian, 1900, 1, 1, 1901, 1, 1) == 365);
    CHECK(days(Calendar::Julian, 1900, 1, 1, 1901, 1, 1) == 366);
    CHECK(days(Calendar::Standard, 1900, 1, 1, 1901, 1, 1) == 365);
    CHECK(days(Calendar::Standard, 1500, 1, 1, 1501, 1, 1) == 366);  // Julian leap century
    CHECK(days(Calendar::Standard, 1501, 1, 1, 1502, 1, 1) == 365);
    CHECK(days(Calendar::Standard, 1700, 1, 1, 1701, 1, 1) == 365);

    // Across a leap day, julian vs proleptic.
    CHECK(days(Calendar::Julian, 1900, 2, 28, 1900, 3, 1) == 2);
    CHECK(days(Calendar::ProlepticGregorian, 1900, 2, 28, 1900, 3, 1) == 1);
    CHECK(days(Calendar::Standard, 1500, 2, 28, 1500, 3, 1) == 2);
    CHECK(days(Calendar::NoLeap, 2000, 2, 28, 2000, 3, 1) == 1);
    CHECK(days(Calendar::AllLeap, 2001, 2, 28, 2001, 3, 1) == 2);
    CHECK(days(Calendar::Day360, 2000, 2, 30, 2000, 3, 1) == 1);
    CHECK(days(Calendar::Day360, 2000, 1, 16, 2000, 2, 16) == 30);

    // Across the 1582 reform: 4 October is followed by 15 October in standard only.
    CHECK(days(Calendar::Standard, 1582, 10, 4, 1582, 10, 15) == 1);
    CHECK(days(Calendar::ProlepticGregorian, 1582, 10, 4, 1582, 10, 15) == 11);
    CHECK(days(Calendar::Julian, 1582, 10, 4, 1582, 10, 15) == 11);
    CHECK(days(Calendar::Standard, 1582, 1, 1, 1583, 1, 1) == 355);

    // Long spans: Python's date ordinals, and Julian Day numbers (2451544.5 - 1721423.5).
    CHECK(days(Calendar::ProlepticGregorian, 1, 1, 1, 9999, 12, 31) == 3'652'058);
    CHECK(days(Calendar::Standard, 1, 1, 1, 2000, 1, 1) == 730'121);
    CHECK(days(Calendar::Julian, 1, 1, 1, 9999, 12, 31) == 9998 * 365 + 9998 / 4 + 364);
}

TEST_CASE("elapsed time includes time of day and is signed", "[time]") {
    const DateTime a = at(Calendar::Standard, 1999, 12, 31, 23, 59, 59);
    const DateTime b = at(Calendar::Standard, 2000, 1, 1, 0, 0, 0, 500'000);
    CHECK(microseconds_between(b, a) == 1'500'000);
    CHECK(microseconds_between(a, b) == -1'500'000);
    CHECK(microseconds_between(a, a) == 0);
    CHECK(microseconds_between(at(Calendar::Day360, 2000, 3, 16), at(Calendar::Day360, 2000, 1, 30)) ==
          46 * kDay);
    CHECK(microseconds_between(at(Calendar::Standard, 2000, 3, 16, 0, 0, 1), at(Calendar::Standard, 2000, 1, 31)) ==
          45 * kDay + kSecond);
}

TEST_CASE("subtracting different calendars throws", "[time]") {
    const DateTime standard = at(Calendar::Standard, 2000, 1, 1);
    const DateTime proleptic = at(Calendar::ProlepticGregorian, 2000, 1, 1);
    CHECK_THROWS_AS(microseconds_between(standard, proleptic), std::invalid_argument);
    CHECK_THROWS_AS(microseconds_between(at(Calendar::Day360, 2000, 1, 1), at(Calendar::NoLeap, 2000, 1, 1)),
                    std::invalid_argument);
}

TEST_CASE("catalog times parse with an optional time of day", "[time]") {
    const auto date_only = parse_catalog_time("2000-01-16", Calendar::Standard);
    REQUIRE(date_only);
    CHECK(compare(*date_only, at(Calendar::Standard, 2000, 1, 16)) == 0);
    CHECK(date_only->calendar == Calendar::Standard);

    const auto full = parse_catalog_time("2000-01-16 12:30:45", Calendar::NoLeap);
    REQUIRE(full);
    CHECK(full->year == 2000);
    CHECK(full->month == 1);
    CHECK(full->day == 16);
    CHECK(full->hour == 12);
    CHECK(full->minute == 30);
    CHECK(full->second == 45);
    CHECK(full->microsecond == 0);
    CHECK(full->calendar == Calendar::NoLeap);

    const auto early = parse_catalog_time("0500-01-16 00:00:00", Calendar::NoLeap);
    REQUIRE(early);
    CHECK(early->year == 500);
}

TEST_CASE("fractions are padded or truncated to microseconds", "[time]") {
    const auto micro = [](std::string_view text) {
        const auto t = parse_catalog_time(text, Calendar::Standard);
        REQUIRE(t);
        return t->microsecond;
    };
    CHECK(micro("2000-01-01 00:00:00.5") == 500'000);
    CHECK(micro("2000-01-01 00:00:00.05") == 50'000);
    CHECK(micro("2000-01-01 00:00:00.123456") == 123'456);
    CHECK(micro("2000-01-01 00:00:00.000001") == 1);
    CHECK(micro("2000-01-01 00:00:00.1234567") == 123'456);
    CHECK(micro("2000-01-01 00:00:00.999999999") == 999'999);
    CHECK(micro("2000-01-01 00:00:00.0") == 0);
}

TEST_CASE("surrounding whitespace is trimmed and inner whitespace may repeat", "[time]") {
    CHECK(parse_catalog_time("  2000-01-16  ", Calendar::Standard));
    CHECK(parse_catalog_time(" 2000-01-16 12:00:00 ", Calendar::Standard));
    CHECK(parse_catalog_time("\t2000-01-16 12:00:00\n", Calendar::Standard));
    const auto spaced = parse_catalog_time("2000-01-16 \t 12:00:00", Calendar::Standard);
    REQUIRE(spaced);
    CHECK(spaced->hour == 12);
}

TEST_CASE("malformed or impossible catalog times are rejected", "[time]") {
    for (const char* text :
         {"", "   ", "2000-1-16", "2000-01-6", "200-01-16", "20000-01-16", "2000/01/16", "2000-01-16T12:00:00",
          "2000-01-1612:00:00", "2000-01-16 12:00", "2000-01-16 12:00:0", "2000-01-16 12:00:00.",
          "2000-01-16 12:00:00Z", "2000-01-16 12:00:00 x", "2000-01-16 12:00:00.5x", "2000-01-16 12:00:00,5",
          "+200-01-16", "2000-01-16 1:00:00", "x2000-01-16", "2000-01-16 12:00:00.-1", "2000-01-16 12"}) {
        INFO(text);
        CHECK_FALSE(parse_catalog_time(text, Calendar::Standard));
    }
    // Matches the pattern but is not a date in the calendar.
    CHECK_FALSE(parse_catalog_time("2000-02-30", Calendar::Standard));
    CHECK(parse_catalog_time("2000-02-30", Calendar::Day360));
    CHECK_FALSE(parse_catalog_time("1582-10-10 00:00:00", Calendar::Standard));
    CHECK(parse_catalog_time("1582-10-10 00:00:00", Calendar::ProlepticGregorian));
    CHECK_FALSE(parse_catalog_time("2000-13-01", Calendar::Day360));
    CHECK_FALSE(parse_catalog_time("2000-01-16 24:00:00", Calendar::Standard));
    CHECK_FALSE(parse_catalog_time("2000-01-16 12:60:00", Calendar::Standard));
    CHECK_FALSE(parse_catalog_time("0000-01-01", Calendar::Standard));
    CHECK(parse_catalog_time("0000-01-01", Calendar::NoLeap));
}

TEST_CASE("to_text is cftime's text form", "[time]") {
    CHECK(to_text(at(Calendar::Standard, 2000, 1, 16, 12)) == "2000-01-16 12:00:00");
    CHECK(to_text(at(Calendar::Day360, 2000, 2, 30)) == "2000-02-30 00:00:00");
    CHECK(to_text(at(Calendar::Standard, 5, 3, 4, 5, 6, 7)) == "0005-03-04 05:06:07");
    CHECK(to_text(at(Calendar::Standard, 2000, 1, 1, 0, 0, 0, 500'000)) == "2000-01-01 00:00:00.500000");
    CHECK(to_text(at(Calendar::Standard, 2000, 1, 1, 0, 0, 0, 1)) == "2000-01-01 00:00:00.000001");
    for (const char* text : {"2000-01-16 12:00:00", "0600-01-16 00:00:00", "2000-12-31 23:59:59.000100"}) {
        const auto t = parse_catalog_time(text, Calendar::Standard);
        REQUIRE(t);
        CHECK(to_text(*t) == text);
    }
}

TEST_CASE("compare orders by fields and ignores the calendar", "[time]") {
    const DateTime base = at(Calendar::Standard, 2000, 6, 15, 12, 30, 30, 5);
    CHECK(compare(base, base) == 0);
    CHECK(compare(base, at(Calendar::Day360, 2000, 6, 15, 12, 30, 30, 5)) == 0);
    CHECK(compare(base, at(Calendar::Standard, 2001, 1, 1)) == -1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 7, 1)) == -1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 6, 14, 23)) == 1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 6, 15, 13)) == -1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 6, 15, 12, 29, 59)) == 1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 6, 15, 12, 30, 31)) == -1);
    CHECK(compare(base, at(Calendar::Standard, 2000, 6, 15, 12, 30, 30, 4)) == 1);
}

TEST_CASE("as_proleptic_gregorian re-reads the text form", "[time]") {
    const DateTime day360 = as_proleptic_gregorian(at(Calendar::Day360, 2000, 1, 30, 6, 0, 0, 42));
    CHECK(day360.calendar == Calendar::ProlepticGregorian);
    CHECK(to_text(day360) == "2000-01-30 06:00:00.000042");
    const DateTime julian = as_proleptic_gregorian(at(Calendar::Standard, 1582, 10, 4));
    CHECK(julian.calendar == Calendar::ProlepticGregorian);
    CHECK(to_text(julian) == "1582-10-04 00:00:00");
    CHECK_THROWS_AS(as_proleptic_gregorian(at(Calendar::Day360, 2000, 2, 30)), std::invalid_argument);
    CHECK_THROWS_AS(as_proleptic_gregorian(at(Calendar::Julian, 1900, 2, 29)), std::invalid_argument);
}

TEST_CASE("PartialDateTime compares only the fields it sets", "[time]") {
    const auto d = [](int y, int m, int day, int h = 0) { return at(Calendar::Standard, y, m, day, h); };
    // The examples of spec §3.4.
    CHECK(partial_equal(partial(2000), d(2000, 1, 1)));
    CHECK(partial_equal(partial(2000, 6), d(2000, 6, 15)));
    CHECK_FALSE(partial_less(partial(2000), d(2000, 12, 1)));
    CHECK(partial_less(partial(2000), d(2001, 12, 31)));
    CHECK(partial_less(partial(2000, 6), d(2000, 7, 31)));
    CHECK(partial_less(partial(2000, 6, 15, 12), d(2000, 6, 15, 13)));
    CHECK(partial_greater(partial(2000, 2), d(2000, 1, 1)));

    CHECK_FALSE(partial_greater(partial(2000), d(2000, 12, 1)));
    CHECK_FALSE(partial_equal(partial(2000, 6), d(2000, 7, 1)));
    CHECK(partial_greater(partial(2001, 1), d(2000, 12, 16)));
    CHECK_FALSE(partial_greater(partial(2000, 12), d(2000, 12, 16)));
    // Only set fields count, even when an earlier one is unset.
    CHECK(partial_equal(PartialDateTime{{}, 6, {}, {}, {}, {}}, d(1999, 6, 3)));
    CHECK(partial_less(PartialDateTime{{}, {}, {}, {}, {}, 10}, at(Calendar::Standard, 2000, 1, 1, 0, 0, 11)));
    // An empty PartialDateTime equals everything.
    CHECK(partial_equal(PartialDateTime{}, d(2000, 1, 1)));
    CHECK_FALSE(partial_less(PartialDateTime{}, d(2000, 1, 1)));
    CHECK_FALSE(partial_greater(PartialDateTime{}, d(2000, 1, 1)));
}

TEST_CASE("PartialDateTime works with 360_day date-times", "[time]") {
    const DateTime feb30 = at(Calendar::Day360, 2000, 2, 30);
    CHECK(partial_equal(partial(2000, 2, 30), feb30));
    CHECK(partial_less(partial(2000, 2, 29), feb30));
    CHECK(partial_greater(partial(2000, 3), feb30));
}
