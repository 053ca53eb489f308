#pragma once

// Annual global-mean time series, the building block of the time-series diagnostics.

#include <string>
#include <string_view>
#include <vector>

#include "ref/science/weights.hpp"

namespace ref::science {

struct AnnualSeries {
    std::string variable;
    std::vector<int> years;
    std::vector<double> values;
    std::string units;
    std::string calendar;
    std::string long_name;      // empty when the file has none
    std::string standard_name;  // empty when the file has none
};

// Annual mean per cell first (unweighted over the finite months of each calendar year),
// then the area-weighted mean over the grid. With an empty area_file the weights are
// cos(lat) from the first variable file.
AnnualSeries annual_global_mean(const std::vector<std::string>& variable_files, const std::string& variable,
                                const std::string& area_file, const std::string& area_variable);

// Weighted mean over all spatial cells per time step first, then the annual mean of those.
AnnualSeries annual_mean_of_global_means(const std::vector<std::string>& files, const std::string& variable,
                                         const Weights& weights);

// True for K, kelvin, degK, deg_K (ignoring case and surrounding spaces).
bool is_kelvin(std::string_view units);

// Subtracts 273.15 and sets units to "degC" when the series is in kelvin; otherwise unchanged.
void convert_to_celsius(AnnualSeries& series);

}  // namespace ref::science
