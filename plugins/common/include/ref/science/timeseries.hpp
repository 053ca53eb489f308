#pragma once

// Time-series operations of the climate-sensitivity diagnostics: calendar-year means with
// their time cells, length-weighted period means, running means and cumulative sums.

#include <cstddef>
#include <span>
#include <vector>

#include "ref/science/cf_time.hpp"

namespace ref::science {

struct YearlySeries {
    std::vector<int> years;
    std::vector<double> values;
    std::vector<double> time;         // midpoint of each year's cell, in the input's time units
    std::vector<double> time_bounds;  // [year][2]: earliest lower and latest upper bound of its steps

    std::size_t size() const { return years.size(); }
    double length(std::size_t index) const { return time_bounds[2 * index + 1] - time_bounds[2 * index]; }
};

// Unweighted mean of the finite values of each calendar year (a year with none is NaN); its
// time cell spans its steps' bounds. `time_bounds` is [step][2]. Throws std::invalid_argument
// when the lengths disagree.
YearlySeries calendar_year_means(const std::vector<DateTime>& dates, std::span<const double> values,
                                 std::span<const double> time_bounds);

// Mean weighted by each step's length (upper minus lower bound), skipping non-finite values;
// NaN when nothing qualifies.
double length_weighted_mean(std::span<const double> values, std::span<const double> time_bounds);

// Mean of the `window` values centred on each index (window must be odd and positive); the
// first and last window/2 entries, and any window holding a NaN, are NaN.
std::vector<double> centred_running_mean(std::span<const double> values, std::size_t window);

// E(k) = sum_{j<=k} values(j) * lengths(j); a non-finite term makes the rest NaN.
std::vector<double> cumulative_sum(std::span<const double> values, std::span<const double> lengths);

}  // namespace ref::science
