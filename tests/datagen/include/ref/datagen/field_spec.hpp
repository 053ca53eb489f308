#pragma once

// Synthetic fields with closed-form global means.
//
// Each cell holds the exact area-average over the cell of
//     a(t) + c*sin(lat) + e*P2(sin(lat)) + d*cos(lon),   P2(s) = (3s^2 - 1)/2,
// with a(t) = base + trend*(year - trend_origin_year) + amplitude*cos(2*pi*(month-1)/12).
// The three spatial terms integrate to exactly zero over the sphere, so the area-weighted
// global mean is a(t), and the 12 cosines of a calendar year cancel, so each annual mean
// is base + trend*(year - trend_origin_year).

#include <optional>
#include <string>

#include "ref/datagen/grid.hpp"

namespace ref::datagen {

// Cells whose centre longitude lies in [west, east) degrees are "land": missing values.
struct LonBand {
    double west = 60.0;
    double east = 120.0;
};

struct FieldSpec {
    std::string variable_id;
    std::string units;
    std::string standard_name;
    std::string long_name;
    std::string cell_methods = "area: time: mean";
    double base = 0.0;
    double trend = 0.0;  // per year
    double amplitude = 0.0;
    int trend_origin_year = 0;
    double sin_lat_coefficient = 0.0;  // c
    double p2_coefficient = 0.0;       // e
    double cos_lon_coefficient = 0.0;  // d
    std::optional<LonBand> land;
};

// a(t) for one month: the exact area-weighted global (or ocean) mean.
double expected_monthly_global_mean(const FieldSpec& field, int year, int month);

// The known annual global mean of a complete calendar year: base + trend*(year - origin).
double expected_annual_global_mean(const FieldSpec& field, int year);

bool is_land(const FieldSpec& field, const Grid& grid, std::size_t i);

// Cell (j, i) value for a month; NaN over land.
double cell_value(const FieldSpec& field, const Grid& grid, std::size_t j, std::size_t i, int year, int month);

// Throws std::invalid_argument when the closed form would not hold on this grid:
// the land band must follow cell edges with sin(west) == sin(east) if d != 0, and with
// cos(lat) weights (instead of exact areas) the P2 term must be zero.
void validate_field(const FieldSpec& field, const Grid& grid, bool cos_lat_weighted);

}  // namespace ref::datagen
