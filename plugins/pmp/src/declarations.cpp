// What the PMP provider declares: data requirements of its ten diagnostics, its
// reference-data registry and its conda environment (spec pmp.md §1–§5).
#include "ref/pmp/pmp.hpp"

#include <stdexcept>

namespace ref::pmp {

namespace {

namespace c = plugin::constraints;
using plugin::DataRequirement;
using Names = std::vector<std::string>;

const std::string kClimatologyRoot = "PMP_obs4MIPsClims/";

}  // namespace

const std::vector<AnnualCycleVariable>& annual_cycle_variables() {
    static const std::vector<AnnualCycleVariable> variables = [] {
        auto era5 = [](const std::string& v, const std::string& version, const std::string& brand, Names levels) {
            return AnnualCycleVariable{v, "ERA-5",
                                       kClimatologyRoot + v + "/gr/" + version + "/" + v + "_mon_ERA-5_PCMDI_gr_198101-200412_AC_" +
                                           version + "_2.5x2.5.nc",
                                       brand, std::move(levels)};
        };
        auto ceres = [](const std::string& v) {
            return AnnualCycleVariable{v, "CERES-EBAF-4-2",
                                       kClimatologyRoot + v + "/gr/v20250213/" + v +
                                           "_mon_CERES-EBAF-4-2_RSS_gr_200101-200412_AC_v20250213_2.5x2.5.nc",
                                       v + "_tavg-u-hxy-u", {}};
        };
        return std::vector<AnnualCycleVariable>{
            era5("ts", "v20250224", "ts_tavg-u-hxy-u", {}),
            era5("uas", "v20250224", "uas_tavg-h10m-hxy-u", {}),
            era5("vas", "v20250225", "vas_tavg-h10m-hxy-u", {}),
            era5("psl", "v20250224", "psl_tavg-u-hxy-u", {}),
            era5("ta", "v20250224", "ta_tavg-p19-hxy-air", {"200", "850"}),
            era5("ua", "v20250224", "ua_tavg-p19-hxy-air", {"200", "850"}),
            era5("va", "v20250225", "va_tavg-p19-hxy-air", {"200", "850"}),
            era5("zg", "v20250225", "zg_tavg-p19-hxy-air", {"500"}),
            AnnualCycleVariable{"pr", "GPCP-3-3",
                                kClimatologyRoot +
                                    "pr/gr/v20260513/pr_mon_GPCP-3-3_NASA-GISS_gr_198301-201412_AC_v20260513_2.5x2.5.nc",
                                "pr_tavg-u-hxy-u", {}},
            ceres("rlds"),
            ceres("rlus"),
            ceres("rlut"),
            ceres("rsds"),
            ceres("rsdt"),
            ceres("rsus"),
            ceres("rsut"),
        };
    }();
    return variables;
}

const AnnualCycleVariable* find_annual_cycle_variable(const std::string& variable_id) {
    for (const auto& v : annual_cycle_variables())
        if (v.variable_id == variable_id) return &v;
    return nullptr;
}

const std::vector<ModeConfig>& mode_configs() {
    static const std::vector<ModeConfig> modes = [] {
        const Names ts_experiments{"historical", "hist-GHG"};
        const Names psl_experiments{"historical", "hist-GHG", "amip"};
        auto ts_mode = [&](const std::string& m, int eofn) {
            return ModeConfig{m, "ts", "HadISST-1-1", "pmp_param_MoV-ts.py", ts_experiments, eofn, 1900};
        };
        auto psl_mode = [&](const std::string& m, int eofn, int obs_start) {
            return ModeConfig{m, "psl", "20CR-V2", "pmp_param_MoV-psl.py", psl_experiments, eofn, obs_start};
        };
        return std::vector<ModeConfig>{ts_mode("PDO", 1),       ts_mode("NPGO", 2),       psl_mode("NAO", 1, 1900),
                                       psl_mode("NAM", 1, 1900), psl_mode("PNA", 1, 1900), psl_mode("NPO", 2, 1900),
                                       psl_mode("SAM", 1, 1950)};
    }();
    return modes;
}

const ModeConfig& mode_config(const std::string& mode) {
    for (const auto& m : mode_configs())
        if (m.mode == mode) return m;
    throw std::invalid_argument("unknown mode of variability " + mode);
}

const EnsoCollection& enso_collection(const std::string& name) {
    static const std::vector<EnsoCollection> collections{
        {"ENSO_tel", {"pr", "ts"}, {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1"}},
        {"ENSO_proc",
         {"ts", "tauu", "hfls", "hfss", "rlds", "rlus", "rsds", "rsus"},
         {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1", "CERES-EBAF-4-2"}},
    };
    for (const auto& c : collections)
        if (c.name == name) return c;
    throw std::invalid_argument("unknown ENSO metrics collection " + name);
}

std::string cmip7_branded_variable(const std::string& variable_id) { return variable_id + "_tavg-u-hxy-u"; }

std::vector<std::vector<DataRequirement>> annual_cycle_requirements() {
    std::vector<std::vector<DataRequirement>> alternatives;
    const Names experiments{"amip", "historical", "hist-GHG"};
    for (const auto& v : annual_cycle_variables()) {
        const DataRequirement reference{"pmp-climatology",
                                        {{{"source_id", {v.reference_source_id}}, {"variable_id", {v.variable_id}}}},
                                        Names{"variable_id", "source_id"},
                                        {}};
        const DataRequirement cmip6{
            "cmip6",
            {{{"frequency", {"mon"}}, {"experiment_id", experiments}, {"variable_id", {v.variable_id}}}},
            Names{"variable_id", "source_id", "experiment_id", "member_id", "grid_label"},
            {}};
        const DataRequirement cmip7{"cmip7",
                                    {{{"branded_variable", {v.branded_variable}},
                                      {"experiment_id", experiments},
                                      {"frequency", {"mon"}},
                                      {"region", {"glb"}}}},
                                    Names{"variable_id", "source_id", "experiment_id", "variant_label", "grid_label"},
                                    {}};
        alternatives.push_back({reference, cmip6});
        alternatives.push_back({reference, cmip7});
    }
    return alternatives;
}

std::vector<std::vector<DataRequirement>> enso_requirements(const EnsoCollection& collection) {
    const Names experiments{"historical"};
    Names brands;
    for (const auto& v : collection.model_variables) brands.push_back(cmip7_branded_variable(v));
    const DataRequirement reference{
        "obs4mips",
        {{{"source_id", collection.obs_sources}, {"variable_id", collection.model_variables}}},
        Names{"activity_id"},
        {}};
    const DataRequirement cmip6{
        "cmip6",
        {{{"frequency", {"mon"}}, {"experiment_id", experiments}, {"variable_id", collection.model_variables}}},
        Names{"source_id", "experiment_id", "member_id", "grid_label"},
        {c::add_supplementary_dataset_from_defaults("areacella", "cmip6"),
         c::add_supplementary_dataset_from_defaults("sftlf", "cmip6")}};
    const DataRequirement cmip7{
        "cmip7",
        {{{"branded_variable", brands}, {"experiment_id", experiments}, {"frequency", {"mon"}}, {"region", {"glb"}}}},
        Names{"source_id", "experiment_id", "variant_label", "grid_label"},
        {c::add_supplementary_dataset_from_defaults("areacella", "cmip7"),
         c::add_supplementary_dataset_from_defaults("sftlf", "cmip7")}};
    return {{reference, cmip6}, {reference, cmip7}};
}

std::vector<std::vector<DataRequirement>> mode_requirements(const ModeConfig& mode) {
    const DataRequirement reference{
        "obs4mips",
        {{{"source_id", {mode.reference_source_id}}, {"variable_id", {mode.variable_id}}}},
        Names{"source_id", "variable_id"},
        {}};
    const DataRequirement cmip6{
        "cmip6",
        {{{"frequency", {"mon"}}, {"experiment_id", mode.experiments}, {"variable_id", {mode.variable_id}}}},
        Names{"source_id", "experiment_id", "member_id", "grid_label"},
        {}};
    const DataRequirement cmip7{"cmip7",
                                {{{"branded_variable", {cmip7_branded_variable(mode.variable_id)}},
                                  {"experiment_id", mode.experiments},
                                  {"frequency", {"mon"}},
                                  {"region", {"glb"}}}},
                                Names{"source_id", "experiment_id", "variant_label", "grid_label"},
                                {}};
    return {{reference, cmip6}, {reference, cmip7}};
}

json registry_declaration() {
    json files = json::array();
    for (const auto& v : annual_cycle_variables()) files.push_back({{"key", v.registry_key}, {"checksum", nullptr}});
    // In the registry but used by no diagnostic (spec §3.1).
    files.push_back({{"key", kClimatologyRoot + "pr/gr/v20250211/"
                                                "pr_mon_GPCP-Monthly-3-2_RSS_gr_198301-200412_AC_v20250211_interp_2.5x2.5.nc"},
                     {"checksum", nullptr}});
    return json::array({{{"name", "pmp-climatology"},
                         {"source_type", "pmp-climatology"},
                         {"description",
                          "PMP reference climatologies (12-month annual cycles on a 2.5x2.5 degree grid) of ERA-5, "
                          "GPCP and CERES-EBAF, used by the annual-cycle diagnostic; ingested from "
                          "<cache>/PMP_obs4MIPsClims as source type pmp-climatology"},
                         {"base_url", "https://obs4ref.climate-ref.org"},
                         {"files", files}}});
}

tooling::CondaEnvironmentSpec environment_spec() {
    return tooling::CondaEnvironmentSpec{"pmp", "environment.yml", std::string(environment_definition()), {}};
}

}  // namespace ref::pmp
