// The provider's declaration against the spec (§1.1, §1.3, §2).
#include "ref/esmvaltool/declarations.hpp"
#include "ref/esmvaltool/provider.hpp"
#include "ref/esmvaltool/resources.hpp"

#include <catch2/catch.hpp>

#include <set>

using nlohmann::json;
using namespace ref::esmvaltool;

namespace {

const json& declaration() {
    static const json doc = EsmvaltoolProvider().declaration();
    return doc;
}

json diagnostic(const std::string& slug) {
    for (const auto& d : declaration()["diagnostics"])
        if (d["slug"] == slug) return d;
    FAIL("no diagnostic " << slug);
    return {};
}

json areacella(const std::string& type) {
    if (type == "cmip6")
        return {{"type", "add_supplementary_dataset"},
                {"supplementary_facets", {{"variable_id", {"areacella"}}}},
                {"matching_facets", {"source_id", "grid_label"}},
                {"optional_matching_facets", {"table_id", "experiment_id", "member_id", "version"}}};
    return {{"type", "add_supplementary_dataset"},
            {"supplementary_facets", {{"variable_id", {"areacella"}}}},
            {"matching_facets", {"source_id", "grid_label"}},
            {"optional_matching_facets", {"experiment_id", "variant_label"}}};
}

json parent(const std::string& type) {
    json map = {{"source_id", "parent_source_id"},   {"experiment_id", "parent_experiment_id"},
                {"variant_label", "parent_variant_label"}, {"variable_id", "variable_id"},
                {"grid_label", "grid_label"}};
    if (type == "cmip6") map["table_id"] = "table_id";
    return {{"type", "add_parent_dataset"}, {"parent_facet_map", map}};
}

json instance(const std::string& type) { return {{"type", type}, {"group_by", {"instance_id"}}}; }

json timerange(json group_by, int y0, int m0, int y1, int m1) {
    return {{"type", "require_timerange"},
            {"group_by", group_by},
            {"start", {{"year", y0}, {"month", m0}}},
            {"end", {{"year", y1}, {"month", m1}}}};
}

json facets_constraint(const std::string& dimension, json required, json group_by = json::array()) {
    return {{"type", "require_facets"}, {"dimension", dimension}, {"required_facets", required}, {"operator", "all"},
            {"group_by", group_by}};
}

}  // namespace

TEST_CASE("the provider declares the 25 diagnostics of the REF", "[esmvaltool][declaration]") {
    const json doc = declaration();
    CHECK(doc["provider"]["slug"] == "esmvaltool");
    CHECK(doc["provider"]["name"] == "ESMValTool");
    const std::vector<std::string> expected{
        "global-mean-timeseries", "equilibrium-climate-sensitivity", "transient-climate-response",
        "transient-climate-response-emissions", "zero-emission-commitment", "climate-at-global-warming-levels",
        "climate-drivers-for-fire", "cloud-radiative-effects", "cloud-scatterplots-cli-ta",
        "cloud-scatterplots-clivi-lwcre", "cloud-scatterplots-clt-swcre", "cloud-scatterplots-clwvi-pr",
        "cloud-scatterplots-reference", "enso-basic-climatology", "enso-characteristics", "ozone-lat-time",
        "ozone-sh-oct", "ozone-nh-mar", "ozone-zonal", "ozone-annual-cycle", "regional-historical-annual-cycle",
        "regional-historical-timeseries", "regional-historical-trend", "sea-ice-area-basic", "sea-ice-sensitivity"};
    REQUIRE(doc["diagnostics"].size() == 25);
    std::vector<std::string> slugs;
    for (const auto& d : doc["diagnostics"]) slugs.push_back(d["slug"]);
    CHECK(std::set<std::string>(slugs.begin(), slugs.end()) == std::set<std::string>(expected.begin(), expected.end()));

    const std::map<std::string, int> versions{{"equilibrium-climate-sensitivity", 2}, {"transient-climate-response", 2},
                                              {"transient-climate-response-emissions", 3}, {"climate-drivers-for-fire", 2},
                                              {"cloud-radiative-effects", 2}, {"ozone-lat-time", 2}, {"ozone-sh-oct", 2},
                                              {"ozone-nh-mar", 2}, {"ozone-zonal", 3}, {"ozone-annual-cycle", 2},
                                              {"sea-ice-area-basic", 2}};
    for (const auto& d : doc["diagnostics"]) {
        INFO(d["slug"]);
        auto it = versions.find(d["slug"]);
        CHECK(d["version"] == (it == versions.end() ? 1 : it->second));
        CHECK_FALSE(d["data_requirements"].empty());
    }
    CHECK(diagnostic("transient-climate-response-emissions")["name"] ==
          "Transient Climate Response to Cumulative CO2 Emissions");
    CHECK(diagnostic("cloud-scatterplots-clt-swcre")["name"] ==
          "Scatterplots of two cloud-relevant variables (clt vs swcre)");
    CHECK(diagnostic("equilibrium-climate-sensitivity")["facets"] ==
          json({"grid_label", "member_id", "source_id", "region", "metric"}));
    CHECK(diagnostic("regional-historical-trend")["facets"] ==
          json({"grid_label", "member_id", "variant_label", "source_id", "variable_id", "region", "metric"}));
    CHECK(diagnostic("sea-ice-sensitivity")["facets"] == json({"experiment_id", "source_id", "region", "metric"}));
    CHECK(diagnostic("global-mean-timeseries")["facets"] == json::array());
}

TEST_CASE("ECS requires both runs with all four variables, in the REF's constraint order", "[esmvaltool][declaration]") {
    const json reqs = diagnostic("equilibrium-climate-sensitivity")["data_requirements"];
    REQUIRE(reqs.size() == 2);
    const json cmip6 = {
        {"source_type", "cmip6"},
        {"filters", {{{"facets", {{"experiment_id", {"abrupt-4xCO2"}}, {"table_id", {"Amon"}},
                                  {"variable_id", {"rlut", "rsdt", "rsut", "tas"}}}}}}},
        {"group_by", {"source_id", "member_id", "grid_label"}},
        {"constraints",
         {instance("require_overlapping_timerange"), parent("cmip6"), instance("require_contiguous_timerange"),
          facets_constraint("variable_id", {"rlut", "rsdt", "rsut", "tas"},
                            {"source_id", "member_id", "grid_label", "experiment_id"}),
          areacella("cmip6")}}};
    CHECK(reqs[0] == json::array({cmip6}));
    const json& cmip7 = reqs[1][0];
    CHECK(cmip7["source_type"] == "cmip7");
    CHECK(cmip7["filters"][0]["facets"] ==
          json({{"branded_variable", {"rlut_tavg-u-hxy-u", "rsdt_tavg-u-hxy-u", "rsut_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u"}},
                {"experiment_id", {"abrupt-4xCO2"}},
                {"frequency", {"mon"}},
                {"region", {"glb"}}}));
    CHECK(cmip7["group_by"] == json({"source_id", "variant_label", "grid_label"}));
    CHECK(cmip7["constraints"][1] == parent("cmip7"));
    CHECK(cmip7["constraints"][3]["group_by"] == json({"source_id", "variant_label", "grid_label", "experiment_id"}));
    CHECK(cmip7["constraints"][4] == areacella("cmip7"));
}

TEST_CASE("TCRE declares the emissions as a supplementary dataset", "[esmvaltool][declaration]") {
    const json reqs = diagnostic("transient-climate-response-emissions")["data_requirements"];
    REQUIRE(reqs.size() == 2);
    const json& cmip6 = reqs[0][0];
    CHECK(cmip6["filters"][0]["facets"] ==
          json({{"experiment_id", {"esm-1pctCO2"}}, {"table_id", {"Amon"}}, {"variable_id", {"tas"}}}));
    CHECK(cmip6["constraints"] ==
          json({parent("cmip6"),
                {{"type", "add_supplementary_dataset"},
                 {"supplementary_facets", {{"experiment_id", {"esm-1pctCO2"}}, {"variable_id", {"fco2antt"}}}},
                 {"matching_facets", {"source_id", "member_id", "table_id", "grid_label"}},
                 {"optional_matching_facets", {"version"}}},
                instance("require_contiguous_timerange"), facets_constraint("variable_id", {"tas", "fco2antt"}),
                areacella("cmip6")}));
    const json& cmip7 = reqs[1][0];
    CHECK(cmip7["filters"][0]["facets"]["experiment_id"] == json({"esm-flat10"}));
    CHECK(cmip7["constraints"][1]["supplementary_facets"] ==
          json({{"branded_variable", {"fco2antt_tavg-u-hxy-u"}},
                {"experiment_id", {"esm-flat10"}},
                {"frequency", {"mon"}},
                {"region", {"glb"}}}));
    CHECK(cmip7["constraints"][1]["matching_facets"] == json({"source_id", "variant_label", "grid_label"}));
}

TEST_CASE("GWL groups by scenario and adds the historical runs", "[esmvaltool][declaration]") {
    const json reqs = diagnostic("climate-at-global-warming-levels")["data_requirements"];
    REQUIRE(reqs.size() == 2);
    const json match = {"source_id", "member_id", "grid_label", "table_id", "variable_id"};
    const json& cmip6 = reqs[0][0];
    CHECK(cmip6["group_by"] == json({"experiment_id"}));
    CHECK(cmip6["filters"][0]["facets"]["experiment_id"] == json({"ssp126", "ssp245", "ssp370", "ssp585"}));
    CHECK(cmip6["constraints"] ==
          json({{{"type", "add_supplementary_dataset"},
                 {"supplementary_facets", {{"experiment_id", {"historical"}}}},
                 {"matching_facets", match},
                 {"optional_matching_facets", json::array()}},
                timerange(match, 1850, 1, 2100, 12), facets_constraint("experiment_id", {"historical"}, match),
                facets_constraint("variable_id", {"pr", "tas"},
                                  {"experiment_id", "source_id", "member_id", "grid_label", "table_id"}),
                areacella("cmip6")}));
    // CMIP7 is declared but disabled upstream: its scenario list is empty.
    CHECK(reqs[1][0]["filters"][0]["facets"]["experiment_id"] == json::array());
}

TEST_CASE("alternatives with reference data pair the model with its observations", "[esmvaltool][declaration]") {
    const json sea_ice = diagnostic("sea-ice-area-basic")["data_requirements"];
    REQUIRE(sea_ice.size() == 2);
    REQUIRE(sea_ice[0].size() == 2);
    const json reference = {
        {"source_type", "esmvaltool-reference"},
        {"filters", {{{"facets", {{"project", {"OBS"}}, {"source_id", {"OSI-450-nh", "OSI-450-sh"}},
                                  {"variable_id", {"sic", "areacello"}}}}}}},
        {"group_by", {"project"}},
        {"constraints", {facets_constraint("source_id", {"OSI-450-nh", "OSI-450-sh"}),
                         facets_constraint("variable_id", {"sic", "areacello"})}}};
    CHECK(sea_ice[0][1] == reference);
    CHECK(sea_ice[1][1] == reference);
    CHECK(sea_ice[0][0]["constraints"][0] == timerange({"instance_id"}, 1979, 1, 2014, 12));

    const json cre = diagnostic("cloud-radiative-effects")["data_requirements"];
    REQUIRE(cre.size() == 2);
    CHECK(cre[0][1]["source_type"] == "obs4mips");
    CHECK(cre[0][1]["filters"][0]["facets"]["source_id"] == json({"CERES-EBAF-4-2-1"}));
    CHECK(cre[0][1]["constraints"][0] == timerange({"instance_id"}, 2002, 1, 2014, 12));
    CHECK(cre[1][1]["constraints"][0] == timerange({"instance_id"}, 2002, 1, 2021, 12));

    const json reference_plots = diagnostic("cloud-scatterplots-reference")["data_requirements"];
    CHECK(reference_plots ==
          json({{{{"source_type", "obs4mips"},
                  {"filters", {{{"facets", {{"source_id", {"ERA-5"}}, {"variable_id", {"ta"}}}}}}},
                  {"group_by", {"instance_id"}},
                  {"constraints", {timerange({"instance_id"}, 2007, 1, 2014, 12)}}}}}));

    // ozone-zonal has only its CMIP6 requirement, as upstream.
    const json zonal = diagnostic("ozone-zonal")["data_requirements"];
    REQUIRE(zonal.size() == 1);
    CHECK(zonal[0][0]["filters"][0]["facets"] ==
          json({{"experiment_id", {"historical"}}, {"table_id", {"Amon"}}, {"variable_id", {"o3"}}}));

    const json regional = diagnostic("regional-historical-trend")["data_requirements"];
    REQUIRE(regional.size() == 3);
    CHECK(regional[2][0]["filters"][0]["facets"]["variable_id"] == json({"psl", "tas", "ua"}));
    CHECK_FALSE(regional[1][0]["filters"][0]["facets"].contains("region"));
    CHECK(diagnostic("regional-historical-timeseries")["data_requirements"][1][0]["filters"][0]["facets"]["region"] ==
          json({"glb"}));
}

TEST_CASE("sea-ice-sensitivity keeps the first member of each model", "[esmvaltool][declaration]") {
    const json cmip6 = diagnostic("sea-ice-sensitivity")["data_requirements"][0][0];
    CHECK(cmip6["group_by"] == json({"experiment_id"}));
    REQUIRE(cmip6["constraints"].size() == 6);
    CHECK(cmip6["constraints"][2] ==
          json({{"type", "select_first_member"}, {"member_facet", "member_id"}, {"group_by", {"source_id"}}}));
    CHECK(cmip6["constraints"][5] == facets_constraint("variable_id", {"areacello"}, {"source_id", "grid_label"}));
}

TEST_CASE("the provider declares its environment and both registries", "[esmvaltool][declaration]") {
    const json provider = declaration()["provider"];
    CHECK(provider["environment"]["kind"] == "conda");
    CHECK(provider["environment"]["pip_packages"].size() == 2);
    REQUIRE(provider["registries"].size() == 2);
    const json& datasets = provider["registries"][0];
    CHECK(datasets["name"] == "esmvaltool-datasets");
    CHECK(datasets["source_type"] == "esmvaltool-reference");
    CHECK(datasets["files"].size() == 165);
    std::set<std::string> keys;
    for (const auto& f : datasets["files"]) {
        keys.insert(f["key"].get<std::string>());
        CHECK(f["checksum"].is_null());
        CHECK(f["key"].get<std::string>().rfind("ESMValTool/", 0) == 0);
    }
    CHECK(keys.size() == 165);
    const json& recipes = provider["registries"][1];
    CHECK(recipes["name"] == "esmvaltool-recipes-v2.14.0.dev65+gb827ce01b");
    CHECK(recipes["source_type"].is_null());
    CHECK(recipes["files"].size() == 17);
    for (const auto& spec : diagnostic_specs()) {
        bool listed = false;
        for (const auto& f : recipes["files"]) listed = listed || f["key"] == spec.base_recipe;
        CHECK(listed);
        if (spec.backend_wired) CHECK(recipe_template(spec.base_recipe) != nullptr);
    }
    CHECK(environment_definition().find("esmvaltool-python") != std::string::npos);
}
