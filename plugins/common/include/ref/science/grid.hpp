#pragma once

// Regular latitude-longitude grids: coordinates, cell bounds and spherical cell areas.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ref/science/weights.hpp"

namespace ref::science {

// Sphere radii the tools use for areas computed from bounds.
inline constexpr double kIrisEarthRadius = 6367470.0;   // ESMValCore (iris default)
inline constexpr double kMeanEarthRadius = 6371000.0;   // ilamb3

struct LatLonGrid {
    std::vector<double> lat;         // degrees north, as stored
    std::vector<double> lon;         // degrees east, as stored
    std::vector<double> lat_bounds;  // [lat][2]
    std::vector<double> lon_bounds;  // [lon][2]

    std::size_t cell_count() const { return lat.size() * lon.size(); }
};

// Bounds halfway between neighbouring centres, the ends mirrored; latitudes clipped to +-90.
std::vector<double> bounds_from_centres(std::span<const double> centres, bool latitude);

// The 1-D lat/lon coordinates of `variable`'s file, which must be laid out (..., lat, lon).
// Bounds come from the coordinates' `bounds` attributes, else from bounds_from_centres.
// Throws std::runtime_error naming the file when the grid is not a regular lat-lon grid.
LatLonGrid read_lat_lon_grid(const std::string& path, const std::string& variable);

// R^2 * dlon[rad] * (sin(lat_north) - sin(lat_south)) for every (lat, lon) cell, in m^2.
Weights spherical_cell_areas(const LatLonGrid& grid, double radius);

}  // namespace ref::science
