// PMP native outputs -> CMEC bundles: the bundle operations, synthetic outputs written here,
// and the real PMP outputs of /work/shared/fixtures when present.
#include "pmp_test_support.hpp"
#include "skip.hpp"

using namespace pmp_test;
namespace pmp = ref::pmp;

namespace {

json seasons(double base) {
    return {{"ann", base}, {"djf", base + 1}, {"mam", base + 2}, {"jja", base + 3}, {"son", base + 4},
            {"CalendarMonths", {"1.0e+00", "2.0e+00"}}};
}

// A mean_climate_driver `*_cmec.json` as PMP 3.9 writes it (spec §3.4).
json annual_cycle_native(const std::string& variable, double base, const json& level = nullptr) {
    json native = {
        {"DIMENSIONS",
         {{"json_structure", {"model", "reference", "rip", "region", "statistic", "season"}},
          {"model", {{"ACCESS-ESM1-5", json::object()}}},
          {"reference", {{"default", json::object()}}},
          {"rip", {{"r1i1p1f1", json::object()}}},
          {"region", {{"global", json::object()}}},
          {"statistic", {{"bias_xy", json::object()}, {"rms_xyt", json::object()}}},
          {"season",
           {{"ann", json::object()}, {"djf", json::object()}, {"mam", json::object()}, {"jja", json::object()},
            {"son", json::object()}, {"CalendarMonths", json::object()}}}}},
        {"SCHEMA", {{"name", "CMEC"}, {"package", "PMP"}, {"version", "v1"}}},
        {"provenance", {{"userId", "pmp"}, {"packages", {{"PMP", "3.9.2"}}}}},
        {"Variable", {{"id", variable}}},
        {"RESULTS",
         {{"ACCESS-ESM1-5",
           {{"default",
             {{"r1i1p1f1",
               {{"global", {{"bias_xy", seasons(base)}, {"rms_xyt", {{"ann", base * 2}}}}},
                {"attributes", {{"InputClimatologyFileName", variable + "_clims.AC.v5.nc"}}}}},
              {"attributes", {{"source", "ERA-5"}}}}},
            {"attributes", {{"units", "K"}}}}}}}};
    if (!level.is_null()) native["Variable"]["level"] = level;
    return native;
}

// A variability_modes_driver `*_cmec.json` (spec §4.4), with nulls and an undeclared statistic.
json mode_native() {
    return {{"DIMENSIONS",
             {{"json_structure", {"model", "realization", "reference", "mode", "season", "method", "statistic"}},
              {"model", {{"ACCESS-ESM1-5", json::object()}}},
              {"realization", {{"r1i1p1f1", json::object()}}},
              {"reference", {{"defaultReference", json::object()}}},
              {"mode", {{"PDO", json::object()}}},
              {"season", {{"monthly", json::object()}}},
              {"method", {{"cbf", json::object()}, {"eof1", json::object()}}},
              {"statistic", {{"cor", json::object()}, {"frac", json::object()}}}}},
            {"REF", {{"obs", nullptr}}},
            {"provenance", json::object()},
            {"RESULTS",
             {{"ACCESS-ESM1-5",
               {{"r1i1p1f1",
                 {{"defaultReference",
                   {{"PDO",
                     {{"monthly",
                       {{"cbf", {{"cor", 0.9}, {"frac", 0.2}}},
                        {"eof1", {{"cor", 0.8}, {"frac", nullptr}, {"tcor_cbf_vs_eof_pc", 0.7}}},
                        {"attributes", {{"period", "1900-2005"}, {"best_matching_model_eofs__cor", 1}}}}},
                      {"attributes", {{"target_model_eofs", 1}}}}}}}}}}}}}};
}

json enso_native() {
    return {{"DIMENSIONS",
             {{"json_structure", {"model", "realization", "metric", "reference_source_id"}},
              {"model", {{"ACCESS-ESM1-5", json::object()}}},
              {"realization", {{"r1i1p1f1", json::object()}}},
              {"metric", {{"EnsoAmpl", json::object()}, {"EnsoPrMapDjfCorr", json::object()}}},
              {"reference_source_id",
               {{"HadISST", json::object()}, {"Tropflux", json::object()}, {"HadISST_GPCP-Monthly-3-2", json::object()}}}}},
            {"RESULTS",
             {{"ACCESS-ESM1-5",
               {{"r1i1p1f1",
                 {{"EnsoAmpl", {{"HadISST", 4.523476}, {"Tropflux", 11.96119}}},
                  {"EnsoPrMapDjfCorr", {{"HadISST_GPCP-Monthly-3-2", 0.4519817}}}}}}}}},
            {"REF", json::object()},
            {"provenance", {{"date", "2025-01-01"}}}};
}

// The fixtures are older REF outputs: the REF of the time prepended neither `kind` nor
// `mip_id`. Both are leading one-valued dimensions of our bundle; removing them gives what
// the fixture's REF wrote.
json without_kind_and_mip(json metric) { return pmp::remove_dimensions(std::move(metric), {"kind", "mip_id"}); }

// The fixture outputs list plot/data files that were not kept (plots were left out) and,
// for one fixture, as absolute paths on the original machine. Returns the file names
// relative to the execution directory; `group` is the execution group directory name.
std::vector<std::string> listed_files(const json& output, const std::string& section, const std::string& group) {
    std::vector<std::string> files;
    for (const auto& [name, entry] : output[section].items()) {
        std::string file = entry["filename"].get<std::string>();
        if (const auto at = file.find("/" + group + "/"); at != std::string::npos) file = file.substr(at + group.size() + 2);
        files.push_back(file);
    }
    return files;
}

json normalised_output(json output, const std::string& group) {
    for (const char* section : {"plots", "data"}) {
        const auto files = listed_files(output, section, group);
        std::size_t i = 0;
        for (auto& [name, entry] : output[section].items()) entry["filename"] = files[i++];
    }
    return output;
}

struct Fixture {
    fs::path directory;  // the revision directory with the native outputs
    std::string group;
};

std::optional<Fixture> find_fixture(const std::string& diagnostic) {
    const fs::path root = fs::path(REF_FIXTURES_DIR) / "tool-outputs" / "pmp" / diagnostic;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return std::nullopt;
    for (const auto& group : fs::directory_iterator(root))
        for (const auto& revision : fs::directory_iterator(group.path()))
            if (fs::exists(revision.path() / "diagnostic.json")) return Fixture{revision.path(), group.path().filename().string()};
    return std::nullopt;
}

// Copies the fixture's native outputs into `work` and recreates the plots/data files its
// output bundle lists (empty files: only their names matter to the conversion).
void stage_fixture(const Fixture& fixture, const fs::path& work) {
    fs::copy(fixture.directory, work, fs::copy_options::recursive);
    fs::remove(work / "diagnostic.json");
    fs::remove(work / "output.json");
    const json output = read_json(fixture.directory / "output.json");
    for (const char* section : {"plots", "data"})
        for (const auto& file : listed_files(output, section, fixture.group))
            if (!fs::exists(work / file)) write_text(work / file, "");
}

}  // namespace

TEST_CASE("pmp bundle operations", "[pmp][conversion]") {
    json bundle = pmp::metric_bundle_template();
    bundle["DIMENSIONS"] = {{"json_structure", {"a", "b"}}, {"a", {{"x", json::object()}}}, {"b", {{"s", json::object()}}}};
    bundle["RESULTS"] = {{"x", {{"s", 1.0}, {"extra", 2.0}, {"attributes", {{"k", "v"}}}}}};

    std::vector<std::string> dropped;
    const json clean = pmp::drop_undeclared_leaves(bundle, &dropped);
    CHECK(dropped == std::vector<std::string>{"extra"});
    CHECK(clean["RESULTS"] == json{{"x", {{"s", 1.0}, {"attributes", {{"k", "v"}}}}}});

    const json prepended = pmp::prepend_dimensions(clean, {{"kind", "model"}, {"source_id", "M"}});
    CHECK(prepended["DIMENSIONS"]["json_structure"] == json{"kind", "source_id", "a", "b"});
    CHECK(prepended["DIMENSIONS"]["kind"] == json{{"model", json::object()}});
    CHECK(prepended["RESULTS"]["model"]["M"]["x"]["s"] == 1.0);
    CHECK_THROWS_AS(pmp::prepend_dimensions(prepended, {{"a", "y"}}), ref::plugin::DiagnosticError);

    CHECK(pmp::remove_dimensions(prepended, {"kind", "source_id"}) == clean);
    CHECK_THROWS_AS(pmp::remove_dimensions(prepended, {"source_id"}), ref::plugin::DiagnosticError);
    json two_values = clean;
    two_values["DIMENSIONS"]["a"]["y"] = json::object();
    CHECK_THROWS_AS(pmp::remove_dimensions(two_values, {"a"}), ref::plugin::DiagnosticError);

    CHECK(pmp::remove_null_values(json{{"a", nullptr}, {"b", {{"c", nullptr}, {"d", 1}}}, {"e", {nullptr, 2, {{"f", nullptr}}}}}) ==
          json{{"b", {{"d", 1}}}, {"e", {2, json::object()}}});
    CHECK(pmp::wildcard_match("*_cmip6_*_cmec.json", "var_mode_PDO_EOF1_stat_cmip6_hist_mo_atm_X_r1_1900-2005_cmec.json"));
    CHECK_FALSE(pmp::wildcard_match("*_cmec.json", "x_cmec_transformed.json"));
    CHECK(pmp::wildcard_match("ta-???", "ta-200"));
    CHECK_FALSE(pmp::wildcard_match("ta-???", "ta-2000"));
}

TEST_CASE("pmp annual-cycle conversion of a 2-D variable", "[pmp][conversion]") {
    TempDir tmp;
    const fs::path out = tmp.path();
    write_json(out / "ts_2.5x2.5_regrid2_metrics_basicTest_cmec.json", annual_cycle_native("ts", 1.0));
    write_json(out / "ts" / "ts_ACCESS-ESM1-5_r1i1p1f1_2.5x2.5_regrid2_metrics_default_basicTest_cmec.json",
               annual_cycle_native("ts", 9.0));  // per-region file: not part of the bundle
    write_text(out / "ts" / "ts_b_global_AC_basicTest.png", "");
    write_text(out / "ts" / "ts_a_global_DJF_basicTest.png", "");
    write_text(out / "ts_ACCESS-ESM1-5_clims.png", "");  // quick look at the root: not listed

    const auto bundles = pmp::convert_annual_cycle(out, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "historical", "ts", "ERA-5"});
    const json& metric = bundles.metric;
    CHECK(metric["DIMENSIONS"]["json_structure"] ==
          json{"kind", "mip_id", "source_id", "member_id", "experiment_id", "variable_id", "reference_source_id", "region",
               "statistic", "season"});
    CHECK(metric["DIMENSIONS"]["season"].size() == 5);
    CHECK_FALSE(metric["DIMENSIONS"]["season"].contains("CalendarMonths"));
    const json& regions = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["ts"]["ERA-5"];
    CHECK(regions["global"]["bias_xy"] == json{{"ann", 1.0}, {"djf", 2.0}, {"mam", 3.0}, {"jja", 4.0}, {"son", 5.0}});
    CHECK(regions["global"]["rms_xyt"] == json{{"ann", 2.0}});
    CHECK(regions["attributes"] == json{{"InputClimatologyFileName", "ts_clims.AC.v5.nc"}});
    CHECK(metric["PROVENANCE"]["userId"] == "pmp");
    CHECK(metric.contains("DISCLAIMER"));

    const json& output = bundles.output;
    CHECK(output["plots"].size() == 2);
    CHECK(output["plots"]["ts_a_global_DJF_basicTest.png"] ==
          json{{"filename", "ts/ts_a_global_DJF_basicTest.png"}, {"long_name", "Plot"},
               {"description", "Plot produced by the diagnostic"}});
    CHECK(output["data"].empty());
    CHECK(output["provenance"]["log"] == "cmec_output.log");
    CHECK(output["provenance"]["userId"] == "pmp");
    CHECK(fs::exists(out / "ts_2.5x2.5_regrid2_metrics_basicTest_cmec_transformed.json"));

    // Converting again (transformed files present) gives the same bundles.
    CHECK(pmp::convert_annual_cycle(out, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "historical", "ts", "ERA-5"}).metric == metric);
}

TEST_CASE("pmp annual-cycle conversion combines pressure levels", "[pmp][conversion]") {
    TempDir tmp;
    const fs::path out = tmp.path();
    write_json(out / "ta-200_2.5x2.5_regrid2_metrics_basicTest_cmec.json", annual_cycle_native("ta", 1.0, 200.0));
    write_json(out / "ta-850_2.5x2.5_regrid2_metrics_basicTest_cmec.json", annual_cycle_native("ta", 5.0, "850"));
    write_text(out / "ta-200" / "a.png", "");
    write_text(out / "ta-850" / "b.png", "");
    write_text(out / "ta-850" / "c.nc", "");

    const auto bundles = pmp::convert_annual_cycle(out, {"cmip7", "M", "r1", "historical", "ta", "ERA-5"});
    const json& metric = bundles.metric;
    CHECK(metric["DIMENSIONS"]["json_structure"] ==
          json{"kind", "mip_id", "source_id", "member_id", "experiment_id", "variable_id", "reference_source_id", "level",
               "region", "statistic", "season"});
    CHECK(metric["DIMENSIONS"]["level"] == json{{"200", json::object()}, {"850", json::object()}});
    const json& levels = metric["RESULTS"]["model"]["cmip7"]["M"]["r1"]["historical"]["ta"]["ERA-5"];
    CHECK(levels["200"]["global"]["bias_xy"]["ann"] == 1.0);
    CHECK(levels["850"]["global"]["bias_xy"]["ann"] == 5.0);
    CHECK(levels["850"]["attributes"]["InputClimatologyFileName"] == "ta_clims.AC.v5.nc");
    CHECK(bundles.output["plots"]["b.png"]["filename"] == "ta-850/b.png");
    CHECK(bundles.output["data"]["c.nc"]["filename"] == "ta-850/c.nc");
    CHECK(fs::exists(out / "combined_results.json"));
}

TEST_CASE("pmp modes conversion drops nulls and undeclared statistics", "[pmp][conversion]") {
    TempDir tmp;
    const fs::path out = tmp.path();
    const fs::path native = out / "var_mode_PDO_EOF1_stat_cmip6_historical_mo_atm_ACCESS-ESM1-5_r1i1p1f1_1900-2005_cmec.json";
    write_json(native, mode_native());
    write_text(out / "PDO_ts_EOF1_monthly_obs_1900-2005.nc", "");
    write_text(out / "PDO_ts_EOF1_monthly_obs_1900-2005.png", "");

    const auto bundles = pmp::convert_mode(out, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "historical", "HadISST-1-1"});
    const json& metric = bundles.metric;
    CHECK(metric["DIMENSIONS"]["json_structure"] == json{"kind", "mip_id", "source_id", "member_id", "experiment_id",
                                                         "reference_source_id", "mode", "season", "method", "statistic"});
    const json& season = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["HadISST-1-1"]["PDO"]["monthly"];
    CHECK(season["cbf"] == json{{"cor", 0.9}, {"frac", 0.2}});
    CHECK(season["eof1"] == json{{"cor", 0.8}});  // null removed, tcor_cbf_vs_eof_pc undeclared
    CHECK(season["attributes"]["period"] == "1900-2005");
    CHECK(metric["PROVENANCE"] == json::object());
    CHECK(bundles.output["data"]["PDO_ts_EOF1_monthly_obs_1900-2005.nc"]["filename"] == "PDO_ts_EOF1_monthly_obs_1900-2005.nc");
    CHECK(bundles.output["plots"].size() == 1);
    // The native file is rewritten without nulls, as the REF does.
    CHECK(read_json(native)["REF"] == json::object());

    // A different MIP's output is not picked up; two outputs are ambiguous.
    CHECK_THROWS_AS(pmp::convert_mode(out, {"cmip7", "ACCESS-ESM1-5", "r1i1p1f1", "historical", "HadISST-1-1"}),
                    ref::plugin::DiagnosticError);
    write_json(out / "var_mode_PDO_EOF1_stat_cmip6_other_cmec.json", mode_native());
    CHECK_THROWS_AS(pmp::convert_mode(out, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "historical", "HadISST-1-1"}),
                    ref::plugin::DiagnosticError);
}

TEST_CASE("pmp ENSO conversion", "[pmp][conversion]") {
    TempDir tmp;
    const fs::path out = tmp.path();
    write_json(out / "ENSO_tel_ACCESS-ESM1-5_historical_r1i1p1f1_cmec.json", enso_native());
    write_text(out / "ENSO_tel_ACCESS-ESM1-5_historical_r1i1p1f1_EnsoAmpl.nc", "");
    write_text(out / "ENSO_tel_ACCESS-ESM1-5_historical_r1i1p1f1_EnsoAmpl_diagnostic_divedown01.png", "");
    write_text(out / "ref_landmask" / "x_landmask.nc", "");

    const auto bundles =
        pmp::convert_enso(out, {"ENSO_tel", "cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "gn", "historical"});
    const json& metric = bundles.metric;
    CHECK(metric["DIMENSIONS"]["json_structure"] == json{"kind", "mip_id", "source_id", "member_id", "grid_label",
                                                         "experiment_id", "metric", "reference_source_id"});
    const json& metrics = metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"]["historical"];
    CHECK(metrics["EnsoAmpl"]["Tropflux"] == 11.96119);
    CHECK(metrics["EnsoPrMapDjfCorr"]["HadISST_GPCP-Monthly-3-2"] == 0.4519817);
    CHECK(bundles.output["data"].size() == 1);  // not the ref_landmask subdirectory
    CHECK(bundles.output["plots"].size() == 1);
    CHECK(metric["PROVENANCE"]["date"] == "2025-01-01");

    CHECK_THROWS_AS(pmp::convert_enso(out, {"ENSO_proc", "cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "gn", "historical"}),
                    ref::plugin::DiagnosticError);
}

TEST_CASE("pmp conversion rejects missing and malformed outputs", "[pmp][conversion]") {
    TempDir tmp;
    const fs::path out = tmp.path();
    const pmp::AnnualCycleContext context{"cmip6", "M", "r1", "historical", "ts", "ERA-5"};
    CHECK_THROWS_WITH(pmp::convert_annual_cycle(out, context), Catch::Contains("no *_cmec.json"));

    write_text(out / "ts_metrics_cmec.json", "{\"DIMENSIONS\": ");
    CHECK_THROWS_WITH(pmp::convert_annual_cycle(out, context), Catch::Contains("not valid JSON"));

    write_text(out / "ts_metrics_cmec.json", "[1, 2]");
    CHECK_THROWS_AS(pmp::convert_annual_cycle(out, context), ref::plugin::DiagnosticError);

    json wrong_model = annual_cycle_native("ts", 1.0);
    wrong_model["RESULTS"] = {{"OTHER", json::object()}};
    write_json(out / "ts_metrics_cmec.json", wrong_model);
    CHECK_THROWS_AS(pmp::convert_annual_cycle(out, context), ref::plugin::DiagnosticError);
}

TEST_CASE("pmp bundles are written with an empty series file", "[pmp][conversion]") {
    TempDir tmp;
    const auto result = pmp::write_bundles(tmp.path(), {pmp::metric_bundle_template(), pmp::output_bundle_template()});
    CHECK(read_json(tmp.path() / "series.json") == json::array());
    CHECK(read_json(tmp.path() / "diagnostic.json")["RESULTS"] == json::object());
    CHECK(read_json(tmp.path() / "output.json")["index"] == "index.html");
    CHECK(result.details["backend"] == "pmp");
    CHECK(result.metric_bundle == "diagnostic.json");
}

TEST_CASE("pmp fixture: annual-cycle native outputs give the REF's bundles", "[pmp][conversion][fixtures]") {
    const auto fixture = find_fixture("annual-cycle");
    if (!fixture) {
        ref::test::skip_test("no PMP annual-cycle fixture under " REF_FIXTURES_DIR);
        return;
    }
    TempDir tmp;
    const fs::path work = tmp.path() / "out";
    stage_fixture(*fixture, work);
    const auto bundles = pmp::convert_annual_cycle(work, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "hist-GHG", "ts", "ERA-5"});
    CHECK(without_kind_and_mip(bundles.metric) == read_json(fixture->directory / "diagnostic.json"));
    CHECK(bundles.output == normalised_output(read_json(fixture->directory / "output.json"), fixture->group));
}

TEST_CASE("pmp fixture: modes of variability native outputs give the REF's bundles", "[pmp][conversion][fixtures]") {
    for (const char* diagnostic : {"extratropical-modes-of-variability-pdo", "extratropical-modes-of-variability-npgo"}) {
        INFO(diagnostic);
        const auto fixture = find_fixture(diagnostic);
        if (!fixture) {
            ref::test::skip_test(std::string("no PMP fixture for ") + diagnostic + " under " REF_FIXTURES_DIR);
            return;
        }
        TempDir tmp;
        const fs::path work = tmp.path() / "out";
        stage_fixture(*fixture, work);
        const auto bundles = pmp::convert_mode(work, {"cmip6", "ACCESS-ESM1-5", "r1i1p1f1", "hist-GHG", "HadISST-1-1"});
        CHECK(without_kind_and_mip(bundles.metric) == read_json(fixture->directory / "diagnostic.json"));
        CHECK(bundles.output == normalised_output(read_json(fixture->directory / "output.json"), fixture->group));
    }
}
