#pragma once

// Coordinates shared by all writers: the monthly time axis and the horizontal grid.

#include <string>
#include <vector>

#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/grid.hpp"
#include "ref/datagen/writers.hpp"

namespace ref::datagen::detail {

struct MonthlyAxis {
    std::vector<double> time;    // mid-month
    std::vector<double> bounds;  // [step][2]: start of month, start of next month
    std::vector<int> years;
    std::vector<int> months;
    std::string start_time;  // decoded first and last stamps
    std::string end_time;
};

MonthlyAxis monthly_axis(const TimeSpan& span);

// Defines and writes time/time_bnds; returns the time dimension.
int write_time_axis(NcWriter& out, const MonthlyAxis& axis, const TimeSpan& span, int bnds_dim);

// Defines and writes lat/lon (or j/i with 2-D latitude/longitude and vertices);
// returns the two horizontal dimensions in storage order.
std::vector<int> write_grid(NcWriter& out, const Grid& grid, int bnds_dim);

// Field values [time][j][i] as float32, with the fill value over land.
std::vector<float> field_values(const FieldSpec& field, const Grid& grid, const MonthlyAxis& axis);

// "hdl:21.14100/<uuid-like>", stable for a given seed so that reruns write identical files.
std::string tracking_id(const std::string& seed);
// The same with another handle prefix (CMIP7 uses "hdl:21.14107/").
std::string tracking_id(const std::string& seed, const std::string& prefix);

// "YYYYMM" of the first and last month, for file names.
std::string month_range(const TimeSpan& span);

std::string grid_description(const Grid& grid);
std::string nominal_resolution(const Grid& grid);

}  // namespace ref::datagen::detail
