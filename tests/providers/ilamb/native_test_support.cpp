#include "native_test_support.hpp"

#include <netcdf.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ilamb_test {

namespace {

void check(int status, const std::string& what) {
    if (status != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(status));
}
void text(int nc, int var, const std::string& name, const std::string& value) {
    check(nc_put_att_text(nc, var, name.c_str(), value.size(), value.c_str()), name);
}

struct Axes {
    int lat_dim, lon_dim;
    std::vector<double> lat, lon;
};

Axes define_axes(int nc, const GridSpec& grid) {
    Axes a{};
    const std::size_t nlat = grid.lat_edges.size() - 1, nlon = grid.lon_edges.size() - 1;
    int bnds = 0;
    check(nc_def_dim(nc, "lat", nlat, &a.lat_dim), "lat");
    check(nc_def_dim(nc, "lon", nlon, &a.lon_dim), "lon");
    check(nc_def_dim(nc, "bnds", 2, &bnds), "bnds");
    int lat = 0, lon = 0, lat_b = 0, lon_b = 0;
    check(nc_def_var(nc, "lat", NC_DOUBLE, 1, &a.lat_dim, &lat), "lat");
    check(nc_def_var(nc, "lon", NC_DOUBLE, 1, &a.lon_dim, &lon), "lon");
    int lat_bd[2] = {a.lat_dim, bnds}, lon_bd[2] = {a.lon_dim, bnds};
    check(nc_def_var(nc, "lat_bnds", NC_DOUBLE, 2, lat_bd, &lat_b), "lat_bnds");
    check(nc_def_var(nc, "lon_bnds", NC_DOUBLE, 2, lon_bd, &lon_b), "lon_bnds");
    text(nc, lat, "units", "degrees_north");
    text(nc, lat, "standard_name", "latitude");
    text(nc, lat, "bounds", "lat_bnds");
    text(nc, lon, "units", "degrees_east");
    text(nc, lon, "standard_name", "longitude");
    text(nc, lon, "bounds", "lon_bnds");
    std::vector<double> latb, lonb;
    for (std::size_t j = 0; j < nlat; ++j) {
        a.lat.push_back(0.5 * (grid.lat_edges[j] + grid.lat_edges[j + 1]));
        latb.insert(latb.end(), {grid.lat_edges[j], grid.lat_edges[j + 1]});
    }
    for (std::size_t i = 0; i < nlon; ++i) {
        a.lon.push_back(0.5 * (grid.lon_edges[i] + grid.lon_edges[i + 1]));
        lonb.insert(lonb.end(), {grid.lon_edges[i], grid.lon_edges[i + 1]});
    }
    check(nc_put_var_double(nc, lat, a.lat.data()), "lat");
    check(nc_put_var_double(nc, lon, a.lon.data()), "lon");
    check(nc_put_var_double(nc, lat_b, latb.data()), "lat_bnds");
    check(nc_put_var_double(nc, lon_b, lonb.data()), "lon_bnds");
    return a;
}

}  // namespace

GridSpec regular_grid(std::size_t nlat, std::size_t nlon, double lon0) {
    GridSpec g;
    for (std::size_t j = 0; j <= nlat; ++j) g.lat_edges.push_back(-90.0 + 180.0 * static_cast<double>(j) / static_cast<double>(nlat));
    for (std::size_t i = 0; i <= nlon; ++i) g.lon_edges.push_back(lon0 + 360.0 * static_cast<double>(i) / static_cast<double>(nlon));
    return g;
}

void write_grid_file(const fs::path& path, const GridSpec& grid, const FieldFile& field) {
    fs::create_directories(path.parent_path());
    int nc = 0;
    check(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), "create " + path.string());
    const Axes axes = define_axes(nc, grid);
    std::vector<int> dims;
    int time_var = -1, time_b = -1;
    if (field.months > 0) {
        int time_dim = 0, bnds = 0;
        check(nc_def_dim(nc, "time", NC_UNLIMITED, &time_dim), "time");
        check(nc_inq_dimid(nc, "bnds", &bnds), "bnds");
        check(nc_def_var(nc, "time", NC_DOUBLE, 1, &time_dim, &time_var), "time");
        int tb[2] = {time_dim, bnds};
        check(nc_def_var(nc, "time_bnds", NC_DOUBLE, 2, tb, &time_b), "time_bnds");
        text(nc, time_var, "units", "days since " + std::to_string(field.first_year) + "-01-01");
        text(nc, time_var, "calendar", field.calendar);
        text(nc, time_var, "bounds", "time_bnds");
        dims.push_back(time_dim);
    }
    dims.push_back(axes.lat_dim);
    dims.push_back(axes.lon_dim);
    int var = 0;
    check(nc_def_var(nc, field.variable.c_str(), NC_DOUBLE, static_cast<int>(dims.size()), dims.data(), &var), "var");
    const double fill = 1e20;
    check(nc_def_var_fill(nc, var, 0, &fill), "fill");
    text(nc, var, "units", field.units);
    if (!field.cell_measures.empty()) text(nc, var, "cell_measures", field.cell_measures);
    if (!field.cell_methods.empty()) text(nc, var, "cell_methods", field.cell_methods);
    const int steps = std::max(field.months, 1);
    std::vector<double> values, time, bounds;
    for (int t = 0; t < steps; ++t) {
        time.push_back(30.0 * t + 15.0);
        bounds.insert(bounds.end(), {30.0 * t, 30.0 * (t + 1)});
        for (double la : axes.lat)
            for (double lo : axes.lon) {
                const double v = field.value(t, t % 12, la, lo);
                values.push_back(std::isfinite(v) ? v : fill);
            }
    }
    if (field.months > 0) {
        const std::size_t start[2] = {0, 0}, count[2] = {time.size(), 2};
        check(nc_put_vara_double(nc, time_var, start, count, time.data()), "time");
        check(nc_put_vara_double(nc, time_b, start, count, bounds.data()), "time_bnds");
        const std::size_t s3[3] = {0, 0, 0}, c3[3] = {time.size(), axes.lat.size(), axes.lon.size()};
        check(nc_put_vara_double(nc, var, s3, c3, values.data()), "values");
    } else {
        check(nc_put_var_double(nc, var, values.data()), "values");
    }
    check(nc_close(nc), "close");
}

void write_region_file(const fs::path& path, const GridSpec& grid, const std::vector<std::string>& labels,
                       const std::vector<std::string>& names, const std::function<int(double, double)>& id) {
    fs::create_directories(path.parent_path());
    int nc = 0;
    check(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), "create " + path.string());
    const Axes axes = define_axes(nc, grid);
    int n = 0, ids = 0, label_var = 0, name_var = 0;
    check(nc_def_dim(nc, "n", labels.size(), &n), "n");
    int dims[2] = {axes.lat_dim, axes.lon_dim};
    check(nc_def_var(nc, "ids", NC_INT, 2, dims, &ids), "ids");
    text(nc, ids, "labels", "label");
    text(nc, ids, "names", "name");
    check(nc_def_var(nc, "label", NC_STRING, 1, &n, &label_var), "label");
    check(nc_def_var(nc, "name", NC_STRING, 1, &n, &name_var), "name");
    std::vector<int> values;
    for (double la : axes.lat)
        for (double lo : axes.lon) values.push_back(id(la, lo));
    check(nc_put_var_int(nc, ids, values.data()), "ids");
    std::vector<const char*> l, m;
    for (const auto& s : labels) l.push_back(s.c_str());
    for (const auto& s : names) m.push_back(s.c_str());
    check(nc_put_var_string(nc, label_var, l.data()), "label");
    check(nc_put_var_string(nc, name_var, m.data()), "name");
    check(nc_close(nc), "close");
}

double scalar(const std::vector<ref::ilamb::ScalarRow>& rows, const std::string& source, const std::string& region,
              const std::string& name) {
    for (const auto& r : rows)
        if (r.source == source && r.region == region && r.name == name) return r.value;
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace ilamb_test
