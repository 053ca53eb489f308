// Monthly climatologies, seasonal means and anomalies against closed-form answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "ref/datagen/temp_dir.hpp"
#include "ref/datagen/writers.hpp"
#include "ref/science/climatology.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/means.hpp"

using namespace ref::science;
using ref::datagen::TemporaryDirectory;

namespace {

ref::datagen::FieldSpec cycle_spec() {
    ref::datagen::FieldSpec spec;
    spec.variable_id = "tas";
    spec.units = "K";
    spec.base = 280.0;
    spec.trend = 0.5;
    spec.trend_origin_year = 2000;
    spec.amplitude = 6.0;
    spec.sin_lat_coefficient = 3.0;
    spec.cos_lon_coefficient = 2.0;
    return spec;
}

// A one-cell field from explicit steps (date, bounds length in days, value).
Field one_cell_field(const std::vector<std::tuple<DateTime, double, double>>& steps) {
    Field f;
    f.variable = "x";
    f.files = {"memory"};
    f.calendar = "noleap";
    f.spatial_shape = {1};
    double t = 0;
    for (const auto& [date, length, value] : steps) {
        f.dates.push_back(date);
        f.time.push_back(t + length / 2);
        f.time_bounds.push_back(t);
        f.time_bounds.push_back(t + length);
        f.data.push_back(value);
        t += length;
    }
    return f;
}

}  // namespace

TEST_CASE("the monthly climatology of a known annual cycle is its cycle plus the mean trend") {
    const TemporaryDirectory dir;
    ref::datagen::Grid grid;
    const auto spec = cycle_spec();
    const auto file = ref::datagen::write_cmip6_monthly(dir.path(), {}, spec, grid, {1999, 2006, "noleap"});
    const Field field = read_field({file.path.string()}, "tas");
    const auto areas = spherical_cell_areas(read_lat_lon_grid(file.path.string(), "tas"), 1.0);
    // 2001..2004: mean year 2002.5.
    const auto clim = monthly_climatology(field, {2001, 1, 1}, {2004, 12, 31, 23, 59, 59});
    for (int m = 1; m <= 12; ++m) {
        const double expected = 280.0 + 0.5 * 2.5 + 6.0 * std::cos(2 * std::numbers::pi * (m - 1) / 12.0);
        CHECK(weighted_mean(clim.month(static_cast<std::size_t>(m - 1)), areas.values) == Approx(expected).epsilon(1e-7));  // float32 file data
        CHECK(clim.step_counts[static_cast<std::size_t>(m - 1)] == 4);
    }
    CHECK(clim.month_lengths[1] == 28.0);
    CHECK(clim.month_lengths[0] == 31.0);
    // Each cell: the cell's own climatology, i.e. its January values averaged over four years.
    const std::size_t c = 5 * grid.nlon + 7;
    double january = 0;
    for (int y = 2001; y <= 2004; ++y) january += field.step(static_cast<std::size_t>((y - 1999) * 12)).data()[c];
    CHECK(clim.month(0)[c] == Approx(january / 4).epsilon(1e-12));
    CHECK_THROWS_WITH(monthly_climatology(field, {2001, 1, 1}, {2001, 6, 30}),
                      Catch::Contains("calendar month 7") && Catch::Contains(file.path.filename().string()));
}

TEST_CASE("climatologies weigh each step by the length of its bounds and skip missing values") {
    std::vector<std::tuple<DateTime, double, double>> steps;
    for (int m = 1; m <= 12; ++m) steps.emplace_back(DateTime{2000, m, 15}, 30.0, 1.0);
    steps.emplace_back(DateTime{2001, 1, 15}, 10.0, 4.0);  // a short January counts a quarter
    steps.emplace_back(DateTime{2002, 1, 15}, 30.0, NAN);
    const Field f = one_cell_field(steps);
    const auto clim = monthly_climatology(f);
    CHECK(clim.month(0)[0] == Approx((30.0 * 1.0 + 10.0 * 4.0) / 40.0));
    CHECK(clim.month(5)[0] == 1.0);
    const auto anomalies = monthly_anomalies(f);
    CHECK(anomalies[12] == Approx(4.0 - 70.0 / 40.0));
    CHECK(std::isnan(anomalies[13]));
}

TEST_CASE("seasonal means take December from the year before and drop incomplete winters") {
    const TemporaryDirectory dir;
    ref::datagen::Grid grid;
    const auto spec = cycle_spec();
    const auto file = ref::datagen::write_cmip6_monthly(dir.path(), {}, spec, grid, {2000, 2003, "noleap"});
    const Field field = read_field({file.path.string()}, "tas");
    const auto areas = spherical_cell_areas(read_lat_lon_grid(file.path.string(), "tas"), 1.0);
    const auto mean_of = [&](int year, int month) { return ref::datagen::expected_monthly_global_mean(spec, year, month); };

    const YearlyField djf = seasonal_means(field, Season::djf);
    REQUIRE(djf.years == std::vector<int>{2001, 2002, 2003});  // 2000 has no December 1999
    const double winter_2002 = (31 * mean_of(2001, 12) + 31 * mean_of(2002, 1) + 28 * mean_of(2002, 2)) / 90.0;
    CHECK(weighted_mean(djf.year(1), areas.values) == Approx(winter_2002).epsilon(1e-9));

    const YearlyField jja = seasonal_means(field, Season::jja);
    REQUIRE(jja.years.size() == 4);
    const double summer_2000 = (30 * mean_of(2000, 6) + 31 * mean_of(2000, 7) + 31 * mean_of(2000, 8)) / 92.0;
    CHECK(weighted_mean(jja.year(0), areas.values) == Approx(summer_2000).epsilon(1e-9));

    // Anomalies: the 0.5/yr trend is all that is left, centred on the mean year.
    const YearlyField anomalies = seasonal_anomalies(field, Season::jja);
    CHECK(weighted_mean(anomalies.year(0), areas.values) == Approx(-0.75).epsilon(1e-9));
    CHECK(weighted_mean(anomalies.year(3), areas.values) == Approx(0.75).epsilon(1e-9));
    CHECK(parse_season("djf") == Season::djf);
    CHECK_THROWS(parse_season("winter"));
}

TEST_CASE("monthly anomalies remove the annual cycle and keep the trend") {
    const TemporaryDirectory dir;
    ref::datagen::Grid grid;
    const auto spec = cycle_spec();
    const auto file = ref::datagen::write_cmip6_monthly(dir.path(), {}, spec, grid, {2000, 2002, "noleap"});
    const Field field = read_field({file.path.string()}, "tas");
    const auto anomalies = monthly_anomalies(field);
    const std::size_t cells = field.cell_count();
    for (std::size_t t = 0; t < field.step_count(); ++t) {
        const double expected = 0.5 * (static_cast<double>(t / 12) - 1.0);
        for (std::size_t c = 0; c < cells; c += 37) CHECK(anomalies[t * cells + c] == Approx(expected).margin(1e-9));
    }
}
