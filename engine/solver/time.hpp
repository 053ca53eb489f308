// Calendar-aware date-times as the solver sees them (CF calendars, as cftime has them).
// Catalog times are text ("YYYY-MM-DD HH:MM:SS[.ffffff]"); comparisons and gaps follow
// the row's calendar, so 30 February is a valid 360_day date and an invalid standard one.
#pragma once

#include "solver/requirements.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ref::solver {

enum class Calendar {
    Standard,            // "standard", "gregorian": Julian before 1582-10-15, Gregorian after
    ProlepticGregorian,  // "proleptic_gregorian"
    Julian,              // "julian"
    NoLeap,              // "noleap", "365_day"
    AllLeap,             // "all_leap", "366_day"
    Day360,              // "360_day"
};

// CF calendar names, case-insensitive; an empty name is standard; nullopt for unknown names.
std::optional<Calendar> parse_calendar(std::string_view name);
std::string_view to_string(Calendar calendar);

struct DateTime {
    int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0;
    Calendar calendar = Calendar::Standard;
};

// Whether the date exists in its calendar (month 1-12, day within that month, 1582-10-05..14
// missing from standard, hour < 24, minute < 60, second < 60, microsecond < 1e6).
bool is_valid(const DateTime& t);

// Parses the catalog text form: after trimming spaces it must match
// ^(\d{4})-(\d{2})-(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$ ; the fraction is
// right-padded or truncated to 6 digits. nullopt if it does not match or is not a valid date
// in `calendar`.
std::optional<DateTime> parse_catalog_time(std::string_view text, Calendar calendar);

// cftime's text form: "YYYY-MM-DD HH:MM:SS", with ".ffffff" when microsecond != 0; year
// zero-padded to 4 digits.
std::string to_text(const DateTime& t);

// Orders by the fields (year .. microsecond), ignoring the calendar: -1, 0 or 1.
int compare(const DateTime& a, const DateTime& b);

// a - b in microseconds, counted in the calendar both share. Throws std::invalid_argument if
// the calendars differ.
int64_t microseconds_between(const DateTime& a, const DateTime& b);

// The same instant read as a proleptic Gregorian time from its text form (the fall-back for
// subtracting times of different calendars). Throws std::invalid_argument when the text is
// not a valid proleptic Gregorian date (e.g. a 360_day 30 February).
DateTime as_proleptic_gregorian(const DateTime& t);

// PartialDateTime comparisons (solver spec §3.4): only the fields set in `p` take part, in the
// order year, month, day, hour, minute, second.
bool partial_equal(const PartialDateTime& p, const DateTime& d);
bool partial_less(const PartialDateTime& p, const DateTime& d);     // p < d
bool partial_greater(const PartialDateTime& p, const DateTime& d);  // not (p < d) and not (p == d)

}  // namespace ref::solver
