// netCDF inputs for the native PMP tests: monthly lat-lon (and pressure-level) fields with
// time, lat and lon bounds, written with netCDF-C through the data generator's NcWriter.
#pragma once

#include <netcdf.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ref/datagen/nc_writer.hpp"

namespace pmp_native_test {

struct GridSpec {
    double dlat = 2.5, dlon = 2.5;  // global, latitudes from -90, longitudes from 0
    std::vector<double> lat() const {
        std::vector<double> v;
        for (double x = -90 + dlat / 2; x < 90; x += dlat) v.push_back(x);
        return v;
    }
    std::vector<double> lon() const {
        std::vector<double> v;
        for (double x = dlon / 2; x < 360; x += dlon) v.push_back(x);
        return v;
    }
};

struct MonthlyFile {
    std::string variable = "ts";
    std::string units = "K";
    GridSpec grid;
    std::vector<double> plev;  // Pa; empty for a 2-D field
    int first_year = 1980, last_year = 2006;
    bool climatology = false;  // 12 steps of one year (a reference climatology)
    // value(year, month, level index, lat, lon)
    std::function<double(int, int, std::size_t, double, double)> value;
};

inline constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

inline void write_monthly(const std::filesystem::path& path, const MonthlyFile& spec) {
    ref::datagen::NcWriter nc(path.string());
    const auto lat = spec.grid.lat(), lon = spec.grid.lon();
    const int last = spec.climatology ? spec.first_year : spec.last_year;
    std::vector<double> time, bounds;
    std::vector<std::pair<int, int>> months;
    for (int y = spec.first_year; y <= last; ++y) {
        double start = 365.0 * (y - 1850);
        for (int m = 1; m <= 12; ++m) {
            bounds.push_back(start);
            bounds.push_back(start + kMonthDays[m - 1]);
            time.push_back(start + kMonthDays[m - 1] / 2.0);
            start += kMonthDays[m - 1];
            months.emplace_back(y, m);
        }
    }
    const int dt = nc.dimension("time", time.size(), true);
    const int db = nc.dimension("bnds", 2);
    int dp = -1;
    if (!spec.plev.empty()) dp = nc.dimension("plev", spec.plev.size());
    const int dy = nc.dimension("lat", lat.size());
    const int dx = nc.dimension("lon", lon.size());
    const int vt = nc.variable("time", NC_DOUBLE, {dt},
                               {{"units", std::string("days since 1850-01-01")}, {"calendar", std::string("noleap")},
                                {"bounds", std::string("time_bnds")}});
    const int vtb = nc.variable("time_bnds", NC_DOUBLE, {dt, db});
    int vp = -1;
    if (dp >= 0) vp = nc.variable("plev", NC_DOUBLE, {dp}, {{"units", std::string("Pa")}});
    const int vy = nc.variable("lat", NC_DOUBLE, {dy}, {{"units", std::string("degrees_north")}, {"bounds", std::string("lat_bnds")}});
    const int vyb = nc.variable("lat_bnds", NC_DOUBLE, {dy, db});
    const int vx = nc.variable("lon", NC_DOUBLE, {dx}, {{"units", std::string("degrees_east")}, {"bounds", std::string("lon_bnds")}});
    const int vxb = nc.variable("lon_bnds", NC_DOUBLE, {dx, db});
    std::vector<int> dims = {dt};
    if (dp >= 0) dims.push_back(dp);
    dims.push_back(dy);
    dims.push_back(dx);
    const int vv = nc.variable(spec.variable, NC_DOUBLE, dims, {{"units", spec.units}});
    nc.fill(vv, 1e20);
    nc.end_definitions();
    nc.put(vt, time);
    nc.put(vtb, bounds);
    if (vp >= 0) nc.put(vp, spec.plev);
    nc.put(vy, lat);
    std::vector<double> yb, xb;
    for (const double y : lat) yb.push_back(y - spec.grid.dlat / 2), yb.push_back(y + spec.grid.dlat / 2);
    for (const double x : lon) xb.push_back(x - spec.grid.dlon / 2), xb.push_back(x + spec.grid.dlon / 2);
    nc.put(vyb, yb);
    nc.put(vx, lon);
    nc.put(vxb, xb);
    const std::size_t levels = spec.plev.empty() ? 1 : spec.plev.size();
    std::vector<double> data;
    data.reserve(months.size() * levels * lat.size() * lon.size());
    for (const auto& [y, m] : months)
        for (std::size_t k = 0; k < levels; ++k)
            for (const double la : lat)
                for (const double lo : lon) {
                    const double v = spec.value(y, m, k, la, lo);
                    data.push_back(std::isfinite(v) ? v : 1e20);
                }
    nc.put(vv, data);
    nc.close();
}

}  // namespace pmp_native_test
