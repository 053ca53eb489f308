// The native annual-cycle backend: statistics with closed-form answers, and whole runs on
// generated netCDF files that end in the bundles of the tool path.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "native_test_files.hpp"
#include "pmp_test_support.hpp"
#include "ref/science/regrid.hpp"

using namespace pmp_test;
namespace pmp = ref::pmp;
namespace sci = ref::science;
using pmp_native_test::MonthlyFile;

namespace {

const ref::plugin::Host& quiet_host() {
    static const ref::plugin::Host host(nullptr);
    return host;
}

ref::plugin::Diagnostic& annual_cycle() {
    static pmp::PmpProvider provider;
    auto* d = provider.find("annual-cycle");
    REQUIRE(d != nullptr);
    return *d;
}

constexpr std::array<double, 12> kLengths = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

double surface(int month, double lat, double lon) {
    return 288.0 + 20.0 * std::cos(lat * std::numbers::pi / 180.0) + 3.0 * std::sin(lon * std::numbers::pi / 90.0) +
           5.0 * std::sin(lat * std::numbers::pi / 180.0) * std::cos(2 * std::numbers::pi * (month - 1) / 12.0);
}

std::vector<double> climatology_on(const sci::LatLonGrid& g, double offset, double wiggle = 0.0) {
    std::vector<double> v;
    for (int m = 1; m <= 12; ++m)
        for (const double la : g.lat)
            for (const double lo : g.lon)
                v.push_back(surface(m, la, lo) + offset + wiggle * std::sin(3 * lo * std::numbers::pi / 180.0 + m));
    return v;
}

double stat(const json& s, const std::string& name, const std::string& season = "ann") { return s.at(name).at(season).get<double>(); }

json settings_native() { return {{"backend", "native"}}; }

json run_native(const fs::path& out, const std::string& variable, const fs::path& model, const fs::path& reference,
                const std::string& reference_source = "ERA-5") {
    const json datasets = {{"cmip6", {model_row("cmip6", variable, model.string())}},
                           {"pmp-climatology", {reference_row(reference_source, variable, reference.string())}}};
    const auto result = annual_cycle().execute(definition("annual-cycle", out, datasets, settings_native()), quiet_host());
    CHECK(result.details == json{{"backend", "native"}, {"version", pmp::kProviderVersion}});
    return read_json(out / "diagnostic.json");
}

}  // namespace

TEST_CASE("PMP rounding keeps six significant digits", "[pmp][native][annual-cycle]") {
    CHECK(pmp::round_like_pmp(288.90234567) == 288.902);
    CHECK(pmp::round_like_pmp(-0.0012345678) == -0.00123457);
    CHECK(std::isnan(pmp::round_like_pmp(NAN)));
}

TEST_CASE("annual-cycle statistics of a model identical to its reference", "[pmp][native][annual-cycle]") {
    const auto grid = sci::uniform_global_grid(10.0, 10.0);
    const auto ref = climatology_on(grid, 0.0);
    const json s = pmp::annual_cycle_statistics(grid, ref, ref, kLengths);
    for (const char* season : {"ann", "djf", "mam", "jja", "son"}) {
        CHECK(stat(s, "bias_xy", season) == 0.0);
        CHECK(stat(s, "rms_xy", season) == 0.0);
        CHECK(stat(s, "rmsc_xy", season) == 0.0);
        CHECK(stat(s, "mae_xy", season) == 0.0);
        CHECK(stat(s, "cor_xy", season) == Approx(1.0).epsilon(1e-6));
        CHECK(stat(s, "std_xy", season) == stat(s, "std-obs_xy", season));
    }
    CHECK(stat(s, "rms_xyt") == 0.0);
    CHECK(stat(s, "rms_y") == 0.0);
    CHECK(stat(s, "rms_devzm") == 0.0);
    CHECK(s.at("bias_xy").at("CalendarMonths").size() == 12);
    CHECK(s.size() == 16);
}

TEST_CASE("annual-cycle statistics of a model offset by a constant", "[pmp][native][annual-cycle]") {
    const auto grid = sci::uniform_global_grid(10.0, 10.0);
    const double c = -1.75;
    const json s = pmp::annual_cycle_statistics(grid, climatology_on(grid, c), climatology_on(grid, 0.0), kLengths);
    for (const char* season : {"ann", "djf", "mam", "jja", "son"}) {
        CHECK(stat(s, "bias_xy", season) == Approx(c).epsilon(1e-6));
        CHECK(stat(s, "rms_xy", season) == Approx(std::fabs(c)).epsilon(1e-6));
        CHECK(stat(s, "mae_xy", season) == Approx(std::fabs(c)).epsilon(1e-6));
        CHECK(stat(s, "rmsc_xy", season) == Approx(0.0).margin(1e-9));
        CHECK(stat(s, "cor_xy", season) == Approx(1.0).epsilon(1e-6));
        CHECK(stat(s, "mean_xy", season) - stat(s, "mean-obs_xy", season) == Approx(c).epsilon(1e-4));
    }
    CHECK(stat(s, "rms_xyt") == Approx(std::fabs(c)).epsilon(1e-6));
    CHECK(stat(s, "rms_y") == Approx(std::fabs(c)).epsilon(1e-6));
    CHECK(stat(s, "rms_devzm") == Approx(0.0).margin(1e-9));
    CHECK(stat(s, "std_xyt") == Approx(stat(s, "std-obs_xyt")).epsilon(1e-5));
    CHECK(stat(s, "std_xy_devzm") == Approx(stat(s, "std-obs_xy_devzm")).epsilon(1e-5));
}

TEST_CASE("annual-cycle statistics satisfy the RMS decompositions", "[pmp][native][annual-cycle]") {
    const auto grid = sci::uniform_global_grid(5.0, 7.5);
    const json s = pmp::annual_cycle_statistics(grid, climatology_on(grid, 0.8, 2.0), climatology_on(grid, 0.0), kLengths);
    for (const char* season : {"ann", "djf", "mam", "jja", "son"}) {
        const double rms = stat(s, "rms_xy", season), rmsc = stat(s, "rmsc_xy", season), bias = stat(s, "bias_xy", season);
        CHECK(rms * rms == Approx(rmsc * rmsc + bias * bias).epsilon(2e-5));
        CHECK(stat(s, "cor_xy", season) < 1.0);
    }
    const double rms = stat(s, "rms_xy"), rms_y = stat(s, "rms_y"), devzm = stat(s, "rms_devzm");
    CHECK(rms * rms == Approx(rms_y * rms_y + devzm * devzm).epsilon(2e-5));
    CHECK(devzm > 0.01);  // the longitude wiggle leaves a zonal-deviation error
    // The seasons use PMP's month weights: DJF is months (12, 1, 2) weighted 30, 31, 31.
    const auto model = climatology_on(grid, 0.8, 2.0);
    const auto reference = climatology_on(grid, 0.0);
    const std::size_t cells = grid.cell_count();
    const auto areas = sci::spherical_cell_areas(grid, 1.0).values;
    double sum = 0, weight = 0;
    for (std::size_t c = 0; c < cells; ++c) {
        const double d = (30 * (model[11 * cells + c] - reference[11 * cells + c]) + 31 * (model[c] - reference[c]) +
                          31 * (model[cells + c] - reference[cells + c])) / 92.0;
        sum += areas[c] * d;
        weight += areas[c];
    }
    CHECK(stat(s, "bias_xy", "djf") == Approx(sum / weight).epsilon(1e-5));
}

TEST_CASE("native annual-cycle runs end in the tool path's bundle", "[pmp][native][annual-cycle]") {
    const TempDir dir;
    const double c = 0.5;
    MonthlyFile model;  // on a 5x5 degree grid, a climatology identical to the reference plus c
    model.grid = {5.0, 5.0};
    model.value = [&](int, int m, std::size_t, double la, double lo) { return surface(m, la, lo) + c; };
    pmp_native_test::write_monthly(dir / "ts_model.nc", model);
    MonthlyFile reference;  // on the 2.5 degree target grid already
    reference.climatology = true;
    reference.first_year = 1981;
    reference.value = [&](int, int m, std::size_t, double la, double lo) {
        // The 5-degree model regridded to 2.5 degrees repeats its cell value: give the
        // reference the values of the enclosing 5-degree cell centre.
        const double la5 = std::floor((la + 90) / 5) * 5 - 90 + 2.5, lo5 = std::floor(lo / 5) * 5 + 2.5;
        return surface(m, la5, lo5);
    };
    pmp_native_test::write_monthly(dir / "ts_reference.nc", reference);
    const fs::path out = dir / "out";
    const json metric = run_native(out, "ts", dir / "ts_model.nc", dir / "ts_reference.nc");

    CHECK(metric["DIMENSIONS"]["json_structure"] ==
          json{"kind", "mip_id", "source_id", "member_id", "experiment_id", "variable_id", "reference_source_id", "region",
               "statistic", "season"});
    CHECK(metric["DIMENSIONS"]["region"] == json{{"global", json::object()}, {"NHEX", json::object()},
                                                 {"SHEX", json::object()}, {"TROPICS", json::object()}});
    CHECK(metric["DIMENSIONS"]["season"].size() == 5);
    CHECK(metric["DIMENSIONS"]["statistic"].size() == 16);
    const json& regions = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["ts"]["ERA-5"];
    for (const char* region : {"global", "NHEX", "SHEX", "TROPICS"}) {
        CHECK(regions[region]["bias_xy"]["ann"].get<double>() == Approx(c).epsilon(1e-5));
        CHECK(regions[region]["rmsc_xy"]["djf"].get<double>() == Approx(0.0).margin(1e-5));
        CHECK(regions[region]["rms_xy"]["jja"].get<double>() == Approx(c).epsilon(1e-5));
        CHECK_FALSE(regions[region]["bias_xy"].contains("CalendarMonths"));
    }
    CHECK(regions["attributes"]["InputClimatologyFileName"] ==
          "ts_ACCESS-ESM1-5_historical_r1i1p1f1_clims.198101-200512.AC.v5.nc");
    CHECK(fs::exists(out / "ts_2.5x2.5_regrid2_metrics_basicTest_cmec_transformed.json"));

    const json output = read_json(out / "output.json");
    CHECK(output["provenance"]["environment"] ==
          json{{"backend", "native"}, {"provider", "pmp"}, {"version", pmp::kProviderVersion}});
    const std::string plot = "ts_ACCESS-ESM1-5_r1i1p1f1_interpolated_regrid2_global_AC_basicTest.png";
    REQUIRE(output["plots"].contains(plot));
    CHECK(output["plots"][plot]["filename"] == "ts/" + plot);
    CHECK(fs::file_size(out / "ts" / plot) > 1000);
    CHECK(output["plots"].size() == 4 * 5);
    CHECK(read_json(out / "series.json") == json::array());
}

TEST_CASE("native annual-cycle converts pr to mm/day and selects pressure levels", "[pmp][native][annual-cycle]") {
    const TempDir dir;
    SECTION("pr in kg m-2 s-1 against a reference in mm/day, with the doubleITCZ region") {
        MonthlyFile model;
        model.variable = "pr";
        model.units = "kg m-2 s-1";
        model.value = [](int, int m, std::size_t, double la, double) { return (3.0 + std::cos(la / 30.0) + 0.1 * m) / 86400.0; };
        pmp_native_test::write_monthly(dir / "pr_model.nc", model);
        MonthlyFile reference = model;
        reference.units = "mm/day";
        reference.climatology = true;
        reference.first_year = 1983;
        reference.value = [](int, int m, std::size_t, double la, double) { return 3.0 + std::cos(la / 30.0) + 0.1 * m; };
        pmp_native_test::write_monthly(dir / "pr_reference.nc", reference);
        const json metric = run_native(dir / "out", "pr", dir / "pr_model.nc", dir / "pr_reference.nc", "GPCP-3-3");
        const json& regions = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["pr"]["GPCP-3-3"];
        REQUIRE(regions.contains("doubleITCZ"));
        CHECK(regions.size() == 3);  // global, doubleITCZ, attributes
        CHECK(regions["global"]["bias_xy"]["ann"].get<double>() == Approx(0.0).margin(1e-6));
        CHECK(regions["doubleITCZ"]["mean_xy"]["ann"].get<double>() > 3.0);
    }
    SECTION("ta at 200 and 850 hPa under a leading level dimension") {
        MonthlyFile model;
        model.variable = "ta";
        model.grid = {10.0, 10.0};
        model.plev = {100000, 85000, 50000, 20000};
        model.value = [](int, int m, std::size_t k, double la, double) { return 300.0 - 20.0 * static_cast<double>(k) + std::cos(la / 40.0) + m; };
        pmp_native_test::write_monthly(dir / "ta_model.nc", model);
        MonthlyFile reference = model;
        reference.grid = {2.5, 2.5};
        reference.plev = {85000, 20000};
        reference.climatology = true;
        reference.first_year = 1981;
        // 850 hPa is level 1 of the model, 200 hPa level 3; offsets 1 and 2 K.
        reference.value = [](int, int m, std::size_t k, double, double) { return k == 0 ? 280.0 - 1.0 + m : 240.0 - 2.0 + m; };
        pmp_native_test::write_monthly(dir / "ta_reference.nc", reference);
        // Bias = offset + <cos(la/40)>: 1 + <.> at 850 hPa, 2 + <.> at 200 hPa.
        const json metric = run_native(dir / "out", "ta", dir / "ta_model.nc", dir / "ta_reference.nc");
        CHECK(metric["DIMENSIONS"]["json_structure"][7] == "level");
        CHECK(metric["DIMENSIONS"]["level"] == json{{"200", json::object()}, {"850", json::object()}});
        const json& levels = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["ta"]["ERA-5"];
        const double b850 = levels["850"]["global"]["bias_xy"]["ann"].get<double>();
        const double b200 = levels["200"]["global"]["bias_xy"]["ann"].get<double>();
        CHECK(b850 - b200 == Approx(-1.0).epsilon(1e-4));
    }
}

TEST_CASE("native annual-cycle reads only the model files that reach into 1981-2005", "[pmp][native][annual-cycle]") {
    const TempDir dir;
    MonthlyFile early;  // another grid: reading it with the others would fail
    early.grid = {10.0, 10.0};
    early.first_year = 1950;
    early.last_year = 1960;
    early.value = [](int, int, std::size_t, double, double) { return 1000.0; };
    pmp_native_test::write_monthly(dir / "ts_1950.nc", early);
    MonthlyFile period;
    period.first_year = 1981;
    period.last_year = 2005;
    period.value = [](int, int m, std::size_t, double la, double lo) { return surface(m, la, lo); };
    pmp_native_test::write_monthly(dir / "ts_1981.nc", period);
    MonthlyFile reference = period;
    reference.climatology = true;
    pmp_native_test::write_monthly(dir / "ts_reference.nc", reference);

    const json datasets = {{"cmip6", {model_row("cmip6", "ts", (dir / "ts_1950.nc").string()),
                                      model_row("cmip6", "ts", (dir / "ts_1981.nc").string())}},
                           {"pmp-climatology", {reference_row("ERA-5", "ts", (dir / "ts_reference.nc").string())}}};
    annual_cycle().execute(definition("annual-cycle", dir / "out", datasets, settings_native()), quiet_host());
    const json metric = read_json(dir / "out" / "diagnostic.json");
    const json& global = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["ts"]["ERA-5"]["global"];
    CHECK(global["rms_xy"]["ann"].get<double>() == Approx(0.0).margin(1e-9));
    CHECK(global["cor_xy"]["mam"].get<double>() == Approx(1.0).epsilon(1e-6));

    // A model without any data in the period is bad data, named.
    const json early_only = {{"cmip6", {model_row("cmip6", "ts", (dir / "ts_1950.nc").string())}},
                             {"pmp-climatology", {reference_row("ERA-5", "ts", (dir / "ts_reference.nc").string())}}};
    CHECK_THROWS_WITH(
        annual_cycle().execute(definition("annual-cycle", dir / "out2", early_only, settings_native()), quiet_host()),
        Catch::Contains("ts_1950.nc") && Catch::Contains("1981-01"));
}
