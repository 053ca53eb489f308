// Generated PMP inputs: glob patterns, parameter files, obs_dict / ENSO input JSON and the
// driver command lines (spec pmp.md §1.3, §3.2, §4.2, §5.1), including hostile values.
#include "pmp_test_support.hpp"

using namespace pmp_test;
namespace pmp = ref::pmp;

namespace {

std::string file_text(const pmp::PlannedRun& plan, const std::string& name) {
    for (const auto& [path, text] : plan.files)
        if (path.filename() == name) return text;
    FAIL("the plan writes no " << name);
    return {};
}

}  // namespace

TEST_CASE("pmp glob patterns for multi-file models", "[pmp][commands]") {
    CHECK(pmp::build_glob_pattern({"/d/ts_Amon_X_gn_185001-201412.nc"}) == "/d/ts_Amon_X_gn_185001-201412.nc");
    CHECK(pmp::build_glob_pattern({"/d/ts_Amon_X_gn_185001-194912.nc", "/d/ts_Amon_X_gn_195001-201412.nc"}) ==
          "/d/ts_Amon_X_gn_1*12.nc");
    CHECK(pmp::build_glob_pattern({"/data/a/v1/ts_1850.nc", "/data/a/v2/ts_1950.nc"}) == "/data/a/**/ts_1*50.nc");

    CHECK(pmp::wildcard_pattern({"/d/a.nc", "/d/a.nc"}) == "/d/a.nc");
    CHECK(pmp::wildcard_pattern({"/d/ts_185001-194912.nc", "/d/ts_195001-201412.nc"}) == "/d/ts_1*12.nc");
    // The common suffix would overlap the common prefix: it is dropped.
    CHECK(pmp::wildcard_pattern({"/d/aa", "/d/aaa"}) == "/d/aa*");
    CHECK_THROWS_AS(pmp::wildcard_pattern({"a/x.nc", "b/x.nc"}), ref::plugin::DiagnosticError);
}

TEST_CASE("pmp command options follow build_pmp_command", "[pmp][commands]") {
    const auto argv = pmp::build_pmp_command(
        "driver.py", "/p/params.py",
        {{"vars", {"ta-200", "ta-850"}}, pmp::scalar_option("exp", "historical"), pmp::scalar_option("cmec", ""),
         pmp::scalar_option("zero", "0")});
    CHECK(argv == std::vector<std::string>{"driver.py", "-p", "/p/params.py", "--vars", "ta-200", "ta-850", "--exp",
                                           "historical", "--cmec", "--zero"});
}

TEST_CASE("pmp annual-cycle writes obs_dict, parameter files and two commands", "[pmp][commands]") {
    pmp::ModelSelection model{"cmip6", "ACCESS-ESM1-5", "historical", "r1i1p1f1", "gn", "ts",
                              {"/m/ts_Amon_ACCESS-ESM1-5_historical_r1i1p1f1_gn_185001-201412.nc"}};
    pmp::ReferenceSelection reference{"ERA-5", "/ref/ts_mon_ERA-5_AC.nc", 1};
    const fs::path out = "/scratch/out";
    const auto plan = pmp::plan_annual_cycle(model, reference, out);
    REQUIRE(plan.commands.size() == 2);
    CHECK(plan.commands[0] == std::vector<std::string>{
                                  "pcmdi_compute_climatologies.py", "-p", "/scratch/out/pmp_param_annualcycle_1-clims.py",
                                  "--vars", "ts", "--infile", model.files[0], "--outfile",
                                  "/scratch/out/ts_ACCESS-ESM1-5_historical_r1i1p1f1_clims.nc", "--version", "v5"});
    CHECK(plan.commands[1] ==
          std::vector<std::string>{"mean_climate_driver.py", "-p", "/scratch/out/pmp_param_annualcycle_2-metrics.py",
                                   "--vars", "ts", "--custom_observations", "/scratch/out/obs_dict.json",
                                   "--test_data_path", "/scratch/out", "--test_data_set", "ACCESS-ESM1-5",
                                   "--realization", "r1i1p1f1", "--filename_template",
                                   "%(variable)_ACCESS-ESM1-5_historical_r1i1p1f1_clims.198101-200512.AC.v5.nc",
                                   "--metrics_output_path", "/scratch/out", "--cmec"});
    CHECK(json::parse(file_text(plan, "obs_dict.json")) ==
          json{{"ts", {{"ERA-5", {{"template", "/ref/ts_mon_ERA-5_AC.nc"}}}, {"default", "ERA-5"}}}});

    const std::string clims = file_text(plan, "pmp_param_annualcycle_1-clims.py");
    CHECK(decode_python_string(python_assignment(clims, "start")) == "1981-01");
    CHECK(decode_python_string(python_assignment(clims, "end")) == "2005-12");
    const std::string metrics = file_text(plan, "pmp_param_annualcycle_2-metrics.py");
    CHECK(decode_python_string(python_assignment(metrics, "case_id")) == "basicTest");
    CHECK(decode_python_list(python_assignment(metrics, "reference_data_set")) == std::vector<std::string>{"all"});
    CHECK(decode_python_string(python_assignment(metrics, "target_grid")) == "2.5x2.5");
    CHECK(decode_python_string(python_assignment(metrics, "regrid_tool")) == "regrid2");
    CHECK(python_assignment(metrics, "generate_sftlf") == "True");
    CHECK(python_assignment(metrics, "regions") == "{'rlut': ['global'], 'pr': ['global', 'doubleITCZ']}");
    CHECK(metrics.find("'doubleITCZ': {'domain': {'latitude': (-20.0, 0), 'longitude': (100, 210)}}") !=
          std::string::npos);
    CHECK(metrics.find("'NHEX': {'domain': {'latitude': (30.0, 90)}}") != std::string::npos);
}

TEST_CASE("pmp annual-cycle asks for each pressure level of levelled variables", "[pmp][commands]") {
    pmp::ModelSelection model{"cmip7", "ACCESS-ESM1-5", "historical", "r1i1p1f1", "gn", "ta",
                              {"/m/ta_a_185001-194912.nc", "/m/ta_a_195001-201412.nc"}};
    const auto plan = pmp::plan_annual_cycle(model, {"ERA-5", "/ref/ta.nc", 1}, "/o");
    CHECK(plan.commands[0][6] == "/m/ta_a_1*12.nc");
    const auto& metrics = plan.commands[1];
    const auto vars = std::find(metrics.begin(), metrics.end(), "--vars");
    REQUIRE(vars != metrics.end());
    CHECK(*(vars + 1) == "ta-200");
    CHECK(*(vars + 2) == "ta-850");
    CHECK(*(vars + 3) == "--custom_observations");

    model.variable_id = "zg";
    CHECK(pmp::annual_cycle_pmp_variables(*pmp::find_annual_cycle_variable("zg")) == std::vector<std::string>{"zg-500"});
    model.variable_id = "tas";
    CHECK_THROWS_AS(pmp::plan_annual_cycle(model, {"ERA-5", "/ref/tas.nc", 1}, "/o"), ref::plugin::DiagnosticError);
}

TEST_CASE("pmp modes of variability command lines", "[pmp][commands]") {
    pmp::ModelSelection model{"cmip6", "ACCESS-ESM1-5", "hist-GHG", "r1i1p1f1", "gn", "ts", {"/m/ts.nc"}};
    pmp::ReferenceSelection reference{"HadISST-1-1", "/obs/ts_HadISST.nc", 1};
    const auto pdo = pmp::plan_mode(pmp::mode_config("PDO"), model, reference, "/o");
    REQUIRE(pdo.commands.size() == 1);
    CHECK(pdo.commands[0] == std::vector<std::string>{"variability_modes_driver.py", "-p", "/o/pmp_param_MoV-ts.py",
                                                      "--variability_mode", "PDO", "--modpath", "/m/ts.nc",
                                                      "--modpath_lf", "none", "--mip", "cmip6", "--exp", "hist-GHG",
                                                      "--realization", "r1i1p1f1", "--modnames", "ACCESS-ESM1-5",
                                                      "--reference_data_name", "HadISST-1-1", "--reference_data_path",
                                                      "/obs/ts_HadISST.nc", "--results_dir", "/o", "--cmec",
                                                      "--no_provenance"});
    const std::string params = file_text(pdo, "pmp_param_MoV-ts.py");
    CHECK(python_assignment(params, "landmask") == "True");
    CHECK(python_assignment(params, "ModUnitsAdjust") == "(True, 'subtract', 273.15)");
    CHECK(params.find("ObsUnitsAdjust") == std::string::npos);
    CHECK(python_assignment(params, "RemoveDomainMean") == "True");
    CHECK(python_assignment(params, "msyear") == "1900");

    const auto npgo = pmp::plan_mode(pmp::mode_config("NPGO"), model, reference, "/o");
    CHECK(std::vector<std::string>(npgo.commands[0].end() - 6, npgo.commands[0].end()) ==
          std::vector<std::string>{"--eofn_obs", "2", "--eofn_mod", "2", "--eofn_mod_max", "2"});

    model.source_type = "cmip7";
    model.variable_id = "psl";
    model.files = {"/m/psl_185001-194912.nc", "/m/psl_195001-201412.nc"};
    const auto sam = pmp::plan_mode(pmp::mode_config("SAM"), model, {"20CR-V2", "/obs/psl.nc", 1}, "/o");
    const auto& argv = sam.commands[0];
    CHECK(argv[2] == "/o/pmp_param_MoV-psl.py");
    CHECK(argv[6] == "/m/psl_1*12.nc");
    CHECK(argv[10] == "cmip7");
    CHECK(std::vector<std::string>(argv.end() - 4, argv.end()) ==
          std::vector<std::string>{"--osyear", "1950", "--oeyear", "2005"});
    const std::string psl_params = file_text(sam, "pmp_param_MoV-psl.py");
    CHECK(python_assignment(psl_params, "ObsUnitsAdjust") == "(True, 'divide', 100.0)");
    CHECK(python_assignment(psl_params, "landmask") == "False");
}

TEST_CASE("pmp ENSO input JSON and driver command", "[pmp][commands]") {
    const fs::path out = "/o";
    const json datasets = {
        {"cmip6",
         {model_row("cmip6", "ts", "/m/ts_1.nc"), model_row("cmip6", "ts", "/m/ts_2.nc"), model_row("cmip6", "pr", "/m/pr.nc"),
          model_row("cmip6", "areacella", "/m/areacella.nc"), model_row("cmip6", "sftlf", "/m/sftlf.nc")}},
        {"obs4mips",
         {reference_row("HadISST-1-1", "ts", "/obs/hadisst.nc"), reference_row("GPCP-Monthly-3-2", "pr", "/obs/gpcp.nc"),
          reference_row("TropFlux-1-0", "ts", "/obs/tropflux.nc")}}};
    const auto def = definition("enso_tel", out, datasets);
    const auto model = pmp::select_model(def);
    CHECK(model.files == std::vector<std::string>{"/m/ts_1.nc", "/m/ts_2.nc", "/m/pr.nc"});
    const auto plan = pmp::plan_enso(pmp::enso_collection("ENSO_tel"), def, model, out);
    REQUIRE(plan.commands.size() == 1);
    CHECK(plan.commands[0] ==
          std::vector<std::string>{"python", "/o/pmp_enso_driver.py", "--metrics_collection", "ENSO_tel", "--experiment_id",
                                   "historical", "--input_json_path",
                                   "/o/input_ENSO_tel_ACCESS-ESM1-5_historical_r1i1p1f1.json", "--output_directory", "/o"});
    const json input = json::parse(file_text(plan, "input_ENSO_tel_ACCESS-ESM1-5_historical_r1i1p1f1.json"));
    CHECK(input["metricsCollection"] == "ENSO_tel");
    CHECK(input["experiment_id"] == "historical");
    CHECK(input["model"]["ACCESS-ESM1-5_r1i1p1f1"]["ts"] ==
          json{{"path + filename", {"/m/ts_1.nc", "/m/ts_2.nc"}}, {"varname", "ts"},
               {"path + filename_area", {"/m/areacella.nc"}}, {"areaname", "areacella"},
               {"path + filename_landmask", {"/m/sftlf.nc"}}, {"landmaskname", "sftlf"}});
    CHECK(input["model"]["ACCESS-ESM1-5_r1i1p1f1"].size() == 2);
    CHECK(input["observations"]["HadISST-1-1"] == json{{"ts", {{"path + filename", {"/obs/hadisst.nc"}}, {"varname", "ts"}}}});
    CHECK(input["observations"]["GPCP-Monthly-3-2"]["pr"]["path + filename"] == json{"/obs/gpcp.nc"});
    CHECK(file_text(plan, "pmp_enso_driver.py") == std::string(pmp::enso_driver_script()));
}

TEST_CASE("pmp select_model reads cmip6 and cmip7 facets", "[pmp][commands]") {
    const auto cmip7 = pmp::select_model(
        definition("annual-cycle", "/o", {{"cmip7", {model_row("cmip7", "ts", "/m/ts.nc", "MODEL", "hist-GHG", "r2i1p1f1")}},
                                          {"pmp-climatology", {reference_row("ERA-5", "ts", "/r/ts.nc")}}}));
    CHECK(cmip7.source_type == "cmip7");
    CHECK(cmip7.member_id == "r2i1p1f1");
    CHECK(cmip7.experiment_id == "hist-GHG");
    CHECK(cmip7.variable_id == "ts");
    CHECK_THROWS_AS(pmp::select_model(definition("annual-cycle", "/o", {{"obs4mips", json::array()}})),
                    ref::plugin::DiagnosticError);
}

TEST_CASE("pmp hostile paths and facet values survive into files and argv", "[pmp][commands][quoting]") {
    const std::string& evil = hostile_text();
    const fs::path out = fs::path("/scratch") / ("out " + evil);
    const std::string model_file = "/data/" + evil + "/ts.nc";
    const std::string reference_file = "/ref/" + evil + ".nc";
    const std::string member = "r1i1p1f1'; $(touch x)";

    pmp::ModelSelection model{"cmip6", "ACCESS-ESM1-5", "historical", member, "gn", "ts", {model_file}};
    const auto annual = pmp::plan_annual_cycle(model, {"ERA-5", reference_file, 1}, out);
    // One argv element each, unchanged.
    CHECK(annual.commands[0][6] == model_file);
    CHECK(std::count(annual.commands[1].begin(), annual.commands[1].end(), member) == 1);
    const std::string clims = file_text(annual, "pmp_param_annualcycle_1-clims.py");
    CHECK(decode_python_string(python_assignment(clims, "infile")) == model_file);
    const std::string metrics = file_text(annual, "pmp_param_annualcycle_2-metrics.py");
    CHECK(decode_python_string(python_assignment(metrics, "realization")) == member);
    CHECK(decode_python_string(python_assignment(metrics, "test_data_path")) == out.string());
    CHECK(json::parse(file_text(annual, "obs_dict.json"))["ts"]["ERA-5"]["template"] == reference_file);

    const auto mode = pmp::plan_mode(pmp::mode_config("NAO"), model, {"20CR-V2", reference_file, 1}, out);
    const auto& argv = mode.commands[0];
    CHECK(argv[6] == model_file);
    CHECK(argv[20] == reference_file);
    CHECK(argv[22] == out.string());
    const std::string params = file_text(mode, "pmp_param_MoV-psl.py");
    CHECK(decode_python_string(python_assignment(params, "modpath")) == model_file);
    CHECK(decode_python_string(python_assignment(params, "reference_data_path")) == reference_file);
    CHECK(decode_python_string(python_assignment(params, "results_dir")) == out.string());
    CHECK(decode_python_string(python_assignment(params, "realization")) == member);
    CHECK(decode_python_list(python_assignment(params, "modnames")) == std::vector<std::string>{"ACCESS-ESM1-5"});

    const json datasets = {{"cmip6", {model_row("cmip6", "ts", model_file, "ACCESS-ESM1-5", "historical", member)}},
                           {"obs4mips", {reference_row("HadISST-1-1", "ts", reference_file)}}};
    const auto def = definition("enso_tel", out, datasets);
    const auto enso = pmp::plan_enso(pmp::enso_collection("ENSO_tel"), def, pmp::select_model(def), out);
    CHECK(enso.commands[0][9] == out.string());
    const json input = json::parse(enso.files[0].second);
    CHECK(input["model"]["ACCESS-ESM1-5_" + member]["ts"]["path + filename"][0] == model_file);
    CHECK(input["observations"]["HadISST-1-1"]["ts"]["path + filename"][0] == reference_file);
}
