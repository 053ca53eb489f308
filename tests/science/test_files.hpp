#pragma once

// Small lat/lon netCDF files for the science tests, written with netCDF-C.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::science::testing {

struct TestFile {
    std::string variable = "tas";
    std::string units = "K";
    std::vector<double> time;
    std::string time_units = "days since 2000-01-01";
    std::optional<std::string> calendar = std::string("noleap");  // nullopt: no calendar attribute
    std::vector<double> lat = {-45.0, 45.0};
    std::size_t nlon = 3;
    std::vector<double> data;  // [time][lat][lon]; NaN is written as the 1e20 fill value
};

void write_test_file(const std::filesystem::path& path, const TestFile& spec);

// Mid-month time stamps for `months` consecutive months from January of first_year.
std::vector<double> monthly_times(int first_year, int months, const std::string& units, const std::string& calendar);

// `steps` copies of one field of `cells` values, each step offset by step_increment.
std::vector<double> ramp(std::size_t steps, std::size_t cells, double start, double step_increment);

}  // namespace ref::science::testing
