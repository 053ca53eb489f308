// Native sea-ice sensitivity on generated data: September Arctic area exactly linear in GMST,
// a wobbling Antarctic area whose statistics are checked against the OLS of the prescribed series.
#include "native_test_support.hpp"

#include "ref/datagen/definition.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/regression.hpp"

#include <catch2/catch.hpp>

using namespace native_test;
using ref::datagen::TemporaryDirectory;

TEST_CASE("native sea-ice sensitivity gives each model's slopes, r and p", "[native][seaice]") {
    TemporaryDirectory data("native-seaice");
    const auto set = ref::datagen::write_sea_ice_set(data.path());
    TemporaryDirectory out("native-seaice-out");
    json doc = ref::datagen::make_execution_definition("esmvaltool/sea-ice-sensitivity", "seaice", set.files);
    doc["datasets"]["cmip6"]["selector"] = json::array({json::array({"experiment_id", "historical"})});
    doc["output_directory"] = out.path().string();
    doc["provider_settings"] = {{"backend", "native"}};
    RecordingHost recorder;
    run_diagnostic("sea-ice-sensitivity", ref::plugin::ExecutionDefinition::from_json(doc), recorder.host());

    const json metrics = read_json(out.path() / "diagnostic.json");
    CHECK(metrics["DIMENSIONS"]["json_structure"] == json({"experiment_id", "source_id", "region", "metric"}));
    for (const auto& [model, e] : set.expected) {
        INFO(model);
        const json& arctic = metrics["RESULTS"]["historical"][model]["arctic"];
        CHECK(arctic["direct_sensitivity_(notz-style)"].get<double>() == Approx(e.sensitivity_arctic).epsilon(1e-9));
        CHECK(arctic["annual_tas_trend"].get<double>() == Approx(e.tas_trend).epsilon(1e-9));
        CHECK(arctic["annual_siconc_trend"].get<double>() == Approx(e.sensitivity_arctic * e.tas_trend).epsilon(1e-9));
        CHECK(arctic["direct_r_val"].get<double>() == Approx(-1.0).epsilon(1e-9));

        const json& antarctic = metrics["RESULTS"]["historical"][model]["antarctic"];
        const auto fit = ref::science::linear_regression(e.gmst, e.antarctic_sia);
        std::vector<double> years(e.years.begin(), e.years.end());
        CHECK(antarctic["direct_sensitivity_(notz-style)"].get<double>() == Approx(fit.slope).epsilon(1e-8));
        CHECK(antarctic["direct_r_val"].get<double>() == Approx(fit.r).epsilon(1e-8));
        CHECK(antarctic["direct_p_val"].get<double>() == Approx(fit.p_value).epsilon(1e-6));
        CHECK(antarctic["annual_siconc_trend"].get<double>() ==
              Approx(ref::science::linear_regression(years, e.antarctic_sia).slope).epsilon(1e-8));
        CHECK(fit.p_value > 1e-6);  // the wobble makes the test non-trivial
    }
    const json output = read_json(out.path() / "output.json");
    CHECK(output["data"]["arctic_plotted_values.csv"]["dimensions"] == json({{"region", "arctic"}}));
    CHECK(output["plots"]["antarctic_sea_ice_sensitivity.png"]["dimensions"] == json({{"region", "antarctic"}}));
    for (const std::string section : {"data", "plots"})
        for (const auto& [key, entry] : output[section].items()) CHECK(fs::is_regular_file(out.path() / key));
}

TEST_CASE("native sea-ice sensitivity needs areacello", "[native][seaice][errors]") {
    TemporaryDirectory data("native-seaice-noarea");
    auto set = ref::datagen::write_sea_ice_set(data.path());
    std::erase_if(set.files, [](const auto& f) { return f.variable_id == "areacello"; });
    TemporaryDirectory out("native-seaice-noarea-out");
    json doc = ref::datagen::make_execution_definition("esmvaltool/sea-ice-sensitivity", "seaice", set.files);
    doc["output_directory"] = out.path().string();
    doc["provider_settings"] = {{"backend", "native"}};
    RecordingHost recorder;
    CHECK_THROWS_WITH(run_diagnostic("sea-ice-sensitivity", ref::plugin::ExecutionDefinition::from_json(doc), recorder.host()),
                      Catch::Contains("no areacello"));
}
