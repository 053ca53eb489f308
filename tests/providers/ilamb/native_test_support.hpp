// Gridded netCDF inputs for the native ILAMB tests, with values from closed-form functions.
#pragma once

#include "ilamb_test_support.hpp"
#include "ref/ilamb/native.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ilamb_test {

struct GridSpec {
    std::vector<double> lat_edges;  // ascending
    std::vector<double> lon_edges;  // ascending
};
// nlat x nlon equal cells covering the globe, longitudes from lon0.
GridSpec regular_grid(std::size_t nlat, std::size_t nlon, double lon0 = 0.0);

struct FieldFile {
    std::string variable = "mrro";
    std::string units = "kg m-2 s-1";
    int first_year = 2000;
    int months = 0;  // 0: no time axis
    std::string calendar = "360_day";
    std::string cell_measures;  // attribute, empty: none
    std::string cell_methods;
    // value(step, month index 0-11, lat, lon)
    std::function<double(int, int, double, double)> value;
};
// Writes a (time,) lat, lon file with lat/lon bounds; time in days since first_year-01-01 (30-day months).
void write_grid_file(const fs::path& path, const GridSpec& grid, const FieldFile& field);

// An ILAMB region file: ids(lat, lon) with labels/names string variables; region k where id == k.
void write_region_file(const fs::path& path, const GridSpec& grid, const std::vector<std::string>& labels,
                       const std::vector<std::string>& names, const std::function<int(double, double)>& id);

// The value of one statistic (e.g. "Bias Score [1]") of `source` in `region`; NaN when absent.
double scalar(const std::vector<ref::ilamb::ScalarRow>& rows, const std::string& source, const std::string& region,
              const std::string& name);

}  // namespace ilamb_test
