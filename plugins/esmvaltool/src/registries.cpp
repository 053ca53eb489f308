// The provider's two data registries (spec §1.3). The spec lists the reference registry by
// directory (dataset, version, MIP table, variables, period, file count); the keys below follow
// the ESMValTool reference-path conventions of §1.3 for exactly those files. No checksums are
// given by the spec, so every checksum is null.
#include "ref/esmvaltool/declarations.hpp"

namespace ref::esmvaltool {

namespace {

std::string obs_key(const std::string& project, int tier, const std::string& dataset, const std::string& type,
                    const std::string& version, const std::string& mip, const std::string& variable,
                    const std::string& timerange) {
    std::string name = project + "_" + dataset + "_" + type + "_" + version + "_" + mip + "_" + variable;
    if (!timerange.empty()) name += "_" + timerange;
    return "ESMValTool/OBS/Tier" + std::to_string(tier) + "/" + dataset + "/" + name + ".nc";
}

}  // namespace

std::vector<std::string> reference_registry_keys() {
    std::vector<std::string> keys;
    for (const std::string v : {"rlut", "rlutcs", "rsut", "rsutcs"})
        keys.push_back(obs_key("OBS", 2, "CERES-EBAF", "sat", "Ed4.2", "Amon", v, "200003-202311"));
    for (const std::string v : {"clivi", "clt", "clwvi", "rlut", "rlutcs", "rsut", "rsutcs"})
        keys.push_back(obs_key("OBS", 2, "ESACCI-CLOUD", "sat", "AVHRR-AMPM-fv3.0", "Amon", v, "198201-201612"));
    keys.push_back(obs_key("OBS6", 2, "ESACCI-OZONE", "sat", "L3-SAGE-OMPS", "AERmon", "o3", "198410-202212"));
    keys.push_back(obs_key("OBS", 2, "HadCRUT5", "ground", "5.0.1.0-analysis", "Amon", "tas", "185001-202112"));
    for (const std::string v : {"rlut", "rlutcs", "rsut", "rsutcs"})
        keys.push_back(obs_key("OBS", 2, "ISCCP-FH", "sat", "v0", "Amon", v, ""));
    for (const std::string hemisphere : {"OSI-450-nh", "OSI-450-sh"}) {
        for (int year = 1979; year <= 2014; ++year) {
            const std::string y = std::to_string(year);
            keys.push_back(obs_key("OBS", 2, hemisphere, "reanaly", "v3", "OImon", "sic", y + "01-" + y + "12"));
        }
        keys.push_back(obs_key("OBS", 2, hemisphere, "reanaly", "v3", "fx", "areacello", ""));
    }
    keys.push_back(obs_key("OBS6", 2, "TROPFLUX", "reanaly", "v1", "Amon", "tauu", "197901-201812"));
    keys.push_back(obs_key("OBS6", 2, "TROPFLUX", "reanaly", "v1", "Omon", "tos", "197901-201812"));
    keys.push_back(obs_key("OBS", 3, "CALIPSO-ICECLOUD", "sat", "1-00", "Amon", "cli", "200701-201512"));
    for (const auto& [variable, era5_name] :
         std::vector<std::pair<std::string, std::string>>{{"hus", "specific_humidity"}, {"pr", "total_precipitation"}}) {
        for (int year = 1980; year <= 2014; ++year)
            keys.push_back("ESMValTool/native6/Tier3/ERA5/v1/mon/" + variable + "/era5_" + era5_name + "_" +
                           std::to_string(year) + "_monthly.nc");
    }
    keys.push_back("ESMValTool/obs4MIPs/GPCP-V2.3/v20180519/pr_GPCP-SG_L3_v2.3_197901-201710.nc");
    return keys;
}

std::vector<std::string> recipe_registry_keys() {
    return {"examples/recipe_python.yml",
            "recipe_calculate_gwl_exceedance_stats.yml",
            "recipe_seaice_sensitivity.yml",
            "recipe_zec.yml",
            "ref/recipe_enso_basicclimatology.yml",
            "ref/recipe_enso_characteristics.yml",
            "ref/recipe_ref_annual_cycle_region.yml",
            "ref/recipe_ref_cre_cmip7.yml",
            "ref/recipe_ref_ecs.yml",
            "ref/recipe_ref_fire.yml",
            "ref/recipe_ref_ozone_cmip7.yml",
            "ref/recipe_ref_scatterplot.yml",
            "ref/recipe_ref_sea_ice_area_basic.yml",
            "ref/recipe_ref_tcr.yml",
            "ref/recipe_ref_tcre.yml",
            "ref/recipe_ref_timeseries_region.yml",
            "ref/recipe_ref_trend_regions.yml"};
}

json registries_declaration() {
    auto files = [](const std::vector<std::string>& keys) {
        json out = json::array();
        for (const auto& key : keys) out.push_back({{"key", key}, {"checksum", nullptr}});
        return out;
    };
    return json::array({
        {{"name", "esmvaltool-datasets"},
         {"source_type", "esmvaltool-reference"},
         {"description", "Observational and reanalysis reference data of the ESMValTool recipes "
                         "(DRS root ESMValTool/), from https://obs4ref.climate-ref.org"},
         {"files", files(reference_registry_keys())}},
        {{"name", std::string("esmvaltool-recipes-v") + kEsmvaltoolVersion},
         {"source_type", nullptr},
         {"description", std::string("The upstream ESMValTool recipes at commit ") + kEsmvaltoolCommit +
                             " (the plugin carries its own adapted copies)"},
         {"files", files(recipe_registry_keys())}},
    });
}

}  // namespace ref::esmvaltool
