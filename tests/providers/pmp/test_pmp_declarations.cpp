// The PMP declaration against the spec (pmp.md §1–§5): diagnostics, facets, requirements,
// registry and environment.
#include "pmp_test_support.hpp"
#include "ref/tooling/digest.hpp"
#include "skip.hpp"

using namespace pmp_test;
using ref::pmp::PmpProvider;

namespace {

const json& declaration() {
    static const json doc = PmpProvider().declaration();
    return doc;
}

json diagnostic(const std::string& slug) {
    for (const auto& d : declaration()["diagnostics"])
        if (d["slug"] == slug) return d;
    FAIL("no diagnostic " << slug);
    return {};
}

json requirement(const std::string& source_type, const json& filter, const json& group_by,
                 const json& constraints = json::array()) {
    return {{"source_type", source_type},
            {"filters", json::array({{{"facets", filter}}})},
            {"group_by", group_by},
            {"constraints", constraints}};
}

json supplementary(const std::string& variable, const std::string& source_type) {
    json optional = source_type == "cmip6" ? json{"table_id", "experiment_id", "member_id", "version"}
                                           : json{"experiment_id", "variant_label"};
    return {{"type", "add_supplementary_dataset"},
            {"supplementary_facets", {{"variable_id", {variable}}}},
            {"matching_facets", {"source_id", "grid_label"}},
            {"optional_matching_facets", optional}};
}

}  // namespace

TEST_CASE("pmp declares the provider identity, environment and registry", "[pmp][declaration]") {
    const json provider = declaration()["provider"];
    CHECK(provider["slug"] == "pmp");
    CHECK(provider["name"] == "PMP");
    CHECK(provider["version"] == "1.0.0");
    CHECK(provider["environment"]["kind"] == "conda");
    CHECK(provider["environment"]["definition"] == "environment.yml");
    CHECK(provider["environment"]["name"] ==
          "pmp-" + ref::tooling::digest_hex("sha1", std::string(ref::pmp::environment_definition())));
    CHECK(provider["environment"]["packages"]["pcmdi_metrics"] == "3.9.2");

    const json registries = provider["registries"];
    REQUIRE(registries.size() == 1);
    CHECK(registries[0]["name"] == "pmp-climatology");
    CHECK(registries[0]["source_type"] == "pmp-climatology");
    const json files = registries[0]["files"];
    CHECK(files.size() == 17);
    std::set<std::string> keys;
    for (const auto& f : files) {
        keys.insert(f["key"].get<std::string>());
        CHECK(f["checksum"].is_null());
    }
    CHECK(keys.count("PMP_obs4MIPsClims/ts/gr/v20250224/ts_mon_ERA-5_PCMDI_gr_198101-200412_AC_v20250224_2.5x2.5.nc"));
    CHECK(keys.count("PMP_obs4MIPsClims/pr/gr/v20260513/pr_mon_GPCP-3-3_NASA-GISS_gr_198301-201412_AC_v20260513_2.5x2.5.nc"));
    CHECK(keys.count("PMP_obs4MIPsClims/va/gr/v20250225/va_mon_ERA-5_PCMDI_gr_198101-200412_AC_v20250225_2.5x2.5.nc"));
    CHECK(keys.count(
        "PMP_obs4MIPsClims/rsut/gr/v20250213/rsut_mon_CERES-EBAF-4-2_RSS_gr_200101-200412_AC_v20250213_2.5x2.5.nc"));
}

TEST_CASE("pmp environment definition pins the spec's packages", "[pmp][declaration]") {
    const std::string yml(ref::pmp::environment_definition());
    for (const char* pin : {"conda-forge", "nodefaults", "python=3.10.10", "pcmdi_metrics=3.9.2", "enso_metrics=1.1.5",
                            "numpy>=2.0.0,<2.1.0"})
        CHECK(yml.find(pin) != std::string::npos);
    CHECK(ref::pmp::enso_driver_script().find("ComputeCollection") != std::string::npos);
}

TEST_CASE("pmp declares its ten diagnostics in registration order", "[pmp][declaration]") {
    const json diagnostics = declaration()["diagnostics"];
    const std::vector<std::string> slugs{"annual-cycle",
                                         "enso_tel",
                                         "enso_proc",
                                         "extratropical-modes-of-variability-pdo",
                                         "extratropical-modes-of-variability-npgo",
                                         "extratropical-modes-of-variability-nao",
                                         "extratropical-modes-of-variability-nam",
                                         "extratropical-modes-of-variability-pna",
                                         "extratropical-modes-of-variability-npo",
                                         "extratropical-modes-of-variability-sam"};
    REQUIRE(diagnostics.size() == slugs.size());
    for (std::size_t i = 0; i < slugs.size(); ++i) CHECK(diagnostics[i]["slug"] == slugs[i]);

    CHECK(diagnostic("annual-cycle")["name"] == "Annual Cycle");
    CHECK(diagnostic("annual-cycle")["version"] == 5);
    CHECK(diagnostic("enso_tel")["name"] == "ENSO_tel");
    CHECK(diagnostic("enso_proc")["name"] == "ENSO_proc");
    CHECK(diagnostic("enso_proc")["version"] == 2);
    CHECK(diagnostic("extratropical-modes-of-variability-npo")["name"] == "Extratropical modes of variability: NPO");
    CHECK(diagnostic("extratropical-modes-of-variability-sam")["version"] == 3);

    CHECK(diagnostic("annual-cycle")["facets"] ==
          json{"kind", "mip_id", "source_id", "member_id", "experiment_id", "variable_id", "reference_source_id",
               "level", "region", "statistic", "season"});
    CHECK(diagnostic("enso_tel")["facets"] == json{"kind", "mip_id", "source_id", "member_id", "grid_label",
                                                   "experiment_id", "metric", "reference_source_id"});
    CHECK(diagnostic("extratropical-modes-of-variability-pna")["facets"] ==
          json{"kind", "mip_id", "source_id", "member_id", "experiment_id", "reference_source_id", "mode", "season",
               "method", "statistic"});
}

TEST_CASE("pmp annual-cycle has 32 alternatives, (reference, model) per variable", "[pmp][declaration]") {
    const json alternatives = diagnostic("annual-cycle")["data_requirements"];
    REQUIRE(alternatives.size() == 32);
    const std::vector<std::pair<std::string, std::string>> order{
        {"ts", "ERA-5"},           {"uas", "ERA-5"},          {"vas", "ERA-5"},          {"psl", "ERA-5"},
        {"ta", "ERA-5"},           {"ua", "ERA-5"},           {"va", "ERA-5"},           {"zg", "ERA-5"},
        {"pr", "GPCP-3-3"},        {"rlds", "CERES-EBAF-4-2"}, {"rlus", "CERES-EBAF-4-2"}, {"rlut", "CERES-EBAF-4-2"},
        {"rsds", "CERES-EBAF-4-2"}, {"rsdt", "CERES-EBAF-4-2"}, {"rsus", "CERES-EBAF-4-2"}, {"rsut", "CERES-EBAF-4-2"}};
    const json experiments = {"amip", "historical", "hist-GHG"};
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& [v, obs] = order[i];
        const json reference = requirement("pmp-climatology", {{"source_id", {obs}}, {"variable_id", {v}}},
                                           {"variable_id", "source_id"});
        INFO(v);
        CHECK(alternatives[2 * i] ==
              json::array({reference, requirement("cmip6",
                                                  {{"frequency", {"mon"}}, {"experiment_id", experiments}, {"variable_id", {v}}},
                                                  {"variable_id", "source_id", "experiment_id", "member_id", "grid_label"})}));
        CHECK(alternatives[2 * i + 1][0] == reference);
        CHECK(alternatives[2 * i + 1][1]["source_type"] == "cmip7");
        CHECK(alternatives[2 * i + 1][1]["group_by"] ==
              json{"variable_id", "source_id", "experiment_id", "variant_label", "grid_label"});
    }
    // The branded variables of CMIP7 differ per variable.
    auto cmip7_filter = [&](std::size_t variable_index) {
        return alternatives[2 * variable_index + 1][1]["filters"][0]["facets"];
    };
    CHECK(cmip7_filter(0) == json{{"branded_variable", {"ts_tavg-u-hxy-u"}},
                                  {"experiment_id", experiments},
                                  {"frequency", {"mon"}},
                                  {"region", {"glb"}}});
    CHECK(cmip7_filter(1)["branded_variable"] == json{"uas_tavg-h10m-hxy-u"});
    CHECK(cmip7_filter(4)["branded_variable"] == json{"ta_tavg-p19-hxy-air"});
    CHECK(cmip7_filter(7)["branded_variable"] == json{"zg_tavg-p19-hxy-air"});
    CHECK(cmip7_filter(8)["branded_variable"] == json{"pr_tavg-u-hxy-u"});
}

TEST_CASE("pmp ENSO requirements match the spec exactly", "[pmp][declaration]") {
    const json tel = diagnostic("enso_tel")["data_requirements"];
    REQUIRE(tel.size() == 2);
    const json obs = requirement("obs4mips",
                                 {{"source_id", {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1"}},
                                  {"variable_id", {"pr", "ts"}}},
                                 {"activity_id"});
    const json cmip6 = requirement("cmip6",
                                   {{"frequency", {"mon"}}, {"experiment_id", {"historical"}}, {"variable_id", {"pr", "ts"}}},
                                   {"source_id", "experiment_id", "member_id", "grid_label"},
                                   {supplementary("areacella", "cmip6"), supplementary("sftlf", "cmip6")});
    const json cmip7 = requirement("cmip7",
                                   {{"branded_variable", {"pr_tavg-u-hxy-u", "ts_tavg-u-hxy-u"}},
                                    {"experiment_id", {"historical"}},
                                    {"frequency", {"mon"}},
                                    {"region", {"glb"}}},
                                   {"source_id", "experiment_id", "variant_label", "grid_label"},
                                   {supplementary("areacella", "cmip7"), supplementary("sftlf", "cmip7")});
    CHECK(tel[0] == json::array({obs, cmip6}));
    CHECK(tel[1] == json::array({obs, cmip7}));

    const json proc = diagnostic("enso_proc")["data_requirements"];
    REQUIRE(proc.size() == 2);
    const json variables = {"ts", "tauu", "hfls", "hfss", "rlds", "rlus", "rsds", "rsus"};
    CHECK(proc[0][0]["filters"][0]["facets"] ==
          json{{"source_id", {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1", "CERES-EBAF-4-2"}},
               {"variable_id", variables}});
    CHECK(proc[0][1]["filters"][0]["facets"]["variable_id"] == variables);
    CHECK(proc[1][1]["filters"][0]["facets"]["branded_variable"] ==
          json{"ts_tavg-u-hxy-u", "tauu_tavg-u-hxy-u", "hfls_tavg-u-hxy-u", "hfss_tavg-u-hxy-u", "rlds_tavg-u-hxy-u",
               "rlus_tavg-u-hxy-u", "rsds_tavg-u-hxy-u", "rsus_tavg-u-hxy-u"});
}

TEST_CASE("pmp modes of variability requirements match the spec exactly", "[pmp][declaration]") {
    auto check_mode = [](const std::string& slug, const std::string& variable, const std::string& obs,
                         const json& experiments) {
        INFO(slug);
        const json alternatives = diagnostic(slug)["data_requirements"];
        REQUIRE(alternatives.size() == 2);
        const json reference =
            requirement("obs4mips", {{"source_id", {obs}}, {"variable_id", {variable}}}, {"source_id", "variable_id"});
        CHECK(alternatives[0] ==
              json::array({reference, requirement("cmip6",
                                                  {{"frequency", {"mon"}}, {"experiment_id", experiments},
                                                   {"variable_id", {variable}}},
                                                  {"source_id", "experiment_id", "member_id", "grid_label"})}));
        CHECK(alternatives[1] ==
              json::array({reference, requirement("cmip7",
                                                  {{"branded_variable", {variable + "_tavg-u-hxy-u"}},
                                                   {"experiment_id", experiments},
                                                   {"frequency", {"mon"}},
                                                   {"region", {"glb"}}},
                                                  {"source_id", "experiment_id", "variant_label", "grid_label"})}));
    };
    for (const char* mode : {"pdo", "npgo"})
        check_mode(std::string("extratropical-modes-of-variability-") + mode, "ts", "HadISST-1-1",
                   {"historical", "hist-GHG"});
    for (const char* mode : {"nao", "nam", "pna", "npo", "sam"})
        check_mode(std::string("extratropical-modes-of-variability-") + mode, "psl", "20CR-V2",
                   {"historical", "hist-GHG", "amip"});
}

TEST_CASE("pmp slugs all appear in the spec", "[pmp][declaration][spec]") {
    std::ifstream spec(REF_PMP_SPEC_FILE);
    if (!spec) {
        ref::test::skip_test("the PMP spec is not available at " REF_PMP_SPEC_FILE);
        return;
    }
    const std::string text = read_text(REF_PMP_SPEC_FILE);
    for (const auto& d : declaration()["diagnostics"]) {
        std::string slug = d["slug"].get<std::string>();
        if (slug.rfind("extratropical-modes-of-variability-", 0) == 0 && slug != "extratropical-modes-of-variability-pdo")
            slug = "-" + slug.substr(std::string("extratropical-modes-of-variability-").size());
        INFO(slug);
        CHECK(text.find("`" + slug + "`") != std::string::npos);
    }
}
