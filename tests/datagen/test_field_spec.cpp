// The closed-form answers hold on the grids used, checked by summing in double precision
// with weights computed independently of the reader code.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <optional>

#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/grid.hpp"

using namespace ref::datagen;

namespace {

FieldSpec example_field() {
    FieldSpec f;
    f.variable_id = std::string("x");
    f.base = 287.0;
    f.trend = 0.03;
    f.amplitude = 2.0;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 4.0;
    f.p2_coefficient = -35.0;
    f.cos_lon_coefficient = 1.5;
    return f;
}

// Mean over the grid with exact areas (or cos(lat) of the centres), skipping land.
double grid_mean(const FieldSpec& f, const Grid& g, int year, int month, bool cos_lat) {
    double sum = 0.0;
    double weights = 0.0;
    for (std::size_t j = 0; j < g.nlat; ++j) {
        const double w = cos_lat ? std::cos(radians(g.lat_center(j))) : g.cell_area(j);
        for (std::size_t i = 0; i < g.nlon; ++i) {
            const double v = cell_value(f, g, j, i, year, month);
            if (std::isnan(v)) continue;
            sum += w * v;
            weights += w;
        }
    }
    return sum / weights;
}

}  // namespace

TEST_CASE("expected annual mean is base plus trend times years since the origin") {
    const FieldSpec f = example_field();
    CHECK(expected_annual_global_mean(f, 2000) == Approx(287.0));
    CHECK(expected_annual_global_mean(f, 2009) == Approx(287.27));
    double sum = 0.0;
    for (int m = 1; m <= 12; ++m) sum += expected_monthly_global_mean(f, 2005, m);
    CHECK(sum / 12.0 == Approx(expected_annual_global_mean(f, 2005)).epsilon(1e-14));
}

TEST_CASE("cell areas sum to the area of the sphere") {
    const Grid g{18, 36, false};
    double total = 0.0;
    for (std::size_t j = 0; j < g.nlat; ++j) total += g.cell_area(j) * static_cast<double>(g.nlon);
    CHECK(total == Approx(4.0 * std::numbers::pi * earth_radius_m * earth_radius_m).epsilon(1e-12));
}

TEST_CASE("area-weighted grid mean equals a(t) exactly with and without land") {
    FieldSpec f = example_field();
    for (const Grid g : {Grid{18, 36, false}, Grid{20, 36, true}, Grid{7, 12, false}}) {
        for (const bool land : {false, true}) {
            f.land = land ? std::optional<LonBand>(LonBand{60.0, 120.0}) : std::nullopt;
            if (land && g.nlon % 6 != 0) continue;
            for (int month = 1; month <= 12; ++month) {
                CHECK(grid_mean(f, g, 2003, month, false) ==
                      Approx(expected_monthly_global_mean(f, 2003, month)).epsilon(1e-12));
            }
        }
    }
}

TEST_CASE("cos(lat)-weighted mean equals a(t) when there is no P2 term") {
    FieldSpec f = example_field();
    f.p2_coefficient = 0.0;
    f.land = LonBand{60.0, 120.0};
    const Grid g{18, 36, false};
    REQUIRE_NOTHROW(validate_field(f, g, true));
    for (int month = 1; month <= 12; ++month) {
        CHECK(grid_mean(f, g, 2001, month, true) == Approx(expected_monthly_global_mean(f, 2001, month)).epsilon(1e-12));
    }
}

TEST_CASE("validate_field rejects specs without a closed form") {
    FieldSpec f = example_field();
    CHECK_THROWS_AS(validate_field(f, Grid{}, true), std::invalid_argument);
    f.land = LonBand{0.0, 50.0};
    CHECK_THROWS_AS(validate_field(f, Grid{}, false), std::invalid_argument);
    f.cos_lon_coefficient = 0.0;
    CHECK_NOTHROW(validate_field(f, Grid{}, false));
}
