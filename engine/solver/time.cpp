#include "solver/time.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <tuple>

namespace ref::solver {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = int64_t{86'400} * kMicrosPerSecond;

constexpr std::array<int, 12> kMonthDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
constexpr std::array<int, 12> kDaysBeforeMonth{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != b[i]) return false;
    return true;
}

// Python's str.strip() and \s, restricted to ASCII.
constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// cftime's real-world calendars have no year zero: year -1 (1 BC) is astronomical year 0.
constexpr bool lacks_year_zero(Calendar c) { return c == Calendar::Standard || c == Calendar::Julian; }
constexpr int64_t astronomical_year(int year, Calendar c) { return lacks_year_zero(c) && year < 0 ? year + 1 : year; }

constexpr bool gregorian_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
constexpr bool julian_leap(int64_t y) { return y % 4 == 0; }

bool is_leap(int year, Calendar calendar) {
    const int64_t y = astronomical_year(year, calendar);
    switch (calendar) {
        case Calendar::Standard: return year < 1583 ? julian_leap(y) : gregorian_leap(y);
        case Calendar::ProlepticGregorian: return gregorian_leap(y);
        case Calendar::Julian: return julian_leap(y);
        case Calendar::NoLeap: return false;
        case Calendar::AllLeap: return true;
        case Calendar::Day360: return false;
    }
    return false;
}

int days_in_month(int year, int month, Calendar calendar) {
    if (calendar == Calendar::Day360) return 30;
    return kMonthDays[static_cast<size_t>(month - 1)] + (month == 2 && is_leap(year, calendar) ? 1 : 0);
}

// Day of a March-based year (March 1 = 0), so a leap day is the last day of its year.
constexpr int64_t day_of_march_year(int month, int day) { return (153 * ((month + 9) % 12) + 2) / 5 + day - 1; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t gregorian_days(int64_t year, int month, int day) {
    const int64_t y = year - (month <= 2);
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + day_of_march_year(month, day);
    return era * 146097 + doe - 719468;
}

// Julian dates on the same day count: four-year cycles of 1461 days.
constexpr int64_t julian_days_unaligned(int64_t year, int month, int day) {
    const int64_t y = year - (month <= 2);
    const int64_t cycle = floor_div(y, 4);
    return cycle * 1461 + (y - cycle * 4) * 365 + day_of_march_year(month, day);
}
// Aligned so that Julian 1582-10-04 is the day before Gregorian 1582-10-15.
constexpr int64_t kJulianOffset = gregorian_days(1582, 10, 15) - 1 - julian_days_unaligned(1582, 10, 4);
constexpr int64_t julian_days(int64_t year, int month, int day) {
    return julian_days_unaligned(year, month, day) + kJulianOffset;
}
static_assert(gregorian_days(1970, 1, 1) == 0);
static_assert(julian_days(1970, 1, 1) == 13);  // Julian 1970-01-01 is Gregorian 1970-01-14

constexpr bool before_gregorian_reform(const DateTime& t) {
    return std::tie(t.year, t.month, t.day) < std::make_tuple(1582, 10, 15);
}

// A day count that is consecutive within the calendar (the origin differs per calendar).
int64_t day_number(const DateTime& t) {
    const int64_t y = t.year;
    const auto m = static_cast<size_t>(t.month - 1);
    switch (t.calendar) {
        case Calendar::Day360: return y * 360 + (t.month - 1) * 30 + t.day - 1;
        case Calendar::NoLeap: return y * 365 + kDaysBeforeMonth[m] + t.day - 1;
        case Calendar::AllLeap: return y * 366 + kDaysBeforeMonth[m] + (t.month > 2 ? 1 : 0) + t.day - 1;
        case Calendar::ProlepticGregorian: return gregorian_days(y, t.month, t.day);
        case Calendar::Julian: return julian_days(astronomical_year(t.year, t.calendar), t.month, t.day);
        case Calendar::Standard:
            return before_gregorian_reform(t) ? julian_days(astronomical_year(t.year, t.calendar), t.month, t.day)
                                              : gregorian_days(y, t.month, t.day);
    }
    return 0;
}

int64_t microsecond_of_day(const DateTime& t) {
    return ((int64_t{t.hour} * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond + t.microsecond;
}

// -1, 0 or 1: `p` against `d` over the fields set in `p`, in significance order.
int partial_compare(const PartialDateTime& p, const DateTime& d) {
    const std::array<std::pair<const std::optional<int>*, int>, 6> fields{
        {{&p.year, d.year}, {&p.month, d.month}, {&p.day, d.day}, {&p.hour, d.hour}, {&p.minute, d.minute},
         {&p.second, d.second}}};
    for (const auto& [wanted, actual] : fields)
        if (*wanted && **wanted != actual) return **wanted < actual ? -1 : 1;
    return 0;
}

}  // namespace

std::optional<Calendar> parse_calendar(std::string_view name) {
    if (name.empty() || iequals(name, "standard") || iequals(name, "gregorian")) return Calendar::Standard;
    if (iequals(name, "proleptic_gregorian")) return Calendar::ProlepticGregorian;
    if (iequals(name, "julian")) return Calendar::Julian;
    if (iequals(name, "noleap") || iequals(name, "365_day")) return Calendar::NoLeap;
    if (iequals(name, "all_leap") || iequals(name, "366_day")) return Calendar::AllLeap;
    if (iequals(name, "360_day")) return Calendar::Day360;
    return std::nullopt;
}

std::string_view to_string(Calendar calendar) {
    switch (calendar) {
        case Calendar::Standard: return "standard";
        case Calendar::ProlepticGregorian: return "proleptic_gregorian";
        case Calendar::Julian: return "julian";
        case Calendar::NoLeap: return "noleap";
        case Calendar::AllLeap: return "all_leap";
        case Calendar::Day360: return "360_day";
    }
    return "standard";
}

bool is_valid(const DateTime& t) {
    if (t.year == 0 && lacks_year_zero(t.calendar)) return false;
    if (t.month < 1 || t.month > 12) return false;
    if (t.day < 1 || t.day > days_in_month(t.year, t.month, t.calendar)) return false;
    if (t.calendar == Calendar::Standard && t.year == 1582 && t.month == 10 && t.day > 4 && t.day < 15) return false;
    return t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second < 60 &&
           t.microsecond >= 0 && t.microsecond < kMicrosPerSecond;
}

std::optional<DateTime> parse_catalog_time(std::string_view text, Calendar calendar) {
    size_t begin = 0, end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    const std::string_view s = text.substr(begin, end - begin);

    size_t i = 0;
    const auto number = [&](size_t digits, int& out) {
        if (s.size() - i < digits) return false;
        int value = 0;
        for (size_t k = 0; k < digits; ++k, ++i) {
            if (!is_digit(s[i])) return false;
            value = value * 10 + (s[i] - '0');
        }
        out = value;
        return true;
    };
    const auto literal = [&](char c) {
        if (i >= s.size() || s[i] != c) return false;
        ++i;
        return true;
    };

    DateTime t;
    t.calendar = calendar;
    if (!number(4, t.year) || !literal('-') || !number(2, t.month) || !literal('-') || !number(2, t.day))
        return std::nullopt;
    if (i < s.size()) {
        if (!is_space(s[i])) return std::nullopt;
        while (i < s.size() && is_space(s[i])) ++i;
        if (!number(2, t.hour) || !literal(':') || !number(2, t.minute) || !literal(':') || !number(2, t.second))
            return std::nullopt;
        if (i < s.size()) {
            if (!literal('.')) return std::nullopt;
            const size_t first = i;
            int fraction = 0;
            for (; i < s.size() && is_digit(s[i]); ++i)
                if (i - first < 6) fraction = fraction * 10 + (s[i] - '0');
            if (i == first || i != s.size()) return std::nullopt;
            for (size_t digits = i - first; digits < 6; ++digits) fraction *= 10;
            t.microsecond = fraction;
        }
    }
    if (!is_valid(t)) return std::nullopt;
    return t;
}

std::string to_text(const DateTime& t) {
    char buffer[128];  // ample for any int fields
    int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                          t.minute, t.second);
    if (t.microsecond != 0)
        n += std::snprintf(buffer + n, sizeof buffer - static_cast<size_t>(n), ".%06d", t.microsecond);
    return std::string(buffer, static_cast<size_t>(n));
}

int compare(const DateTime& a, const DateTime& b) {
    const auto key = [](const DateTime& t) {
        return std::tie(t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond);
    };
    if (key(a) < key(b)) return -1;
    return key(b) < key(a) ? 1 : 0;
}

int64_t microseconds_between(const DateTime& a, const DateTime& b) {
    if (a.month < 1 || a.month > 12 || b.month < 1 || b.month > 12)
        throw std::invalid_argument("cannot subtract date-times with a month outside 1-12");
    if (a.calendar != b.calendar)
        throw std::invalid_argument("cannot subtract date-times of different calendars (" +
                                    std::string(to_string(a.calendar)) + " and " +
                                    std::string(to_string(b.calendar)) + ")");
    return (day_number(a) - day_number(b)) * kMicrosPerDay + microsecond_of_day(a) - microsecond_of_day(b);
}

DateTime as_proleptic_gregorian(const DateTime& t) {
    const std::string text = to_text(t);
    if (auto parsed = parse_catalog_time(text, Calendar::ProlepticGregorian)) return *parsed;
    throw std::invalid_argument("'" + text + "' (" + std::string(to_string(t.calendar)) +
                                ") is not a valid proleptic Gregorian date-time");
}

bool partial_equal(const PartialDateTime& p, const DateTime& d) { return partial_compare(p, d) == 0; }
bool partial_less(const PartialDateTime& p, const DateTime& d) { return partial_compare(p, d) < 0; }
bool partial_greater(const PartialDateTime& p, const DateTime& d) { return partial_compare(p, d) > 0; }

}  // namespace ref::solver
