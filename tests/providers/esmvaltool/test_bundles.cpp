// ESMValTool run directories turned into CMEC bundles and series (spec §1.7). There are no
// real ESMValTool fixtures, so the tests write outputs shaped as ESMValTool writes them.
#include "esmvaltool_test_support.hpp"
#include "ref/esmvaltool/bundles.hpp"
#include "skip.hpp"

#include <catch2/catch.hpp>
#include <netcdf.h>

using namespace esmvaltool_test;
using namespace ref::esmvaltool;

namespace {
const Selectors kCanEsm5{{"grid_label", "gn"}, {"member_id", "r1i1p1f1"}, {"source_id", "CanESM5"}};
}

TEST_CASE("real ESMValTool outputs, when fixtures hold any, are convertible", "[esmvaltool][bundles]") {
    const fs::path fixtures = fs::path(REF_FIXTURES_DIR) / "tool-outputs" / "esmvaltool";
    if (!fs::exists(fixtures)) {
        ref::test::skip_test("no real ESMValTool outputs in " + fixtures.string() +
                             "; the other bundle tests use outputs they write themselves");
        return;
    }
    // Outputs appeared: each diagnostic.json beside native outputs must be reproducible.
    std::size_t bundles = 0;
    for (const auto& entry : fs::recursive_directory_iterator(fixtures))
        if (entry.path().filename() == "diagnostic.json") ++bundles;
    CHECK(bundles > 0);
}

TEST_CASE("ECS outputs become metric, output and series bundles", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    const fs::path run = out / "executions" / "recipe_20260101_120000";
    write_ecs_run(run, run);
    const auto& spec = diagnostic_spec("equilibrium-climate-sensitivity");
    const Bundles bundles = build_bundles(spec, kCanEsm5, out);

    const json& metrics = bundles.metrics;
    CHECK(metrics["DIMENSIONS"]["json_structure"] == json({"grid_label", "member_id", "source_id", "region", "metric"}));
    CHECK(metrics["DIMENSIONS"]["source_id"] == json({{"CanESM5", json::object()}}));
    CHECK(metrics["DIMENSIONS"]["metric"] == json({{"ecs", json::object()}, {"lambda", json::object()}}));
    CHECK(metrics["RESULTS"]["gn"]["r1i1p1f1"]["CanESM5"]["global"]["ecs"].get<double>() == Approx(5.615868));
    CHECK(metrics["RESULTS"]["gn"]["r1i1p1f1"]["CanESM5"]["global"]["lambda"].get<double>() == Approx(-0.6587246));
    CHECK(metrics["PROVENANCE"].is_null());

    const json& output = bundles.output;
    const std::string prefix = "executions/recipe_20260101_120000/";
    CHECK(output["index"] == (run / "index.html").string());
    CHECK(output["provenance"]["log"] == (run / "run/main_log_debug.txt").string());
    CHECK(output["html"][(run / "index.html").string()]["long_name"] == "Results page");
    const json& ecs_file = output["data"][prefix + "work/ecs/calculate/ecs.nc"];
    CHECK(ecs_file == json({{"filename", prefix + "work/ecs/calculate/ecs.nc"},
                            {"long_name", "Equilibrium Climate Sensitivity (ECS) for CanESM5."},
                            {"description", ""},
                            {"dimensions", {{"metric", "ecs"}}}}));
    CHECK(output["data"][prefix + "work/ecs/calculate/lambda.nc"]["dimensions"] == json({{"metric", "lambda"}}));
    CHECK(output["data"][prefix + "work/ecs/calculate/ecs_regression_CanESM5.nc"]["dimensions"] ==
          json({{"statistic", "global annual mean anomaly of rtnt vs tas"}}));
    CHECK(output["plots"][prefix + "plots/ecs/calculate/ecs_regression_CanESM5.png"]["dimensions"] ==
          json({{"statistic", "global annual mean anomaly of rtnt vs tas"}}));
    CHECK(output["plots"].size() == 1);
    CHECK(output["data"].size() == 3);

    REQUIRE(bundles.series.size() == 1);
    const json& s = bundles.series[0];
    CHECK(s["dimensions"] == json({{"grid_label", "gn"},
                                   {"member_id", "r1i1p1f1"},
                                   {"source_id", "CanESM5"},
                                   {"statistic", "global annual mean anomaly of rtnt vs tas"}}));
    CHECK(s["index_name"] == "tas_anomaly");
    REQUIRE(s["values"].size() == 150);
    REQUIRE(s["index"].size() == 150);
    CHECK(s["index"][0].get<double>() == Approx(4.0));
    CHECK(s["values"][3].is_null());
    CHECK(s["values"][0].get<double>() == Approx(-0.6587246 * 4.0 + 7.4));
    CHECK(s["attributes"]["value_units"] == "W m-2");
    CHECK(s["attributes"]["index_long_name"] == "Near-Surface Air Temperature anomaly");
    CHECK(s["attributes"]["values_name"] == "rtnt_anomaly");
    CHECK_FALSE(s.contains("kind"));
}

TEST_CASE("time indices become ISO dates with their calendar and sel picks the model entry", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    const fs::path run = out / "executions" / "recipe_20260101_120000";
    // Two runs: the greatest name is the result directory.
    fs::create_directories(out / "executions" / "recipe_20250101_000000");
    write_text(run / "index.html", "<html/>");
    // ZEC: a (dataset, time) series where dim0=0 is the model.
    write_netcdf(run / "work/zec/zec/zec.nc", {{"dim0", 2}, {"time", 3}},
                 {{"zec", {"dim0", "time"}, {0.1, 0.2, 0.3, 9, 9, 9}, {{"units", "K"}}},
                  {"time", {"time"}, {0, 1, 2}, {{"units", "years"}}}});
    write_netcdf(run / "work/zec/zec/zec_50.nc", {{"dataset", 1}}, {{"zec", {"dataset"}, {-0.003024453}, {}}});
    write_text(run / "run/zec/zec/diagnostic_provenance.yml",
               json((run / "work/zec/zec/zec.nc").string()).dump() + ": {caption: ZEC}\n" +
                   json((run / "work/zec/zec/zec_50.nc").string()).dump() + ": {caption: ZEC50}\n");
    const Bundles zec = build_bundles(diagnostic_spec("zero-emission-commitment"), {{"source_id", "ACCESS-ESM1-5"}}, out);
    REQUIRE(zec.series.size() == 1);
    CHECK(zec.series[0]["values"] == json({0.1, 0.2, 0.3}));
    CHECK(zec.series[0]["index"] == json({0, 1, 2}));
    CHECK(zec.series[0]["attributes"]["caption"] == "ZEC");
    CHECK(zec.metrics["RESULTS"]["ACCESS-ESM1-5"]["global"]["zec"].get<double>() == Approx(-0.003024453));

    // TCR: the series file name carries the model; times decode in the file's calendar.
    write_netcdf(run / "work/tcr/calculate/CanESM5.nc", {{"time", 2}},
                 {{"tas_anomaly", {"time"}, {0.5, 0.6}, {{"units", "K"}}},
                  {"time", {"time"}, {182.5, 547.5}, {{"units", "days since 1850-01-01"}, {"calendar", "365_day"}}}});
    write_netcdf(run / "work/tcr/calculate/tcr.nc", {{"dataset", 1}}, {{"tcr", {"dataset"}, {2.741116}, {}}});
    write_text(run / "run/tcr/calculate/diagnostic_provenance.yml",
               json((run / "work/tcr/calculate/CanESM5.nc").string()).dump() + ": {caption: TCR series}\n" +
                   json((run / "work/tcr/calculate/tcr.nc").string()).dump() + ": {caption: TCR}\n");
    fs::remove(run / "run/zec/zec/diagnostic_provenance.yml");
    const Bundles tcr = build_bundles(diagnostic_spec("transient-climate-response"), kCanEsm5, out);
    REQUIRE(tcr.series.size() == 1);
    CHECK(tcr.series[0]["index"] == json({"1850-07-02T12:00:00", "1851-07-02T12:00:00"}));
    CHECK(tcr.series[0]["attributes"]["calendar"] == "365_day");
    CHECK(tcr.metrics["RESULTS"]["gn"]["r1i1p1f1"]["CanESM5"]["global"]["tcr"].get<double>() == Approx(2.741116));
    // Another model's file does not match the {source_id} pattern.
    CHECK_FALSE(matches_definition("executions/r/work/tcr/calculate/MIROC6.nc", "tcr/calculate/{source_id}*.nc", kCanEsm5));
    CHECK(matches_definition("executions/r/work/tcr/calculate/CanESM5.nc", "tcr/calculate/{source_id}*.nc", kCanEsm5));
}

TEST_CASE("GWL exceedance years come from the CSV, the last row of a level winning", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path run = tmp.path() / "out/executions/recipe_20260101_120000";
    write_text(run / "work/calculate_gwl_exceedance_years/gwl_exceedance_calculation/GWL_exceedance_years.csv",
               "Project,Exp,Model,Ens,GWL,Exceedance_Year\n"
               "CMIP6,ssp245-historical,CanESM5,r1i1p1f1,1.5,2013\n"
               "CMIP6,ssp245-historical,CanESM5,r1i1p1f1,2.0,2024\n"
               "CMIP6,ssp245-historical,MIROC6,r1i1p1f1,2.0,2051\n"
               "CMIP6,ssp245-historical,CanESM5,r1i1p1f1,3.0,2050\n");
    const json metrics = metric_bundle(diagnostic_spec("climate-at-global-warming-levels"), {{"experiment_id", "ssp245"}}, run);
    CHECK(metrics["DIMENSIONS"]["json_structure"] == json({"experiment_id", "global_warming_level", "metric"}));
    CHECK(metrics["RESULTS"] == json({{"ssp245", {{"1.5", {{"exceedance_year", 2013}}},
                                                  {"2.0", {{"exceedance_year", 2051}}},
                                                  {"3.0", {{"exceedance_year", 2050}}}}}}));
}

TEST_CASE("missing or malformed ESMValTool outputs fail the conversion", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    const auto& spec = diagnostic_spec("equilibrium-climate-sensitivity");
    SECTION("no run directory") {
        CHECK_THROWS_WITH(build_bundles(spec, kCanEsm5, out), Catch::Contains("no run directory"));
    }
    SECTION("malformed provenance") {
        const fs::path run = out / "executions/recipe_1";
        write_ecs_run(run, run);
        write_text(run / "run/ecs/calculate/diagnostic_provenance.yml", "{unclosed: [\n");
        CHECK_THROWS_AS(build_bundles(spec, kCanEsm5, out), ref::plugin::DiagnosticError);
    }
    SECTION("missing metric file") {
        const fs::path run = out / "executions/recipe_1";
        write_ecs_run(run, run);
        fs::remove(run / "work/ecs/calculate/lambda.nc");
        CHECK_THROWS_WITH(build_bundles(spec, kCanEsm5, out), Catch::Contains("lambda.nc"));
    }
    SECTION("metric file that is not netCDF") {
        const fs::path run = out / "executions/recipe_1";
        write_ecs_run(run, run);
        write_text(run / "work/ecs/calculate/ecs.nc", "not netCDF");
        CHECK_THROWS_AS(build_bundles(spec, kCanEsm5, out), ref::plugin::DiagnosticError);
    }
    SECTION("diagnostics without metrics give an empty metric bundle") {
        const fs::path run = out / "executions/recipe_1";
        fs::create_directories(run);
        const json metrics = metric_bundle(diagnostic_spec("cloud-radiative-effects"), kCanEsm5, run);
        CHECK(metrics["DIMENSIONS"] == json({{"json_structure", json::array()}}));
        CHECK(metrics["RESULTS"] == json::object());
    }
}

TEST_CASE("regional trends are read per variable and AR6 region", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path run = tmp.path() / "out/executions/recipe_20260101_120000";
    // seaborn_diag.py writes the data frame: one row per (dataset, region), regions as strings.
    const fs::path file = run / "work/tas_trends/plot/seaborn_barplot.nc";
    fs::create_directories(file.parent_path());
    int ncid = 0, dim = 0, tas = 0, shape = 0;
    REQUIRE(nc_create(file.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid) == NC_NOERR);
    nc_def_dim(ncid, "index", 3, &dim);
    nc_def_var(ncid, "tas", NC_DOUBLE, 1, &dim, &tas);
    nc_def_var(ncid, "shape_id", NC_STRING, 1, &dim, &shape);
    nc_enddef(ncid);
    const double values[] = {0.02, 0.03, 0.05};
    const char* regions[] = {"NWN ", "MED", "NWN"};
    nc_put_var_double(ncid, tas, values);
    nc_put_var_string(ncid, shape, regions);
    nc_close(ncid);
    const json metrics = metric_bundle(diagnostic_spec("regional-historical-trend"),
                                       {{"grid_label", "gn"}, {"source_id", "CanESM5"}, {"variant_label", "r1i1p1f1"}}, run);
    CHECK(metrics["DIMENSIONS"]["json_structure"] ==
          json({"grid_label", "source_id", "variant_label", "variable_id", "region", "metric"}));
    const json& tas_results = metrics["RESULTS"]["gn"]["CanESM5"]["r1i1p1f1"]["tas"];
    CHECK(tas_results["MED"]["trend"].get<double>() == Approx(0.03));
    // The last row of a region wins, as in the REF.
    CHECK(tas_results["NWN"]["trend"].get<double>() == Approx(0.05));
    CHECK(metrics["DIMENSIONS"]["region"].size() == 2);
}

TEST_CASE("ENSO characteristics and sea-ice sensitivity metrics come from their CSV files", "[esmvaltool][bundles]") {
    TempDir tmp;
    const fs::path run = tmp.path() / "out/executions/recipe_20260101_120000";
    write_text(run / "work/diagnostic_metrics/plot_script/matrix.csv",
               "CanESM5,09pattern,0.2592587\nCanESM5,10lifecycle,0.2404587\nCanESM5,15diversity,11.72414\n");
    const json enso = metric_bundle(diagnostic_spec("enso-characteristics"), kCanEsm5, run);
    CHECK(enso["DIMENSIONS"]["json_structure"] == json({"grid_label", "member_id", "source_id", "region", "metric"}));
    const json& global = enso["RESULTS"]["gn"]["r1i1p1f1"]["CanESM5"]["global"];
    CHECK(global.size() == 3);
    CHECK(global["09pattern"].get<double>() == Approx(0.2592587));
    CHECK(global["15diversity"].get<double>() == Approx(11.72414));

    const std::string header =
        ",direct_sensitivity_(notz-style),annual_siconc_trend,annual_tas_trend,direct_r_val,direct_p_val,label\n";
    write_text(run / "work/arctic/sea_ice_sensitivity_script/plotted_values.csv",
               header + "CanESM5,-2.066191,-0.07236914,0.03272226,-0.872809,3.949451e-12,to_label\n");
    write_text(run / "work/antarctic/sea_ice_sensitivity_script/plotted_values.csv",
               header + "CanESM5,-0.2176355,-0.003315054,0.03272226,-0.159671,0.3522661,to_label\n");
    const json sea_ice = metric_bundle(diagnostic_spec("sea-ice-sensitivity"), {{"experiment_id", "historical"}}, run);
    CHECK(sea_ice["DIMENSIONS"]["json_structure"] == json({"experiment_id", "source_id", "region", "metric"}));
    const json& arctic = sea_ice["RESULTS"]["historical"]["CanESM5"]["arctic"];
    CHECK(arctic.size() == 5);
    CHECK_FALSE(arctic.contains("label"));
    CHECK(arctic["direct_p_val"].get<double>() == Approx(3.949451e-12));
    CHECK(sea_ice["RESULTS"]["historical"]["CanESM5"]["antarctic"]["direct_sensitivity_(notz-style)"].get<double>() ==
          Approx(-0.2176355));

    fs::remove(run / "work/antarctic/sea_ice_sensitivity_script/plotted_values.csv");
    CHECK_THROWS_AS(metric_bundle(diagnostic_spec("sea-ice-sensitivity"), {}, run), ref::plugin::DiagnosticError);
    write_text(run / "work/diagnostic_metrics/plot_script/matrix.csv", "CanESM5,09pattern,not-a-number\n");
    CHECK_THROWS_AS(metric_bundle(diagnostic_spec("enso-characteristics"), kCanEsm5, run), ref::plugin::DiagnosticError);
}
