#include "ref/datagen/field_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace ref::datagen {
namespace {

// Antiderivative of P2(s) in s = sin(lat), the area coordinate.
double p2_integral(double s) { return 0.5 * (s * s * s - s); }

}  // namespace

double expected_monthly_global_mean(const FieldSpec& field, int year, int month) {
    const double phase = 2.0 * std::numbers::pi * static_cast<double>(month - 1) / 12.0;
    return expected_annual_global_mean(field, year) + field.amplitude * std::cos(phase);
}

double expected_annual_global_mean(const FieldSpec& field, int year) {
    return field.base + field.trend * static_cast<double>(year - field.trend_origin_year);
}

bool is_land(const FieldSpec& field, const Grid& grid, std::size_t i) {
    if (!field.land) return false;
    const double lon = grid.lon_center(i);
    return lon >= field.land->west && lon < field.land->east;
}

double cell_value(const FieldSpec& field, const Grid& grid, std::size_t j, std::size_t i, int year, int month) {
    if (is_land(field, grid, i)) return std::numeric_limits<double>::quiet_NaN();
    const double s1 = std::sin(radians(grid.lat_edge(j)));
    const double s2 = std::sin(radians(grid.lat_edge(j + 1)));
    const double lon1 = radians(grid.lon_edge(i));
    const double lon2 = radians(grid.lon_edge(i + 1));
    const double mean_sin_lat = 0.5 * (s1 + s2);
    const double mean_p2 = (p2_integral(s2) - p2_integral(s1)) / (s2 - s1);
    const double mean_cos_lon = (std::sin(lon2) - std::sin(lon1)) / (lon2 - lon1);
    return expected_monthly_global_mean(field, year, month) + field.sin_lat_coefficient * mean_sin_lat +
           field.p2_coefficient * mean_p2 + field.cos_lon_coefficient * mean_cos_lon;
}

void validate_field(const FieldSpec& field, const Grid& grid, bool cos_lat_weighted) {
    if (cos_lat_weighted && field.p2_coefficient != 0.0) {
        throw std::invalid_argument(field.variable_id + ": the P2 term has no closed-form cos(lat)-weighted mean");
    }
    if (!field.land || field.cos_lon_coefficient == 0.0) return;
    // The cos(lon) cell means telescope to sin(east edge) - sin(west edge) of the land band.
    double west = 360.0;
    double east = 0.0;
    for (std::size_t i = 0; i < grid.nlon; ++i) {
        if (!is_land(field, grid, i)) continue;
        west = std::min(west, grid.lon_edge(i));
        east = std::max(east, grid.lon_edge(i + 1));
    }
    if (west < east && std::fabs(std::sin(radians(west)) - std::sin(radians(east))) > 1e-12) {
        throw std::invalid_argument(field.variable_id + ": the land band's edge longitudes need equal sines");
    }
}

}  // namespace ref::datagen
