// The driver's configuration and command line for realistic execution definitions.
#include "ilamb_test_support.hpp"
#include "skip.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

using namespace ilamb_test;
namespace ilamb = ref::ilamb;

namespace {

std::vector<json> wecann_model_rows(const fs::path& data) {
    return {cmip6_row("gpp", (data / "gpp_Lmon_ACCESS-ESM1-5_historical_r1i1p1f1_gn_185001-201412.nc").string()),
            cmip6_row("pr", (data / "pr_Amon_ACCESS-ESM1-5_historical_r1i1p1f1_gn_185001-201412.nc").string(), "Amon"),
            cmip6_row("tas", (data / "tas_Amon_ACCESS-ESM1-5_historical_r1i1p1f1_gn_185001-201412.nc").string(), "Amon"),
            cmip6_row("areacella", (data / "areacella_fx_ACCESS-ESM1-5_historical_r1i1p1f1_gn.nc").string()),
            cmip6_row("sftlf", (data / "sftlf_fx_ACCESS-ESM1-5_historical_r1i1p1f1_gn.nc").string())};
}

json obs_row(const std::string& instance, const std::string& variable, const std::string& path) {
    return {{"instance_id", instance}, {"path", path}, {"source_id", "WECANN-1-0"}, {"variable_id", variable},
            {"grid_label", "gn"}, {"version", "v20250902"}};
}

std::string scalar(const YAML::Node& node) { return node.as<std::string>(); }

}  // namespace

TEST_CASE("the gpp-WECANN configuration lists models, references, regions and options", "[ilamb][config]") {
    TempDir tmp;
    const fs::path data_root = tmp.path() / "refdata";
    populate_data_root(data_root);
    const fs::path out = tmp.path() / "out";
    const std::string instance = "obs4MIPs.ColumbiaU.WECANN-1-0.mon.gpp.gn.v20250902";
    const json doc = definition_document(
        "gpp-wecann", out, wecann_model_rows(tmp.path() / "cmip6"),
        {obs_row(instance, "gpp", (tmp.path() / "obs/gpp_mon_WECANN-1-0_REF_gn_200701-201512.nc").string())},
        {{"data_root", data_root.string()}});
    const auto def = definition(doc);

    const std::string text = ilamb::render_config(entry("gpp-WECANN"), def);
    const YAML::Node config = YAML::Load(text);
    CHECK(scalar(config["diagnostic"]) == "gpp-wecann");
    CHECK(scalar(config["name"]) == "gpp-WECANN");
    CHECK(scalar(config["realm"]) == "land");
    CHECK(scalar(config["output_directory"]) == out.string());
    CHECK(scalar(config["variable_id"]) == "gpp");
    CHECK(scalar(config["reference_source_id"]) == "WECANN");
    REQUIRE(config["regions"].size() == 2);
    CHECK(scalar(config["regions"][0]) == "global");
    CHECK(scalar(config["regions"][1]) == "tropical");
    REQUIRE(config["region_files"].size() == 2);
    CHECK(scalar(config["region_files"][0]) == (data_root / "ilamb/regions/GlobalLand.nc").string());
    CHECK(scalar(config["region_files"][1]) == (data_root / "ilamb/regions/Koppen_coarse.nc").string());
    CHECK(scalar(config["options"]["comparison_groupby"][0]) == "source_id");
    CHECK(scalar(config["options"]["comparison_groupby"][1]) == "grid_label");
    CHECK(scalar(config["options"]["model_name_facets"][0]) == "source_id");
    CHECK(config["options"]["use_uncertainty"].as<bool>());

    // The dict-form source becomes the instance-id pattern; relationships stay registry keys.
    const YAML::Node block = config["block"];
    CHECK(scalar(block["sources"]["gpp"]) == instance + "*");
    CHECK(scalar(block["relationships"]["pr"]) ==
          "obs4REF/NOAA-NCEI/GPCP-2-3/mon/pr/gn/v20210727/pr_mon_GPCP-2-3_PCMDI_gn_197901-201907.nc");
    CHECK(scalar(block["relationships"]["tas"]) == "ilamb/tas/CRU4.02/tas.nc");
    CHECK(scalar(block["variable_cmap"]) == "Greens");
    REQUIRE(block["transforms"].size() == 1);
    CHECK(scalar(block["transforms"][0]["climate_ref_relationship_time"]["variable_id"]) == "gpp");
    CHECK_FALSE(block["analyses"]);

    // Reference table: the obs row (key = instance id + row index) and the resolved keys.
    const YAML::Node refs = config["reference_table"];
    REQUIRE(refs.size() == 3);
    CHECK(scalar(refs[0]["key"]) == instance + "0");
    CHECK(scalar(refs[0]["path"]) == (tmp.path() / "obs/gpp_mon_WECANN-1-0_REF_gn_200701-201512.nc").string());
    CHECK(scalar(refs[2]["key"]) == "ilamb/tas/CRU4.02/tas.nc");
    CHECK(scalar(refs[2]["path"]) == (data_root / "ilamb/tas/CRU4.02/tas.nc").string());

    const YAML::Node models = config["model_table"];
    REQUIRE(models.size() == 5);
    CHECK(scalar(models[0]["variable_id"]) == "gpp");
    CHECK(scalar(models[0]["source_id"]) == "ACCESS-ESM1-5");
    CHECK(scalar(models[0]["member_id"]) == "r1i1p1f1");
    CHECK(scalar(models[3]["variable_id"]) == "areacella");
    CHECK(scalar(models[0]["path"]) == wecann_model_rows(tmp.path() / "cmip6")[0]["path"].get<std::string>());
}

TEST_CASE("ocean configurations use one region and prefer tos over thetao", "[ilamb][config]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out";
    json thetao = cmip6_row("thetao", "/data/thetao.nc", "Omon");
    json tos = cmip6_row("tos", "/data/tos.nc", "Omon");
    json area = cmip6_row("areacello", "/data/areacello.nc");
    json obs = {{"instance_id", "obs4REF.NOAA-NCEO-OCL.WOA-23.monC.thetao.gn.v20251024"},
                {"path", "/ref/thetao_monC_WOA-23_REF_gn_200501-202212.nc"},
                {"variable_id", "thetao"}};
    const auto def = definition(definition_document("thetao-woa2023-surface", out, {thetao, tos, area}, {obs},
                                                    {{"data_root", (tmp.path() / "empty").string()}}));
    const YAML::Node config = YAML::Load(ilamb::render_config(entry("thetao-WOA2023-surface"), def));
    REQUIRE(config["regions"].size() == 1);
    CHECK(config["regions"][0].IsNull());
    CHECK(config["region_files"].size() == 0);
    REQUIRE(config["model_table"].size() == 2);
    CHECK(scalar(config["model_table"][0]["variable_id"]) == "tos");
    CHECK(scalar(config["model_table"][1]["variable_id"]) == "areacello");
    CHECK(scalar(config["block"]["alternate_vars"][0]) == "tos");
    CHECK(scalar(config["block"]["transforms"][0]["select_depth"]["value"]) == "0");
}

TEST_CASE("amoc-RAPID maps the msftmz reference to the amoc source", "[ilamb][config]") {
    TempDir tmp;
    json msftmz = cmip6_row("msftmz", "/data/msftmz.nc", "Omon");
    json obs = {{"instance_id", "obs4REF.NOC.RAPID-2023-1a.mon.msftmz.gm.v20250902"},
                {"path", "/ref/msftmz.nc"},
                {"variable_id", "msftmz"}};
    const auto def = definition(definition_document("amoc-rapid", tmp.path() / "out", {msftmz}, {obs, obs}, json::object()));
    const YAML::Node config = YAML::Load(ilamb::render_config(entry("amoc-RAPID"), def));
    CHECK(scalar(config["block"]["sources"]["amoc"]) == "obs4REF.NOC.RAPID-2023-1a.mon.msftmz.gm.v20250902*");
    CHECK(scalar(config["block"]["analysis_variable"]) == "amoc");
    CHECK(scalar(config["block"]["analyses"][0]) == "timeseries");
    CHECK(scalar(config["block"]["related_vars"][0]) == "msftmz");
    REQUIRE(config["reference_table"].size() == 2);
    CHECK(scalar(config["reference_table"][1]["key"]) == "obs4REF.NOC.RAPID-2023-1a.mon.msftmz.gm.v20250902" + std::string("1"));
    CHECK(config["block"]["transforms"][0]["climate_ref_msftmz_to_rapid"].IsMap());
}

TEST_CASE("CMIP7 rows get member_id from variant_label", "[ilamb][config]") {
    TempDir tmp;
    const fs::path data_root = tmp.path() / "refdata";
    populate_data_root(data_root);
    json row = {{"path", "/data/gpp.nc"}, {"variable_id", "gpp"}, {"branded_variable", "gpp_tavg-u-hxy-lnd"},
                {"source_id", "ACCESS-ESM1-5"}, {"variant_label", "r1i1p1f1"}, {"grid_label", "gn"},
                {"experiment_id", "historical"}};
    json doc = {{"schema_version", REF_DEFINITION_SCHEMA_VERSION},
                {"diagnostic", "ilamb/gpp-fluxnet2015"},
                {"output_directory", (tmp.path() / "out").string()},
                {"provider_settings", {{"data_root", data_root.string()}}},
                {"datasets",
                 {{"cmip7",
                   {{"selector", json::array({json::array({"experiment_id", "historical"}),
                                              json::array({"grid_label", "gn"}),
                                              json::array({"source_id", "ACCESS-ESM1-5"}),
                                              json::array({"variant_label", "r1i1p1f1"})})},
                    {"rows", {row}}}}}}};
    const auto def = definition(doc);
    const YAML::Node config = YAML::Load(ilamb::render_config(entry("gpp-FLUXNET2015"), def));
    CHECK(scalar(config["model_table"][0]["member_id"]) == "r1i1p1f1");
    const std::string key =
        "obs4REF/Fluxnet/FLUXNET2015-1-0/mon/gpp/site/v20260202/gpp_mon_Fluxnet-2015-1-0_REF_site_19910101-20141231.nc";
    CHECK(scalar(config["block"]["sources"]["gpp"]) == key);
    CHECK(scalar(config["reference_table"][0]["path"]) == (data_root / key).string());
    const auto selectors = ilamb::model_selectors(def);
    CHECK(selectors == std::vector<std::pair<std::string, std::string>>{
                           {"experiment_id", "historical"}, {"source_id", "ACCESS-ESM1-5"},
                           {"member_id", "r1i1p1f1"}, {"grid_label", "gn"}});
}

TEST_CASE("emp-GLEAMGPCP2.3 asks the driver for the model's evspsbl - pr", "[ilamb][config]") {
    TempDir tmp;
    const fs::path data_root = tmp.path() / "refdata";
    populate_data_root(data_root);
    const auto def = definition(definition_document(
        "emp-gleamgpcp2.3", tmp.path() / "out",
        {cmip6_row("evspsbl", "/d/evspsbl.nc", "Amon"), cmip6_row("pr", "/d/pr.nc", "Amon")}, {},
        {{"data_root", data_root.string()}}));
    const YAML::Node config = YAML::Load(ilamb::render_config(entry("emp-GLEAMGPCP2.3"), def));
    CHECK(scalar(config["model_expressions"][0]) == "emp = evspsbl - pr");
    CHECK(scalar(config["block"]["sources"]["et"]) == "ilamb/evspsbl/GLEAMv3.3a/et.nc");
    CHECK(scalar(config["block"]["transforms"][1]["expression"]["expr"]) == "emp = et - pr");
    CHECK(scalar(config["block"]["transforms"][0]["select_time"]["vmin"]) == "2000-01");
}

TEST_CASE("a missing registry file or obs4MIPs dataset stops before the tool runs", "[ilamb][config]") {
    TempDir tmp;
    const auto no_data = definition(definition_document("gpp-fluxnet2015", tmp.path() / "out",
                                                        {cmip6_row("gpp", "/d/gpp.nc")}, {},
                                                        {{"data_root", (tmp.path() / "nothing").string()}}));
    try {
        ilamb::render_config(entry("gpp-FLUXNET2015"), no_data);
        FAIL("expected a SystemError");
    } catch (const ref::plugin::SystemError& e) {
        CHECK_THAT(e.what(), Catch::Contains("datasets fetch-data --registry obs4ref"));
    }
    const fs::path data_root = tmp.path() / "refdata";
    populate_data_root(data_root);
    const auto no_obs = definition(definition_document("mrro-lora", tmp.path() / "out", {cmip6_row("mrro", "/d/m.nc")},
                                                       {}, {{"data_root", data_root.string()}}));
    CHECK_THROWS_AS(ilamb::render_config(entry("mrro-LORA"), no_obs), ref::plugin::DiagnosticError);
}

TEST_CASE("the driver command is an argument vector run inside the environment", "[ilamb][config]") {
    TempDir tmp;
    const fs::path out = tmp.path() / "out dir";
    const auto command = ilamb::driver_command(out);
    CHECK(command.argv == std::vector<std::string>{"python", (out / "ilamb_driver.py").string(), "--config",
                                                   (out / "ilamb_config.yaml").string()});
    CHECK(command.log_file == out / "ilamb.log");
    CHECK(command.working_directory == out);

    const fs::path prefix = tmp.path() / "conda";
    const fs::path manager = tmp.path() / "bin" / "micromamba";
    write_file(manager, "#!/bin/sh\nexit 0\n", true);
    const json settings = {{"conda_prefix", prefix.string()}, {"conda_exe", manager.string()}};
    const ref::tooling::CondaEnvironment environment(ilamb::environment_spec(), settings);
    CHECK_THROWS_AS(environment.wrap(command), ref::plugin::SystemError);
    fs::create_directories(environment.path() / "conda-meta");
    const auto wrapped = environment.wrap(command);
    REQUIRE(wrapped.argv.size() == command.argv.size() + 4);
    CHECK(wrapped.argv[1] == "run");
    CHECK(wrapped.argv[3] == environment.path().string());
    CHECK(std::vector<std::string>(wrapped.argv.end() - 4, wrapped.argv.end()) == command.argv);
}

TEST_CASE("hostile paths and facet values survive the configuration and the command line", "[ilamb][config]") {
    TempDir tmp;
    const std::string hostile = "we'ird \"dir\" $(touch pwned); rm -rf `x` \n#: - [a] {b} & * ! % @";
    const fs::path data_root = tmp.path() / ("data " + hostile);
    populate_data_root(data_root);
    const fs::path out = tmp.path() / ("out " + hostile);
    const std::string model_path = (tmp.path() / ("gpp " + hostile + ".nc")).string();
    json row = cmip6_row("gpp", model_path);
    row["source_id"] = "Model: " + hostile;
    const std::string instance = "obs4MIPs." + hostile;
    const json obs = {{"instance_id", instance}, {"path", "/ref/" + hostile}, {"variable_id", "gpp"}};
    const auto def = definition(definition_document("gpp-wecann", out, {row}, {obs}, {{"data_root", data_root.string()}}));

    const YAML::Node config = YAML::Load(ilamb::render_config(entry("gpp-WECANN"), def));
    CHECK(scalar(config["output_directory"]) == out.string());
    CHECK(scalar(config["model_table"][0]["path"]) == model_path);
    CHECK(scalar(config["model_table"][0]["source_id"]) == "Model: " + hostile);
    CHECK(scalar(config["reference_table"][0]["key"]) == instance + "0");
    CHECK(scalar(config["reference_table"][0]["path"]) == "/ref/" + hostile);
    CHECK(scalar(config["block"]["sources"]["gpp"]) == instance + "*");
    CHECK(scalar(config["region_files"][0]) == (data_root / "ilamb/regions/GlobalLand.nc").string());

    const auto command = ilamb::driver_command(out);
    REQUIRE(command.argv.size() == 4);
    CHECK(command.argv[1] == (out / "ilamb_driver.py").string());
    CHECK(command.argv[3] == (out / "ilamb_config.yaml").string());
}

TEST_CASE("ilamb: registry files are found where fetch-data puts them, or under data_root", "[ilamb]") {
    TempDir tmp;
    const std::string key = "ilamb/evspsbl/GLEAMv3.3a/et.nc";
    const fs::path fetched = tmp.path() / "cache" / "ilamb" / key;
    write_file(fetched, "netcdf");
    const json settings = {{"dataset_cache", (tmp.path() / "cache").string()}};
    CHECK(ilamb::resolve_registry_file(settings, "ilamb", key) == fetched);

    // An explicit data_root wins, and a missing file names the command that fetches it.
    write_file(tmp.path() / "root" / key, "netcdf");
    const json rooted = {{"dataset_cache", (tmp.path() / "cache").string()}, {"data_root", (tmp.path() / "root").string()}};
    CHECK(ilamb::resolve_registry_file(rooted, "ilamb", key) == tmp.path() / "root" / key);
    CHECK_THROWS_WITH(ilamb::resolve_registry_file(settings, "ilamb", "ilamb/tas/CRU4.02/tas.nc"),
                      Catch::Contains("datasets fetch-data --registry ilamb"));
}
