#pragma once

// Regular latitude/longitude grids, optionally stored ocean-style as (j, i) with 2-D coordinates.

#include <cstddef>

namespace ref::datagen {

constexpr double earth_radius_m = 6371000.0;

struct Grid {
    std::size_t nlat = 18;
    std::size_t nlon = 36;
    bool curvilinear = false;  // write dims (j, i) with latitude(j, i)/longitude(j, i) like CMIP6 ocean output

    // Cell edges in degrees: latitude from -90 to 90 (index 0..nlat), longitude from 0 to 360.
    double lat_edge(std::size_t j) const;
    double lon_edge(std::size_t i) const;
    double lat_center(std::size_t j) const;
    double lon_center(std::size_t i) const;

    // Exact spherical area R^2 * dlon * (sin(lat2) - sin(lat1)) in m2.
    double cell_area(std::size_t j) const;
    std::size_t cells() const { return nlat * nlon; }
};

double radians(double degrees);

}  // namespace ref::datagen
