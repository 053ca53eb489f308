#include "ref/science/cf_time.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace ref::science {
namespace {

constexpr std::int64_t seconds_per_day = 86400;
// First Julian Day Number of the Gregorian part of the "standard" calendar (1582-10-15).
constexpr std::int64_t gregorian_start_jdn = 2299161;

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

bool julian_leap(int year) { return floor_div(year, 4) * 4 == year; }
bool gregorian_leap(int year) {
    return julian_leap(year) && (year % 100 != 0 || floor_div(year, 400) * 400 == year);
}

constexpr std::array<int, 12> month_days_365 = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Julian Day Numbers (Fliegel & Van Flandern style), valid from year -4712 on.
std::int64_t jdn_gregorian(std::int64_t y, std::int64_t m, std::int64_t d) {
    const std::int64_t a = (14 - m) / 12;
    const std::int64_t yy = y + 4800 - a;
    const std::int64_t mm = m + 12 * a - 3;
    return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

std::int64_t jdn_julian(std::int64_t y, std::int64_t m, std::int64_t d) {
    const std::int64_t a = (14 - m) / 12;
    const std::int64_t yy = y + 4800 - a;
    const std::int64_t mm = m + 12 * a - 3;
    return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - 32083;
}

DateTime from_jdn(std::int64_t jdn, bool gregorian) {
    std::int64_t b = 0;
    std::int64_t c = jdn + 32082;
    if (gregorian) {
        const std::int64_t a = jdn + 32044;
        b = (4 * a + 3) / 146097;
        c = a - 146097 * b / 4;
    }
    const std::int64_t d = (4 * c + 3) / 1461;
    const std::int64_t e = c - 1461 * d / 4;
    const std::int64_t m = (5 * e + 2) / 153;
    DateTime out;
    out.day = static_cast<int>(e - (153 * m + 2) / 5 + 1);
    out.month = static_cast<int>(m + 3 - 12 * (m / 10));
    out.year = static_cast<int>(100 * b + d - 4800 + m / 10);
    return out;
}

// Fixed-length-year calendars: day count from year 0.
std::int64_t fixed_day_number(int days_per_year, bool leap_february, int y, int m, int d) {
    std::int64_t n = static_cast<std::int64_t>(y) * days_per_year;
    for (int i = 1; i < m; ++i) n += (days_per_year == 360) ? 30 : month_days_365[i - 1] + ((i == 2 && leap_february) ? 1 : 0);
    return n + d - 1;
}

DateTime fixed_date(int days_per_year, bool leap_february, std::int64_t number) {
    DateTime out;
    const std::int64_t year = floor_div(number, days_per_year);
    int rest = static_cast<int>(number - year * days_per_year);
    out.year = static_cast<int>(year);
    out.month = 1;
    while (true) {
        const int len = (days_per_year == 360) ? 30 : month_days_365[out.month - 1] + ((out.month == 2 && leap_february) ? 1 : 0);
        if (rest < len) break;
        rest -= len;
        ++out.month;
    }
    out.day = rest + 1;
    return out;
}

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool accept(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    void skip_spaces() {
        while (!done() && std::isspace(static_cast<unsigned char>(peek()))) ++pos_;
    }
    // Reads at least one digit; returns -1 when none is present.
    long number() {
        if (!std::isdigit(static_cast<unsigned char>(peek()))) return -1;
        long value = 0;
        while (std::isdigit(static_cast<unsigned char>(peek()))) {
            if (value > 100000000) return -1;
            value = value * 10 + (text_[pos_++] - '0');
        }
        return value;
    }
    std::string_view rest() const { return text_.substr(pos_); }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

TimeUnit parse_unit(const std::string& word, std::string_view units) {
    if (word == "days" || word == "day" || word == "d") return TimeUnit::days;
    if (word == "hours" || word == "hour" || word == "hrs" || word == "hr" || word == "h") return TimeUnit::hours;
    if (word == "minutes" || word == "minute" || word == "mins" || word == "min") return TimeUnit::minutes;
    if (word == "seconds" || word == "second" || word == "secs" || word == "sec" || word == "s") return TimeUnit::seconds;
    throw CfTimeError("unsupported time unit '" + word + "' in '" + std::string(units) +
                      "' (expected days, hours, minutes or seconds)");
}

}  // namespace

Calendar parse_calendar(std::string_view name) {
    const std::string key = lower(trim(name));
    if (key.empty() || key == "standard" || key == "gregorian") return Calendar::standard;
    if (key == "proleptic_gregorian") return Calendar::proleptic_gregorian;
    if (key == "julian") return Calendar::julian;
    if (key == "noleap" || key == "365_day") return Calendar::noleap;
    if (key == "all_leap" || key == "366_day") return Calendar::all_leap;
    if (key == "360_day") return Calendar::day_360;
    throw CfTimeError("unsupported calendar '" + std::string(name) + "'");
}

std::string calendar_name(Calendar calendar) {
    switch (calendar) {
        case Calendar::standard: return "standard";
        case Calendar::proleptic_gregorian: return "proleptic_gregorian";
        case Calendar::julian: return "julian";
        case Calendar::noleap: return "noleap";
        case Calendar::all_leap: return "all_leap";
        case Calendar::day_360: return "360_day";
    }
    return "standard";
}

std::string format_datetime(const DateTime& date) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", date.year, date.month, date.day, date.hour,
                  date.minute, date.second);
    return buffer;
}

bool is_leap_year(Calendar calendar, int year) {
    switch (calendar) {
        case Calendar::standard: return year < 1582 ? julian_leap(year) : gregorian_leap(year);
        case Calendar::proleptic_gregorian: return gregorian_leap(year);
        case Calendar::julian: return julian_leap(year);
        case Calendar::all_leap: return true;
        case Calendar::noleap:
        case Calendar::day_360: return false;
    }
    return false;
}

int days_in_month(Calendar calendar, int year, int month) {
    if (month < 1 || month > 12) throw CfTimeError("month " + std::to_string(month) + " is out of range");
    if (calendar == Calendar::day_360) return 30;
    return month_days_365[month - 1] + ((month == 2 && is_leap_year(calendar, year)) ? 1 : 0);
}

void validate_date(Calendar calendar, const DateTime& date) {
    const bool valid_day = date.month >= 1 && date.month <= 12 && date.day >= 1 &&
                           date.day <= days_in_month(calendar, date.year, date.month);
    const bool valid_time = date.hour >= 0 && date.hour < 24 && date.minute >= 0 && date.minute < 60 &&
                            date.second >= 0 && date.second < 60;
    if (!valid_day || !valid_time) {
        throw CfTimeError("invalid date " + format_datetime(date) + " in calendar " + calendar_name(calendar));
    }
    const bool gregorian_family = calendar == Calendar::standard || calendar == Calendar::proleptic_gregorian ||
                                  calendar == Calendar::julian;
    if (gregorian_family && date.year < -4700) {
        throw CfTimeError("year " + std::to_string(date.year) + " is out of the supported range");
    }
    if (calendar == Calendar::standard && date.year == 1582 && date.month == 10 && date.day > 4 && date.day < 15) {
        throw CfTimeError("date " + format_datetime(date) + " does not exist in the standard calendar");
    }
}

std::int64_t day_number(Calendar calendar, int year, int month, int day) {
    validate_date(calendar, DateTime{year, month, day, 0, 0, 0});
    switch (calendar) {
        case Calendar::standard: {
            const bool gregorian = DateTime{year, month, day} >= DateTime{1582, 10, 15};
            return gregorian ? jdn_gregorian(year, month, day) : jdn_julian(year, month, day);
        }
        case Calendar::proleptic_gregorian: return jdn_gregorian(year, month, day);
        case Calendar::julian: return jdn_julian(year, month, day);
        case Calendar::noleap: return fixed_day_number(365, false, year, month, day);
        case Calendar::all_leap: return fixed_day_number(366, true, year, month, day);
        case Calendar::day_360: return fixed_day_number(360, false, year, month, day);
    }
    return 0;
}

DateTime date_from_day_number(Calendar calendar, std::int64_t number) {
    switch (calendar) {
        case Calendar::standard: return from_jdn(number, number >= gregorian_start_jdn);
        case Calendar::proleptic_gregorian: return from_jdn(number, true);
        case Calendar::julian: return from_jdn(number, false);
        case Calendar::noleap: return fixed_date(365, false, number);
        case Calendar::all_leap: return fixed_date(366, true, number);
        case Calendar::day_360: return fixed_date(360, false, number);
    }
    return {};
}

double seconds_per_unit(TimeUnit unit) {
    switch (unit) {
        case TimeUnit::days: return 86400.0;
        case TimeUnit::hours: return 3600.0;
        case TimeUnit::minutes: return 60.0;
        case TimeUnit::seconds: return 1.0;
    }
    return 1.0;
}

TimeUnits parse_time_units(std::string_view units) {
    const std::string text = lower(trim(units));
    const auto since = text.find(" since ");
    if (since == std::string::npos) {
        throw CfTimeError("time units '" + std::string(units) + "' are not of the form '<unit> since <date>'");
    }
    TimeUnits out;
    out.unit = parse_unit(std::string(trim(std::string_view(text).substr(0, since))), units);

    const auto bad = [&](const std::string& why) {
        return CfTimeError("cannot parse the reference date in time units '" + std::string(units) + "': " + why);
    };
    Cursor cur(trim(std::string_view(text).substr(since + 7)));
    const long year = cur.number();
    if (year < 0 || !cur.accept('-')) throw bad("expected YYYY-M-D");
    const long month = cur.number();
    if (month < 0 || !cur.accept('-')) throw bad("expected YYYY-M-D");
    const long day = cur.number();
    if (day < 0) throw bad("expected YYYY-M-D");
    out.epoch = DateTime{static_cast<int>(year), static_cast<int>(month), static_cast<int>(day), 0, 0, 0};

    if (!cur.accept('t')) cur.skip_spaces();
    if (std::isdigit(static_cast<unsigned char>(cur.peek()))) {
        const long hour = cur.number();
        if (!cur.accept(':')) throw bad("expected HH:MM");
        const long minute = cur.number();
        if (minute < 0) throw bad("expected HH:MM");
        double second = 0.0;
        if (cur.accept(':')) {
            const long whole = cur.number();
            if (whole < 0) throw bad("expected HH:MM:SS");
            second = static_cast<double>(whole);
            if (cur.accept('.')) {
                double scale = 0.1;
                while (std::isdigit(static_cast<unsigned char>(cur.peek()))) {
                    second += scale * (cur.peek() - '0');
                    scale /= 10.0;
                    cur.accept(cur.peek());
                }
            }
        }
        out.epoch.hour = static_cast<int>(hour);
        out.epoch.minute = static_cast<int>(minute);
        out.epoch.second = static_cast<int>(std::lround(second));
    }
    cur.skip_spaces();
    const std::string_view zone = cur.rest();
    const bool utc = zone.empty() || zone == "z" || zone == "utc" || zone == "+00:00" || zone == "+0000" ||
                     zone == "-00:00" || zone == "+00" || zone == "0" || zone == "00:00";
    if (!utc) throw bad("only UTC reference times are supported, found '" + std::string(zone) + "'");
    return out;
}

CfTime::CfTime(std::string_view units, std::string_view calendar)
    : units_text_(units), units_(parse_time_units(units)), calendar_(parse_calendar(calendar)) {
    validate_date(calendar_, units_.epoch);
    epoch_day_ = day_number(calendar_, units_.epoch.year, units_.epoch.month, units_.epoch.day);
    epoch_second_of_day_ = units_.epoch.hour * 3600 + units_.epoch.minute * 60 + units_.epoch.second;
}

DateTime CfTime::decode(double value) const {
    const double offset = value * seconds_per_unit(units_.unit);
    // About 30 million years either way; also rejects NaN and infinities.
    if (!(std::fabs(offset) < 1e15)) {
        throw CfTimeError("time value " + std::to_string(value) + " in '" + units_text_ + "' cannot be decoded");
    }
    const std::int64_t total = std::llround(offset) + epoch_second_of_day_;
    const std::int64_t days = floor_div(total, seconds_per_day);
    const std::int64_t second_of_day = total - days * seconds_per_day;
    DateTime out = date_from_day_number(calendar_, epoch_day_ + days);
    out.hour = static_cast<int>(second_of_day / 3600);
    out.minute = static_cast<int>((second_of_day % 3600) / 60);
    out.second = static_cast<int>(second_of_day % 60);
    return out;
}

double CfTime::encode(const DateTime& date) const {
    validate_date(calendar_, date);
    const std::int64_t days = day_number(calendar_, date.year, date.month, date.day) - epoch_day_;
    const std::int64_t seconds =
        days * seconds_per_day + (date.hour * 3600 + date.minute * 60 + date.second) - epoch_second_of_day_;
    return static_cast<double>(seconds) / seconds_per_unit(units_.unit);
}

double CfTime::convert_from(double value, const CfTime& from) const {
    if (from.calendar_ != calendar_) {
        throw CfTimeError("cannot convert times between calendars " + calendar_name(from.calendar_) + " and " +
                          calendar_name(calendar_));
    }
    const std::int64_t epoch_shift =
        (from.epoch_day_ - epoch_day_) * seconds_per_day + (from.epoch_second_of_day_ - epoch_second_of_day_);
    const double seconds = value * seconds_per_unit(from.units_.unit) + static_cast<double>(epoch_shift);
    return seconds / seconds_per_unit(units_.unit);
}

}  // namespace ref::science
