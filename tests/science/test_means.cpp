#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/annual_series.hpp"
#include "ref/science/means.hpp"
#include "test_files.hpp"

#include <netcdf.h>

using namespace ref::science;
using ref::datagen::TemporaryDirectory;

namespace {
const double missing = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("weighted mean skips missing cells and their weights") {
    const std::vector<double> values = {1.0, missing, 3.0, 10.0};
    const std::vector<double> weights = {1.0, 100.0, 3.0, 0.0};
    CHECK(weighted_mean(values, weights) == Approx((1.0 + 9.0) / 4.0));
    CHECK(std::isnan(weighted_mean(std::vector<double>{missing, missing}, std::vector<double>{1.0, 1.0})));
    CHECK(std::isnan(weighted_mean(std::vector<double>{}, std::vector<double>{})));
    CHECK_THROWS_AS(weighted_mean(values, std::vector<double>{1.0}), std::invalid_argument);
}

TEST_CASE("annual means average what each year has including partial years") {
    std::vector<DateTime> dates;
    std::vector<double> values;
    for (int m = 1; m <= 12; ++m) {
        dates.push_back({2000, m, 15, 0, 0, 0});
        values.push_back(m == 5 ? missing : static_cast<double>(m));
    }
    for (int m = 1; m <= 3; ++m) {
        dates.push_back({2001, m, 15, 0, 0, 0});
        values.push_back(10.0 * m);
    }
    dates.push_back({2002, 1, 15, 0, 0, 0});
    values.push_back(missing);
    const AnnualValues annual = annual_means(dates, values);
    REQUIRE(annual.years == std::vector<int>{2000, 2001, 2002});
    CHECK(annual.values[0] == Approx((78.0 - 5.0) / 11.0));
    CHECK(annual.values[1] == Approx(20.0));
    CHECK(std::isnan(annual.values[2]));
}

TEST_CASE("spatial and annual means of a field read from files") {
    const TemporaryDirectory dir;
    testing::TestFile spec;
    spec.time = testing::monthly_times(2000, 18, spec.time_units, "noleap");  // 1.5 years
    spec.lat = {-60.0, 0.0, 60.0};
    spec.nlon = 2;
    for (int k = 0; k < 18; ++k) {
        // Cells: lat -60 (10, 10), equator (20, NaN), lat 60 (30, 30), plus k.
        for (const double v : {10.0, 10.0, 20.0, missing, 30.0, 30.0}) spec.data.push_back(v + k);
    }
    const auto path = (dir / "tas.nc").string();
    testing::write_test_file(path, spec);
    const Field field = read_field({path}, "tas");
    const Weights weights = cos_lat_weights(path, "tas");
    REQUIRE(weights.shape == std::vector<std::size_t>{3, 2});
    CHECK(weights.values[0] == Approx(0.5));
    CHECK(weights.values[2] == Approx(1.0));

    const auto means = spatial_means(field, weights);
    // (0.5*10*2 + 1*20 + 0.5*30*2) / (0.5*2 + 1 + 0.5*2) = 60/3 = 20
    CHECK(means[0] == Approx(20.0));
    CHECK(means[17] == Approx(37.0));

    const AnnualField annual = annual_cell_means(field);
    REQUIRE(annual.years == std::vector<int>{2000, 2001});
    CHECK(annual.year_values(0)[0] == Approx(10.0 + 5.5));
    CHECK(annual.year_values(1)[0] == Approx(10.0 + 14.5));
    CHECK(std::isnan(annual.year_values(1)[3]));

    const auto series = annual_global_mean({path}, "tas", "", "");
    REQUIRE(series.years == std::vector<int>{2000, 2001});
    CHECK(series.values[0] == Approx(25.5));
    CHECK(series.values[1] == Approx(34.5));
    const auto same = annual_mean_of_global_means({path}, "tas", weights);
    CHECK(same.values[1] == Approx(34.5));
}

TEST_CASE("area weights map missing cells to zero and must match the field's shape") {
    const TemporaryDirectory dir;
    const auto area_path = (dir / "areacella.nc").string();
    {
        ref::datagen::NcWriter out(area_path);
        const int lat = out.dimension("lat", 2);
        const int lon = out.dimension("lon", 3);
        const int var = out.float_variable("areacella", {lat, lon}, {{"units", std::string("m2")}});
        out.put(var, std::vector<float>{1.0f, 2.0f, ref::datagen::fill_value, 4.0f, 5.0f, 6.0f});
        out.close();
    }
    const Weights weights = read_area_weights(area_path, "areacella");
    CHECK(weights.values == std::vector<double>{1.0, 2.0, 0.0, 4.0, 5.0, 6.0});

    testing::TestFile spec;
    spec.time = {15.5};
    spec.lat = {-45.0, 0.0, 45.0};
    spec.nlon = 3;
    spec.data = std::vector<double>(9, 1.0);
    const auto path = (dir / "tas_Amon_x.nc").string();
    testing::write_test_file(path, spec);
    CHECK_THROWS_WITH(annual_global_mean({path}, "tas", area_path, "areacella"),
                      Catch::Contains("areacella.nc") && Catch::Contains("tas_Amon_x.nc") && Catch::Contains("2x3") &&
                          Catch::Contains("3x3"));
}

TEST_CASE("kelvin series convert to degrees Celsius") {
    for (const char* units : {"K", " kelvin ", "degK", "DEG_K"}) CHECK(is_kelvin(units));
    for (const char* units : {"degC", "W m-2", ""}) CHECK_FALSE(is_kelvin(units));
    AnnualSeries series;
    series.units = "K";
    series.values = {273.15, 300.0, missing};
    convert_to_celsius(series);
    CHECK(series.units == "degC");
    CHECK(series.values[0] == Approx(0.0).margin(1e-12));
    CHECK(series.values[1] == Approx(26.85));
    CHECK(std::isnan(series.values[2]));
    convert_to_celsius(series);
    CHECK(series.values[1] == Approx(26.85));
}
