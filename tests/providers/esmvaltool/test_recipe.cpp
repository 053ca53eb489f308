// Generated recipes, configuration and command lines (spec §1.4, §1.6, §2.2-§2.7).
#include "esmvaltool_test_support.hpp"
#include "ref/esmvaltool/config.hpp"
#include "ref/esmvaltool/recipe.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

using namespace esmvaltool_test;
using namespace ref::esmvaltool;

namespace {

// The recipe as ESMValTool would read it: written to YAML and parsed back with yaml-cpp.
YAML::Node written_recipe(const std::string& slug, const ref::plugin::ExecutionDefinition& def) {
    return YAML::Load(json_to_yaml(build_recipe(diagnostic_spec(slug), def)));
}

const std::vector<std::pair<std::string, std::string>> kCanEsm5Selector{
    {"grid_label", "gn"}, {"member_id", "r1i1p1f1"}, {"source_id", "CanESM5"}};

}  // namespace

TEST_CASE("ECS recipe holds the abrupt-4xCO2 run and the branch-aligned piControl years", "[esmvaltool][recipe]") {
    TempDir tmp;
    const auto def = definition("equilibrium-climate-sensitivity", tmp.path() / "out", {{"cmip6", ecs_rows("/data")}},
                                {{"cmip6", kCanEsm5Selector}});
    const YAML::Node recipe = written_recipe("equilibrium-climate-sensitivity", def);
    const YAML::Node datasets = recipe["datasets"];
    REQUIRE(datasets.size() == 2);
    CHECK(datasets[0]["dataset"].as<std::string>() == "CanESM5");
    CHECK(datasets[0]["exp"].as<std::string>() == "abrupt-4xCO2");
    CHECK(datasets[0]["project"].as<std::string>() == "CMIP6");
    CHECK(datasets[0]["activity"].as<std::string>() == "CMIP");
    CHECK(datasets[0]["ensemble"].as<std::string>() == "r1i1p1f1");
    CHECK(datasets[0]["mip"].as<std::string>() == "Amon");
    CHECK(datasets[0]["grid"].as<std::string>() == "gn");
    CHECK(datasets[0]["institute"].as<std::string>() == "CCCma");
    CHECK(datasets[0]["timerange"].as<std::string>() == "1850/1999");
    CHECK_FALSE(datasets[0]["short_name"]);
    CHECK_FALSE(datasets[0]["branding_suffix"]);
    // 1223115 days after 1850-01-01 in the 365-day calendar is 5201-01-01.
    CHECK(datasets[1]["exp"].as<std::string>() == "piControl");
    CHECK(datasets[1]["timerange"].as<std::string>() == "5201/5350");

    const YAML::Node ecs = recipe["diagnostics"]["ecs"];
    CHECK(ecs["variables"]["tas"]["preprocessor"].as<std::string>() == "spatial_mean");
    CHECK(ecs["variables"]["rtnt"]["derive"].as<bool>());
    CHECK_FALSE(ecs["variables"]["tas"]["branding_suffix"]);
    CHECK(ecs["variables"]["tas"]["mip"].as<std::string>() == "Amon");
    CHECK(ecs["scripts"]["calculate"]["script"].as<std::string>() == "climate_metrics/ecs.py");
    CHECK_FALSE(ecs["scripts"]["calculate"]["calculate_mmm"].as<bool>());
    CHECK(recipe["preprocessors"]["spatial_mean"]["area_statistics"]["operator"].as<std::string>() == "mean");
}

TEST_CASE("CMIP7 TCR keeps branding suffixes and rewrites tables into realms", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows{
        cmip7_row("CanESM5", "1pctCO2", "r1i1p1f1", "tas", "tavg-h2m-hxy-u", "/d/a.nc", "1850-01-16 12:00:00", "2000-12-16 12:00:00"),
        cmip7_row("CanESM5", "piControl", "r1i1p1f1", "tas", "tavg-h2m-hxy-u", "/d/b.nc", "5201-01-16 12:00:00", "5400-12-16 12:00:00")};
    rows[0]["branch_time_in_parent"] = 1223115.0;
    const auto def = definition("transient-climate-response", tmp.path() / "out", {{"cmip7", rows}}, {});
    const YAML::Node recipe = written_recipe("transient-climate-response", def);
    CHECK(recipe["datasets"][0]["project"].as<std::string>() == "CMIP7");
    CHECK(recipe["datasets"][0]["mip"].as<std::string>() == "atmos");
    CHECK(recipe["datasets"][0]["timerange"].as<std::string>() == "1850/1989");
    CHECK(recipe["datasets"][1]["timerange"].as<std::string>() == "5201/5340");
    CHECK(recipe["datasets"][0]["region"].as<std::string>() == "glb");
    CHECK_FALSE(recipe["datasets"][0]["branding_suffix"]);
    const YAML::Node tas = recipe["diagnostics"]["tcr"]["variables"]["tas"];
    CHECK(tas["mip"].as<std::string>() == "atmos");
    CHECK(tas["branding_suffix"].as<std::string>() == "tavg-h2m-hxy-u");
}

TEST_CASE("TCRE recipe pairs temperature with the target run's emissions", "[esmvaltool][recipe]") {
    TempDir tmp;
    SECTION("CMIP6: 65 years and the explicit TCRE period") {
        std::vector<json> rows{
            cmip6_row("MPI-ESM1-2-LR", "esm-1pctCO2", "r1i1p1f1", "Amon", "tas", "/d/t.nc", "1850-01-16 12:00:00", "1914-12-16 12:00:00"),
            cmip6_row("MPI-ESM1-2-LR", "esm-piControl", "r1i1p1f1", "Amon", "tas", "/d/c.nc", "1850-01-16 12:00:00", "2349-12-16 12:00:00"),
            cmip6_row("MPI-ESM1-2-LR", "esm-1pctCO2", "r1i1p1f1", "Amon", "fco2antt", "/d/f.nc", "1850-01-16 12:00:00", "1914-12-16 12:00:00")};
        rows[0]["branch_time_in_parent"] = 0.0;
        const auto def = definition("transient-climate-response-emissions", tmp.path() / "out", {{"cmip6", rows}}, {});
        const YAML::Node recipe = written_recipe("transient-climate-response-emissions", def);
        const YAML::Node variables = recipe["diagnostics"]["tcre"]["variables"];
        REQUIRE(variables.size() == 3);
        CHECK(variables["tas"]["additional_datasets"][0]["exp"].as<std::string>() == "esm-1pctCO2");
        CHECK(variables["tas"]["additional_datasets"][0]["timerange"].as<std::string>() == "1850/1914");
        CHECK(variables["tas_control"]["short_name"].as<std::string>() == "tas");
        CHECK(variables["tas_control"]["additional_datasets"][0]["exp"].as<std::string>() == "esm-piControl");
        CHECK(variables["fco2antt"]["preprocessor"].as<std::string>() == "global_cumulative_sum");
        CHECK(variables["fco2antt"]["additional_datasets"][0]["timerange"].as<std::string>() == "1850/1914");
        const YAML::Node script = recipe["diagnostics"]["tcre"]["scripts"]["calculate"];
        CHECK(script["calc_tcre_period"][0].as<int>() == 45);
        CHECK(script["calc_tcre_period"][1].as<int>() == 65);
        CHECK(script["exp_target"].as<std::string>() == "esm-1pctCO2");
        CHECK(script["pyplot_kwargs"]["ylabel"].as<std::string>() == "ΔT [K]");
        CHECK(recipe["preprocessors"]["global_cumulative_sum"]["annual_statistics"]["keep_group_coordinates"].as<bool>());
    }
    SECTION("CMIP7: the esm-flat10 emissions over 110 years (upstream looks for esm-1pctCO2)") {
        std::vector<json> rows{
            cmip7_row("MPI-ESM1-2-LR", "esm-flat10", "r1i1p1f1", "tas", "tavg-h2m-hxy-u", "/d/t.nc", "1850-01-16 12:00:00", "1999-12-16 12:00:00"),
            cmip7_row("MPI-ESM1-2-LR", "esm-piControl", "r1i1p1f1", "tas", "tavg-h2m-hxy-u", "/d/c.nc", "1850-01-16 12:00:00", "2349-12-16 12:00:00"),
            cmip7_row("MPI-ESM1-2-LR", "esm-flat10", "r1i1p1f1", "fco2antt", "tavg-u-hxy-u", "/d/f.nc", "1850-01-16 12:00:00", "1999-12-16 12:00:00")};
        const auto def = definition("transient-climate-response-emissions", tmp.path() / "out", {{"cmip7", rows}}, {});
        const YAML::Node recipe = written_recipe("transient-climate-response-emissions", def);
        const YAML::Node variables = recipe["diagnostics"]["tcre"]["variables"];
        CHECK(variables["fco2antt"]["additional_datasets"][0]["exp"].as<std::string>() == "esm-flat10");
        CHECK(variables["fco2antt"]["additional_datasets"][0]["timerange"].as<std::string>() == "1850/1959");
        CHECK(variables["fco2antt"]["branding_suffix"].as<std::string>() == "tavg-u-hxy-u");
        CHECK(variables["fco2antt"]["mip"].as<std::string>() == "atmos");
        CHECK_FALSE(recipe["diagnostics"]["tcre"]["scripts"]["calculate"]["calc_tcre_period"]);
    }
    SECTION("missing emissions fail clearly") {
        std::vector<json> rows{
            cmip6_row("M", "esm-1pctCO2", "r1i1p1f1", "Amon", "tas", "/d/t.nc", "1850-01-16 12:00:00", "1914-12-16 12:00:00"),
            cmip6_row("M", "esm-piControl", "r1i1p1f1", "Amon", "tas", "/d/c.nc", "1850-01-16 12:00:00", "2349-12-16 12:00:00")};
        const auto def = definition("transient-climate-response-emissions", tmp.path() / "out", {{"cmip6", rows}}, {});
        CHECK_THROWS_WITH(build_recipe(diagnostic_spec("transient-climate-response-emissions"), def),
                          Catch::Contains("fco2antt"));
    }
}

TEST_CASE("ZEC recipe uses a 20-year parent window starting 10 years before the branch", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows{
        cmip6_row("ACCESS-ESM1-5", "esm-1pct-brch-1000PgC", "r1i1p1f1", "Amon", "tas", "/d/z.nc", "0168-01-16 12:00:00", "0267-12-16 12:00:00"),
        cmip6_row("ACCESS-ESM1-5", "1pctCO2", "r1i1p1f1", "Amon", "tas", "/d/p.nc", "0101-01-16 12:00:00", "0250-12-16 12:00:00")};
    rows[0]["time_units"] = "days since 0101-01-01";
    rows[1]["time_units"] = "days since 0101-01-01";
    rows[0]["calendar"] = rows[1]["calendar"] = "proleptic_gregorian";
    rows[0]["branch_time_in_parent"] = 0.0;
    rows[0]["branch_time_in_child"] = 0.0;
    const auto def = definition("zero-emission-commitment", tmp.path() / "out", {{"cmip6", rows}}, {});
    const YAML::Node recipe = written_recipe("zero-emission-commitment", def);
    const YAML::Node zec = recipe["diagnostics"]["zec"];
    CHECK(zec["variables"]["tas"]["additional_datasets"][0]["timerange"].as<std::string>() == "0168/0267");
    CHECK(zec["variables"]["tas_base"]["preprocessor"].as<std::string>() == "anomaly_base");
    // The parent is aligned with the child's start (same branch times), then moved 10 years back.
    CHECK(zec["variables"]["tas_base"]["additional_datasets"][0]["timerange"].as<std::string>() == "0158/0177");
    CHECK(zec["scripts"]["zec"]["experiments"]["reference"][0].as<std::string>() == "1pctCO2");
    CHECK(zec["scripts"]["zec"]["experiments"]["simulation"][0].as<std::string>() == "esm-1pct-brch-1000PgC");
    CHECK(zec["scripts"]["zec"]["zec_year"].as<int>() == 50);
}

TEST_CASE("GWL recipe lists every scenario run joined with its historical run", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows;
    for (const std::string model : {"CanESM5", "MIROC6"}) {
        for (const std::string variable : {"tas", "pr"}) {
            json scenario = cmip6_row(model, "ssp245", "r1i1p1f1", "Amon", variable, "/d/" + model + variable + "s.nc",
                                      "2015-01-16 12:00:00", "2100-12-16 12:00:00");
            scenario["instance_id"] = "CMIP6.ScenarioMIP.X." + model + ".ssp245.r1i1p1f1.Amon." + variable + ".gn.v1";
            rows.push_back(scenario);
            rows.push_back(cmip6_row(model, "historical", "r1i1p1f1", "Amon", variable, "/d/" + model + variable + "h.nc",
                                     "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
        }
    }
    const auto def = definition("climate-at-global-warming-levels", tmp.path() / "out", {{"cmip6", rows}},
                                {{"cmip6", {{"experiment_id", "ssp245"}}}});
    const YAML::Node recipe = written_recipe("climate-at-global-warming-levels", def);
    const YAML::Node datasets = recipe["datasets"];
    REQUIRE(datasets.size() == 2);
    CHECK(datasets[0]["dataset"].as<std::string>() == "CanESM5");
    CHECK(datasets[0]["exp"][0].as<std::string>() == "ssp245");
    CHECK(datasets[0]["exp"][1].as<std::string>() == "historical");
    CHECK(datasets[0]["activity"][0].as<std::string>() == "ScenarioMIP");
    CHECK_FALSE(datasets[0]["timerange"]);
    const YAML::Node diagnostics = recipe["diagnostics"];
    CHECK_FALSE(diagnostics["calculate_gwl_exceedance_years"]["additional_datasets"]);
    CHECK(diagnostics["calculate_gwl_exceedance_years"]["variables"]["tas_anomaly"]["timerange"].as<std::string>() == "1850/2100");
    CHECK(diagnostics["gwl_mean_plots_pr"]["variables"]["pr"]["timerange"].as<std::string>() == "2000/2100");
    CHECK(diagnostics["calculate_gwl_exceedance_years"]["scripts"]["gwl_exceedance_calculation"]["gwls"][0].as<double>() == 1.5);
    CHECK(diagnostics["calculate_gwl_exceedance_years"]["scripts"]["gwl_exceedance_calculation"]["window_size"].as<int>() == 21);
}

TEST_CASE("global-mean-timeseries plots each tas dataset over its whole span", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows{
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tas", "/d/a.nc", "1850-01-16 12:00:00", "1949-12-16 12:00:00"),
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tas", "/d/b.nc", "1950-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "fx", "areacella", "/d/c.nc", "", "")};
    const auto def = definition("global-mean-timeseries", tmp.path() / "out", {{"cmip6", rows}}, {});
    const YAML::Node recipe = written_recipe("global-mean-timeseries", def);
    CHECK(recipe["datasets"].size() == 0);
    CHECK_FALSE(recipe["diagnostics"]["map"]);
    const YAML::Node variables = recipe["diagnostics"]["timeseries"]["variables"];
    REQUIRE(variables.size() == 1);
    const YAML::Node tas = variables["tas"];
    CHECK(tas["preprocessor"].as<std::string>() == "annual_mean_global");
    CHECK(tas["caption"].as<std::string>() == "Annual global mean {long_name} according to {dataset}.");
    REQUIRE(tas["additional_datasets"].size() == 1);
    CHECK(tas["additional_datasets"][0]["timerange"].as<std::string>() == "18500116T120000/20141216T120000");
    CHECK(recipe["preprocessors"]["annual_mean_global"]["annual_statistics"]["keep_group_coordinates"].as<bool>());
    CHECK(recipe["diagnostics"]["timeseries"]["scripts"]["script1"]["quickplot"]["plot_type"].as<std::string>() == "plot");
}

TEST_CASE("every diagnostic has a tool backend, and one without fails clearly", "[esmvaltool][recipe]") {
    for (const auto& spec : diagnostic_specs()) {
        INFO(spec.slug);
        CHECK(spec.backend_wired);
        CHECK_NOTHROW(recipe_template_json(spec.base_recipe));
    }
    TempDir tmp;
    DiagnosticSpec unwired = diagnostic_spec("ozone-lat-time");
    unwired.backend_wired = false;
    const auto def = definition("ozone-lat-time", tmp.path() / "out", {{"cmip6", ecs_rows("/d")}}, {});
    CHECK_THROWS_AS(build_recipe(unwired, def), ref::plugin::DiagnosticError);
    CHECK_THROWS_WITH(build_recipe(unwired, def), Catch::Contains("not yet wired"));
}

TEST_CASE("fire recipe gives every driver its dataset and the fixed period", "[esmvaltool][recipe]") {
    TempDir tmp;
    SECTION("CMIP6") {
        std::vector<json> rows;
        for (const auto& [v, table] : std::vector<std::pair<std::string, std::string>>{
                 {"hurs", "Amon"}, {"pr", "Amon"}, {"tas", "Amon"}, {"tasmax", "Amon"}, {"cVeg", "Lmon"},
                 {"treeFrac", "Lmon"}, {"vegFrac", "Emon"}, {"sftlf", "fx"}})
            rows.push_back(cmip6_row("UKESM1-0-LL", "historical", "r1i1p1f2", table, v, "/d/" + v + ".nc",
                                     "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
        const auto def = definition("climate-drivers-for-fire", tmp.path() / "out", {{"cmip6", rows}}, {});
        const YAML::Node recipe = written_recipe("climate-drivers-for-fire", def);
        CHECK_FALSE(recipe["datasets"]);
        const YAML::Node fire = recipe["diagnostics"]["fire_evaluation"];
        const YAML::Node veg = fire["variables"]["vegFrac"]["additional_datasets"][0];
        CHECK(veg["mip"].as<std::string>() == "Emon");
        CHECK(veg["start_year"].as<int>() == 1995);
        CHECK(veg["end_year"].as<int>() == 2014);
        CHECK_FALSE(veg["timerange"]);
        CHECK(fire["scripts"]["fire_evaluation"]["remove_confire_files"].as<bool>());
    }
    SECTION("CMIP7: tasmax is the tmaxavg branding of tas") {
        std::vector<json> rows{
            cmip7_row("UKESM1-0-LL", "historical", "r1i1p1f2", "tas", "tavg-h2m-hxy-u", "/d/tas.nc", "2002-01-16 12:00:00", "2021-12-16 12:00:00"),
            cmip7_row("UKESM1-0-LL", "historical", "r1i1p1f2", "tas", "tmaxavg-h2m-hxy-u", "/d/tasmax.nc", "2002-01-16 12:00:00", "2021-12-16 12:00:00")};
        for (const auto& [v, b] : std::vector<std::pair<std::string, std::string>>{
                 {"hurs", "tavg-h2m-hxy-u"}, {"pr", "tavg-u-hxy-u"}, {"cVeg", "tavg-u-hxy-lnd"},
                 {"treeFrac", "tavg-u-hxy-u"}, {"vegFrac", "tavg-u-hxy-u"}})
            rows.push_back(cmip7_row("UKESM1-0-LL", "historical", "r1i1p1f2", v, b, "/d/" + v + ".nc",
                                     "2002-01-16 12:00:00", "2021-12-16 12:00:00"));
        const auto def = definition("climate-drivers-for-fire", tmp.path() / "out", {{"cmip7", rows}}, {});
        const YAML::Node variables = written_recipe("climate-drivers-for-fire", def)["diagnostics"]["fire_evaluation"]["variables"];
        CHECK(variables["tasmax"]["short_name"].as<std::string>() == "tas");
        CHECK(variables["tasmax"]["branding_suffix"].as<std::string>() == "tmaxavg-h2m-hxy-u");
        REQUIRE(variables["tasmax"]["additional_datasets"].size() == 1);
        CHECK(variables["tasmax"]["additional_datasets"][0]["branding_suffix"].as<std::string>() == "tmaxavg-h2m-hxy-u");
        CHECK(variables["tas"]["additional_datasets"][0]["branding_suffix"].as<std::string>() == "tavg-h2m-hxy-u");
        CHECK(variables["tas"]["additional_datasets"][0]["start_year"].as<int>() == 2002);
        CHECK(variables["cVeg"]["mip"].as<std::string>() == "land");
    }
}

TEST_CASE("generic recipe fixes: annual_statistics strings and CMIP7 observation tables", "[esmvaltool][recipe]") {
    ordered_json recipe = yaml_to_json(R"(
preprocessors:
  p1: {annual_statistics: mean}
  p2: {annual_statistics: {operator: max}}
  p3: {area_statistics: {operator: mean}}
datasets:
  - {project: CMIP7, dataset: M}
diagnostics:
  d:
    additional_datasets:
      - {project: OBS, dataset: HadCRUT5}
    variables:
      tas:
        mip: Amon
        additional_datasets:
          - {project: obs4MIPs, dataset: ERA-5}
      pr: {mip: Amon}
      siconc: {mip: SImon}
)");
    fix_annual_statistics(recipe);
    CHECK(recipe["preprocessors"]["p1"]["annual_statistics"] == ordered_json({{"operator", "mean"}, {"keep_group_coordinates", true}}));
    CHECK(recipe["preprocessors"]["p2"]["annual_statistics"]["keep_group_coordinates"] == true);
    CHECK_FALSE(recipe["preprocessors"]["p3"].contains("annual_statistics"));
    rewrite_cmip7_mips(recipe);
    const auto& d = recipe["diagnostics"]["d"];
    CHECK(d["variables"]["tas"]["mip"] == "atmos");
    CHECK(d["variables"]["siconc"]["mip"] == "seaIce");
    CHECK(d["variables"]["tas"]["additional_datasets"][0]["mip"] == "Amon");
    // The diagnostic's variables use two tables, so its reference dataset gets none.
    CHECK_FALSE(d["additional_datasets"][0].contains("mip"));
}

TEST_CASE("config.yml and the command line follow the REF's layout", "[esmvaltool][config]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    SECTION("without reference data") {
        const YAML::Node config = YAML::Load(json_to_yaml(esmvaltool_config(out, std::nullopt)));
        CHECK(config["output_dir"].as<std::string>() == (out / "executions").string());
        CHECK(config["search_data"].as<std::string>() == "quick");
        const YAML::Node cmip6 = config["projects"]["CMIP6"]["data"]["local"];
        CHECK(cmip6["type"].as<std::string>() == "esmvalcore.io.local.LocalDataSource");
        CHECK(cmip6["rootpath"].as<std::string>() == (out / "climate_data").string());
        CHECK(cmip6["dirname_template"].as<std::string>() ==
              "{project}/{activity}/{institute}/{dataset}/{exp}/{ensemble}/{mip}/{short_name}/{grid}/{version}");
        CHECK(cmip6["filename_template"].as<std::string>() == "{short_name}_{mip}_{dataset}_{exp}_{ensemble}_{grid}*.nc");
        CHECK(config["projects"]["CMIP7"]["data"]["local"]["filename_template"].as<std::string>() ==
              "{short_name}_{branding_suffix}_{frequency}_{region}_{grid}_{dataset}_{exp}_{ensemble}*.nc");
        CHECK_FALSE(config["projects"]["OBS"]);
        CHECK_FALSE(config["projects"]["obs4MIPs"]["data"]["esmvaltool"]);
        // Keys are written sorted, as the REF does.
        std::vector<std::string> keys;
        for (const auto& item : config) keys.push_back(item.first.as<std::string>());
        CHECK(keys == std::vector<std::string>{"output_dir", "projects", "search_data"});
    }
    SECTION("with reference data") {
        const fs::path ref = tmp.path() / "ESMValTool";
        const YAML::Node config = YAML::Load(json_to_yaml(esmvaltool_config(out, ref)));
        const YAML::Node obs = config["projects"]["OBS"]["data"]["local"];
        CHECK(obs["rootpath"].as<std::string>() == (ref / "OBS").string());
        CHECK(obs["dirname_template"].as<std::string>() == "Tier{tier}/{dataset}");
        CHECK(obs["filename_template"].as<std::string>() == "{project}_{dataset}_{type}_{version}_{mip}_{short_name}[_.]*nc");
        CHECK(config["projects"]["OBS6"]["data"]["local"]["rootpath"].as<std::string>() == (ref / "OBS").string());
        CHECK(config["projects"]["native6"]["data"]["local"]["dirname_template"].as<std::string>() ==
              "Tier{tier}/{dataset}/{version}/{frequency}/{short_name}");
        CHECK(config["projects"]["obs4MIPs"]["data"]["esmvaltool"]["rootpath"].as<std::string>() == ref.string());
    }
    CHECK(esmvaltool_argv(out) == std::vector<std::string>{"esmvaltool", "run", "--config-dir=" + (out / "config").string(),
                                                           (out / "recipe.yml").string()});
}

TEST_CASE("input files are linked into the DRS trees ESMValTool searches", "[esmvaltool][config]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    const fs::path data = tmp.path() / "data";
    write_text(data / "tas.nc", "x");
    write_text(data / "rsut_obs.nc", "y");
    write_text(data / "OBS/Tier2/OSI-450-nh/OBS_OSI-450-nh_reanaly_v3_OImon_sic_197901-197912.nc", "z");
    json obs = {{"instance_id", "obs4MIPs.NASA-LaRC.CERES-EBAF-4-2-1.mon.rsut.gn.v20210309"},
                {"path", (data / "rsut_obs.nc").string()},
                {"source_id", "CERES-EBAF-4-2-1"}};
    json reference = {{"instance_id", "OBS.OSI-450-nh.sic"},
                      {"path", (data / "OBS/Tier2/OSI-450-nh/OBS_OSI-450-nh_reanaly_v3_OImon_sic_197901-197912.nc").string()}};
    const auto def = definition(
        "sea-ice-area-basic", out,
        {{"cmip6", {cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tas", (data / "tas.nc").string(), "", "")}},
         {"obs4mips", {obs}},
         {"esmvaltool-reference", {reference}}},
        {});
    stage_climate_data(def, out);
    CHECK(fs::read_symlink(out / "climate_data/CMIP6/CMIP/CCCma/CanESM5/historical/r1i1p1f1/Amon/tas/gn/v20190429/tas.nc") ==
          data / "tas.nc");
    CHECK(fs::read_symlink(out / "climate_data/obs4MIPs/CERES-EBAF-4-2-1/v20210309/rsut_obs.nc") == data / "rsut_obs.nc");
    const auto root = reference_data_root(def, out);
    REQUIRE(root);
    CHECK(*root == out / "reference_data");
    CHECK(fs::exists(out / "reference_data/OBS/Tier2/OSI-450-nh/OBS_OSI-450-nh_reanaly_v3_OImon_sic_197901-197912.nc"));

    json escaping = cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tas", (data / "tas.nc").string(), "", "");
    escaping["instance_id"] = "CMIP6.CMIP.CCCma.....tas";
    CHECK_THROWS_AS(climate_data_location("cmip6", escaping), ref::plugin::DiagnosticError);
}

TEST_CASE("hostile paths and facet values reach ESMValTool unchanged", "[esmvaltool][config][quoting]") {
    TempDir tmp;
    const std::string hostile = "we ird \"q\" 'x' $(rm -rf ~) `id`; $HOME\nline: {a}, [b] #c &d *e !f |g >h %i @j";
    const fs::path out = tmp.path() / hostile / "out";
    const fs::path data = tmp.path() / (hostile + " data");
    const std::string model = "Can ESM\"5' $(x) `y`;z";
    std::vector<json> rows = ecs_rows(data, model);
    for (auto& row : rows) write_text(row["path"].get<std::string>(), "data");
    const auto def = definition("equilibrium-climate-sensitivity", out, {{"cmip6", rows}}, {});

    const std::string text = json_to_yaml(build_recipe(diagnostic_spec("equilibrium-climate-sensitivity"), def));
    const YAML::Node recipe = YAML::Load(text);
    CHECK(recipe["datasets"][0]["dataset"].as<std::string>() == model);
    CHECK(recipe["datasets"][1]["dataset"].as<std::string>() == model);

    const YAML::Node config = YAML::Load(json_to_yaml(esmvaltool_config(out, tmp.path() / hostile / "ESMValTool")));
    CHECK(config["output_dir"].as<std::string>() == (out / "executions").string());
    CHECK(config["projects"]["CMIP6"]["data"]["local"]["rootpath"].as<std::string>() == (out / "climate_data").string());
    CHECK(config["projects"]["OBS"]["data"]["local"]["rootpath"].as<std::string>() ==
          (tmp.path() / hostile / "ESMValTool" / "OBS").string());

    const auto argv = esmvaltool_argv(out);
    REQUIRE(argv.size() == 4);
    CHECK(argv[2] == "--config-dir=" + (out / "config").string());
    CHECK(argv[3] == (out / "recipe.yml").string());

    stage_climate_data(def, out);
    const fs::path link = out / "climate_data/CMIP6/CMIP/CCCma" / model / "abrupt-4xCO2/r1i1p1f1/Amon/tas/gn/v20190429" /
                          fs::path(rows[6]["path"].get<std::string>()).filename();
    CHECK(fs::read_symlink(link) == fs::path(rows[6]["path"].get<std::string>()));
}

TEST_CASE("YAML writing keeps numbers, booleans and strings apart", "[esmvaltool][recipe]") {
    ordered_json value = {{"int", 50},      {"float", 2.0},        {"fraction", 0.1},  {"yes", true},
                          {"none", nullptr}, {"number_text", "2014"}, {"bool_text", "true"}, {"empty", ""}};
    const ordered_json back = yaml_to_json(json_to_yaml(value));
    CHECK(back == value);
    CHECK(back["float"].is_number_float());
    CHECK_THROWS(yaml_to_json("a: [unclosed"));
}

TEST_CASE("ENSO recipes combine the model with TROPFLUX and GPCP", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows{
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Omon", "tos", "/d/tos.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "pr", "/d/pr.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tauu", "/d/tauu.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CanESM5", "historical", "r1i1p1f1", "Ofx", "areacello", "/d/areacello.nc", "", "")};
    const auto def = definition("enso-characteristics", tmp.path() / "out", {{"cmip6", rows}}, {});
    const YAML::Node characteristics = written_recipe("enso-characteristics", def);
    REQUIRE(characteristics["datasets"].size() == 2);
    CHECK(characteristics["datasets"][0]["mip"].as<std::string>() == "Omon");
    CHECK(characteristics["datasets"][0]["timerange"].as<std::string>() == "18500116T120000/20141216T120000");
    CHECK(characteristics["datasets"][1]["dataset"].as<std::string>() == "TROPFLUX");
    CHECK(characteristics["datasets"][1]["tier"].as<int>() == 2);

    const YAML::Node basic = written_recipe("enso-basic-climatology", def);
    CHECK_FALSE(basic["datasets"]);
    const YAML::Node variables = basic["diagnostics"]["diagnostic_metrics"]["variables"];
    REQUIRE(variables["eq_sst_bias"]["additional_datasets"].size() == 2);
    CHECK(variables["eq_sst_bias"]["additional_datasets"][0]["dataset"].as<std::string>() == "TROPFLUX");
    CHECK(variables["eq_sst_bias"]["additional_datasets"][1]["dataset"].as<std::string>() == "CanESM5");
    CHECK(variables["eq_sst_bias"]["additional_datasets"][1]["mip"].as<std::string>() == "Omon");
    CHECK(variables["pr_double"]["additional_datasets"][0]["dataset"].as<std::string>() == "GPCP-V2.3");
    CHECK(variables["pr_double"]["additional_datasets"][1]["mip"].as<std::string>() == "Amon");
    // Anchored lists were copied: each variable holds its own model entry once.
    CHECK(variables["eq_pr_bias"]["additional_datasets"].size() == 2);
}

TEST_CASE("sea-ice recipes use the model datasets with the OSI-450 observations", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows;
    for (const std::string model : {"CanESM5", "MIROC6"}) {
        rows.push_back(cmip6_row(model, "historical", "r1i1p1f1", "SImon", "siconc", "/d/" + model + "s.nc",
                                 "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
        rows.push_back(cmip6_row(model, "historical", "r1i1p1f1", "Amon", "tas", "/d/" + model + "t.nc",
                                 "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
    }
    const auto def = definition("sea-ice-sensitivity", tmp.path() / "out", {{"cmip6", rows}}, {});
    const YAML::Node sensitivity = written_recipe("sea-ice-sensitivity", def);
    REQUIRE(sensitivity["datasets"].size() == 2);
    CHECK_FALSE(sensitivity["datasets"][0]["mip"]);
    CHECK(sensitivity["datasets"][1]["dataset"].as<std::string>() == "MIROC6");
    CHECK(sensitivity["datasets"][1]["timerange"].as<std::string>() == "1979/2014");

    const YAML::Node area = written_recipe("sea-ice-area-basic", def);
    CHECK_FALSE(area["datasets"][0]["timerange"]);
    const YAML::Node obs = area["diagnostics"]["siarea_seas"]["variables"]["sea_ice_area_sh"]["additional_datasets"][0];
    CHECK(obs["dataset"].as<std::string>() == "OSI-450-sh");
    CHECK(obs["supplementary_variables"][0]["short_name"].as<std::string>() == "areacello");
    CHECK(obs["version"].as<std::string>() == "v3");
    CHECK(area["diagnostics"]["siarea_min"]["scripts"]["allplots"]["plots"]["timeseries"]["caption"].as<std::string>() ==
          "Time series of the minimum-month sea ice area of CanESM5.r1i1p1f1.gn and OSI-450.");
}

TEST_CASE("cloud radiative effects use the model period everywhere", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows;
    for (const std::string v : {"rlut", "rlutcs", "rsut", "rsutcs"})
        rows.push_back(cmip7_row("CanESM5", "historical", "r1i1p1f1", v, "tavg-u-hxy-u", "/d/" + v + ".nc",
                                 "1850-01-16 12:00:00", "2021-12-16 12:00:00"));
    const auto def = definition("cloud-radiative-effects", tmp.path() / "out", {{"cmip7", rows}}, {});
    const YAML::Node recipe = written_recipe("cloud-radiative-effects", def);
    REQUIRE(recipe["datasets"].size() == 1);
    CHECK(recipe["datasets"][0]["branding_suffix"].as<std::string>() == "tavg-u-hxy-u");
    CHECK_FALSE(recipe["datasets"][0]["timerange"]);
    CHECK(recipe["timerange_for_models"]["timerange"].as<std::string>() == "2002/2021");
    const YAML::Node maps = recipe["diagnostics"]["plot_maps"];
    CHECK(maps["variables"]["swcre"]["timerange"].as<std::string>() == "2002/2021");
    CHECK(maps["variables"]["swcre"]["mip"].as<std::string>() == "atmos");
    CHECK(maps["additional_datasets"][0]["end_year"].as<int>() == 2021);
    // The observations keep the CMIP6 table their variables were defined with.
    CHECK(maps["additional_datasets"][0]["mip"].as<std::string>() == "Amon");
}

TEST_CASE("each ozone diagnostic keeps its part of the ozone recipe", "[esmvaltool][recipe]") {
    TempDir tmp;
    std::vector<json> rows{
        cmip6_row("CNRM-ESM2-1", "historical", "r1i1p1f2", "AERmon", "toz", "/d/toz.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CNRM-ESM2-1", "historical", "r1i1p1f2", "Amon", "o3", "/d/o3.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
        cmip6_row("CNRM-ESM2-1", "historical", "r1i1p1f2", "fx", "areacella", "/d/areacella.nc", "", "")};
    const auto def = definition("ozone-sh-oct", tmp.path() / "out", {{"cmip6", rows}}, {});
    const std::map<std::string, std::pair<std::string, std::string>> expected{
        {"ozone-lat-time", {"lat_time_mapplot", "1996/2014"}},
        {"ozone-sh-oct", {"polar_cap_time_series_SH", "1950/2014"}},
        {"ozone-nh-mar", {"polar_cap_time_series_NH", "1950/2014"}},
        {"ozone-annual-cycle", {"lat_month_mapplot", "2005/2014"}},
        {"ozone-zonal", {"zonal_mean_profiles", "2005/2014"}}};
    for (const auto& [slug, kept] : expected) {
        INFO(slug);
        const YAML::Node recipe = written_recipe(slug, def);
        REQUIRE(recipe["diagnostics"].size() == 1);
        CHECK(recipe["diagnostics"][kept.first]);
        REQUIRE(recipe["datasets"].size() == 1);
        CHECK(recipe["datasets"][0]["timerange"].as<std::string>() == kept.second);
        CHECK(recipe["datasets"][0]["short_name"].IsDefined() == false);
    }
    const YAML::Node sh = written_recipe("ozone-sh-oct", def);
    CHECK(sh["datasets"][0]["mip"].as<std::string>() == "AERmon");
    CHECK(sh["diagnostics"]["polar_cap_time_series_SH"]["additional_datasets"][0]["timerange"].as<std::string>() == "1996/2021");
    CHECK_FALSE(sh["diagnostics"]["polar_cap_time_series_SH"]["variables"]["toz"]["timerange"]);
    const YAML::Node zonal = written_recipe("ozone-zonal", def);
    CHECK(zonal["datasets"][0]["mip"].as<std::string>() == "Amon");
    CHECK(zonal["diagnostics"]["zonal_mean_profiles"]["variables"]["o3"]["timerange"].as<std::string>() == "2005/2014");
    CHECK(zonal["diagnostics"]["zonal_mean_profiles"]["scripts"]["plot"]["plots"]["zonal_mean_profile"]["pyplot_kwargs"]
               ["suptitle"].as<std::string>() == "{long_name} (2005-2014 mean)");
    const YAML::Node nh = written_recipe("ozone-nh-mar", def);
    CHECK(nh["diagnostics"]["polar_cap_time_series_NH"]["scripts"]["plot"]["plots"]["timeseries"]["pyplot_kwargs"]["title"]
              .as<std::string>() == "Total Column Ozone, 60-80N, March");
}

TEST_CASE("cloud scatterplots keep one diagnostic with the model or the observations", "[esmvaltool][recipe]") {
    TempDir tmp;
    SECTION("CMIP6 model: the first variable's datasets for the whole diagnostic") {
        std::vector<json> rows;
        for (const std::string v : {"clt", "rsut", "rsutcs"})
            rows.push_back(cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", v, "/d/" + v + ".nc",
                                     "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
        const auto def = definition("cloud-scatterplots-clt-swcre", tmp.path() / "out", {{"cmip6", rows}}, {});
        const YAML::Node recipe = written_recipe("cloud-scatterplots-clt-swcre", def);
        REQUIRE(recipe["diagnostics"].size() == 1);
        const YAML::Node d = recipe["diagnostics"]["plot_joint_clt_swcre_model"];
        REQUIRE(d["additional_datasets"].size() == 1);
        CHECK(d["additional_datasets"][0]["timerange"].as<std::string>() == "1996/2014");
        CHECK(d["variables"]["swcre"]["derive"].as<bool>());
        CHECK(d["scripts"]["plot"]["suptitle"].as<std::string>() == "CMIP6 CanESM5 r1i1p1f1 gn 1996/2014");
        CHECK(d["scripts"]["plot"]["plot_filename"].as<std::string>() == "jointplot_clt_swcre_CMIP6_CanESM5_r1i1p1f1_gn_1996-2014");
    }
    SECTION("CMIP7 model: per-variable datasets keep their branding suffix") {
        std::vector<json> rows{
            cmip7_row("CanESM5", "historical", "r1i1p1f1", "cli", "tavg-al-hxy-u", "/d/cli.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00"),
            cmip7_row("CanESM5", "historical", "r1i1p1f1", "ta", "tavg-p19-hxy-air", "/d/ta.nc", "1850-01-16 12:00:00", "2014-12-16 12:00:00")};
        const auto def = definition("cloud-scatterplots-cli-ta", tmp.path() / "out", {{"cmip7", rows}}, {});
        const YAML::Node d = written_recipe("cloud-scatterplots-cli-ta", def)["diagnostics"]["plot_joint_cli_ta_model"];
        CHECK_FALSE(d["additional_datasets"]);
        CHECK(d["variables"]["ta"]["additional_datasets"][0]["branding_suffix"].as<std::string>() == "tavg-p19-hxy-air");
        CHECK(d["variables"]["cli"]["additional_datasets"][0]["branding_suffix"].as<std::string>() == "tavg-al-hxy-u");
        CHECK(d["variables"]["ta"]["mip"].as<std::string>() == "atmos");
    }
    SECTION("reference: ERA-5 ta and GPCP pr") {
        json era5 = {{"instance_id", "obs4MIPs.ECMWF.ERA-5.mon.ta.gn.v20250220"},
                     {"path", "/d/ta_mon_ERA-5.nc"},
                     {"source_id", "ERA-5"},
                     {"institution_id", "ECMWF"},
                     {"grid_label", "gn"},
                     {"variable_id", "ta"},
                     {"frequency", "mon"},
                     {"start_time", "2007-01-16 12:00:00"},
                     {"end_time", "2014-12-16 12:00:00"}};
        const auto def = definition("cloud-scatterplots-reference", tmp.path() / "out", {{"obs4mips", {era5}}}, {});
        const YAML::Node recipe = written_recipe("cloud-scatterplots-reference", def);
        REQUIRE(recipe["diagnostics"].size() == 4);
        const YAML::Node cli_ta = recipe["diagnostics"]["plot_joint_cli_ta_ref"];
        const YAML::Node ta = cli_ta["variables"]["ta"]["additional_datasets"][0];
        CHECK(ta["dataset"].as<std::string>() == "ERA-5");
        CHECK(ta["project"].as<std::string>() == "obs4MIPs");
        CHECK(ta["alias"].as<std::string>() == "ERA-5");
        CHECK(ta["timerange"].as<std::string>() == "2007/2015");
        CHECK(cli_ta["scripts"]["plot"]["suptitle"].as<std::string>() == "CALIPSO-ICECLOUD / ERA-5 2007/2015");
        CHECK(cli_ta["scripts"]["plot"]["plot_filename"].as<std::string>() == "jointplot_cli_ta_CALIPSO-ICECLOUD_-_ERA-5_2007-2015");
        const YAML::Node pr = recipe["diagnostics"]["plot_joint_clwvi_pr_ref"]["variables"]["pr"]["additional_datasets"][0];
        CHECK(pr["dataset"].as<std::string>() == "GPCP-V2.3");
        CHECK(pr["alias"].as<std::string>() == "GPCP-SG");
    }
}

TEST_CASE("regional recipes give each variable its dataset, observations their extras", "[esmvaltool][recipe]") {
    TempDir tmp;
    SECTION("CMIP6: the model only, variables without data dropped") {
        std::vector<json> rows;
        for (const std::string v : {"tas", "pr", "ua"})
            rows.push_back(cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", v, "/d/" + v + ".nc",
                                     "1850-01-16 12:00:00", "2014-12-16 12:00:00"));
        auto def = definition("regional-historical-timeseries", tmp.path() / "out", {{"cmip6", rows}}, {});
        YAML::Node recipe = written_recipe("regional-historical-timeseries", def);
        CHECK_FALSE(recipe["regions"]);
        CHECK_FALSE(recipe["datasets"]);
        CHECK(recipe["diagnostics"].size() == 6);
        CHECK_FALSE(recipe["diagnostics"]["sea_level_pressure"]);
        const YAML::Node tas = recipe["diagnostics"]["near-surface_air_temperature_anomalies"];
        REQUIRE(tas["variables"]["tas"]["additional_datasets"].size() == 1);
        CHECK(tas["variables"]["tas"]["additional_datasets"][0]["dataset"].as<std::string>() == "CanESM5");
        CHECK_FALSE(tas["variables"]["tas"]["additional_datasets"][0]["timerange"]);
        CHECK(tas["scripts"]["figures"]["plot_filename"].as<std::string>() ==
              "{plot_type}_{real_name}_{dataset}_{ensemble}_{grid}_{shape_id}");
        CHECK(tas["scripts"]["figures"]["plots"]["timeseries"]["plot_kwargs"]["default"]["label"].as<std::string>() ==
              "{dataset}_{ensemble}_{grid}");
        CHECK(recipe["preprocessors"]["timeseries_region"]["extract_shape"]["ids"]["Name"].size() == 58);
        CHECK(recipe["diagnostics"]["eastward_wind"]["variables"]["ua_200"]["short_name"].as<std::string>() == "ua");
        // Regression executions keep three regions.
        def.key = "test-cmip6_gn_r1i1p1f1_CanESM5";
        recipe = written_recipe("regional-historical-timeseries", def);
        CHECK(recipe["preprocessors"]["timeseries_region"]["extract_shape"]["ids"]["Name"].size() == 3);
    }
    SECTION("obs4MIPs: ERA-5 plus the registry observations") {
        std::vector<json> rows;
        for (const std::string v : {"psl", "tas", "ua"})
            rows.push_back({{"instance_id", "obs4MIPs.ECMWF.ERA-5.mon." + v + ".gn.v20250220"},
                            {"path", "/d/" + v + "_ERA-5.nc"},
                            {"source_id", "ERA-5"},
                            {"institution_id", "ECMWF"},
                            {"grid_label", "gn"},
                            {"variable_id", v},
                            {"frequency", "mon"},
                            {"start_time", "1979-01-16 12:00:00"},
                            {"end_time", "2020-12-16 12:00:00"}});
        const auto def = definition("regional-historical-trend", tmp.path() / "out", {{"obs4mips", rows}}, {});
        const YAML::Node recipe = written_recipe("regional-historical-trend", def);
        CHECK(recipe["diagnostics"].size() == 5);
        const YAML::Node tas = recipe["diagnostics"]["tas_trends"]["variables"]["tas"]["additional_datasets"];
        REQUIRE(tas.size() == 2);
        CHECK(tas[0]["dataset"].as<std::string>() == "ERA-5");
        CHECK(tas[1]["dataset"].as<std::string>() == "HadCRUT5");
        CHECK(tas[1]["version"].as<std::string>() == "5.0.1.0-analysis");
        const YAML::Node pr = recipe["diagnostics"]["pr_trends"]["variables"]["pr"]["additional_datasets"];
        REQUIRE(pr.size() == 2);
        CHECK(pr[0]["dataset"].as<std::string>() == "GPCP-V2.3");
        CHECK(pr[1]["project"].as<std::string>() == "native6");
        CHECK(recipe["diagnostics"]["hus200_trends"]["variables"]["hus_200"]["additional_datasets"][0]["dataset"]
                  .as<std::string>() == "ERA5");
        const auto cycle = definition("regional-historical-annual-cycle", tmp.path() / "out", {{"obs4mips", rows}}, {});
        const YAML::Node annual = written_recipe("regional-historical-annual-cycle", cycle);
        CHECK(annual["diagnostics"]["precipitation_annual_cycle"]["variables"]["pr"]["additional_datasets"].size() == 1);
        CHECK(annual["diagnostics"]["sea_level_pressure_annual_cycle"]["scripts"]["figures"]["plot_filename"]
                  .as<std::string>() == "{plot_type}_{real_name}_{dataset}_{shape_id}");
    }
}

TEST_CASE("staging removes dangling links left in the directories it fills", "[esmvaltool][config]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    write_text(tmp.path() / "tas.nc", "x");
    const json row = cmip6_row("CanESM5", "historical", "r1i1p1f1", "Amon", "tas", (tmp.path() / "tas.nc").string(), "", "");
    const fs::path dir = out / "climate_data" / climate_data_location("cmip6", row).parent_path();
    fs::create_directories(dir);
    fs::create_symlink(tmp.path() / "gone.nc", dir / "old.nc");
    stage_climate_data(definition("global-mean-timeseries", out, {{"cmip6", {row}}}, {}), out);
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(dir / "old.nc")));
    CHECK(fs::exists(dir / "tas.nc"));
}
