#include "axes.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include <netcdf.h>

#include "ref/science/cf_time.hpp"

namespace ref::datagen::detail {

using science::CfTime;
using science::DateTime;

MonthlyAxis monthly_axis(const TimeSpan& span) {
    const CfTime time(span.units, span.calendar);
    MonthlyAxis axis;
    for (int year = span.first_year; year <= span.last_year; ++year) {
        for (int month = 1; month <= 12; ++month) {
            const double start = time.encode(DateTime{year, month, 1, 0, 0, 0});
            const double end = time.encode(month == 12 ? DateTime{year + 1, 1, 1, 0, 0, 0} : DateTime{year, month + 1, 1, 0, 0, 0});
            axis.time.push_back(0.5 * (start + end));
            axis.bounds.push_back(start);
            axis.bounds.push_back(end);
            axis.years.push_back(year);
            axis.months.push_back(month);
        }
    }
    if (!axis.time.empty()) {
        axis.start_time = science::format_datetime(time.decode(axis.time.front()));
        axis.end_time = science::format_datetime(time.decode(axis.time.back()));
    }
    return axis;
}

int write_time_axis(NcWriter& out, const MonthlyAxis& axis, const TimeSpan& span, int bnds_dim) {
    const int time_dim = out.dimension("time", axis.time.size(), true);
    const int time_var = out.variable("time", NC_DOUBLE, {time_dim},
                                      {{"bounds", std::string("time_bnds")},
                                       {"units", span.units},
                                       {"calendar", span.calendar},
                                       {"axis", std::string("T")},
                                       {"long_name", std::string("time")},
                                       {"standard_name", std::string("time")}});
    out.put(time_var, axis.time);
    out.put(out.variable("time_bnds", NC_DOUBLE, {time_dim, bnds_dim}), axis.bounds);
    return time_dim;
}

std::vector<int> write_grid(NcWriter& out, const Grid& grid, int bnds_dim) {
    std::vector<double> lat;
    std::vector<double> lon;
    for (std::size_t j = 0; j < grid.nlat; ++j) lat.push_back(grid.lat_center(j));
    for (std::size_t i = 0; i < grid.nlon; ++i) lon.push_back(grid.lon_center(i));
    if (!grid.curvilinear) {
        const int lat_dim = out.dimension("lat", grid.nlat);
        const int lon_dim = out.dimension("lon", grid.nlon);
        std::vector<double> lat_bnds;
        std::vector<double> lon_bnds;
        for (std::size_t j = 0; j < grid.nlat; ++j) lat_bnds.insert(lat_bnds.end(), {grid.lat_edge(j), grid.lat_edge(j + 1)});
        for (std::size_t i = 0; i < grid.nlon; ++i) lon_bnds.insert(lon_bnds.end(), {grid.lon_edge(i), grid.lon_edge(i + 1)});
        out.put(out.variable("lat", NC_DOUBLE, {lat_dim},
                             {{"bounds", std::string("lat_bnds")}, {"units", std::string("degrees_north")},
                              {"axis", std::string("Y")}, {"long_name", std::string("Latitude")},
                              {"standard_name", std::string("latitude")}}),
                lat);
        out.put(out.variable("lat_bnds", NC_DOUBLE, {lat_dim, bnds_dim}), lat_bnds);
        out.put(out.variable("lon", NC_DOUBLE, {lon_dim},
                             {{"bounds", std::string("lon_bnds")}, {"units", std::string("degrees_east")},
                              {"axis", std::string("X")}, {"long_name", std::string("Longitude")},
                              {"standard_name", std::string("longitude")}}),
                lon);
        out.put(out.variable("lon_bnds", NC_DOUBLE, {lon_dim, bnds_dim}), lon_bnds);
        return {lat_dim, lon_dim};
    }
    // Ocean-model style: index dimensions with 2-D coordinates and cell vertices.
    const int j_dim = out.dimension("j", grid.nlat);
    const int i_dim = out.dimension("i", grid.nlon);
    const int vertices_dim = out.dimension("vertices", 4);
    std::vector<int> j_index;
    std::vector<int> i_index;
    for (std::size_t j = 0; j < grid.nlat; ++j) j_index.push_back(static_cast<int>(j));
    for (std::size_t i = 0; i < grid.nlon; ++i) i_index.push_back(static_cast<int>(i));
    out.put(out.variable("j", NC_INT, {j_dim}, {{"units", std::string("1")}, {"long_name", std::string("cell index along second dimension")}}), j_index);
    out.put(out.variable("i", NC_INT, {i_dim}, {{"units", std::string("1")}, {"long_name", std::string("cell index along first dimension")}}), i_index);
    std::vector<double> lat2d;
    std::vector<double> lon2d;
    std::vector<double> vlat;
    std::vector<double> vlon;
    for (std::size_t j = 0; j < grid.nlat; ++j) {
        for (std::size_t i = 0; i < grid.nlon; ++i) {
            lat2d.push_back(lat[j]);
            lon2d.push_back(lon[i]);
            // Counter-clockwise from the south-west corner, as CMOR writes them.
            vlat.insert(vlat.end(), {grid.lat_edge(j), grid.lat_edge(j), grid.lat_edge(j + 1), grid.lat_edge(j + 1)});
            vlon.insert(vlon.end(), {grid.lon_edge(i), grid.lon_edge(i + 1), grid.lon_edge(i + 1), grid.lon_edge(i)});
        }
    }
    out.put(out.variable("latitude", NC_DOUBLE, {j_dim, i_dim},
                         {{"standard_name", std::string("latitude")}, {"long_name", std::string("latitude")},
                          {"units", std::string("degrees_north")}, {"bounds", std::string("vertices_latitude")}}),
            lat2d);
    out.put(out.variable("longitude", NC_DOUBLE, {j_dim, i_dim},
                         {{"standard_name", std::string("longitude")}, {"long_name", std::string("longitude")},
                          {"units", std::string("degrees_east")}, {"bounds", std::string("vertices_longitude")}}),
            lon2d);
    out.put(out.variable("vertices_latitude", NC_DOUBLE, {j_dim, i_dim, vertices_dim}, {{"units", std::string("degrees_north")}}), vlat);
    out.put(out.variable("vertices_longitude", NC_DOUBLE, {j_dim, i_dim, vertices_dim}, {{"units", std::string("degrees_east")}}), vlon);
    return {j_dim, i_dim};
}

std::vector<float> field_values(const FieldSpec& field, const Grid& grid, const MonthlyAxis& axis) {
    std::vector<float> values;
    values.reserve(axis.time.size() * grid.cells());
    for (std::size_t t = 0; t < axis.time.size(); ++t) {
        for (std::size_t j = 0; j < grid.nlat; ++j) {
            for (std::size_t i = 0; i < grid.nlon; ++i) {
                const double v = cell_value(field, grid, j, i, axis.years[t], axis.months[t]);
                values.push_back(std::isnan(v) ? fill_value : static_cast<float>(v));
            }
        }
    }
    return values;
}

std::string tracking_id(const std::string& seed) { return tracking_id(seed, "hdl:21.14100/"); }

std::string tracking_id(const std::string& seed, const std::string& prefix) {
    // Two FNV-1a hashes give 128 stable bits, laid out like a version-4 UUID.
    const auto fnv = [&](std::uint64_t hash) {
        for (const char c : seed) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
        return hash;
    };
    const std::uint64_t a = fnv(0xcbf29ce484222325ULL);
    const std::uint64_t b = fnv(0x84222325cbf29ce4ULL);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return prefix + buffer;
}

std::string month_range(const TimeSpan& span) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d01-%04d12", span.first_year, span.last_year);
    return buffer;
}

std::string grid_description(const Grid& grid) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "synthetic regular %g x %g degree latitude-longitude grid (%zux%zu latxlon)%s",
                  180.0 / static_cast<double>(grid.nlat), 360.0 / static_cast<double>(grid.nlon), grid.nlat, grid.nlon,
                  grid.curvilinear ? ", stored with 2-D coordinates like an ocean model grid" : "");
    return buffer;
}

std::string nominal_resolution(const Grid& grid) {
    const double km = 111.0 * 180.0 / static_cast<double>(grid.nlat);
    return km >= 750 ? "1000 km" : km >= 375 ? "500 km" : km >= 175 ? "250 km" : "100 km";
}

}  // namespace ref::datagen::detail
