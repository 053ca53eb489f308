#pragma once

// CF-convention time coordinates: units "<unit> since <date>" and the CF calendars.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ref::science {

class CfTimeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Calendar { standard, proleptic_gregorian, julian, noleap, all_leap, day_360 };

// Accepts the CF names and aliases (gregorian, 365_day, 366_day, ...), case-insensitively.
// An empty name means the CF default, "standard".
Calendar parse_calendar(std::string_view name);
std::string calendar_name(Calendar calendar);

struct DateTime {
    int year = 1;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;

    auto operator<=>(const DateTime&) const = default;
};

// "YYYY-MM-DD HH:MM:SS" with at least four year digits (0101-01-16 12:00:00).
std::string format_datetime(const DateTime& date);

bool is_leap_year(Calendar calendar, int year);
int days_in_month(Calendar calendar, int year, int month);
// Throws CfTimeError for dates that do not exist in the calendar (30 Feb, 1582-10-10 in standard).
void validate_date(Calendar calendar, const DateTime& date);

// Consecutive day count in the calendar (the origin differs per calendar family).
std::int64_t day_number(Calendar calendar, int year, int month, int day);
DateTime date_from_day_number(Calendar calendar, std::int64_t number);

enum class TimeUnit { days, hours, minutes, seconds };

struct TimeUnits {
    TimeUnit unit = TimeUnit::days;
    DateTime epoch;
};

TimeUnits parse_time_units(std::string_view units);
double seconds_per_unit(TimeUnit unit);

// Decodes and encodes numeric time values for one units string and calendar.
// Decoding rounds to the nearest second, which is far below any CMIP time step.
class CfTime {
public:
    CfTime(std::string_view units, std::string_view calendar);

    DateTime decode(double value) const;
    double encode(const DateTime& date) const;

    Calendar calendar() const { return calendar_; }
    const TimeUnits& units() const { return units_; }
    const std::string& units_text() const { return units_text_; }

    // Re-expresses a value of `from` in this object's units; both must share the calendar.
    double convert_from(double value, const CfTime& from) const;

private:
    std::string units_text_;
    TimeUnits units_;
    Calendar calendar_;
    std::int64_t epoch_day_;
    std::int64_t epoch_second_of_day_;
};

}  // namespace ref::science
