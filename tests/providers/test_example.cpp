// The example provider end to end: generated data -> ref-engine run -> bundles,
// compared with the closed-form answers of the generator; and on the real sample data.
#include "../engine/test_support.hpp"
#include "ref/datagen/default_tree.hpp"
#include "ref/science/field.hpp"
#include "skip.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in);
}

// Runs the example diagnostic through the CLI and returns the parsed JSON report.
json run_example(const std::string& diagnostic, const fs::path& definition, const fs::path& output) {
    const auto r = test::run_command(test::engine_program().string() + " --plugins " +
                                     test::provider_plugin_dir().string() + " run --format json --diagnostic example/" +
                                     diagnostic + " --definition " + definition.string() + " --output-directory " +
                                     output.string());
    INFO(r.err);
    json report = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    INFO(report.dump(2));
    REQUIRE(r.exit_code == 0);
    REQUIRE(report["outcome"] == "succeeded");
    return report;
}

json series_values(const fs::path& output) {
    const json series = read_json(output / "series.json");
    REQUIRE(series.is_array());
    REQUIRE(series.size() == 1);
    return series[0];
}

}  // namespace

TEST_CASE("global-mean-timeseries reproduces the known annual global means across two files", "[example]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const auto& tas = tree.dataset("tas-historical");
    REQUIRE(tas.files.size() == 2);
    const fs::path out = tmp.path() / "out";
    const json report = run_example("global-mean-timeseries", tree.root / "definitions/example-global-mean-timeseries.json", out);
    CHECK(report["result"]["details"]["backend"] == "native");

    const json s = series_values(out);
    const auto years = tas.years();
    REQUIRE(s["index"].size() == years.size());
    REQUIRE(s["values"].size() == years.size());
    for (std::size_t i = 0; i < years.size(); ++i) {
        INFO("year " << years[i]);
        CHECK(s["index"][i].get<int>() == years[i]);
        const double expected = datagen::expected_annual_global_mean(tas.field, years[i]);
        CHECK(s["values"][i].get<double>() == Approx(expected).epsilon(1e-6));
    }
    CHECK(s["dimensions"]["metric"] == "tas");
    CHECK(s["dimensions"]["source_id"] == "REFSYN-1-0");

    // The metric bundle holds the period mean and the trend of the same series.
    const json bundle = read_json(out / "diagnostic.json");
    CHECK(bundle["DIMENSIONS"]["json_structure"] ==
          json({"source_id", "variable_id", "experiment_id", "variant_label", "region", "metric", "statistic"}));
    const json& stats = bundle["RESULTS"]["REFSYN-1-0"]["tas"]["historical"]["r1i1p1f1"]["global"]["tas"];
    double mean = 0;
    for (int y : years) mean += datagen::expected_annual_global_mean(tas.field, y);
    mean /= static_cast<double>(years.size());
    CHECK(stats["mean"].get<double>() == Approx(mean).epsilon(1e-6));
    CHECK(stats["trend"].get<double>() == Approx(tas.field.trend * 10).epsilon(1e-4));

    // The annual series is also written as netCDF, and the plot as a PNG.
    const science::Field annual = science::read_field({(out / "annual_mean_global_mean_timeseries.nc").string()}, "tas");
    REQUIRE(annual.step_count() == years.size());
    CHECK(annual.dates.front().year == years.front());
    CHECK(annual.data.front() == Approx(datagen::expected_annual_global_mean(tas.field, years.front())).epsilon(1e-6));
    std::ifstream png(out / "global_mean_timeseries.png", std::ios::binary);
    char magic[8] = {};
    png.read(magic, 8);
    CHECK(std::string(magic + 1, 3) == "PNG");
    const json output = read_json(out / "output.json");
    CHECK(output["plots"]["timeseries"]["filename"] == "global_mean_timeseries.png");
    CHECK(output["provenance"]["environment"]["backend"] == "native");
}

TEST_CASE("global-mean-timeseries counts each month once when files overlap", "[example]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const auto& pi = tree.dataset("tas-picontrol");
    const fs::path out = tmp.path() / "out";
    run_example("global-mean-timeseries", tree.root / "definitions/example-global-mean-timeseries-picontrol.json", out);
    const json s = series_values(out);
    const auto years = pi.years();
    REQUIRE(s["values"].size() == years.size());
    REQUIRE(years.size() == static_cast<std::size_t>(pi.last_year - pi.first_year + 1));
    for (std::size_t i = 0; i < years.size(); ++i)
        CHECK(s["values"][i].get<double>() == Approx(datagen::expected_annual_global_mean(pi.field, years[i])).epsilon(1e-6));
}

TEST_CASE("global-sst-bias compares the model with the reference over their common years", "[example]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const auto& model = tree.dataset("tos-historical");
    const auto& obs = tree.dataset("ts-obs");
    const fs::path out = tmp.path() / "out";
    run_example("global-sst-bias", tree.root / "definitions/example-global-sst-bias.json", out);

    // Known answers: ocean means of both fields in degC, year by year.
    double sum = 0, sum_sq = 0;
    const auto years = model.years();
    for (int y : years) {
        const double bias = datagen::expected_annual_global_mean(model.field, y) -
                            (datagen::expected_annual_global_mean(obs.field, y) - 273.15);
        sum += bias, sum_sq += bias * bias;
    }
    const double n = static_cast<double>(years.size());
    const json bundle = read_json(out / "diagnostic.json");
    const json& stats = bundle["RESULTS"]["REFSYN-1-0"]["historical"]["r1i1p1f1"]["HadISST-1-1"]["global"]["tos"];
    CHECK(stats["mean-bias"].get<double>() == Approx(sum / n).epsilon(1e-5));
    CHECK(stats["rmse"].get<double>() == Approx(std::sqrt(sum_sq / n)).epsilon(1e-5));

    const json series = read_json(out / "series.json");
    REQUIRE(series.size() == 3);
    for (const auto& s : series) CHECK(s["values"].size() == years.size());
    const json output = read_json(out / "output.json");
    CHECK(output["plots"].contains("timeseries"));
    CHECK(output["plots"].contains("bias"));
    CHECK(fs::exists(out / "surface_temperature_bias.png"));
}

TEST_CASE("a corrupt input file is a diagnostic error that names the file", "[example]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const fs::path victim = tree.dataset("tas-historical").files.back().path;
    fs::resize_file(victim, fs::file_size(victim) / 3);
    const auto r = test::run_command(test::engine_program().string() + " --plugins " + test::provider_plugin_dir().string() +
                                     " run --diagnostic example/global-mean-timeseries --definition " +
                                     (tree.root / "definitions/example-global-mean-timeseries.json").string() +
                                     " --output-directory " + (tmp.path() / "out").string());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("diagnostic error"));
    CHECK_THAT(r.out, Catch::Contains(victim.filename().string()));
}

TEST_CASE("global-mean-timeseries on the ACCESS-ESM1-5 abrupt-4xCO2 sample data gives 25 annual values",
          "[example][sample-data]") {
    const char* env_root = std::getenv("REF_SAMPLE_DATA_DIR");
    const fs::path root = env_root && *env_root ? env_root : REF_SAMPLE_DATA_DIR;
    const fs::path dir = root / "CMIP6/CMIP/CSIRO/ACCESS-ESM1-5/abrupt-4xCO2/r1i1p1f1";
    const fs::path tas = dir / "Amon/tas/gn/v20191115/tas_Amon_ACCESS-ESM1-5_abrupt-4xCO2_r1i1p1f1_gn_010101-012512.nc";
    const fs::path area = dir / "fx/areacella/gn/v20191115/areacella_fx_ACCESS-ESM1-5_abrupt-4xCO2_r1i1p1f1_gn.nc";
    if (!fs::exists(tas) || !fs::exists(area)) {
        test::skip_test("the CMIP6 sample data is not at " + root.string());
        return;
    }
    test::TempDir tmp;
    const json definition = {
        {"schema_version", 1},
        {"diagnostic", "example/global-mean-timeseries"},
        {"key", "cmip6_abrupt-4xCO2_ACCESS-ESM1-5_r1i1p1f1_tas"},
        {"output_directory", ""},
        {"datasets",
         {{"cmip6",
           {{"slug_column", "instance_id"},
            {"selector", json::array({json::array({"experiment_id", "abrupt-4xCO2"}),
                                      json::array({"source_id", "ACCESS-ESM1-5"}), json::array({"variable_id", "tas"}),
                                      json::array({"variant_label", "r1i1p1f1"})})},
            {"rows",
             {{{"instance_id", "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.abrupt-4xCO2.r1i1p1f1.Amon.tas.gn.v20191115"},
               {"variable_id", "tas"}, {"path", tas.string()}},
              {{"instance_id", "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.abrupt-4xCO2.r1i1p1f1.fx.areacella.gn.v20191115"},
               {"variable_id", "areacella"}, {"path", area.string()}}}}}}}}};
    std::ofstream(tmp.path() / "def.json") << definition.dump();
    const fs::path out = tmp.path() / "out";
    run_example("global-mean-timeseries", tmp.path() / "def.json", out);
    const json s = series_values(out);
    REQUIRE(s["values"].size() == 25);
    CHECK(s["index"].front() == 101);
    CHECK(s["index"].back() == 125);
    for (const auto& v : s["values"]) {
        CHECK(v.get<double>() > 280.0);
        CHECK(v.get<double>() < 300.0);
    }
    // Quadrupled CO2 warms the planet: the last years are warmer than the first.
    CHECK(s["values"].back().get<double>() > s["values"].front().get<double>() + 1.0);
}
