// Grid bounds, spherical cell areas and time bounds, on files written by the data generator.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <numeric>

#include "ref/datagen/temp_dir.hpp"
#include "ref/datagen/writers.hpp"
#include "ref/science/field.hpp"
#include "ref/science/grid.hpp"
#include "test_files.hpp"

using namespace ref::science;
using ref::datagen::TemporaryDirectory;

TEST_CASE("bounds from centres lie halfway between them and latitudes stop at the poles") {
    const std::vector<double> lat = {-80.0, -40.0, 0.0, 40.0, 80.0};
    const auto b = bounds_from_centres(lat, true);
    REQUIRE(b.size() == 10);
    CHECK(b[0] == -90.0);  // -100 clipped
    CHECK(b[1] == -60.0);
    CHECK(b[2] == -60.0);
    CHECK(b[9] == 90.0);
    const std::vector<double> lon = {0.0, 90.0, 180.0, 270.0};
    const auto l = bounds_from_centres(lon, false);
    CHECK(l[0] == -45.0);
    CHECK(l[7] == 315.0);
}

TEST_CASE("spherical cell areas of a global grid add up to the sphere, from file bounds or centres") {
    const TemporaryDirectory dir;
    ref::datagen::Grid grid;
    grid.nlat = 18;
    grid.nlon = 36;
    ref::datagen::FieldSpec spec;
    spec.variable_id = "tas";
    spec.units = "K";
    spec.base = 280.0;
    const auto file = ref::datagen::write_cmip6_monthly(dir.path(), {}, spec, grid, {2000, 2000, "noleap"});
    const LatLonGrid read = read_lat_lon_grid(file.path.string(), "tas");
    CHECK(read.lat.size() == 18);
    CHECK(read.lon.size() == 36);
    const Weights areas = spherical_cell_areas(read, kMeanEarthRadius);
    const double total = std::accumulate(areas.values.begin(), areas.values.end(), 0.0);
    CHECK(total == Approx(4.0 * std::numbers::pi * kMeanEarthRadius * kMeanEarthRadius).epsilon(1e-12));
    CHECK(areas.values[0] == Approx(grid.cell_area(0)).epsilon(1e-12));

    // Without bounds variables the bounds come from the centres: still the whole sphere here.
    testing::TestFile plain;
    plain.lat = {-67.5, -22.5, 22.5, 67.5};
    plain.nlon = 4;
    plain.time = testing::monthly_times(2000, 1, plain.time_units, "noleap");
    plain.data.assign(16, 1.0);
    const auto path = dir / "plain.nc";
    testing::write_test_file(path, plain);
    const Weights derived = spherical_cell_areas(read_lat_lon_grid(path.string(), "tas"), 1.0);
    CHECK(std::accumulate(derived.values.begin(), derived.values.end(), 0.0) == Approx(4.0 * std::numbers::pi));
}

TEST_CASE("a field's time bounds are the files' bounds, or halfway to the neighbours") {
    const TemporaryDirectory dir;
    ref::datagen::FieldSpec spec;
    spec.variable_id = "tas";
    spec.units = "K";
    const auto file = ref::datagen::write_cmip6_monthly(dir.path(), {}, spec, {}, {2001, 2001, "noleap"});
    const Field field = read_field({file.path.string()}, "tas");
    REQUIRE(field.time_bounds.size() == 24);
    const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (std::size_t m = 0; m < 12; ++m) CHECK(field.step_length(m) == Approx(days[m]));

    testing::TestFile plain;
    plain.time = {10.0, 20.0, 40.0};
    plain.data.assign(18, 1.0);
    const auto path = dir / "plain.nc";
    testing::write_test_file(path, plain);
    const Field derived = read_field({path.string()}, "tas");
    CHECK(derived.time_bounds == std::vector<double>{5.0, 15.0, 15.0, 30.0, 30.0, 50.0});
}
