#include "test_files.hpp"

#include <netcdf.h>

#include "ref/datagen/nc_writer.hpp"
#include "ref/science/cf_time.hpp"

namespace ref::science::testing {

void write_test_file(const std::filesystem::path& path, const TestFile& spec) {
    datagen::NcWriter out(path.string());
    const int time_dim = out.dimension("time", spec.time.size(), true);
    datagen::Attributes time_attributes = {{"units", spec.time_units}, {"standard_name", std::string("time")}};
    if (spec.calendar) time_attributes.emplace_back("calendar", *spec.calendar);
    out.put(out.variable("time", NC_DOUBLE, {time_dim}, time_attributes), spec.time);
    const int lat_dim = out.dimension("lat", spec.lat.size());
    const int lon_dim = out.dimension("lon", spec.nlon);
    out.put(out.variable("lat", NC_DOUBLE, {lat_dim}, {{"units", std::string("degrees_north")}}), spec.lat);
    std::vector<double> lon(spec.nlon);
    for (std::size_t i = 0; i < spec.nlon; ++i) lon[i] = (static_cast<double>(i) + 0.5) * 360.0 / static_cast<double>(spec.nlon);
    out.put(out.variable("lon", NC_DOUBLE, {lon_dim}, {{"units", std::string("degrees_east")}}), lon);
    std::vector<float> values;
    for (const double v : spec.data) values.push_back(v == v ? static_cast<float>(v) : datagen::fill_value);
    out.put(out.float_variable(spec.variable, {time_dim, lat_dim, lon_dim}, {{"units", spec.units}}), values);
    out.close();
}

std::vector<double> monthly_times(int first_year, int months, const std::string& units, const std::string& calendar) {
    const CfTime time(units, calendar);
    std::vector<double> out;
    for (int k = 0; k < months; ++k) {
        const int year = first_year + k / 12;
        const int month = k % 12 + 1;
        const double start = time.encode(DateTime{year, month, 1, 0, 0, 0});
        const double end = time.encode(month == 12 ? DateTime{year + 1, 1, 1, 0, 0, 0} : DateTime{year, month + 1, 1, 0, 0, 0});
        out.push_back(0.5 * (start + end));
    }
    return out;
}

std::vector<double> ramp(std::size_t steps, std::size_t cells, double start, double step_increment) {
    std::vector<double> out;
    for (std::size_t t = 0; t < steps; ++t) out.insert(out.end(), cells, start + step_increment * static_cast<double>(t));
    return out;
}

}  // namespace ref::science::testing
