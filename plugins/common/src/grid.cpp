#include "ref/science/grid.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "ref/science/netcdf_file.hpp"

namespace ref::science {
namespace {

double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

// The coordinate's bounds variable as [n][2], or bounds_from_centres.
std::vector<double> coordinate_bounds(const NetcdfFile& file, const std::string& coordinate,
                                      const std::vector<double>& centres, bool latitude) {
    if (const auto name = file.string_attribute(coordinate, "bounds"); name && file.has_variable(*name)) {
        std::vector<double> bounds = file.read(*name);
        if (bounds.size() != 2 * centres.size())
            throw std::runtime_error(file.path() + ": bounds '" + *name + "' of '" + coordinate + "' hold " +
                                     std::to_string(bounds.size()) + " values for " +
                                     std::to_string(centres.size()) + " cells");
        if (std::all_of(bounds.begin(), bounds.end(), [](double b) { return std::isfinite(b); })) return bounds;
    }
    return bounds_from_centres(centres, latitude);
}

}  // namespace

std::vector<double> bounds_from_centres(std::span<const double> centres, bool latitude) {
    const std::size_t n = centres.size();
    std::vector<double> bounds(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        const double below = i > 0 ? 0.5 * (centres[i] + centres[i - 1])
                                   : (n > 1 ? centres[0] - 0.5 * (centres[1] - centres[0]) : centres[0] - 0.5);
        const double above = i + 1 < n ? 0.5 * (centres[i] + centres[i + 1])
                                       : (n > 1 ? centres[i] + 0.5 * (centres[i] - centres[i - 1]) : centres[0] + 0.5);
        bounds[2 * i] = below;
        bounds[2 * i + 1] = above;
    }
    if (latitude) {
        for (double& b : bounds) b = std::clamp(b, -90.0, 90.0);
    }
    return bounds;
}

LatLonGrid read_lat_lon_grid(const std::string& path, const std::string& variable) {
    const NetcdfFile file(path);
    const auto dims = file.dimensions(variable);
    if (dims.size() < 2 || !file.has_variable(dims[dims.size() - 2].name) ||
        !file.has_variable(dims.back().name)) {
        throw std::runtime_error(path + ": '" + variable + "' is not on a latitude-longitude grid (its last two "
                                 "dimensions need 1-D coordinate variables)");
    }
    const std::string lat_name = dims[dims.size() - 2].name;
    const std::string lon_name = dims.back().name;
    const auto lat_units = file.string_attribute(lat_name, "units").value_or("");
    const auto lon_units = file.string_attribute(lon_name, "units").value_or("");
    if (lat_units.rfind("degree", 0) != 0 || lon_units.rfind("degree", 0) != 0 || file.dimensions(lat_name).size() != 1 || file.dimensions(lon_name).size() != 1) {
        throw std::runtime_error(path + ": '" + variable + "' is not on a regular latitude-longitude grid ('" +
                                 lat_name + "' and '" + lon_name + "' must be 1-D coordinates in degrees)");
    }
    LatLonGrid grid;
    grid.lat = file.read(lat_name);
    grid.lon = file.read(lon_name);
    grid.lat_bounds = coordinate_bounds(file, lat_name, grid.lat, true);
    grid.lon_bounds = coordinate_bounds(file, lon_name, grid.lon, false);
    return grid;
}

Weights spherical_cell_areas(const LatLonGrid& grid, double radius) {
    Weights weights;
    weights.source = "spherical cell areas from the grid bounds";
    weights.shape = {grid.lat.size(), grid.lon.size()};
    weights.values.reserve(grid.cell_count());
    for (std::size_t j = 0; j < grid.lat.size(); ++j) {
        const double band = std::fabs(std::sin(radians(grid.lat_bounds[2 * j + 1])) -
                                      std::sin(radians(grid.lat_bounds[2 * j])));
        for (std::size_t i = 0; i < grid.lon.size(); ++i) {
            const double width = std::fabs(radians(grid.lon_bounds[2 * i + 1] - grid.lon_bounds[2 * i]));
            weights.values.push_back(radius * radius * width * band);
        }
    }
    return weights;
}

}  // namespace ref::science
