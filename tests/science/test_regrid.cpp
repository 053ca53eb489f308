// Conservative and bilinear regridding between regular lat-lon grids, closed-form checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "ref/science/grid.hpp"
#include "ref/science/means.hpp"
#include "ref/science/regrid.hpp"

using namespace ref::science;

namespace {

double area_integral(const LatLonGrid& grid, const std::vector<double>& values) {
    const auto areas = spherical_cell_areas(grid, 1.0);
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) sum += areas.values[i] * values[i];
    return sum;
}

// A grid whose longitudes run from -180 and whose latitudes run north to south.
LatLonGrid shifted_grid(double dlat, double dlon) {
    LatLonGrid g = uniform_global_grid(dlat, dlon);
    for (auto& v : g.lon) v -= 180.0;
    for (auto& v : g.lon_bounds) v -= 180.0;
    std::reverse(g.lat.begin(), g.lat.end());
    std::reverse(g.lat_bounds.begin(), g.lat_bounds.end());
    return g;
}

std::vector<double> wavy_field(const LatLonGrid& g) {
    std::vector<double> v;
    for (const double lat : g.lat)
        for (const double lon : g.lon)
            v.push_back(10.0 + 3.0 * std::sin(lat * std::numbers::pi / 90.0) + std::cos(lon * std::numbers::pi / 60.0));
    return v;
}

}  // namespace

TEST_CASE("the uniform 2.5 degree grid is PMP's target grid") {
    const LatLonGrid g = uniform_global_grid(2.5, 2.5);
    REQUIRE(g.lat.size() == 72);
    REQUIRE(g.lon.size() == 144);
    CHECK(g.lat.front() == -88.75);
    CHECK(g.lat.back() == 88.75);
    CHECK(g.lon.front() == 1.25);
    CHECK(g.lon.back() == 358.75);
}

TEST_CASE("conservative regridding maps a constant to itself and preserves the area integral") {
    const LatLonGrid source = shifted_grid(3.0, 4.0);  // 60 x 90, from -180, north first
    const LatLonGrid target = uniform_global_grid(2.5, 2.5);
    const ConservativeRegridder regrid(source, target);
    const std::vector<double> constant(source.cell_count(), 7.25);
    for (const double v : regrid.apply(constant)) REQUIRE(v == Approx(7.25).epsilon(1e-13));

    const auto field = wavy_field(source);
    const auto out = regrid.apply(field);
    CHECK(area_integral(target, out) == Approx(area_integral(source, field)).epsilon(1e-12));
    // And back again.
    const ConservativeRegridder back(target, source);
    CHECK(area_integral(source, back.apply(out)) == Approx(area_integral(source, field)).epsilon(1e-12));
}

TEST_CASE("a 2x coarsening is the exact area-weighted mean of the four fine cells") {
    const LatLonGrid fine = uniform_global_grid(2.5, 2.5);
    const LatLonGrid coarse = uniform_global_grid(5.0, 5.0);
    const auto field = wavy_field(fine);
    const auto out = ConservativeRegridder(fine, coarse).apply(field);
    const auto areas = spherical_cell_areas(fine, 1.0);
    for (std::size_t i = 0; i < coarse.lat.size(); i += 7) {
        for (std::size_t k = 0; k < coarse.lon.size(); k += 11) {
            double sum = 0, weight = 0;
            for (std::size_t a = 2 * i; a < 2 * i + 2; ++a)
                for (std::size_t b = 2 * k; b < 2 * k + 2; ++b) {
                    sum += areas.values[a * fine.lon.size() + b] * field[a * fine.lon.size() + b];
                    weight += areas.values[a * fine.lon.size() + b];
                }
            CHECK(out[i * coarse.lon.size() + k] == Approx(sum / weight).epsilon(1e-13));
        }
    }
}

TEST_CASE("missing source cells are left out and the target normalised by the valid overlap") {
    const LatLonGrid fine = uniform_global_grid(2.5, 2.5);
    const LatLonGrid coarse = uniform_global_grid(5.0, 5.0);
    std::vector<double> field(fine.cell_count(), 1.0);
    // In coarse cell (0, 0): fine cells (0,0)=NaN, (0,1)=NaN, (1,0)=3, (1,1)=1.
    field[0] = NAN;
    field[1] = NAN;
    field[fine.lon.size()] = 3.0;
    // Coarse cell (1, 1) entirely missing.
    for (std::size_t a = 2; a < 4; ++a)
        for (std::size_t b = 2; b < 4; ++b) field[a * fine.lon.size() + b] = NAN;
    const auto out = ConservativeRegridder(fine, coarse).apply(field);
    CHECK(out[0] == Approx(2.0).epsilon(1e-13));  // both valid cells lie in the same latitude band
    CHECK(std::isnan(out[coarse.lon.size() + 1]));
    CHECK(out[2] == 1.0);
}

TEST_CASE("bilinear interpolation is exact for a field linear in latitude and longitude") {
    const LatLonGrid source = uniform_global_grid(5.0, 5.0);
    LatLonGrid target;
    target.lat = {-41.3, 0.0, 12.6, 60.1};
    target.lon = {10.0, 93.7, 200.2, 355.0};
    std::vector<double> field;
    for (const double lat : source.lat)
        for (const double lon : source.lon) field.push_back(2.0 * lat - 0.5 * lon + 3.0);
    const auto out = bilinear_interpolate(source, field, target);
    for (std::size_t i = 0; i < target.lat.size(); ++i)
        for (std::size_t k = 0; k < target.lon.size() - 1; ++k)  // the last one wraps, where the field jumps
            CHECK(out[i * target.lon.size() + k] == Approx(2.0 * target.lat[i] - 0.5 * target.lon[k] + 3.0).epsilon(1e-12));
    // Across the date line a field periodic in longitude interpolates linearly between 357.5 and 2.5.
    std::vector<double> periodic;
    for (std::size_t i = 0; i < source.lat.size(); ++i)
        for (const double lon : source.lon) periodic.push_back(lon < 180 ? lon : lon - 360);
    const auto wrapped = bilinear_interpolate(source, periodic, target);
    CHECK(wrapped[3] == Approx(-5.0).epsilon(1e-12));

    // Worked out once and applied to both fields: the same values to the last bit.
    const BilinearInterpolator once(source, target);
    CHECK(once.apply(field) == out);
    CHECK(once.apply(periodic) == wrapped);
    field.pop_back();
    CHECK_THROWS_AS(once.apply(field), std::invalid_argument);
}

// The regridder keeps per-axis overlap lists; here every source/target pair is intersected
// directly (the dense definition) on grids whose cells overlap fractionally, with a mask.
TEST_CASE("conservative regridding equals the dense overlap-weighted mean on a masked field") {
    const LatLonGrid source = shifted_grid(3.0, 4.0);  // -180..180, north to south
    LatLonGrid target = uniform_global_grid(2.5, 2.5);
    std::vector<double> field = wavy_field(source);
    std::size_t masked = 0;
    for (std::size_t j = 0; j < source.lat.size(); ++j)
        for (std::size_t i = 0; i < source.lon.size(); ++i)
            if ((source.lat[j] > 30 && source.lon[i] > -60 && source.lon[i] < 20) || (i * 7 + j * 3) % 11 == 0) {
                field[j * source.lon.size() + i] = NAN;
                ++masked;
            }
    REQUIRE(masked > 100);
    const auto out = ConservativeRegridder(source, target).apply(field);

    const auto lat_overlap = [](double s0, double s1, double t0, double t1) {
        const double south = std::max(std::min(s0, s1), std::min(t0, t1));
        const double north = std::min(std::max(s0, s1), std::max(t0, t1));
        return north > south ? std::sin(north * std::numbers::pi / 180) - std::sin(south * std::numbers::pi / 180) : 0.0;
    };
    const auto lon_overlap = [](double s0, double s1, double t0, double t1) {
        double total = 0;
        for (const double shift : {-720.0, -360.0, 0.0, 360.0, 720.0})
            total += std::max(0.0, std::min(std::max(s0, s1) + shift, std::max(t0, t1)) -
                                       std::max(std::min(s0, s1) + shift, std::min(t0, t1)));
        return total;
    };
    std::size_t fractional = 0, empty = 0;
    for (std::size_t ti = 0; ti < target.lat.size(); ++ti)
        for (std::size_t tk = 0; tk < target.lon.size(); ++tk) {
            double sum = 0, weight = 0;
            for (std::size_t sj = 0; sj < source.lat.size(); ++sj) {
                const double wy = lat_overlap(source.lat_bounds[2 * sj], source.lat_bounds[2 * sj + 1],
                                              target.lat_bounds[2 * ti], target.lat_bounds[2 * ti + 1]);
                if (wy <= 0) continue;
                for (std::size_t sk = 0; sk < source.lon.size(); ++sk) {
                    const double wx = lon_overlap(source.lon_bounds[2 * sk], source.lon_bounds[2 * sk + 1],
                                                  target.lon_bounds[2 * tk], target.lon_bounds[2 * tk + 1]);
                    const double v = field[sj * source.lon.size() + sk];
                    if (wx <= 0 || !std::isfinite(v)) continue;
                    if (wx < 2.5) ++fractional;
                    sum += wy * wx * v;
                    weight += wy * wx;
                }
            }
            const double got = out[ti * target.lon.size() + tk];
            if (weight > 0) {
                REQUIRE(got == Approx(sum / weight).epsilon(1e-12));
            } else {
                REQUIRE(std::isnan(got));
                ++empty;
            }
        }
    CHECK(fractional > 1000);  // most target cells straddle source cell edges
    CHECK(empty > 0);          // some lie wholly inside the masked block
}
