// The native backend on generated data whose ECS, lambda, TCR, TCRE, ZEC and warming-level
// years are known in closed form (ref/datagen/experiments.hpp).
#include "native_test_support.hpp"

#include "ref/datagen/temp_dir.hpp"
#include "ref/esmvaltool/native.hpp"
#include "ref/esmvaltool/provider.hpp"
#include "ref/science/netcdf_file.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

using namespace native_test;
using ref::datagen::TemporaryDirectory;

namespace {

bool is_png(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    char magic[8] = {};
    file.read(magic, 8);
    return file.gcount() == 8 && std::string(magic, 8) == "\x89PNG\r\n\x1a\n";
}

// Every file output.json lists exists in the output directory.
void check_listed_files_exist(const json& output, const fs::path& directory) {
    std::size_t count = 0;
    for (const std::string section : {"data", "plots"}) {
        for (const auto& [key, entry] : output.at(section).items()) {
            INFO(key);
            CHECK(fs::is_regular_file(directory / entry.at("filename").get<std::string>()));
            CHECK(entry.contains("dimensions"));
            ++count;
        }
    }
    CHECK(count > 0);
    CHECK(output["provenance"]["environment"]["backend"] == "native");
    CHECK(output["provenance"]["environment"]["provider"] == "esmvaltool");
    CHECK(output["provenance"]["environment"]["version"] == "0.17.2");
}

const json& global_results(const json& metrics) {
    return metrics.at("RESULTS").at("gn").at("r1i1p1f1").at("REFCS-1-0").at("global");
}

}  // namespace

TEST_CASE("native ECS returns the prescribed feedback and sensitivity", "[native][ecs]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-ecs");
    RecordingHost recorder;
    const auto result = run_diagnostic("equilibrium-climate-sensitivity",
                                       definition_for("equilibrium-climate-sensitivity",
                                                      set.files_for("equilibrium-climate-sensitivity"), out.path()),
                                       recorder.host());
    CHECK(result.details["backend"] == "native");
    CHECK(result.details["years"] == 150);
    CHECK(recorder.logged(REF_LOG_INFO, "native"));
    CHECK(recorder.logged(REF_LOG_INFO, "abrupt-4xCO2 years 1850-1999 are compared with piControl years 121-270"));

    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(metrics["DIMENSIONS"]["json_structure"] ==
          json({"grid_label", "member_id", "source_id", "region", "metric"}));
    const json& global = global_results(metrics);
    CHECK(global["ecs"].get<double>() == Approx(set.expected.ecs).epsilon(1e-9));
    CHECK(global["lambda"].get<double>() == Approx(set.expected.lambda).epsilon(1e-9));
    CHECK(set.expected.ecs == Approx(7.4 / 2.4));

    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["values"].size() == 150);
    CHECK(series[0]["index"].size() == 150);
    CHECK(series[0]["index_name"] == "tas_anomaly");
    CHECK(series[0]["dimensions"]["statistic"] == "global annual mean anomaly of rtnt vs tas");
    CHECK(series[0]["dimensions"]["source_id"] == "REFCS-1-0");
    for (std::size_t k : {0u, 1u, 75u, 149u}) {
        CHECK(series[0]["index"][k].get<double>() == Approx(set.expected.abrupt_tas_anomaly[k]).margin(1e-9));
        CHECK(series[0]["values"][k].get<double>() == Approx(set.expected.abrupt_rtnt_anomaly[k]).margin(1e-9));
    }

    const json output = read_json(out.path() / "output.json");
    check_listed_files_exist(output, out.path());
    CHECK(output["data"]["ecs.nc"]["dimensions"] == json({{"metric", "ecs"}}));
    CHECK(output["data"]["lambda.nc"]["dimensions"] == json({{"metric", "lambda"}}));
    CHECK(output["plots"]["ecs_regression_REFCS-1-0.png"]["dimensions"]["statistic"] ==
          "global annual mean anomaly of rtnt vs tas");
    const ref::science::NetcdfFile ecs_file((out.path() / "ecs.nc").string());
    CHECK(ecs_file.read("ecs").at(0) == Approx(set.expected.ecs).epsilon(1e-9));
    CHECK(ecs_file.string_attribute("ecs", "units") == "K");
}

TEST_CASE("native TCR averages years 61-80 of the anomaly to the control line", "[native][tcr]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-tcr");
    RecordingHost recorder;
    run_diagnostic("transient-climate-response",
                   definition_for("transient-climate-response", set.files_for("transient-climate-response"), out.path()),
                   recorder.host());
    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(global_results(metrics)["tcr"].get<double>() == Approx(set.expected.tcr).epsilon(1e-9));
    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["values"].size() == 140);
    CHECK(series[0]["index"][0] == "1850-07-02T12:00:00");  // noleap mid-year
    CHECK(series[0]["attributes"]["calendar"] == "noleap");
    CHECK(series[0]["values"][139].get<double>() == Approx(set.expected.tcr_anomaly[139]).margin(1e-9));
    check_listed_files_exist(read_json(out.path() / "output.json"), out.path());
}

TEST_CASE("native TCRE divides the warming by the cumulative emissions at year 55", "[native][tcre]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-tcre");
    RecordingHost recorder;
    run_diagnostic("transient-climate-response-emissions",
                   definition_for("transient-climate-response-emissions",
                                  set.files_for("transient-climate-response-emissions"), out.path()),
                   recorder.host());
    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(global_results(metrics)["tcre"].get<double>() == Approx(set.expected.tcre).epsilon(1e-9));
    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["values"].size() == 65);
    CHECK(series[0]["index_name"] == "cumulative_fco2antt");
    CHECK(series[0]["index"][54].get<double>() == Approx(set.expected.cumulative_emissions_pg[54]).epsilon(1e-9));
    CHECK(series[0]["values"][60].get<double>() == Approx(set.expected.tcre_anomaly[60]).margin(1e-9));
    check_listed_files_exist(read_json(out.path() / "output.json"), out.path());
}

TEST_CASE("native ZEC keeps the 19-year mean and the month-length weighted base", "[native][zec]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-zec");
    RecordingHost recorder;
    run_diagnostic("zero-emission-commitment",
                   definition_for("zero-emission-commitment", set.files_for("zero-emission-commitment"), out.path()),
                   recorder.host());
    // The parent window is 1895-1914: 10 years before the branch at esm-1pctCO2 year 1905.
    CHECK(recorder.logged(REF_LOG_INFO, "compared with esm-1pctCO2 years 1895-1914"));
    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(global_results(metrics)["zec"].get<double>() == Approx(set.expected.zec).margin(1e-9));
    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["values"].size() == 100);
    CHECK(series[0]["index"][99] == 99);
    CHECK(series[0]["values"][0].get<double>() == Approx(set.expected.zec_series[0]).margin(1e-9));
    const json output = read_json(out.path() / "output.json");
    check_listed_files_exist(output, out.path());
    CHECK(output["data"]["zec.nc"]["dimensions"] == json({{"statistic", "zec"}}));
    CHECK(output["data"]["zec_50.nc"]["dimensions"] == json({{"metric", "zec"}}));
    for (const char* plot : {"zec_timeseries_all_models.png", "zec_50_barplot.png"}) {
        INFO(plot);
        REQUIRE(output["plots"].contains(plot));
        CHECK(output["plots"][plot]["dimensions"] == json({{"statistic", "zec"}}));
        CHECK(is_png(out.path() / plot));
    }
}

namespace {

// The warming-levels diagnostic on the standard set, its outputs in `out`.
void run_warming_levels(const ref::datagen::ClimateSensitivitySet& set, const TemporaryDirectory& out) {
    RecordingHost recorder;
    run_diagnostic("climate-at-global-warming-levels",
                   definition_for("climate-at-global-warming-levels", set.files_for("climate-at-global-warming-levels"),
                                  out.path()),
                   recorder.host());
}

}  // namespace

TEST_CASE("native warming levels give each model's exceedance years", "[native][gwl]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-gwl");
    run_warming_levels(set, out);
    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(metrics["DIMENSIONS"]["json_structure"] == json({"experiment_id", "global_warming_level", "metric"}));
    const json& results = metrics["RESULTS"]["ssp245"];
    const auto& first = set.expected.gwl_exceedance_years.at("REFCS-1-0");
    const auto& second = set.expected.gwl_exceedance_years.at("REFCS-2-0");
    CHECK(first.at("1.5") == 2014);
    CHECK(first.at("3.0") == 2077);
    CHECK(first.count("4.0") == 0);
    CHECK(second.at("1.5") == 2010);
    CHECK(second.at("4.0") == 2080);
    for (const auto& [model, levels] : set.expected.gwl_exceedance_years)
        for (const auto& [level, year] : levels) {
            INFO(model << " " << level);
            CHECK(results[level]["attributes"][model + " r1i1p1f1"] == year);
        }
    // The metric itself is the last model's year, as in the REF.
    CHECK(results["1.5"]["exceedance_year"] == second.at("1.5"));
    CHECK(results["4.0"]["exceedance_year"] == second.at("4.0"));
    CHECK_FALSE(results.contains("5.0"));
    check_listed_files_exist(read_json(out.path() / "output.json"), out.path());
}

TEST_CASE("native warming-level maps are the multi-model mean and spread of the 21-year means", "[native][gwl][plots]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-gwl-maps");
    run_warming_levels(set, out);
    const json output = read_json(out.path() / "output.json");
    check_listed_files_exist(output, out.path());
    // Every cell warms linearly from 1950 on top of a fixed pattern, so the 21-year mean around
    // the exceedance year Y is warming(Y) plus the pattern, for both models alike.
    const ref::datagen::ClimateSensitivitySpec spec;
    const auto& years = set.expected.gwl_exceedance_years;
    auto warming = [&](std::size_t model, const std::string& level) {
        const std::string source = model == 0 ? "REFCS-1-0" : "REFCS-2-0";
        return spec.gwl_warming_rates[model] * (years.at(source).at(level) - 1950);
    };
    auto read_map = [&](const std::string& variable, const std::string& statistic, const std::string& level) {
        const std::string stem = "gwl_mean_plots_" + variable + "/CMIP6_mm_" + statistic + "_" + level;
        INFO(stem);
        REQUIRE(output["plots"].contains(stem + ".png"));
        CHECK(output["plots"][stem + ".png"]["dimensions"] == json({{"statistic", statistic}, {"variable_id", variable}}));
        CHECK(output["data"][stem + ".nc"]["dimensions"] == json({{"statistic", statistic}, {"variable_id", variable}}));
        CHECK(is_png(out.path() / (stem + ".png")));
        const auto values = ref::science::NetcdfFile((out.path() / (stem + ".nc")).string()).read(variable);
        REQUIRE(values.size() == 180u * 360u);
        return values;
    };
    const auto tas_spread = read_map("tas", "stdev", "1.5");
    const double expected_spread = std::fabs(warming(0, "1.5") - warming(1, "1.5")) / std::sqrt(2.0);
    for (std::size_t c = 0; c < tas_spread.size(); c += 997) CHECK(tas_spread[c] == Approx(expected_spread).margin(1e-9));
    const auto pr_spread = read_map("pr", "stdev", "1.5");
    for (std::size_t c = 0; c < pr_spread.size(); c += 997) CHECK(pr_spread[c] == Approx(0.0).margin(1e-9));
    const auto low = read_map("tas", "mean", "1.5"), high = read_map("tas", "mean", "3.0");
    const double expected_step = (warming(0, "3.0") + warming(1, "3.0") - warming(0, "1.5") - warming(1, "1.5")) / 2.0;
    for (std::size_t c = 0; c < low.size(); c += 997) CHECK(high[c] - low[c] == Approx(expected_step).margin(1e-9));
    // Global mean 287 K - 273.15 plus warming; the pattern is small next to that.
    CHECK(low[180 * 90 + 10] == Approx(287.0 - 273.15 + (warming(0, "1.5") + warming(1, "1.5")) / 2.0).margin(10.0));
    const auto pr_mean = read_map("pr", "mean", "1.5");
    CHECK(pr_mean[180 * 90] == Approx(3.0e-5 * 86400.0).margin(0.1));
    // One model above 4 K: a mean map, no spread.
    read_map("tas", "mean", "4.0");
    CHECK_FALSE(output["plots"].contains("gwl_mean_plots_tas/CMIP6_mm_stdev_4.0.png"));
    CHECK_FALSE(output["plots"].contains("gwl_mean_plots_tas/CMIP6_mm_mean_5.0.png"));
}

TEST_CASE("native global mean time series is in degrees Celsius with mid-year stamps", "[native][gmt]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-gmt");
    RecordingHost recorder;
    run_diagnostic("global-mean-timeseries",
                   definition_for("global-mean-timeseries", set.files_for("global-mean-timeseries"), out.path()),
                   recorder.host());
    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(metrics["DIMENSIONS"]["json_structure"].empty());
    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["dimensions"]["statistic"] == "annual mean");
    CHECK(series[0]["dimensions"]["table_id"] == "Amon");
    REQUIRE(series[0]["values"].size() == set.expected.historical_tas_celsius.size());
    for (std::size_t k = 0; k < series[0]["values"].size(); k += 20)
        CHECK(series[0]["values"][k].get<double>() == Approx(set.expected.historical_tas_celsius[k]).margin(1e-9));
    CHECK(series[0]["attributes"]["value_units"] == "degrees_C");
    check_listed_files_exist(read_json(out.path() / "output.json"), out.path());
}

TEST_CASE("the declaration lists the native backend where there is one", "[native]") {
    CHECK(ref::esmvaltool::native::available("equilibrium-climate-sensitivity"));
    CHECK(ref::esmvaltool::native::available("climate-at-global-warming-levels"));
    CHECK_FALSE(ref::esmvaltool::native::available("enso-characteristics"));
    ref::esmvaltool::EsmvaltoolDiagnostic ecs(ref::esmvaltool::diagnostic_spec("equilibrium-climate-sensitivity"));
    CHECK(ecs.extra_declaration()["backends"] == json({"native", "esmvaltool"}));
}
