// The native modes-of-variability backend on synthetic fields whose leading mode is known:
// pattern(lat, lon) * pc(t) plus a small second mode, an annual cycle and (for ts) land.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "native_test_files.hpp"
#include "pmp_test_support.hpp"
#include "ref/science/netcdf_file.hpp"
#include "sample_data.hpp"

using namespace pmp_test;
namespace pmp = ref::pmp;
using pmp_native_test::MonthlyFile;

namespace {

const ref::plugin::Host& quiet_host() {
    static const ref::plugin::Host host(nullptr);
    return host;
}

ref::plugin::Diagnostic& find_diagnostic(const std::string& slug) {
    static pmp::PmpProvider provider;
    auto* d = provider.find(slug);
    REQUIRE(d != nullptr);
    return *d;
}

double bump(double lat, double lon, double lat0, double lon0, double width) {
    double dlon = std::fmod(lon - lon0 + 540.0, 360.0) - 180.0;
    return std::exp(-((lat - lat0) / width) * ((lat - lat0) / width) - (dlon / (2 * width)) * (dlon / (2 * width)));
}

// PDO-like: warm/cold centre in the western North Pacific (35N, 170E), opposite lobe to the east.
double pdo_pattern(double lat, double lon) { return bump(lat, lon, 35, 170, 10) - 0.5 * bump(lat, lon, 55, 230, 10); }
// NAO-like dipole: Iceland (65N, 20W) against the Azores (38N, 30W).
double nao_pattern(double lat, double lon) { return bump(lat, lon, 65, 340, 10) - bump(lat, lon, 38, 330, 10); }

double pc_of(int year, int month) {
    const double t = static_cast<double>((year - 1990) * 12 + (month - 1));
    return std::sin(2 * std::numbers::pi * t / 29.0) + 0.6 * std::cos(2 * std::numbers::pi * t / 67.0);
}
double second_pc(int year, int month) {
    const double t = static_cast<double>((year - 1990) * 12 + (month - 1));
    return std::sin(2 * std::numbers::pi * t / 7.3);
}

MonthlyFile mode_file(const std::string& variable, double (*pattern)(double, double), bool land, double second = 0.05) {
    MonthlyFile f;
    f.variable = variable;
    f.units = variable == "psl" ? "Pa" : "K";
    f.grid = {5.0, 5.0};
    f.first_year = 1990;
    f.last_year = 2005;
    const double base = variable == "psl" ? 101325.0 : 290.0, scale = variable == "psl" ? 300.0 : 1.5;
    f.value = [=](int y, int m, std::size_t, double la, double lo) -> double {
        if (land && lo > 60 && lo < 120) return NAN;  // land where the reference has no data
        return base + scale * (pattern(la, lo) * pc_of(y, m) + second * std::cos(la / 9.0) * std::sin(lo / 20.0) * second_pc(y, m) +
                               3.0 * std::cos(2 * std::numbers::pi * (m - 1) / 12.0) * std::cos(la / 60.0));
    };
    return f;
}

json run_mode(const fs::path& out, const std::string& mode, const std::string& variable, const fs::path& model,
              const fs::path& reference, const std::string& reference_source) {
    const json datasets = {{"cmip6", {model_row("cmip6", variable, model.string())}},
                           {"obs4mips", {reference_row(reference_source, variable, reference.string())}}};
    std::string slug = "extratropical-modes-of-variability-" + mode;
    for (auto& ch : slug) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto result = find_diagnostic(slug).execute(definition(slug, out, datasets, {{"backend", "native"}}), quiet_host());
    CHECK(result.details["backend"] == "native");
    return read_json(out / "diagnostic.json");
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
    ma /= static_cast<double>(a.size());
    mb /= static_cast<double>(b.size());
    double saa = 0, sbb = 0, sab = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb), sab += (a[i] - ma) * (b[i] - mb);
    return sab / std::sqrt(saa * sbb);
}

}  // namespace

TEST_CASE("native PDO recovers the pattern with its sign convention, cor 1 for model = reference",
          "[pmp][native][modes]") {
    const TempDir dir;
    const auto spec = mode_file("ts", pdo_pattern, true);
    pmp_native_test::write_monthly(dir / "ts_obs.nc", spec);
    auto model_spec = mode_file("ts", pdo_pattern, false);  // the model has values over land too
    pmp_native_test::write_monthly(dir / "ts_model.nc", model_spec);
    const fs::path out = dir / "out";
    const json metric = run_mode(out, "PDO", "ts", dir / "ts_model.nc", dir / "ts_obs.nc", "HadISST-1-1");

    CHECK(metric["DIMENSIONS"]["json_structure"] == json{"kind", "mip_id", "source_id", "member_id", "experiment_id",
                                                         "reference_source_id", "mode", "season", "method", "statistic"});
    CHECK(metric["DIMENSIONS"]["method"] == json{{"cbf", json::object()}, {"eof1", json::object()}});
    CHECK(metric["DIMENSIONS"]["season"] == json{{"monthly", json::object()}});
    CHECK(metric["DIMENSIONS"]["statistic"].size() == 14);
    const json& methods =
        metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["HadISST-1-1"]["PDO"]["monthly"];
    for (const char* method : {"cbf", "eof1"}) {
        INFO(method);
        CHECK(methods[method]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
        CHECK(methods[method]["cor_glo"].get<double>() == Approx(1.0).epsilon(1e-6));
        CHECK(methods[method]["rms"].get<double>() == Approx(0.0).margin(1e-6));
        CHECK(methods[method]["bias"].get<double>() == Approx(0.0).margin(1e-6));
        CHECK(methods[method]["stdv_pc_ratio_to_obs"].get<double>() == Approx(1.0).epsilon(1e-9));
        CHECK(methods[method]["frac"].get<double>() > 0.95);
    }
    CHECK_FALSE(methods["eof1"].contains("tcor_cbf_vs_eof_pc"));  // computed but not a declared statistic
    CHECK(methods["attributes"]["period"] == "1990-2005");
    CHECK(methods["attributes"]["best_matching_model_eofs__cor"] == 1);

    // The native PMP JSON itself, as the tool writes it.
    const json native = read_json(out / "var_mode_PDO_EOF1_stat_cmip6_historical_mo_atm_ACCESS-ESM1-5_r1i1p1f1_1990-2005_cmec.json");
    const json& obs = native["REF"]["obs"]["defaultReference"];
    CHECK(obs["period"] == "1990-2005");
    CHECK(obs["PDO"]["monthly"]["frac"].get<double>() == Approx(methods["eof1"]["frac"].get<double>()).epsilon(1e-9));
    CHECK(native["RESULTS"]["ACCESS-ESM1-5"]["r1i1p1f1"]["defaultReference"]["PDO"]["monthly"]["eof1"]["tcor_cbf_vs_eof_pc"]
              .get<double>() == Approx(1.0).epsilon(1e-9));

    // The reference EOF is the pattern, signed so the 30-40N, 150-180E box is negative.
    const ref::science::NetcdfFile obs_file((out / "PDO_ts_EOF1_monthly_obs_1990-2005.nc").string());
    const auto eof = obs_file.read("eof");
    const auto lat = spec.grid.lat(), lon = spec.grid.lon();
    std::vector<double> in_domain, expected;
    double box = 0;
    for (std::size_t j = 0; j < lat.size(); ++j)
        for (std::size_t i = 0; i < lon.size(); ++i) {
            const double v = eof[j * lon.size() + i];
            if (lat[j] >= 20 && lat[j] <= 70 && lon[i] >= 110 && lon[i] <= 260 && std::isfinite(v)) {
                in_domain.push_back(v);
                expected.push_back(pdo_pattern(lat[j], lon[i]));
            }
            if (lat[j] >= 30 && lat[j] <= 40 && lon[i] >= 150 && lon[i] <= 180) box += v;
        }
    CHECK(std::fabs(pearson(in_domain, expected)) > 0.999);
    CHECK(box < 0);
    CHECK(pearson(in_domain, expected) < 0);  // the pattern's positive centre lies in the box, so it is flipped

    // Model cells where the reference is missing are masked (no land polygons offline).
    const ref::science::NetcdfFile model_file(
        (out / "PDO_ts_EOF1_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005.nc").string());
    const auto model_eof = model_file.read("eof");
    const std::size_t land_cell = 20 * lon.size() + 18;  // 12.5N, 92.5E
    CHECK(std::isnan(model_eof[land_cell]));
    CHECK(std::isfinite(model_eof[20 * lon.size() + 30]));
    CHECK(model_file.read("pc").size() == 192);

    const json output = read_json(out / "output.json");
    for (const char* plot : {"PDO_ts_EOF1_monthly_obs_1990-2005.png", "PDO_ts_EOF1_monthly_obs_1990-2005_teleconnection.png",
                             "PDO_ts_EOF1_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005_cbf_compare_obs.png",
                             "PDO_ts_EOF1_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005_eof1_compare_obs.png",
                             "EG_Spec_North_test_PDO_monthly_HadISST-1-1_1990-2005.png"}) {
        INFO(plot);
        CHECK(output["plots"].contains(plot));
        CHECK(fs::file_size(out / plot) > 1000);
    }
    CHECK(output["data"].size() == 3);
    CHECK(output["provenance"]["environment"]["backend"] == "native");
}

// bias and bias_glo are <model - reference> (spec §4.3). Anomalies and the domain-mean removal
// cancel any constant offset, so the model differs from the reference by c per standard deviation
// of the reference PC south of the equator (outside the PDO domain): its teleconnection map is the
// reference's plus c there. The leading mode is exactly rank one (a single pattern times a series
// with no monthly climatology), so the model's EOF and CBF PCs equal the reference PC.
TEST_CASE("native PDO bias is model minus reference", "[pmp][native][modes]") {
    const double offset = 0.3;  // degC at the reference PC's +1 standard deviation
    const auto series = [](int year, int month) { return (year - 1997.5) * (1.0 + 0.3 * std::sin(month)); };
    double sum = 0, sum_squares = 0, count = 0;
    for (int y = 1990; y <= 2005; ++y)
        for (int m = 1; m <= 12; ++m) sum += series(y, m), sum_squares += series(y, m) * series(y, m), ++count;
    REQUIRE(sum == Approx(0.0).margin(1e-9));
    const double series_std = std::sqrt((sum_squares - sum * sum / count) / (count - 1));

    const TempDir dir;
    MonthlyFile reference;
    reference.variable = "ts";
    reference.grid = {5.0, 5.0};
    reference.first_year = 1990;
    reference.last_year = 2005;
    reference.value = [=](int y, int m, std::size_t, double la, double lo) -> double {
        if (lo > 60 && lo < 120) return NAN;  // land, the same at every latitude
        return 290.0 + 0.2 * pdo_pattern(la, lo) * series(y, m) + 3.0 * std::cos(2 * std::numbers::pi * (m - 1) / 12.0);
    };
    MonthlyFile model = reference;
    // The pattern is positive in the 30-40N, 150-180E box, so the reference PC is -series (flipped).
    model.value = [=](int y, int m, std::size_t k, double la, double lo) -> double {
        const double v = reference.value(y, m, k, la, lo);
        return la < 0 ? v - offset * series(y, m) / series_std : v;
    };
    pmp_native_test::write_monthly(dir / "ts_obs.nc", reference);
    pmp_native_test::write_monthly(dir / "ts_model.nc", model);
    const json metric = run_mode(dir / "out", "PDO", "ts", dir / "ts_model.nc", dir / "ts_obs.nc", "HadISST-1-1");
    const json& methods =
        metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["HadISST-1-1"]["PDO"]["monthly"];
    // The valid (ocean) share of every latitude band is the same, so the southern half holds half
    // the valid area: bias_glo = c / 2 and rms_glo = c / sqrt(2); over the domain nothing differs.
    for (const char* method : {"cbf", "eof1"}) {
        INFO(method);
        CHECK(methods[method]["bias_glo"].get<double>() == Approx(offset / 2).epsilon(1e-9));
        CHECK(methods[method]["rms_glo"].get<double>() == Approx(offset / std::sqrt(2.0)).epsilon(1e-9));
        CHECK(methods[method]["bias"].get<double>() == Approx(0.0).margin(1e-9));
        CHECK(methods[method]["rms"].get<double>() == Approx(0.0).margin(1e-9));
        CHECK(methods[method]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
        CHECK(methods[method]["stdv_pc_ratio_to_obs"].get<double>() == Approx(1.0).epsilon(1e-9));
    }
}

TEST_CASE("native NAO: four seasons of psl in hPa, model = reference", "[pmp][native][modes]") {
    const TempDir dir;
    pmp_native_test::write_monthly(dir / "psl_obs.nc", mode_file("psl", nao_pattern, false));
    pmp_native_test::write_monthly(dir / "psl_model.nc", mode_file("psl", nao_pattern, false));
    const fs::path out = dir / "out";
    const json metric = run_mode(out, "NAO", "psl", dir / "psl_model.nc", dir / "psl_obs.nc", "20CR-V2");
    CHECK(metric["DIMENSIONS"]["season"].size() == 4);
    const json& seasons =
        metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["20CR-V2"]["NAO"];
    for (const char* season : {"DJF", "MAM", "JJA", "SON"}) {
        INFO(season);
        CHECK(seasons[season]["cbf"]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
        CHECK(seasons[season]["eof1"]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
        CHECK(seasons[season]["cbf"]["stdv_pc_ratio_to_obs"].get<double>() == Approx(1.0).epsilon(1e-9));
    }
    // hPa: the dipole's amplitude is 300 Pa * std(seasonal pc) -> a few hPa, not hundreds.
    const ref::science::NetcdfFile obs((out / "NAO_psl_EOF1_DJF_obs_1990-2005.nc").string());
    double largest = 0;
    for (const double v : obs.read("eof"))
        if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    CHECK(largest > 0.3);
    CHECK(largest < 5.0);
    // NAO sign: the 60-80N mean of the EOF is negative (low over Iceland in the positive phase).
    const auto eof = obs.read("eof");
    const auto lat = pmp_native_test::GridSpec{5.0, 5.0}.lat(), lon = pmp_native_test::GridSpec{5.0, 5.0}.lon();
    double north = 0;
    for (std::size_t j = 0; j < lat.size(); ++j)
        for (std::size_t i = 0; i < lon.size(); ++i)
            if (lat[j] >= 60 && lat[j] <= 80 && (lon[i] >= 270 || lon[i] <= 40)) north += eof[j * lon.size() + i];
    CHECK(north < 0);
}

TEST_CASE("native modes name the file when the data cannot be used", "[pmp][native][modes]") {
    const TempDir dir;
    auto spec = mode_file("psl", nao_pattern, false);
    spec.first_year = 2004;
    spec.last_year = 2004;  // a single year: too short
    pmp_native_test::write_monthly(dir / "psl_short.nc", spec);
    pmp_native_test::write_monthly(dir / "psl_obs.nc", mode_file("psl", nao_pattern, false));
    try {
        run_mode(dir / "out", "NAO", "psl", dir / "psl_short.nc", dir / "psl_obs.nc", "20CR-V2");
        FAIL("a one-year model was accepted");
    } catch (const ref::plugin::DiagnosticError& e) {
        CHECK_THAT(e.what(), Catch::Contains("psl_short.nc") && Catch::Contains("whole years"));
    }
    CHECK_FALSE(fs::exists(dir / "out" / "diagnostic.json"));
}

TEST_CASE("the diagnostics declare their backends; ENSO has no native one", "[pmp][native]") {
    CHECK(find_diagnostic("annual-cycle").extra_declaration()["backends"] == json{"native", "pmp"});
    CHECK(find_diagnostic("extratropical-modes-of-variability-sam").extra_declaration()["backends"] == json{"native", "pmp"});
    CHECK(find_diagnostic("enso_tel").extra_declaration()["backends"] == json{"pmp"});
    const TempDir dir;
    const json datasets = {{"cmip6", {model_row("cmip6", "ts", "/m/ts.nc")}}};
    const auto def = definition("enso_tel", dir / "out", datasets, {{"backend", "native"}});
    CHECK_THROWS_WITH(find_diagnostic("enso_tel").execute(def, quiet_host()), Catch::Contains("no native implementation"));
}

TEST_CASE("native PDO on the CMIP6 sample data: two members of ACCESS-ESM1-5 hist-GHG", "[pmp][native][modes][sample]") {
    const fs::path root = ref::test::sample_data_dir();
    const fs::path base = root / "CMIP6/DAMIP/CSIRO/ACCESS-ESM1-5/hist-GHG";
    const fs::path r1 = base / "r1i1p1f1/Amon/ts/gn/v20200615/ts_Amon_ACCESS-ESM1-5_hist-GHG_r1i1p1f1_gn_200001-202012.nc";
    const fs::path r2 = base / "r2i1p1f1/Amon/ts/gn/v20200615/ts_Amon_ACCESS-ESM1-5_hist-GHG_r2i1p1f1_gn_200001-202012.nc";
    if (!fs::exists(r1) || !fs::exists(r2)) {
        ref::test::skip_test("the CMIP6 sample data are not in " + root.string());
        return;
    }
    const TempDir dir;
    const json datasets = {{"cmip6", {model_row("cmip6", "ts", r1.string(), "ACCESS-ESM1-5", "hist-GHG")}},
                           {"obs4mips", {reference_row("HadISST-1-1", "ts", r2.string())}}};
    const auto def = definition("extratropical-modes-of-variability-pdo", dir / "out", datasets, {{"backend", "native"}});
    find_diagnostic("extratropical-modes-of-variability-pdo").execute(def, quiet_host());
    // As the fixture of the tool's run on these files: model period 2000-2005, same file names.
    CHECK(fs::exists(dir / "out" / "var_mode_PDO_EOF1_stat_cmip6_hist-GHG_mo_atm_ACCESS-ESM1-5_r1i1p1f1_2000-2005_cmec.json"));
    CHECK(fs::exists(dir / "out" / "PDO_ts_EOF1_monthly_cmip6_ACCESS-ESM1-5_hist-GHG_r1i1p1f1_mo_atm_2000-2005_cbf.nc"));
    CHECK(fs::exists(dir / "out" / "PDO_ts_EOF1_monthly_obs_2000-2005.nc"));
    const json metric = read_json(dir / "out" / "diagnostic.json");
    const json& cbf =
        metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["hist-GHG"]["HadISST-1-1"]["PDO"]["monthly"]["cbf"];
    REQUIRE(cbf.size() == 14);
    for (const auto& [name, value] : cbf.items()) {
        INFO(name);
        CHECK(value.is_number());
    }
    CHECK(cbf["cor"].get<double>() > -1.0);
    CHECK(cbf["cor"].get<double>() < 1.0);  // two members differ
    CHECK(cbf["frac"].get<double>() > 0.0);
    CHECK(cbf["frac"].get<double>() < 1.0);
}

TEST_CASE("native NPGO uses the second EOF and reports eof1 and eof2", "[pmp][native][modes]") {
    const TempDir dir;
    // Two clear modes: the PDO-like pattern and a weaker wave pattern (the NPGO stand-in).
    pmp_native_test::write_monthly(dir / "ts_obs.nc", mode_file("ts", pdo_pattern, false, 0.4));
    pmp_native_test::write_monthly(dir / "ts_model.nc", mode_file("ts", pdo_pattern, false, 0.4));
    const fs::path out = dir / "out";
    const json metric = run_mode(out, "NPGO", "ts", dir / "ts_model.nc", dir / "ts_obs.nc", "HadISST-1-1");
    CHECK(metric["DIMENSIONS"]["method"] ==
          json{{"cbf", json::object()}, {"eof1", json::object()}, {"eof2", json::object()}});
    const json& methods =
        metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["HadISST-1-1"]["NPGO"]["monthly"];
    CHECK(methods["cbf"]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
    CHECK(methods["eof2"]["cor"].get<double>() == Approx(1.0).epsilon(1e-9));
    CHECK(methods["eof1"]["cor"].get<double>() < 0.9);
    CHECK(methods["eof2"]["frac"].get<double>() < methods["eof1"]["frac"].get<double>());
    CHECK(methods["attributes"]["best_matching_model_eofs__cor"] == 2);
    CHECK(methods["attributes"]["best_matching_model_eofs__rms"] == 2);
    CHECK(fs::exists(out / "NPGO_ts_EOF2_monthly_obs_1990-2005.nc"));
    CHECK(fs::exists(out / "NPGO_ts_EOF2_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005_cbf.nc"));
    CHECK(fs::exists(out / "NPGO_ts_EOF1_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005.nc"));
    CHECK(fs::exists(out / "NPGO_ts_EOF2_monthly_cmip6_ACCESS-ESM1-5_historical_r1i1p1f1_mo_atm_1990-2005_eof2_compare_obs.png"));
    CHECK(fs::exists(out / "var_mode_NPGO_EOF2_stat_cmip6_historical_mo_atm_ACCESS-ESM1-5_r1i1p1f1_1990-2005_cmec.json"));
}
