#pragma once

// One variable read across all files of a dataset and merged on a single time axis.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ref/science/cf_time.hpp"

namespace ref::science {

struct Field {
    std::string variable;
    std::vector<std::string> files;
    std::string units;
    std::string long_name;
    std::string standard_name;
    std::string time_units;  // of the first file; every time value is expressed in it
    std::string calendar;    // as written in the first file, "standard" when absent
    std::vector<double> time;
    std::vector<double> time_bounds;  // [step][2] in time_units: the file's bounds, else halfway to the neighbours
    std::vector<DateTime> dates;
    std::vector<std::string> spatial_dims;  // every dimension but time, e.g. lat, lon or j, i
    std::vector<std::size_t> spatial_shape;
    std::vector<double> data;  // [time][cell], NaN where missing

    std::size_t step_count() const { return time.size(); }
    std::size_t cell_count() const;
    std::span<const double> step(std::size_t index) const;
    // Length of a time cell (upper minus lower bound) in time_units.
    double step_length(std::size_t index) const { return time_bounds[2 * index + 1] - time_bounds[2 * index]; }
};

// Reads `variable` (whose first dimension must be "time") from every file and merges
// them: the time axis is sorted and holds each time step once even when files overlap.
// Time bounds come from the variable named by time:bounds when the files have it.
// Throws std::runtime_error when calendars, units or spatial shapes differ, or when two
// files hold different values for the same time step (the message names both files).
// One index kept along a dimension other than time, e.g. the surface of (time, depth, lat, lon):
// `dimension` counts the variable's dimensions from 0 (time), so it is at least 1. Only that
// level is read, and the dimension is left out of spatial_dims and spatial_shape.
struct FixedIndex {
    std::size_t dimension = 1;
    std::size_t index = 0;
};
Field read_field(const std::vector<std::string>& files, const std::string& variable,
                 std::optional<FixedIndex> fixed = std::nullopt);

// "19x36" style text used in error messages.
std::string shape_text(const std::vector<std::size_t>& shape);

}  // namespace ref::science
