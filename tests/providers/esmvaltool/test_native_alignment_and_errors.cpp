// Branch-time alignment, shortened runs, spherical weights and the errors of the native backend.
#include "native_test_support.hpp"

#include "ref/datagen/temp_dir.hpp"
#include "ref/datagen/definition.hpp"
#include "ref/datagen/writers.hpp"
#include "ref/esmvaltool/native.hpp"

#include <catch2/catch.hpp>

using namespace native_test;
using ref::datagen::TemporaryDirectory;

namespace {

double metric(const fs::path& out, const std::string& name) {
    return read_json(out / "diagnostic.json")["RESULTS"]["gn"]["r1i1p1f1"]["REFCS-1-0"]["global"][name].get<double>();
}

std::vector<ref::datagen::GeneratedFile> without_variable(std::vector<ref::datagen::GeneratedFile> files,
                                                         const std::string& variable) {
    std::erase_if(files, [&](const auto& f) { return f.variable_id == variable; });
    return files;
}

}  // namespace

TEST_CASE("child/parent windows come from the branch metadata of the files", "[native][alignment]") {
    const auto& set = standard_set();
    std::vector<json> rows;
    for (const auto& f : set.files_for("equilibrium-climate-sensitivity"))
        if (f.variable_id == "tas") rows.push_back(ref::datagen::catalog_row(f));
    // The generated catalog rows carry no branch times: they are read from the files.
    REQUIRE_FALSE(rows.front().contains("branch_time_in_parent"));
    const auto windows = ref::esmvaltool::native::child_parent_windows(rows, "piControl", 150, 0, 150);
    CHECK(windows.child_first == 1850);
    CHECK(windows.parent_first == 121);
    const json completed = ref::esmvaltool::native::complete_row(rows.front());
    CHECK(completed["time_units"] == "days since 1850-01-01");
    CHECK(completed["calendar"] == "noleap");

    const auto zec = ref::esmvaltool::native::child_parent_windows(
        [&] {
            std::vector<json> zec_rows;
            for (const auto& f : set.files_for("zero-emission-commitment"))
                if (f.variable_id == "tas") zec_rows.push_back(ref::datagen::catalog_row(f));
            return zec_rows;
        }(),
        "esm-1pctCO2", 100, -10, 20);
    CHECK(zec.child_first == 1);
    CHECK(zec.parent_first == 1895);
}

TEST_CASE("a wrong branch time changes the answer: the catalog's value is used when present", "[native][alignment]") {
    const auto& set = standard_set();
    TemporaryDirectory out("native-align");
    RecordingHost recorder;
    auto definition = definition_for("equilibrium-climate-sensitivity", set.files_for("equilibrium-climate-sensitivity"),
                                     out.path());
    // Branching at piControl year 0101 instead of 0121 pairs each year with a control year 20 years earlier.
    for (auto& row : definition.datasets.at("cmip6").rows)
        if (row["experiment_id"] == "abrupt-4xCO2") row["branch_time_in_parent"] = 100 * 365.0;
    run_diagnostic("equilibrium-climate-sensitivity", definition, recorder.host());
    CHECK(recorder.logged(REF_LOG_INFO, "compared with piControl years 101-250"));
    const double wrong = metric(out.path(), "ecs");
    CHECK(std::fabs(wrong - set.expected.ecs) > 1e-3);
}

TEST_CASE("short runs use their common years with a warning; spherical areas without areacella", "[native][years]") {
    TemporaryDirectory data("native-short");
    ref::datagen::ClimateSensitivitySpec spec;
    spec.abrupt_years = 25;
    spec.one_percent_years = 70;
    spec.with_areacella = false;
    const auto set = ref::datagen::write_climate_sensitivity_set(data.path(), spec);

    SECTION("ECS over 25 years is still exact and records the years") {
        TemporaryDirectory out("native-short-ecs");
        RecordingHost recorder;
        const auto result = run_diagnostic(
            "equilibrium-climate-sensitivity",
            definition_for("equilibrium-climate-sensitivity", set.files_for("equilibrium-climate-sensitivity"), out.path()),
            recorder.host());
        CHECK(recorder.logged(REF_LOG_WARNING, "only 25 of the 150 years"));
        CHECK(recorder.logged(REF_LOG_INFO, "spherical cell areas"));
        CHECK(result.details["years"] == 25);
        CHECK(metric(out.path(), "ecs") == Approx(set.expected.ecs).epsilon(1e-9));
        CHECK(metric(out.path(), "lambda") == Approx(set.expected.lambda).epsilon(1e-9));
        const json metrics = read_json(out.path() / "diagnostic.json");
        CHECK(metrics["RESULTS"]["gn"]["r1i1p1f1"]["REFCS-1-0"]["global"]["attributes"]["years"] == 25);
        CHECK(read_json(out.path() / "series.json")[0]["values"].size() == 25);
    }
    SECTION("TCR needs years 61-80") {
        TemporaryDirectory out("native-short-tcr");
        RecordingHost recorder;
        const auto definition =
            definition_for("transient-climate-response", set.files_for("transient-climate-response"), out.path());
        CHECK_THROWS_WITH(run_diagnostic("transient-climate-response", definition, recorder.host()),
                          Catch::Contains("years 61-80") && Catch::Contains("only 70 years"));
        CHECK_FALSE(fs::exists(out.path() / "diagnostic.json"));
    }
}

TEST_CASE("missing variables and irregular grids without areacella are diagnostic errors", "[native][errors]") {
    const auto& set = standard_set();
    SECTION("rsut missing") {
        TemporaryDirectory out("native-missing");
        RecordingHost recorder;
        const auto definition = definition_for(
            "equilibrium-climate-sensitivity", without_variable(set.files_for("equilibrium-climate-sensitivity"), "rsut"),
            out.path());
        CHECK_THROWS_AS(run_diagnostic("equilibrium-climate-sensitivity", definition, recorder.host()),
                        ref::plugin::DiagnosticError);
        CHECK_THROWS_WITH(run_diagnostic("equilibrium-climate-sensitivity", definition, recorder.host()),
                          Catch::Contains("no rsut data of the abrupt-4xCO2 run"));
        CHECK_FALSE(fs::exists(out.path() / "diagnostic.json"));
    }
    SECTION("no parent run") {
        TemporaryDirectory out("native-orphan");
        RecordingHost recorder;
        auto files = set.files_for("transient-climate-response");
        std::erase_if(files, [](const auto& f) { return f.experiment_id == "piControl"; });
        CHECK_THROWS_AS(run_diagnostic("transient-climate-response",
                                       definition_for("transient-climate-response", files, out.path()), recorder.host()),
                        ref::plugin::DiagnosticError);
    }
    SECTION("curvilinear grid without areacella") {
        TemporaryDirectory data("native-curvilinear");
        ref::datagen::Cmip6Dataset dataset;
        ref::datagen::FieldSpec field;
        field.variable_id = "tas";
        field.units = "K";
        field.standard_name = "air_temperature";
        field.long_name = "Near-Surface Air Temperature";
        field.base = 287.0;
        ref::datagen::Grid grid;
        grid.curvilinear = true;
        const auto file = ref::datagen::write_cmip6_monthly(data.path(), dataset, field, grid, {2000, 2001, "noleap"});
        TemporaryDirectory out("native-curvilinear-out");
        RecordingHost recorder;
        const auto definition = definition_for("global-mean-timeseries", {file}, out.path());
        CHECK_THROWS_WITH(run_diagnostic("global-mean-timeseries", definition, recorder.host()),
                          Catch::Contains("regular latitude-longitude") && Catch::Contains(file.path.filename().string()) &&
                              Catch::Contains("areacella"));
    }
}
