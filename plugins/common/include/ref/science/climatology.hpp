#pragma once

// Calendar-month climatologies, seasonal means and anomalies of a Field, every average
// weighted by the length of each time step's bounds (so February counts less than March).

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ref/science/cf_time.hpp"
#include "ref/science/field.hpp"

namespace ref::science {

struct MonthlyClimatology {
    std::size_t cells = 0;
    std::vector<double> data;                // [month 0..11][cell], NaN where no valid value
    std::array<double, 12> month_lengths{};  // days of each month in a non-leap year of the calendar
    std::array<int, 12> step_counts{};       // time steps that went into each month

    std::span<const double> month(std::size_t index) const {
        return std::span<const double>(data).subspan(index * cells, cells);
    }
};

// The time steps of `field` dated within [first, last] (inclusive).
std::vector<std::size_t> steps_between(const Field& field, const DateTime& first, const DateTime& last);

// Time-bounds-weighted mean of each calendar month over the steps in [first, last];
// missing values are left out of both the sum and the weights. Throws std::runtime_error
// (naming the field's first file) when a calendar month has no step in the period.
MonthlyClimatology monthly_climatology(const Field& field, const DateTime& first, const DateTime& last);
MonthlyClimatology monthly_climatology(const Field& field);

enum class Season { djf, mam, jja, son };
std::string season_name(Season season);  // "DJF", ...
Season parse_season(const std::string& name);  // DJF/djf, ...; std::invalid_argument otherwise
std::array<int, 3> season_months(Season season);  // DJF -> {12, 1, 2}

struct YearlyField {
    std::vector<int> years;  // DJF is labelled with the year of its January
    std::size_t cells = 0;
    std::vector<double> data;  // [year][cell]

    std::span<const double> year(std::size_t index) const {
        return std::span<const double>(data).subspan(index * cells, cells);
    }
};

// One time-weighted mean per year of the season's three months. DJF takes the December of
// the previous year; a season with a month absent from the field is dropped (so the first
// DJF of a January-start record is dropped).
YearlyField seasonal_means(const Field& field, Season season);

// Each step minus the climatology of its calendar month (over the whole field).
std::vector<double> monthly_anomalies(const Field& field);

// seasonal_means minus their time-weighted mean over all years.
YearlyField seasonal_anomalies(const Field& field, Season season);

}  // namespace ref::science
