// The diagnostics of configure/ilamb.yaml and configure/iomb.yaml, their data requirements,
// the data registries and the land regions.
#include "ref/ilamb/ilamb.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ref::ilamb {

namespace {

SourceSpec key_source(std::string name, std::string key) {
    SourceSpec s;
    s.name = std::move(name);
    s.key = std::move(key);
    return s;
}

SourceSpec obs_source(std::string name, std::string obs, std::vector<std::pair<std::string, std::string>> facets) {
    SourceSpec s;
    s.name = std::move(name);
    s.obs_source = std::move(obs);
    s.facets = std::move(facets);
    return s;
}

const char* const gpcp_pr_key =
    "obs4REF/NOAA-NCEI/GPCP-2-3/mon/pr/gn/v20210727/pr_mon_GPCP-2-3_PCMDI_gn_197901-201907.nc";

std::vector<ConfigureEntry> make_entries() {
    std::vector<ConfigureEntry> out;
    auto land = [&](std::string name, int version) -> ConfigureEntry& {
        ConfigureEntry e;
        e.name = std::move(name);
        e.realm = "land";
        e.version = version;
        out.push_back(std::move(e));
        return out.back();
    };
    auto ocean = [&](std::string name, int version) -> ConfigureEntry& {
        ConfigureEntry& e = land(std::move(name), version);
        e.realm = "ocean";
        return e;
    };

    // ---- configure/ilamb.yaml ----
    {
        auto& e = land("gpp-WECANN", 3);
        e.sources = {obs_source("gpp", "obs4ref",
                                {{"source_id", "WECANN-1-0"}, {"variable_id", "gpp"}, {"grid_label", "gn"},
                                 {"version", "v20250902"}})};
        e.relationships = {{"pr", gpcp_pr_key}, {"tas", "ilamb/tas/CRU4.02/tas.nc"}};
        e.variable_cmap = "Greens";
        e.cmip7_branded_variables = {"gpp_tavg-u-hxy-lnd", "pr_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u"};
    }
    {
        auto& e = land("gpp-FLUXNET2015", 4);
        e.sources = {key_source("gpp",
                                "obs4REF/Fluxnet/FLUXNET2015-1-0/mon/gpp/site/v20260202/"
                                "gpp_mon_Fluxnet-2015-1-0_REF_site_19910101-20141231.nc")};
        e.variable_cmap = "Greens";
        e.cmip7_branded_variables = {"gpp_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("mrro-LORA", 3);
        e.sources = {obs_source("mrro", "obs4ref",
                                {{"source_id", "LORA-1-0"}, {"variable_id", "mrro"}, {"grid_label", "gn"},
                                 {"version", "v20250902"}})};
        e.variable_cmap = "Blues";
        e.cmip7_branded_variables = {"mrro_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("mrsos-WangMao", 2);
        e.sources = {key_source("mrsol", "ilamb/mrsol/WangMao/mrsol_olc.nc")};
        e.alternate_vars = {"mrsos"};
        e.transforms = json::array({{{"select_depth", {{"value", 0}}}},
                                    {{"soil_moisture_to_vol_fraction", json::object()}}});
        e.variable_cmap = "Blues";
        e.cmip7_branded_variables = {"mrsol_tavg-sl-hxy-lnd", "mrsol_tavg-d10cm-hxy-lnd"};
    }
    {
        auto& e = land("cSoil-HWSD2", 3);
        e.sources = {obs_source("cSoil", "obs4ref",
                                {{"source_id", "HWSD-2-0"}, {"variable_id", "cSoil"}, {"grid_label", "gn"},
                                 {"version", "v20250903"}})};
        e.variable_cmap = "viridis";
        e.cmip7_branded_variables = {"cSoil_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("lai-AVH15C1", 4);
        e.sources = {obs_source("lai", "obs4mips",
                                {{"source_id", "NOAA-NCEI-LAI-AVHRR-5-0"}, {"variable_id", "lai"}, {"grid_label", "gn"}})};
        e.transforms = json::array({{{"climate_ref_coarsen_spatial", {{"variable_id", "lai"}, {"resolution", 0.5}}}}});
        e.variable_cmap = "Greens";
        e.cmip7_branded_variables = {"lai_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("nbp-Hoffman", 3);
        e.sources = {obs_source("nbp", "obs4ref",
                                {{"source_id", "Hoffman-1-0"}, {"variable_id", "nbp"}, {"grid_label", "gm"},
                                 {"version", "v20251117"}})};
        e.analyses = {"nbp"};
        e.transforms = json::array({{{"integrate_space", {{"varname", "nbp"}}}}});
        e.variable_cmap = "viridis";
        e.cmip7_branded_variables = {"nbp_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("snc-ESACCI", 3);
        e.sources = {obs_source("snc", "obs4ref",
                                {{"source_id", "CCI-CryoClim-FSC-1"}, {"variable_id", "snc"}, {"grid_label", "gn"},
                                 {"version", "v20250519"}})};
        e.variable_cmap = "viridis";
        e.cmip7_branded_variables = {"snc_tavg-u-hxy-lnd"};
    }
    {
        auto& e = land("burntFractionAll-GFED", 3);
        e.sources = {obs_source("burntFractionAll", "obs4ref",
                                {{"source_id", "GFED-5-0"}, {"variable_id", "burntFractionAll"}, {"grid_label", "gr"},
                                 {"version", "v20260128"}})};
        e.variable_cmap = "viridis";
        e.test_source_id = "CESM2";
        e.cmip7_branded_variables = {"burntFractionAll_tavg-u-hxy-u"};
    }
    {
        auto& e = land("emp-GLEAMGPCP2.3", 2);
        e.analysis_variable = "emp";
        e.sources = {key_source("et", "ilamb/evspsbl/GLEAMv3.3a/et.nc"), key_source("pr", gpcp_pr_key)};
        e.alternate_vars = {"evspsbl"};
        e.transforms = json::array({{{"select_time", {{"vmin", "2000-01"}, {"vmax", "2015-01"}}}},
                                    {{"expression", {{"expr", "emp = et - pr"}}}}});
        e.variable_cmap = "viridis";
        e.cmip7_branded_variables = {"evspsbl_tavg-u-hxy-u"};
        // The reference is evaporation minus precipitation; the model side needs pr as well
        // (upstream compares the reference with the model's evspsbl alone).
        e.extra_model_variables = {"pr"};
        e.extra_model_branded_variables = {"pr_tavg-u-hxy-u"};
        e.model_expressions = json::array({"emp = evspsbl - pr"});
    }

    // ---- configure/iomb.yaml ----
    {
        auto& e = ocean("thetao-WOA2023-surface", 3);
        e.sources = {obs_source("thetao", "obs4ref",
                                {{"source_id", "WOA-23"}, {"variable_id", "thetao"}, {"grid_label", "gn"},
                                 {"version", "v20251024"}})};
        e.alternate_vars = {"tos"};
        e.transforms = json::array({{{"select_depth", {{"value", 0}}}}});
        e.variable_cmap = "Reds";
        e.cmip7_branded_variables = {"thetao_tavg-ol-hxy-sea", "tos_tavg-u-hxy-sea"};
    }
    {
        auto& e = ocean("so-WOA2023-surface", 3);
        e.sources = {obs_source("so", "obs4ref",
                                {{"source_id", "WOA-23"}, {"variable_id", "so"}, {"grid_label", "gn"},
                                 {"version", "v20251024"}})};
        e.alternate_vars = {"sos"};
        e.transforms = json::array({{{"select_depth", {{"value", 0}}}}});
        e.variable_cmap = "YlGn";
        e.cmip7_branded_variables = {"so_tavg-ol-hxy-sea", "sos_tavg-u-hxy-sea"};
    }
    {
        auto& e = ocean("amoc-RAPID", 4);
        e.analysis_variable = "amoc";
        e.sources = {obs_source("amoc", "obs4ref",
                                {{"source_id", "RAPID-2023-1a"}, {"variable_id", "msftmz"}, {"grid_label", "gm"},
                                 {"version", "v20250902"}})};
        e.related_vars = {"msftmz"};
        e.analyses = {"timeseries"};
        e.transforms = json::array({{{"climate_ref_msftmz_to_rapid", json::object()}}});
        e.variable_cmap = "viridis";
        e.cmip7_branded_variables = {"msftm_tavg-ol-hyb-sea"};
    }
    return out;
}

void append_unique(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

const std::vector<ConfigureEntry>& configure_entries() {
    static const std::vector<ConfigureEntry> entries = make_entries();
    return entries;
}

std::string slug_of(const std::string& name) {
    std::string out;
    for (char c : name) out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string reference_source_id_of(const std::string& name) {
    const auto first = name.find('-');
    if (first == std::string::npos) return name;
    const auto second = name.find('-', first + 1);
    return name.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

std::string variable_id_of(const ConfigureEntry& entry) {
    if (entry.analysis_variable) return *entry.analysis_variable;
    return entry.sources.front().name;
}

std::vector<std::string> primary_variable_ids(const ConfigureEntry& entry) {
    std::vector<std::string> out{variable_id_of(entry)};
    for (const auto& v : entry.alternate_vars) out.push_back(v);
    for (const auto& v : entry.related_vars) out.push_back(v);
    return out;
}

std::vector<std::string> relationship_variable_ids(const ConfigureEntry& entry) {
    std::vector<std::string> out;
    for (const auto& [variable, key] : entry.relationships) out.push_back(variable);
    for (const auto& v : entry.extra_model_variables) append_unique(out, v);
    return out;
}

std::vector<std::string> all_variable_ids(const ConfigureEntry& entry) {
    auto out = primary_variable_ids(entry);
    for (const auto& v : relationship_variable_ids(entry)) out.push_back(v);
    return out;
}

json effective_transforms(const ConfigureEntry& entry) {
    json out = entry.transforms;
    if (!entry.relationships.empty()) {
        bool present = false;
        for (const auto& t : out) present = present || t.contains("climate_ref_relationship_time");
        if (!present) out.push_back({{"climate_ref_relationship_time", {{"variable_id", variable_id_of(entry)}}}});
    }
    return out;
}

std::vector<std::string> diagnostic_facets() {
    return {"experiment_id", "source_id", "member_id", "grid_label", "region", "metric", "statistic"};
}

std::vector<std::vector<plugin::DataRequirement>> data_requirements(const ConfigureEntry& entry) {
    namespace c = plugin::constraints;
    const bool land = entry.realm == "land";
    const std::vector<std::string> supplementary =
        land ? std::vector<std::string>{"areacella", "sftlf"} : std::vector<std::string>{"volcello", "areacello", "sftof"};

    auto model_constraints = [&](const std::string& source_type) {
        std::vector<json> out{c::require_facets("variable_id", primary_variable_ids(entry), "any")};
        const auto related = relationship_variable_ids(entry);
        if (!related.empty()) out.push_back(c::require_facets("variable_id", related, "all"));
        for (const auto& s : supplementary) out.push_back(c::add_supplementary_dataset_from_defaults(s, source_type));
        return out;
    };

    plugin::DataRequirement cmip6;
    cmip6.source_type = "cmip6";
    cmip6.filters = {{{"variable_id", all_variable_ids(entry)},
                      {"frequency", {"mon"}},
                      {"experiment_id", {"historical", "land-hist"}},
                      {"table_id", {"AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "LImon", "Lmon", "Omon", "SImon"}}}};
    cmip6.group_by = std::vector<std::string>{"experiment_id", "source_id", "member_id", "grid_label"};
    cmip6.constraints = model_constraints("cmip6");

    std::vector<std::string> brands = entry.cmip7_branded_variables;
    for (const auto& b : entry.extra_model_branded_variables) append_unique(brands, b);
    plugin::DataRequirement cmip7;
    cmip7.source_type = "cmip7";
    cmip7.filters = {{{"branded_variable", brands},
                      {"frequency", {"mon"}},
                      {"experiment_id", {"historical", "land-hist"}},
                      {"region", {"glb"}}}};
    cmip7.group_by = std::vector<std::string>{"experiment_id", "source_id", "variant_label", "grid_label"};
    cmip7.constraints = model_constraints("cmip7");

    // The obs4MIPs requirement: every dict-form source's facets (obs_source removed), values
    // accumulated per facet, grouped by the facets in configure order.
    plugin::FacetFilter obs_filter;
    std::vector<std::string> obs_group_by;
    for (const auto& source : entry.sources) {
        for (const auto& [facet, value] : source.facets) {
            append_unique(obs_filter[facet], value);
            append_unique(obs_group_by, facet);
        }
    }
    if (obs_filter.empty()) return {{cmip6}, {cmip7}};
    plugin::DataRequirement obs;
    obs.source_type = "obs4mips";
    obs.filters = {obs_filter};
    obs.group_by = obs_group_by;
    return {{cmip6, obs}, {cmip7, obs}};
}

// ---- Registries and regions ----

const std::vector<Registry>& registries() {
    static const std::vector<Registry> list = {
        {"ilamb",
         "ILAMB reference data not (yet) in obs4MIPs/obs4REF, resolved at execution time",
         {{"ilamb/mrsol/WangMao/mrsol_olc.nc", "sha1:24cbc9df69569bed3a39c20e499cfe4f911bd30e"},
          {"ilamb/tas/CRU4.02/tas.nc", "sha1:2674da18a1a93483b50b1626e7a7ab741bf53d09"},
          {"ilamb/evspsbl/GLEAMv3.3a/et.nc", "sha1:5aaf73949af8c6b509ef16f684aa8efeccd983e2"}}},
        {"ilamb-regions",
         "ILAMB region masks (global land, Koppen climates)",
         {{"ilamb/regions/GlobalLand.nc", "sha1:2f987d44fdba6ad0e72d14d6a2fecb7e8df2a9c5"},
          {"ilamb/regions/Koppen_coarse.nc", "sha1:e464030db49f0295a6a22a81ca602b0f3c499b72"}}},
        // The specification records only the first eight digits of these checksums
        // (3e757c9f, 2688085f, d667eb21), which cannot verify a download.
        {"ilamb-test",
         "Small ILAMB test data (unit tests only)",
         {{"ilamb/test/Site/tas.nc", std::nullopt},
          {"ilamb/test/Grid/gpp.nc", std::nullopt},
          {"ilamb/test/Grid/pr.nc", std::nullopt}}},
    };
    return list;
}

json registries_declaration() {
    json out = json::array();
    for (const auto& registry : registries()) {
        json files = json::array();
        for (const auto& file : registry.files)
            files.push_back({{"key", file.key}, {"checksum", file.checksum ? json(*file.checksum) : json(nullptr)}});
        out.push_back({{"name", registry.name},
                       {"source_type", nullptr},
                       {"description", registry.description},
                       {"files", files}});
    }
    return out;
}

const std::vector<RegionInfo>& land_regions() {
    static const std::vector<RegionInfo> list = {
        {"global", "Global - Land", "ilamb/regions/GlobalLand.nc"},
        {"tropical", "Tropical climates", "ilamb/regions/Koppen_coarse.nc"},
    };
    return list;
}

std::string region_name(const std::string& label) {
    for (const auto& r : land_regions())
        if (r.label == label) return r.name;
    return label;
}

json region_description(const std::string& label) {
    if (label == "None") return {{"LongName", "None"}, {"Description", "Reference data extents"}, {"Generator", "N/A"}};
    for (const auto& r : land_regions()) {
        if (r.label == label) {
            const std::string file = std::filesystem::path(r.registry_key).filename().string();
            return {{"LongName", r.name}, {"Description", r.name}, {"Generator", file}};
        }
    }
    return {{"LongName", label}, {"Description", label}, {"Generator", "N/A"}};
}

std::filesystem::path data_root(const json& settings) {
    if (settings.is_object()) {
        if (auto it = settings.find("data_root"); it != settings.end() && it->is_string() && !it->get<std::string>().empty())
            return it->get<std::string>();
    }
    if (const char* dir = std::getenv("REF_DATASET_CACHE_DIR"); dir && *dir) return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "climate_ref";
    if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".cache" / "climate_ref";
    return std::filesystem::path(".cache") / "climate_ref";
}

std::filesystem::path resolve_registry_file(const json& settings, const std::string& registry, const std::string& key) {
    // Where `datasets fetch-data` puts a registry: <dataset_cache>/<registry>/<key>.
    const bool explicit_root = settings.is_object() && settings.contains("data_root");
    if (auto it = settings.is_object() ? settings.find("dataset_cache") : settings.end();
        !explicit_root && it != settings.end() && it->is_string()) {
        const auto fetched = std::filesystem::path(it->get<std::string>()) / registry / key;
        if (std::filesystem::is_regular_file(fetched)) return fetched;
    }
    const auto path = data_root(settings) / key;
    if (!std::filesystem::is_regular_file(path)) {
        throw plugin::SystemError("reference file '" + key + "' of registry '" + registry + "' is missing (looked for " +
                                  path.string() + "); run `ref-engine datasets fetch-data --registry " + registry +
                                  "` or set the provider setting \"data_root\"");
    }
    return path;
}

}  // namespace ref::ilamb
