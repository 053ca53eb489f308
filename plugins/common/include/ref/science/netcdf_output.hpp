#pragma once

// Small CF-compliant netCDF results.

#include <string>

#include "ref/science/annual_series.hpp"

namespace ref::science {

// One value per year on a `time` axis stamped at 1 January of each year, in units
// "days since <first year>-01-01" and the series' calendar. Written atomically.
// Throws std::runtime_error for an empty series.
void write_annual_series_netcdf(const std::string& path, const AnnualSeries& series, const std::string& variable_name);

}  // namespace ref::science
