#include "ref/datagen/grid.hpp"

#include <cmath>
#include <numbers>

namespace ref::datagen {

double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

double Grid::lat_edge(std::size_t j) const { return -90.0 + 180.0 * static_cast<double>(j) / static_cast<double>(nlat); }
double Grid::lon_edge(std::size_t i) const { return 360.0 * static_cast<double>(i) / static_cast<double>(nlon); }
double Grid::lat_center(std::size_t j) const { return 0.5 * (lat_edge(j) + lat_edge(j + 1)); }
double Grid::lon_center(std::size_t i) const { return 0.5 * (lon_edge(i) + lon_edge(i + 1)); }

double Grid::cell_area(std::size_t j) const {
    const double dlon = radians(360.0 / static_cast<double>(nlon));
    return earth_radius_m * earth_radius_m * dlon *
           (std::sin(radians(lat_edge(j + 1))) - std::sin(radians(lat_edge(j))));
}

}  // namespace ref::datagen
