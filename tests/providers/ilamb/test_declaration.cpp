// The provider's declaration against the specification (providers/ilamb.md sections 1-3).
#include "ilamb_test_support.hpp"

#include <catch2/catch.hpp>

using namespace ilamb_test;
using ref::ilamb::IlambProvider;

namespace {

json declaration() {
    static const json doc = IlambProvider().declaration();
    return doc;
}

const json& diagnostic(const std::string& slug) {
    static const json doc = declaration();
    for (const auto& d : doc["diagnostics"])
        if (d["slug"] == slug) return d;
    FAIL("no diagnostic " << slug);
    throw std::logic_error("unreachable");
}

json supplementary(const std::string& variable, const std::string& source_type) {
    if (source_type == "cmip6")
        return {{"type", "add_supplementary_dataset"},
                {"supplementary_facets", {{"variable_id", {variable}}}},
                {"matching_facets", {"source_id", "grid_label"}},
                {"optional_matching_facets", {"table_id", "experiment_id", "member_id", "version"}}};
    return {{"type", "add_supplementary_dataset"},
            {"supplementary_facets", {{"variable_id", {variable}}}},
            {"matching_facets", {"source_id", "grid_label"}},
            {"optional_matching_facets", {"experiment_id", "variant_label"}}};
}

json require(const std::vector<std::string>& variables, const std::string& op) {
    return {{"type", "require_facets"}, {"dimension", "variable_id"}, {"required_facets", variables},
            {"operator", op}, {"group_by", json::array()}};
}

const json cmip6_tables = {"AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "LImon", "Lmon", "Omon", "SImon"};

json cmip6_requirement(const std::vector<std::string>& variables, const json& constraints) {
    return {{"source_type", "cmip6"},
            {"filters",
             {{{"facets",
                {{"variable_id", variables},
                 {"frequency", {"mon"}},
                 {"experiment_id", {"historical", "land-hist"}},
                 {"table_id", cmip6_tables}}}}}},
            {"group_by", {"experiment_id", "source_id", "member_id", "grid_label"}},
            {"constraints", constraints}};
}

json cmip7_requirement(const std::vector<std::string>& brands, const json& constraints) {
    return {{"source_type", "cmip7"},
            {"filters",
             {{{"facets",
                {{"branded_variable", brands},
                 {"frequency", {"mon"}},
                 {"experiment_id", {"historical", "land-hist"}},
                 {"region", {"glb"}}}}}}},
            {"group_by", {"experiment_id", "source_id", "variant_label", "grid_label"}},
            {"constraints", constraints}};
}

json obs_requirement(const json& facets, const std::vector<std::string>& group_by) {
    return {{"source_type", "obs4mips"}, {"filters", {{{"facets", facets}}}}, {"group_by", group_by},
            {"constraints", json::array()}};
}

}  // namespace

TEST_CASE("the provider declares 13 ILAMB/IOMB diagnostics in registration order", "[ilamb][declaration]") {
    const json doc = declaration();
    CHECK(doc["provider"]["slug"] == "ilamb");
    CHECK(doc["provider"]["name"] == "ILAMB");
    const std::vector<std::tuple<std::string, std::string, int>> expected = {
        {"gpp-wecann", "gpp-WECANN", 3},
        {"gpp-fluxnet2015", "gpp-FLUXNET2015", 4},
        {"mrro-lora", "mrro-LORA", 3},
        {"mrsos-wangmao", "mrsos-WangMao", 2},
        {"csoil-hwsd2", "cSoil-HWSD2", 3},
        {"lai-avh15c1", "lai-AVH15C1", 4},
        {"nbp-hoffman", "nbp-Hoffman", 3},
        {"snc-esacci", "snc-ESACCI", 3},
        {"burntfractionall-gfed", "burntFractionAll-GFED", 3},
        {"emp-gleamgpcp2.3", "emp-GLEAMGPCP2.3", 2},
        {"thetao-woa2023-surface", "thetao-WOA2023-surface", 3},
        {"so-woa2023-surface", "so-WOA2023-surface", 3},
        {"amoc-rapid", "amoc-RAPID", 4},
    };
    REQUIRE(doc["diagnostics"].size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const json& d = doc["diagnostics"][i];
        INFO(d["slug"]);
        CHECK(d["slug"] == std::get<0>(expected[i]));
        CHECK(d["name"] == std::get<1>(expected[i]));
        CHECK(d["version"] == std::get<2>(expected[i]));
        CHECK(d["facets"] ==
              json({"experiment_id", "source_id", "member_id", "grid_label", "region", "metric", "statistic"}));
        // Two alternatives: CMIP6 and CMIP7.
        REQUIRE(d["data_requirements"].size() == 2);
        CHECK(d["data_requirements"][0][0]["source_type"] == "cmip6");
        CHECK(d["data_requirements"][1][0]["source_type"] == "cmip7");
    }
    CHECK(diagnostic("thetao-woa2023-surface")["realm"] == "ocean");
    CHECK(diagnostic("gpp-wecann")["realm"] == "land");
    CHECK(diagnostic("thetao-woa2023-surface")["reference_source_id"] == "WOA2023");
    CHECK(diagnostic("emp-gleamgpcp2.3")["reference_source_id"] == "GLEAMGPCP2.3");
    CHECK(diagnostic("burntfractionall-gfed")["reference_source_id"] == "GFED");
}

TEST_CASE("gpp-WECANN requires gpp with pr and tas for its relationships, and the WECANN reference",
          "[ilamb][declaration]") {
    const json& d = diagnostic("gpp-wecann");
    const json obs = obs_requirement(
        {{"source_id", {"WECANN-1-0"}}, {"variable_id", {"gpp"}}, {"grid_label", {"gn"}}, {"version", {"v20250902"}}},
        {"source_id", "variable_id", "grid_label", "version"});
    const json cmip6 = cmip6_requirement(
        {"gpp", "pr", "tas"}, {require({"gpp"}, "any"), require({"pr", "tas"}, "all"),
                               supplementary("areacella", "cmip6"), supplementary("sftlf", "cmip6")});
    const json cmip7 = cmip7_requirement(
        {"gpp_tavg-u-hxy-lnd", "pr_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u"},
        {require({"gpp"}, "any"), require({"pr", "tas"}, "all"), supplementary("areacella", "cmip7"),
         supplementary("sftlf", "cmip7")});
    CHECK(d["data_requirements"] == json({{cmip6, obs}, {cmip7, obs}}));
}

TEST_CASE("string-form sources make no obs4MIPs requirement (gpp-FLUXNET2015, mrsos-WangMao)", "[ilamb][declaration]") {
    const json& fluxnet = diagnostic("gpp-fluxnet2015");
    const json land_constraints6 = {require({"gpp"}, "any"), supplementary("areacella", "cmip6"),
                                    supplementary("sftlf", "cmip6")};
    const json land_constraints7 = {require({"gpp"}, "any"), supplementary("areacella", "cmip7"),
                                    supplementary("sftlf", "cmip7")};
    CHECK(fluxnet["data_requirements"] == json({{cmip6_requirement({"gpp"}, land_constraints6)},
                                                {cmip7_requirement({"gpp_tavg-u-hxy-lnd"}, land_constraints7)}}));

    const json& mrsos = diagnostic("mrsos-wangmao");
    CHECK(mrsos["data_requirements"] ==
          json({{cmip6_requirement({"mrsol", "mrsos"},
                                   {require({"mrsol", "mrsos"}, "any"), supplementary("areacella", "cmip6"),
                                    supplementary("sftlf", "cmip6")})},
                {cmip7_requirement({"mrsol_tavg-sl-hxy-lnd", "mrsol_tavg-d10cm-hxy-lnd"},
                                   {require({"mrsol", "mrsos"}, "any"), supplementary("areacella", "cmip7"),
                                    supplementary("sftlf", "cmip7")})}}));
}

TEST_CASE("ocean diagnostics add volcello, areacello and sftof (thetao-WOA2023-surface, amoc-RAPID)",
          "[ilamb][declaration]") {
    const json& thetao = diagnostic("thetao-woa2023-surface");
    const json obs = obs_requirement(
        {{"source_id", {"WOA-23"}}, {"variable_id", {"thetao"}}, {"grid_label", {"gn"}}, {"version", {"v20251024"}}},
        {"source_id", "variable_id", "grid_label", "version"});
    auto ocean = [](const std::string& type, const std::vector<std::string>& primary) {
        return json({require(primary, "any"), supplementary("volcello", type), supplementary("areacello", type),
                     supplementary("sftof", type)});
    };
    CHECK(thetao["data_requirements"] ==
          json({{cmip6_requirement({"thetao", "tos"}, ocean("cmip6", {"thetao", "tos"})), obs},
                {cmip7_requirement({"thetao_tavg-ol-hxy-sea", "tos_tavg-u-hxy-sea"}, ocean("cmip7", {"thetao", "tos"})),
                 obs}}));

    const json& amoc = diagnostic("amoc-rapid");
    const json amoc_obs = obs_requirement({{"source_id", {"RAPID-2023-1a"}}, {"variable_id", {"msftmz"}},
                                           {"grid_label", {"gm"}}, {"version", {"v20250902"}}},
                                          {"source_id", "variable_id", "grid_label", "version"});
    CHECK(amoc["data_requirements"] ==
          json({{cmip6_requirement({"amoc", "msftmz"}, ocean("cmip6", {"amoc", "msftmz"})), amoc_obs},
                {cmip7_requirement({"msftm_tavg-ol-hyb-sea"}, ocean("cmip7", {"amoc", "msftmz"})), amoc_obs}}));
}

TEST_CASE("lai-AVH15C1's obs4MIPs requirement has no version facet", "[ilamb][declaration]") {
    const json& lai = diagnostic("lai-avh15c1");
    const json obs = obs_requirement(
        {{"source_id", {"NOAA-NCEI-LAI-AVHRR-5-0"}}, {"variable_id", {"lai"}}, {"grid_label", {"gn"}}},
        {"source_id", "variable_id", "grid_label"});
    CHECK(lai["data_requirements"][0][1] == obs);
    CHECK(lai["data_requirements"][1][1] == obs);
    CHECK(lai["data_requirements"][0][0]["filters"][0]["facets"]["variable_id"] == json({"lai"}));
}

TEST_CASE("emp-GLEAMGPCP2.3 also requires the model's precipitation (a fixed upstream defect)", "[ilamb][declaration]") {
    const json& emp = diagnostic("emp-gleamgpcp2.3");
    CHECK(emp["data_requirements"] ==
          json({{cmip6_requirement({"emp", "evspsbl", "pr"},
                                   {require({"emp", "evspsbl"}, "any"), require({"pr"}, "all"),
                                    supplementary("areacella", "cmip6"), supplementary("sftlf", "cmip6")})},
                {cmip7_requirement({"evspsbl_tavg-u-hxy-u", "pr_tavg-u-hxy-u"},
                                   {require({"emp", "evspsbl"}, "any"), require({"pr"}, "all"),
                                    supplementary("areacella", "cmip7"), supplementary("sftlf", "cmip7")})}}));
}

TEST_CASE("the remaining obs4REF references are declared with their facets", "[ilamb][declaration]") {
    struct Expected {
        std::string slug, source_id, variable, grid, version;
    };
    const std::vector<Expected> cases = {
        {"mrro-lora", "LORA-1-0", "mrro", "gn", "v20250902"},
        {"csoil-hwsd2", "HWSD-2-0", "cSoil", "gn", "v20250903"},
        {"nbp-hoffman", "Hoffman-1-0", "nbp", "gm", "v20251117"},
        {"snc-esacci", "CCI-CryoClim-FSC-1", "snc", "gn", "v20250519"},
        {"burntfractionall-gfed", "GFED-5-0", "burntFractionAll", "gr", "v20260128"},
        {"so-woa2023-surface", "WOA-23", "so", "gn", "v20251024"},
    };
    for (const auto& c : cases) {
        INFO(c.slug);
        const json& d = diagnostic(c.slug);
        CHECK(d["data_requirements"][0][1] ==
              obs_requirement({{"source_id", {c.source_id}}, {"variable_id", {c.variable}}, {"grid_label", {c.grid}},
                               {"version", {c.version}}},
                              {"source_id", "variable_id", "grid_label", "version"}));
    }
    CHECK(diagnostic("so-woa2023-surface")["data_requirements"][1][0]["filters"][0]["facets"]["branded_variable"] ==
          json({"so_tavg-ol-hxy-sea", "sos_tavg-u-hxy-sea"}));
    CHECK(diagnostic("burntfractionall-gfed")["data_requirements"][1][0]["filters"][0]["facets"]["branded_variable"] ==
          json({"burntFractionAll_tavg-u-hxy-u"}));
}

TEST_CASE("the registries and the environment are declared", "[ilamb][declaration]") {
    const json provider = declaration()["provider"];
    REQUIRE(provider.contains("environment"));
    CHECK(provider["environment"]["kind"] == "conda");
    CHECK(provider["environment"]["definition"] == "environment.yml");
    CHECK(provider["environment"]["name"].get<std::string>().rfind("ilamb-", 0) == 0);
    CHECK(provider["environment"]["pip_packages"] == json({"ilamb3>=2026.6.15"}));

    const json& registries = provider["registries"];
    REQUIRE(registries.size() == 3);
    CHECK(registries[0]["name"] == "ilamb");
    CHECK(registries[0]["source_type"].is_null());
    CHECK(registries[0]["files"] ==
          json({{{"key", "ilamb/mrsol/WangMao/mrsol_olc.nc"}, {"checksum", "sha1:24cbc9df69569bed3a39c20e499cfe4f911bd30e"}},
                {{"key", "ilamb/tas/CRU4.02/tas.nc"}, {"checksum", "sha1:2674da18a1a93483b50b1626e7a7ab741bf53d09"}},
                {{"key", "ilamb/evspsbl/GLEAMv3.3a/et.nc"},
                 {"checksum", "sha1:5aaf73949af8c6b509ef16f684aa8efeccd983e2"}}}));
    CHECK(registries[1]["name"] == "ilamb-regions");
    CHECK(registries[1]["files"] ==
          json({{{"key", "ilamb/regions/GlobalLand.nc"}, {"checksum", "sha1:2f987d44fdba6ad0e72d14d6a2fecb7e8df2a9c5"}},
                {{"key", "ilamb/regions/Koppen_coarse.nc"},
                 {"checksum", "sha1:e464030db49f0295a6a22a81ca602b0f3c499b72"}}}));
    CHECK(registries[2]["name"] == "ilamb-test");
    REQUIRE(registries[2]["files"].size() == 3);
    CHECK(registries[2]["files"][0]["key"] == "ilamb/test/Site/tas.nc");
    CHECK(registries[2]["files"][1]["key"] == "ilamb/test/Grid/gpp.nc");
    CHECK(registries[2]["files"][2]["key"] == "ilamb/test/Grid/pr.nc");
    // Only a prefix of these checksums is known, which cannot verify a download.
    CHECK(registries[2]["files"][0]["checksum"].is_null());
    CHECK(registries[2]["files"][2]["checksum"].is_null());
}

TEST_CASE("helpers derive slugs, reference labels and transforms as the REF does", "[ilamb][declaration]") {
    using namespace ref::ilamb;
    CHECK(slug_of("gpp-WECANN") == "gpp-wecann");
    CHECK(slug_of("A b") == "a-b");
    CHECK(reference_source_id_of("thetao-WOA2023-surface") == "WOA2023");
    CHECK(reference_source_id_of("emp-GLEAMGPCP2.3") == "GLEAMGPCP2.3");
    CHECK(effective_transforms(entry("gpp-WECANN")) ==
          json::parse(R"([{"climate_ref_relationship_time": {"variable_id": "gpp"}}])"));
    CHECK(effective_transforms(entry("mrsos-WangMao")) ==
          json::parse(R"([{"select_depth": {"value": 0}}, {"soil_moisture_to_vol_fraction": {}}])"));
    CHECK(variable_id_of(entry("amoc-RAPID")) == "amoc");
    CHECK(variable_id_of(entry("emp-GLEAMGPCP2.3")) == "emp");
}
