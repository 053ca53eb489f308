// The native ILAMB scores against closed-form answers on generated gridded fields.
#include "native_test_support.hpp"
#include "ref/datagen/nc_writer.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/units.hpp"

#include <catch2/catch.hpp>

#include <netcdf.h>

#include <cmath>

using namespace ilamb_test;
namespace native = ref::ilamb::native;
using Catch::Matchers::Contains;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kAmplitude = 2.0;

// A spatial pattern plus an annual cycle peaking in January (month index 0).
double pattern(double lat, double lon) { return 10.0 + 3.0 * std::sin(lat * kPi / 180.0) + std::cos(lon * kPi / 180.0); }
double seasonal(int month, int peak = 0) { return kAmplitude * std::cos(2.0 * kPi * (month - peak) / 12.0); }

native::GridField load(const fs::path& path, const std::string& variable = "mrro") {
    return native::load_grid_field({path.string()}, variable, false);
}

native::Outputs score(const TempDir& tmp, const FieldFile& reference, const FieldFile& model,
                      const GridSpec& reference_grid, const GridSpec& model_grid) {
    write_grid_file(tmp / "ref.nc", reference_grid, reference);
    write_grid_file(tmp / "model.nc", model_grid, model);
    return native::run_analyses(load(tmp / "ref.nc", reference.variable), load(tmp / "model.nc", model.variable),
                                {native::Region{}}, "MODEL");
}

FieldFile monthly(std::function<double(int, int, double, double)> value, int months = 36) {
    FieldFile f;
    f.months = months;
    f.value = std::move(value);
    return f;
}

}  // namespace

TEST_CASE("a model identical to its reference scores 1 everywhere", "[ilamb][native]") {
    TempDir tmp;
    const auto field = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
    const auto out = score(tmp, field, field, regular_grid(18, 36), regular_grid(18, 36));
    const auto& rows = out.scalars;
    CHECK(scalar(rows, "MODEL", "None", "Bias [kg m-2 s-1]") == Approx(0.0).margin(1e-12));
    CHECK(scalar(rows, "MODEL", "None", "Bias Score [1]") == Approx(1.0));
    CHECK(scalar(rows, "MODEL", "None", "RMSE [kg m-2 s-1]") == Approx(0.0).margin(1e-12));
    CHECK(scalar(rows, "MODEL", "None", "RMSE Score [1]") == Approx(1.0));
    CHECK(scalar(rows, "MODEL", "None", "Phase Shift [month]") == Approx(0.0).margin(1e-12));
    CHECK(scalar(rows, "MODEL", "None", "Seasonal Cycle Score [1]") == Approx(1.0));
    CHECK(scalar(rows, "MODEL", "None", "Correlation [1]") == Approx(1.0));
    CHECK(scalar(rows, "MODEL", "None", "Normalized Standard Deviation [1]") == Approx(1.0));
    CHECK(scalar(rows, "MODEL", "None", "Spatial Distribution Score [1]") == Approx(1.0));
    CHECK(scalar(rows, "Reference", "None", "Period Mean [kg m-2 s-1]") ==
          Approx(scalar(rows, "MODEL", "None", "Period Mean [kg m-2 s-1]")));
    const auto overall = native::overall_scores(rows, "MODEL");
    REQUIRE(overall.size() == 1);
    CHECK(overall[0].first == "None");
    CHECK(overall[0].second == Approx(1.0));
    // 36 months: traces for the RMSE, 12-month cycles for the annual cycle.
    REQUIRE(out.model_traces.size() == 1);
    CHECK(out.model_traces[0].name == "trace_None");
    CHECK(out.model_traces[0].values.size() == 36);
    REQUIRE(out.model_cycles.size() == 1);
    CHECK(out.model_cycles[0].values.size() == 12);
    // The cycle's area-weighted mean: the pattern's mean is 10 (sin(lat), cos(lon) average to 0).
    CHECK(out.reference_cycles[0].values[0] == Approx(10.0 + kAmplitude).epsilon(1e-9));
}

TEST_CASE("a model offset by a constant has Bias c and Bias Score exp(-|c|/sigma)", "[ilamb][native]") {
    TempDir tmp;
    const double c = 0.75;
    const auto reference = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
    const auto model = monthly([c](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m) + c; });
    const auto out = score(tmp, reference, model, regular_grid(18, 36), regular_grid(18, 36));
    // 30-day months weigh equally: the population std of A cos over 12 months is A / sqrt(2).
    const double sigma = kAmplitude / std::sqrt(2.0);
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias [kg m-2 s-1]") == Approx(c).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(std::exp(-c / sigma)).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "None", "RMSE [kg m-2 s-1]") == Approx(c).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "None", "RMSE Score [1]") == Approx(1.0));  // centred error is 0
    CHECK(scalar(out.scalars, "MODEL", "None", "Spatial Distribution Score [1]") == Approx(1.0));
    // A negative offset scores the same.
    const auto below = monthly([c](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m) - c; });
    const auto out2 = score(tmp, reference, below, regular_grid(18, 36), regular_grid(18, 36));
    CHECK(scalar(out2.scalars, "MODEL", "None", "Bias [kg m-2 s-1]") == Approx(-c).epsilon(1e-12));
    CHECK(scalar(out2.scalars, "MODEL", "None", "Bias Score [1]") == Approx(std::exp(-c / sigma)).epsilon(1e-12));
}

TEST_CASE("a phase-shifted annual cycle has the expected Phase Shift", "[ilamb][native]") {
    TempDir tmp;
    const auto reference = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
    for (int peak : {2, 5, 9, 11}) {
        const auto model = monthly([peak](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m, peak); });
        const auto out = score(tmp, reference, model, regular_grid(9, 18), regular_grid(9, 18));
        const int expected = peak > 6 ? peak - 12 : peak;  // wrapped into [-6, 6]
        INFO("model peak month index " << peak);
        CHECK(scalar(out.scalars, "MODEL", "None", "Phase Shift [month]") == Approx(expected).margin(1e-12));
        CHECK(scalar(out.scalars, "MODEL", "None", "Seasonal Cycle Score [1]") ==
              Approx(1.0 - std::abs(expected) / 6.0).margin(1e-12));
    }
}

TEST_CASE("the nested grid of two different grids conserves area means", "[ilamb][native]") {
    TempDir tmp;
    // A constant and a cell-wise varying field on a 10x10 degree and a 7.5x12 degree grid.
    FieldFile constant;
    constant.value = [](int, int, double, double) { return 4.5; };
    FieldFile varying;
    varying.value = [](int, int, double la, double lo) { return la * 0.1 + std::floor(lo / 12.0); };
    write_grid_file(tmp / "a.nc", regular_grid(18, 36), constant);
    write_grid_file(tmp / "b.nc", regular_grid(24, 30, -180.0), varying);
    auto a = load(tmp / "a.nc");
    auto b = load(tmp / "b.nc");
    CHECK_FALSE(a.temporal);
    native::make_comparable(a, b);  // b's longitudes move to [0, 360)
    CHECK(b.lon.front() > 0.0);
    const auto nested = native::nest_grids(a, b);
    // 19 + 25 latitude edges, 7 of them shared (every 30 degrees): 37 edges, 36 cells.
    CHECK(nested.lat.size() == 36);
    double total = 0, mean_a = 0, mean_b = 0;
    for (std::size_t n = 0; n < nested.cells(); ++n) {
        total += nested.areas[n];
        mean_a += nested.areas[n] * a.data[nested.reference_cell[n]];
        mean_b += nested.areas[n] * b.data[nested.model_cell[n]];
    }
    const double sphere = 4.0 * kPi * ref::science::kMeanEarthRadius * ref::science::kMeanEarthRadius;
    CHECK(total == Approx(sphere).epsilon(1e-12));
    CHECK(mean_a / total == Approx(4.5).epsilon(1e-12));
    // b's own-grid area mean equals its nested mean: every nested cell lies in one b cell.
    double own = 0, own_area = 0;
    const double r2 = ref::science::kMeanEarthRadius * ref::science::kMeanEarthRadius;
    for (std::size_t j = 0; j < b.lat.size(); ++j)
        for (std::size_t i = 0; i < b.lon.size(); ++i) {
            const double area = r2 * (b.lon_bounds[2 * i + 1] - b.lon_bounds[2 * i]) * kPi / 180.0 *
                                (std::sin(b.lat_bounds[2 * j + 1] * kPi / 180.0) - std::sin(b.lat_bounds[2 * j] * kPi / 180.0));
            own += area * b.data[j * b.lon.size() + i];
            own_area += area;
        }
    CHECK(mean_b / total == Approx(own / own_area).epsilon(1e-12));
}

TEST_CASE("make_comparable trims both to the common months", "[ilamb][native]") {
    TempDir tmp;
    auto reference = monthly([](int, int, double, double) { return 1.0; }, 60);  // 2000-2004
    auto model = monthly([](int, int, double, double) { return 1.0; }, 72);      // 2002-2007
    model.first_year = 2002;
    write_grid_file(tmp / "ref.nc", regular_grid(6, 12), reference);
    write_grid_file(tmp / "model.nc", regular_grid(6, 12), model);
    auto r = load(tmp / "ref.nc");
    auto m = load(tmp / "model.nc");
    native::make_comparable(r, m);
    REQUIRE(r.steps() == 36);
    REQUIRE(m.steps() == 36);
    CHECK(r.dates.front().year == 2002);
    CHECK(r.dates.front().month == 1);
    CHECK(m.dates.back().year == 2004);
    CHECK(m.dates.back().month == 12);
    CHECK(r.data.size() == 36 * r.cells());

    // No common month is an error naming both periods.
    model.first_year = 2010;
    write_grid_file(tmp / "model.nc", regular_grid(6, 12), model);
    auto r2 = load(tmp / "ref.nc");
    auto m2 = load(tmp / "model.nc");
    CHECK_THROWS_WITH(native::make_comparable(r2, m2), Contains("2000-01 to 2004-12") && Contains("2010-01") &&
                                                           Contains("no common period"));
}

TEST_CASE("make_comparable converts the model to the reference units", "[ilamb][native]") {
    TempDir tmp;
    SECTION("K against degC") {
        auto reference = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
        reference.variable = "tas";
        reference.units = "degC";
        auto model = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m) + 273.15; });
        model.variable = "tas";
        model.units = "K";
        const auto out = score(tmp, reference, model, regular_grid(9, 18), regular_grid(9, 18));
        CHECK(out.units == "degC");
        CHECK(scalar(out.scalars, "MODEL", "None", "Bias [degC]") == Approx(0.0).margin(1e-9));
        CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(1.0));
    }
    SECTION("kg m-2 s-1 against mm/day through the water density") {
        auto reference = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
        reference.units = "mm/day";
        auto model = monthly([](int, int m, double la, double lo) {
            return (pattern(la, lo) + seasonal(m)) * ref::science::kWaterDensity / 86400000.0;
        });
        const auto out = score(tmp, reference, model, regular_grid(9, 18), regular_grid(9, 18));
        CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(1.0));
        CHECK(std::abs(scalar(out.scalars, "MODEL", "None", "Bias [mm d-1]")) < 1e-9);
    }
    SECTION("unconvertible units name both datasets") {
        auto reference = monthly([](int, int, double, double) { return 1.0; });
        reference.units = "K";
        const auto model = monthly([](int, int, double, double) { return 1.0; });
        CHECK_THROWS_WITH(score(tmp, reference, model, regular_grid(6, 12), regular_grid(6, 12)),
                          Contains("model.nc") && Contains("ref.nc") && Contains("\"kg m-2 s-1\""));
    }
}

TEST_CASE("longitude conventions and different grids still score an identical field as 1", "[ilamb][native]") {
    TempDir tmp;
    // Piecewise constant in 30-degree boxes, so both grids sample the same values.
    const auto box = [](int, int m, double la, double lo) {
        return 5.0 + std::floor((la + 90.0) / 30.0) + 0.5 * std::floor(std::fmod(lo + 360.0, 360.0) / 30.0) + seasonal(m);
    };
    const auto out = score(tmp, monthly(box), monthly(box), regular_grid(6, 12), regular_grid(12, 24, -180.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "RMSE Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Seasonal Cycle Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Spatial Distribution Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias [kg m-2 s-1]") == Approx(0.0).margin(1e-12));
}

TEST_CASE("a single-time reference gets Bias and Spatial Distribution only", "[ilamb][native]") {
    TempDir tmp;
    FieldFile reference;
    reference.variable = "cSoil";
    reference.units = "kg m-2";
    reference.value = [](int, int, double la, double lo) { return pattern(la, lo); };
    auto model = monthly([](int, int, double la, double lo) { return 2.0 * pattern(la, lo); }, 24);
    model.variable = "cSoil";
    model.units = "kg m-2";
    const auto out = score(tmp, reference, model, regular_grid(9, 18), regular_grid(9, 18));
    // Without a time axis the normaliser is the reference itself: |C - R| / R = 1 everywhere.
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(std::exp(-1.0)).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "None", "Normalized Standard Deviation [1]") == Approx(2.0).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "None", "Correlation [1]") == Approx(1.0).epsilon(1e-12));
    CHECK(std::isnan(scalar(out.scalars, "MODEL", "None", "RMSE Score [1]")));
    CHECK(std::isnan(scalar(out.scalars, "MODEL", "None", "Phase Shift [month]")));
    CHECK(out.model_traces.empty());
}

TEST_CASE("region masks restrict every statistic", "[ilamb][native]") {
    TempDir tmp;
    write_region_file(tmp / "regions.nc", regular_grid(18, 36, -180.0), {"north", "south"}, {"Northern", "Southern"},
                      [](double la, double) { return la > 0 ? 0 : 1; });
    const auto north = native::read_region(tmp / "regions.nc", "north");
    const auto south = native::read_region(tmp / "regions.nc", "south");
    CHECK(north.name == "Northern");
    CHECK_THROWS_WITH(native::read_region(tmp / "regions.nc", "east"), Contains("regions.nc") && Contains("east"));
    // The model is right in the north and off by 1 in the south.
    const auto reference = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
    const auto model = monthly([](int, int m, double la, double lo) {
        return pattern(la, lo) + seasonal(m) + (la > 0 ? 0.0 : 1.0);
    });
    write_grid_file(tmp / "ref.nc", regular_grid(18, 36), reference);
    write_grid_file(tmp / "model.nc", regular_grid(18, 36), model);
    const auto out = native::run_analyses(load(tmp / "ref.nc"), load(tmp / "model.nc"), {north, south}, "MODEL");
    CHECK(scalar(out.scalars, "MODEL", "north", "Bias [kg m-2 s-1]") == Approx(0.0).margin(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "north", "Bias Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "south", "Bias [kg m-2 s-1]") == Approx(1.0).epsilon(1e-12));
    CHECK(scalar(out.scalars, "MODEL", "south", "Bias Score [1]") ==
          Approx(std::exp(-1.0 / (kAmplitude / std::sqrt(2.0)))).epsilon(1e-12));
    // Northern reference period mean: the area-weighted mean of 10 + 3 sin(lat) over the
    // northern rows (cos(lon) and the 36-month cycle average to 0).
    double sum = 0, weight = 0;
    for (int j = 9; j < 18; ++j) {
        const double s_lat = -90.0 + 10.0 * j, n_lat = s_lat + 10.0;
        const double area = std::sin(n_lat * kPi / 180.0) - std::sin(s_lat * kPi / 180.0);
        sum += area * (10.0 + 3.0 * std::sin((s_lat + 5.0) * kPi / 180.0));
        weight += area;
    }
    CHECK(scalar(out.scalars, "Reference", "north", "Period Mean [kg m-2 s-1]") == Approx(sum / weight).epsilon(1e-9));
}

TEST_CASE("soil moisture in kg m-2 becomes a volume fraction of a 0.1 m layer", "[ilamb][native]") {
    TempDir tmp;
    FieldFile f;
    f.variable = "mrsos";
    f.units = "kg m-2";
    f.value = [](int, int, double, double) { return 0.25 * 0.1 * ref::science::kWaterDensity; };
    write_grid_file(tmp / "mrsos.nc", regular_grid(3, 6), f);
    auto field = load(tmp / "mrsos.nc", "mrsos");
    native::soil_moisture_to_volume_fraction(field);
    CHECK(field.units == "1");
    for (double v : field.data) CHECK(v == Approx(0.25).epsilon(1e-12));
}

TEST_CASE("select_depth keeps the level nearest the surface", "[ilamb][native]") {
    TempDir tmp;
    // thetao(time, lev, lat, lon) with levels 50, 5, 500 m: level k holds the value 10 * (k + 1) + month.
    const fs::path path = tmp / "thetao.nc";
    {
        ref::datagen::NcWriter nc(path.string());
        const int time = nc.dimension("time", 2), lev = nc.dimension("lev", 3), lat = nc.dimension("lat", 2),
                  lon = nc.dimension("lon", 4);
        const int tv = nc.variable("time", NC_DOUBLE, {time}, {{"units", std::string("days since 2000-01-01")},
                                                               {"calendar", std::string("noleap")}});
        const int lv = nc.variable("lev", NC_DOUBLE, {lev}, {{"units", std::string("m")}, {"positive", std::string("down")}});
        const int la = nc.variable("lat", NC_DOUBLE, {lat}, {{"units", std::string("degrees_north")}});
        const int lo = nc.variable("lon", NC_DOUBLE, {lon}, {{"units", std::string("degrees_east")}});
        const int v = nc.variable("thetao", NC_DOUBLE, {time, lev, lat, lon}, {{"units", std::string("degC")}});
        nc.put(tv, std::vector<double>{15.5, 45.0});
        nc.put(lv, std::vector<double>{50.0, 5.0, 500.0});
        nc.put(la, std::vector<double>{-45.0, 45.0});
        nc.put(lo, std::vector<double>{45.0, 135.0, 225.0, 315.0});
        std::vector<double> values;
        for (int t = 0; t < 2; ++t)
            for (int k = 0; k < 3; ++k)
                for (int c = 0; c < 8; ++c) values.push_back(10.0 * (k + 1) + t);
        nc.put(v, values);
        nc.close();
    }
    const auto surface = native::load_grid_field({path.string()}, "thetao", true);
    REQUIRE(surface.data.size() == 2 * 8);
    for (std::size_t c = 0; c < 8; ++c) {
        CHECK(surface.data[c] == 20.0);      // level 1 (5 m), first month
        CHECK(surface.data[8 + c] == 21.0);  // second month
    }
    CHECK_THROWS_WITH(native::load_grid_field({path.string()}, "thetao", false),
                      Contains("thetao.nc") && Contains("lev"));
}

TEST_CASE("a curvilinear model is sampled onto the reference grid", "[ilamb][native]") {
    TempDir tmp;
    const auto value = [](int t, double la, double lo) { return pattern(la, lo) + seasonal(t % 12); };
    auto reference = monthly([&](int t, int, double la, double lo) { return value(t, la, lo); }, 24);
    reference.variable = "tos";
    reference.units = "degC";
    write_grid_file(tmp / "ref.nc", regular_grid(18, 36), reference);
    // The model: (time, j, i) with 2-D coordinates at the reference centres, rows north to
    // south, longitudes in [-180, 180), in K.
    const fs::path path = tmp / "tos_Omon.nc";
    {
        ref::datagen::NcWriter nc(path.string());
        const int time = nc.dimension("time", 24), j = nc.dimension("j", 18), i = nc.dimension("i", 36);
        const int tv = nc.variable("time", NC_DOUBLE, {time}, {{"units", std::string("days since 2000-01-01")},
                                                               {"calendar", std::string("360_day")}});
        const int la = nc.variable("latitude", NC_DOUBLE, {j, i}, {{"units", std::string("degrees_north")},
                                                                   {"standard_name", std::string("latitude")}});
        const int lo = nc.variable("longitude", NC_DOUBLE, {j, i}, {{"units", std::string("degrees_east")},
                                                                    {"standard_name", std::string("longitude")}});
        const int v = nc.variable("tos", NC_DOUBLE, {time, j, i},
                                  {{"units", std::string("K")}, {"coordinates", std::string("latitude longitude")}});
        std::vector<double> times, lats, lons, values;
        for (int t = 0; t < 24; ++t) times.push_back(30.0 * t + 15.0);
        for (int row = 0; row < 18; ++row)
            for (int col = 0; col < 36; ++col) {
                lats.push_back(85.0 - 10.0 * row);
                lons.push_back(-175.0 + 10.0 * col);
            }
        for (int t = 0; t < 24; ++t)
            for (std::size_t c = 0; c < lats.size(); ++c) values.push_back(value(t, lats[c], lons[c]) + 273.15);
        nc.put(tv, times);
        nc.put(la, lats);
        nc.put(lo, lons);
        nc.put(v, values);
        nc.close();
    }
    auto model = native::load_grid_field({path.string()}, "tos", false);
    CHECK(model.curvilinear());
    CHECK(model.cells() == 18 * 36);
    const auto out = native::run_analyses(load(tmp / "ref.nc", "tos"), std::move(model), {native::Region{}}, "MODEL");
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias [degC]") == Approx(0.0).margin(1e-9));
    CHECK(scalar(out.scalars, "MODEL", "None", "Bias Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "RMSE Score [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Correlation [1]") == Approx(1.0));
    CHECK(scalar(out.scalars, "MODEL", "None", "Seasonal Cycle Score [1]") == Approx(1.0));
}

TEST_CASE("a region without spatial variance in the reference has no spatial distribution", "[ilamb][native]") {
    TempDir tmp;
    const auto reference = monthly([](int, int m, double, double) { return 5.0 + seasonal(m); });
    const auto model = monthly([](int, int m, double la, double lo) { return pattern(la, lo) + seasonal(m); });
    const auto out = score(tmp, reference, model, regular_grid(9, 18), regular_grid(9, 18));
    CHECK(std::isnan(scalar(out.scalars, "MODEL", "None", "Spatial Distribution Score [1]")));
    CHECK(std::isfinite(scalar(out.scalars, "MODEL", "None", "Bias Score [1]")));
    // The overall score averages the scores that exist: bias, RMSE and seasonal cycle.
    const double expected = (scalar(out.scalars, "MODEL", "None", "Bias Score [1]") +
                             scalar(out.scalars, "MODEL", "None", "RMSE Score [1]") +
                             scalar(out.scalars, "MODEL", "None", "Seasonal Cycle Score [1]")) / 3.0;
    CHECK(native::overall_scores(out.scalars, "MODEL").at(0).second == Approx(expected));
}
