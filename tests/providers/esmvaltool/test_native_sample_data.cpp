// The native backend on real (decimated) ACCESS-ESM1-5 output, when the sample data exist:
// abrupt-4xCO2 holds only 25 years and piControl tas comes in two overlapping files.
#include "native_test_support.hpp"

#include "ref/datagen/temp_dir.hpp"
#include "sample_data.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace native_test;
using ref::datagen::TemporaryDirectory;

namespace {

using ref::test::access_sample_present;
const fs::path access_model = ref::test::access_esm_model;
fs::path sample_dir() { return ref::test::sample_data_dir(); }

// Catalog-like rows (no time or branch columns: those are read from the files) for every file of
// the listed experiments and variables, areacella included.
std::vector<json> rows_for(const std::vector<std::string>& experiments, const std::vector<std::string>& variables) {
    std::vector<json> rows;
    for (const auto& experiment : experiments) {
        const fs::path run = sample_dir() / access_model / experiment / "r1i1p1f1";
        if (!fs::is_directory(run)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(run)) {
            if (entry.path().extension() != ".nc") continue;
            // .../<table>/<variable>/<grid>/<version>/<file>
            const fs::path version = entry.path().parent_path();
            const std::string grid = version.parent_path().filename();
            const std::string variable = version.parent_path().parent_path().filename();
            const std::string table = version.parent_path().parent_path().parent_path().filename();
            if (variable != "areacella" && std::find(variables.begin(), variables.end(), variable) == variables.end()) continue;
            rows.push_back({{"instance_id", "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5." + experiment + ".r1i1p1f1." + table + "." +
                                                variable + "." + grid + "." + version.filename().string()},
                            {"path", entry.path().string()},
                            {"source_id", "ACCESS-ESM1-5"},
                            {"experiment_id", experiment},
                            {"member_id", "r1i1p1f1"},
                            {"variant_label", "r1i1p1f1"},
                            {"table_id", table},
                            {"variable_id", variable},
                            {"grid_label", grid}});
        }
    }
    return rows;
}

ref::plugin::ExecutionDefinition sample_definition(const std::string& diagnostic, const std::vector<json>& rows,
                                                   const json& selector, const fs::path& output) {
    const json doc = {{"schema_version", 1},
                      {"diagnostic", "esmvaltool/" + diagnostic},
                      {"key", "sample"},
                      {"output_directory", output.string()},
                      {"provider_settings", {{"backend", "native"}}},
                      {"datasets", {{"cmip6", {{"slug_column", "instance_id"}, {"selector", selector}, {"rows", rows}}}}}};
    return ref::plugin::ExecutionDefinition::from_json(doc);
}

const json model_selector = json::array({json::array({"grid_label", "gn"}), json::array({"member_id", "r1i1p1f1"}),
                                         json::array({"source_id", "ACCESS-ESM1-5"})});

const json& global(const fs::path& out) {
    static json metrics;
    metrics = read_json(out / "diagnostic.json");
    return metrics["RESULTS"]["gn"]["r1i1p1f1"]["ACCESS-ESM1-5"]["global"];
}

}  // namespace

TEST_CASE("native ECS of ACCESS-ESM1-5 from 25 years is plausible (skipped without sample data)", "[native][sample]") {
    if (!access_sample_present()) return;
    TemporaryDirectory out("native-sample-ecs");
    RecordingHost recorder;
    const auto rows = rows_for({"abrupt-4xCO2", "piControl"}, {"tas", "rsdt", "rsut", "rlut"});
    const auto result = run_diagnostic("equilibrium-climate-sensitivity",
                                       sample_definition("equilibrium-climate-sensitivity", rows, model_selector, out.path()),
                                       recorder.host());
    CHECK(result.details["years"] == 25);
    CHECK(recorder.logged(REF_LOG_WARNING, "only 25 of the 150 years"));
    const json& values = global(out.path());
    const double ecs = values["ecs"].get<double>();
    const double lambda = values["lambda"].get<double>();
    INFO("ECS " << ecs << " K, lambda " << lambda);
    CHECK(std::isfinite(ecs));
    CHECK(ecs > 1.5);
    CHECK(ecs < 8.0);
    CHECK(lambda < 0.0);
}

TEST_CASE("native TCR of ACCESS-ESM1-5 is plausible (skipped without sample data)", "[native][sample]") {
    if (!access_sample_present()) return;
    TemporaryDirectory out("native-sample-tcr");
    RecordingHost recorder;
    const auto rows = rows_for({"1pctCO2", "piControl"}, {"tas"});
    const auto result = run_diagnostic("transient-climate-response",
                                       sample_definition("transient-climate-response", rows, model_selector, out.path()),
                                       recorder.host());
    CHECK(result.details["years"] == 80);
    const double tcr = global(out.path())["tcr"].get<double>();
    INFO("TCR " << tcr << " K");
    CHECK(tcr > 0.8);
    CHECK(tcr < 4.0);
}

TEST_CASE("native global mean time series of ACCESS-ESM1-5 (skipped without sample data)", "[native][sample]") {
    if (!access_sample_present()) return;
    TemporaryDirectory out("native-sample-gmt");
    RecordingHost recorder;
    const auto rows = rows_for({"historical"}, {"tas"});
    const json selector = json::array({json::array({"experiment_id", "historical"}), json::array({"grid_label", "gn"}),
                                       json::array({"member_id", "r1i1p1f1"}), json::array({"source_id", "ACCESS-ESM1-5"}),
                                       json::array({"table_id", "Amon"}), json::array({"variable_id", "tas"})});
    run_diagnostic("global-mean-timeseries", sample_definition("global-mean-timeseries", rows, selector, out.path()),
                   recorder.host());
    const json series = read_json(out.path() / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["values"].size() == 15);  // 2000-2014
    for (const auto& v : series[0]["values"]) {
        CHECK(v.get<double>() > 12.0);
        CHECK(v.get<double>() < 17.0);
    }
}
