// The solve benchmark's provider: 22 diagnostics whose data requirements mirror the
// CMIP6 side of the real PMP, ESMValTool and ILAMB providers (specs in
// /work/shared/spec/providers/*.md), so `solve` does the filtering, grouping and
// constraint work a production configuration asks of it. It declares only: the
// benchmark solves with --dry-run or --no-execute, and execute() refuses to run.
//
// Built into bench/plugins/ of the build tree, never the default plugin folder, so it
// only loads when REF_PLUGINS points at it.
#include "ref/plugin.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ref::bench {

namespace c = plugin::constraints;
using plugin::DataRequirement;
using plugin::FacetFilter;
using plugin::json;
using Names = std::vector<std::string>;
using Alternatives = std::vector<std::vector<DataRequirement>>;

class BenchDiagnostic : public plugin::Diagnostic {
public:
    BenchDiagnostic(std::string slug, std::string name, Alternatives requirements, Names facets)
        : Diagnostic(std::move(slug), std::move(name)),
          requirements_(std::move(requirements)),
          facets_(std::move(facets)) {}

    std::vector<std::vector<DataRequirement>> data_requirements() const override { return requirements_; }
    std::vector<std::string> facets() const override { return facets_; }
    json extra_declaration() const override {
        return {{"description", "solve benchmark only: declares data requirements, never runs"}};
    }
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host&) override {
        throw plugin::DiagnosticError(definition.diagnostic +
                                      ": the solve benchmark's provider only declares requirements; it runs nothing");
    }

private:
    Alternatives requirements_;
    Names facets_;
};

namespace {

DataRequirement cmip6(std::vector<FacetFilter> filters, Names group_by, std::vector<json> constraints = {}) {
    return {"cmip6", std::move(filters), std::move(group_by), std::move(constraints)};
}

DataRequirement obs4mips(FacetFilter filter, Names group_by, std::vector<json> constraints = {}) {
    return {"obs4mips", {std::move(filter)}, std::move(group_by), std::move(constraints)};
}

plugin::PartialDateTime month(int year, int m) {
    plugin::PartialDateTime t;
    t.year = year;
    t.month = m;
    return t;
}

// RequireTimerange over each dataset, whole years from January to December.
json years(int first, int last) { return c::require_timerange({"instance_id"}, month(first, 1), month(last, 12)); }

json areacella() { return c::add_supplementary_dataset_from_defaults("areacella", "cmip6"); }
json areacello() { return c::add_supplementary_dataset_from_defaults("areacello", "cmip6"); }
json sftlf() { return c::add_supplementary_dataset_from_defaults("sftlf", "cmip6"); }

const Names kModel = {"source_id", "member_id", "grid_label"};
const Names kModelRun = {"source_id", "experiment_id", "member_id", "grid_label"};
const Names kModelFacets = {"source_id", "experiment_id", "member_id", "grid_label", "region", "metric", "statistic"};

// ---- PMP (pmp.md §2) ----

// One alternative per variable: the model run against the variable's PMP climatology.
Alternatives pmp_annual_cycle() {
    const std::vector<std::pair<std::string, std::string>> variables = {
        {"ts", "ERA-5"},          {"uas", "ERA-5"},          {"vas", "ERA-5"},          {"psl", "ERA-5"},
        {"ta", "ERA-5"},          {"ua", "ERA-5"},           {"va", "ERA-5"},           {"zg", "ERA-5"},
        {"pr", "GPCP-3-3"},       {"rlds", "CERES-EBAF-4-2"}, {"rlus", "CERES-EBAF-4-2"}, {"rlut", "CERES-EBAF-4-2"},
        {"rsds", "CERES-EBAF-4-2"}, {"rsdt", "CERES-EBAF-4-2"}, {"rsus", "CERES-EBAF-4-2"}, {"rsut", "CERES-EBAF-4-2"}};
    Alternatives out;
    for (const auto& [variable, reference] : variables) {
        const DataRequirement climatology{"pmp-climatology",
                                          {{{"source_id", {reference}}, {"variable_id", {variable}}}},
                                          Names{"variable_id", "source_id"},
                                          {}};
        out.push_back({climatology,
                       cmip6({{{"frequency", {"mon"}},
                               {"experiment_id", {"amip", "historical", "hist-GHG"}},
                               {"variable_id", {variable}}}},
                             {"variable_id", "source_id", "experiment_id", "member_id", "grid_label"})});
    }
    return out;
}

Alternatives pmp_enso(const Names& variables, const Names& references) {
    return {{cmip6({{{"frequency", {"mon"}}, {"experiment_id", {"historical"}}, {"variable_id", variables}}}, kModelRun,
                   {areacella(), sftlf()}),
             obs4mips({{"source_id", references}, {"variable_id", variables}}, {"activity_id"})}};
}

Alternatives pmp_mode(const std::string& variable, const Names& experiments, const std::string& reference) {
    return {{cmip6({{{"frequency", {"mon"}}, {"experiment_id", experiments}, {"variable_id", {variable}}}}, kModelRun),
             obs4mips({{"source_id", {reference}}, {"variable_id", {variable}}}, {"source_id", "variable_id"})}};
}

// ---- ESMValTool (esmvaltool.md §2) ----

Alternatives global_mean_timeseries() {
    return {{cmip6({{{"variable_id", {"tas"}}}},
                   {"source_id", "experiment_id", "member_id", "table_id", "variable_id", "grid_label"},
                   {c::require_contiguous_timerange({"instance_id"}), areacella()})}};
}

Alternatives equilibrium_climate_sensitivity() {
    return {{cmip6({{{"variable_id", {"rlut", "rsdt", "rsut", "tas"}},
                     {"experiment_id", {"abrupt-4xCO2"}},
                     {"table_id", {"Amon"}}}},
                   kModel,
                   {c::require_overlapping_timerange({"instance_id"}), c::add_parent_dataset_from_defaults("cmip6"),
                    c::require_contiguous_timerange({"instance_id"}),
                    c::require_facets("variable_id", {"rlut", "rsdt", "rsut", "tas"}, "all",
                                      {"source_id", "member_id", "grid_label", "experiment_id"}),
                    areacella()})}};
}

Alternatives transient_climate_response() {
    return {{cmip6({{{"variable_id", {"tas"}}, {"experiment_id", {"1pctCO2"}}, {"table_id", {"Amon"}}}}, kModel,
                   {c::add_parent_dataset_from_defaults("cmip6"), c::require_contiguous_timerange({"instance_id"}),
                    areacella()})}};
}

Alternatives transient_climate_response_emissions() {
    return {{cmip6({{{"variable_id", {"tas"}}, {"experiment_id", {"esm-1pctCO2"}}, {"table_id", {"Amon"}}}}, kModel,
                   {c::add_parent_dataset_from_defaults("cmip6"),
                    c::add_supplementary_dataset({{"variable_id", {"fco2antt"}}, {"experiment_id", {"esm-1pctCO2"}}},
                                                 {"source_id", "member_id", "table_id", "grid_label"}, {"version"}),
                    c::require_contiguous_timerange({"instance_id"}),
                    c::require_facets("variable_id", {"tas", "fco2antt"}), areacella()})}};
}

Alternatives zero_emission_commitment() {
    return {{cmip6({{{"variable_id", {"tas"}}, {"experiment_id", {"esm-1pct-brch-1000PgC"}}, {"table_id", {"Amon"}}}},
                   kModel,
                   {c::add_parent_dataset_from_defaults("cmip6"), c::require_contiguous_timerange({"instance_id"}),
                    areacella()})}};
}

// One execution per scenario holding every model that has historical + scenario over 1850-2100.
Alternatives climate_at_global_warming_levels() {
    const Names run = {"source_id", "member_id", "grid_label", "table_id", "variable_id"};
    return {{cmip6({{{"variable_id", {"pr", "tas"}},
                     {"experiment_id", {"ssp126", "ssp245", "ssp370", "ssp585"}},
                     {"table_id", {"Amon"}}}},
                   {"experiment_id"},
                   {c::add_supplementary_dataset({{"experiment_id", {"historical"}}}, run, {}),
                    c::require_timerange(run, month(1850, 1), month(2100, 12)),
                    c::require_facets("experiment_id", {"historical"}, "all", run),
                    c::require_facets("variable_id", {"pr", "tas"}, "all",
                                      {"experiment_id", "source_id", "member_id", "grid_label", "table_id"}),
                    areacella()})}};
}

Alternatives climate_drivers_for_fire() {
    const auto historical = [](Names variables, const std::string& table) -> FacetFilter {
        return {{"variable_id", std::move(variables)}, {"experiment_id", {"historical"}}, {"table_id", {table}}};
    };
    return {{cmip6({historical({"hurs", "pr", "tas", "tasmax"}, "Amon"), historical({"cVeg", "treeFrac"}, "Lmon"),
                    historical({"vegFrac"}, "Emon")},
                   kModel,
                   {years(1995, 2014), sftlf(),
                    c::require_facets("variable_id",
                                      {"cVeg", "hurs", "pr", "tas", "tasmax", "sftlf", "treeFrac", "vegFrac"})})}};
}

Alternatives cloud_radiative_effects() {
    const Names variables = {"rlut", "rlutcs", "rsut", "rsutcs"};
    return {{cmip6({{{"variable_id", variables}, {"experiment_id", {"historical"}}, {"table_id", {"Amon"}}}}, kModel,
                   {years(2002, 2014), c::require_overlapping_timerange({"instance_id"}),
                    c::require_facets("variable_id", variables), areacella()}),
             obs4mips({{"frequency", {"mon"}}, {"source_id", {"CERES-EBAF-4-2-1"}}, {"variable_id", variables}},
                      {"source_id"}, {years(2002, 2014)})}};
}

Alternatives cloud_scatterplots_clt_swcre() {
    const Names variables = {"clt", "rsut", "rsutcs"};
    return {{cmip6({{{"variable_id", variables}, {"experiment_id", {"historical"}}, {"table_id", {"Amon"}}}},
                   {"source_id", "experiment_id", "member_id", "frequency", "grid_label"},
                   {years(1996, 2014), c::require_facets("variable_id", variables), areacella()})}};
}

Alternatives enso_basic_climatology() {
    return {{cmip6({{{"variable_id", {"pr", "tauu"}}, {"experiment_id", {"historical"}}, {"table_id", {"Amon"}}},
                    {{"variable_id", {"tos"}}, {"experiment_id", {"historical"}}, {"table_id", {"Omon"}}}},
                   kModel,
                   {c::require_contiguous_timerange({"instance_id"}), c::require_overlapping_timerange({"instance_id"}),
                    c::require_facets("variable_id", {"pr", "tauu", "tos"})})}};
}

// Model and observations are two collections of one diagnostic (its obs alternative runs alone).
Alternatives regional_historical(int last_year, const Names& obs_variables) {
    return {{cmip6({{{"variable_id", {"hus", "pr", "psl", "tas", "ua"}},
                     {"experiment_id", {"historical"}},
                     {"table_id", {"Amon"}}}},
                   kModel, {years(1980, last_year), areacella()})},
            {obs4mips({{"variable_id", obs_variables}, {"source_id", {"ERA-5"}}, {"frequency", {"mon"}}}, {"source_id"},
                      {years(1980, last_year)})}};
}

Alternatives ozone_lat_time() {
    return {{cmip6({{{"variable_id", {"toz"}}, {"experiment_id", {"historical"}}, {"table_id", {"AERmon"}}}}, kModel,
                   {years(1996, 2014), c::require_contiguous_timerange({"instance_id"}), areacella()}),
             obs4mips({{"variable_id", {"toz"}}, {"source_id", {"C3S-GTO-ECV-9-0"}}, {"frequency", {"mon"}}},
                      {"source_id"}, {years(1996, 2014)})}};
}

// The OSI-450 reference half (esmvaltool-reference) is left out: the benchmark has no such catalog.
Alternatives sea_ice_area_basic() {
    return {{cmip6({{{"variable_id", {"siconc"}}, {"experiment_id", {"historical"}}, {"table_id", {"SImon"}}}}, kModel,
                   {years(1979, 2014), areacello(), c::require_facets("variable_id", {"siconc", "areacello"})})}};
}

// One execution holding every model: the first member of each with both fields and cell areas.
Alternatives sea_ice_sensitivity() {
    return {{cmip6({{{"variable_id", {"siconc"}}, {"experiment_id", {"historical"}}, {"table_id", {"SImon"}}},
                    {{"variable_id", {"tas"}}, {"experiment_id", {"historical"}}, {"table_id", {"Amon"}}}},
                   {"experiment_id"},
                   {years(1979, 2014), c::require_facets("variable_id", {"siconc", "tas"}, "all", kModel),
                    c::select_first_member("member_id", {"source_id"}), areacella(), areacello(),
                    c::require_facets("variable_id", {"areacello"}, "all", {"source_id", "grid_label"})})}};
}

// ---- ILAMB (ilamb.md §2): land fields with their cell areas and land fraction, ocean with volumes ----

Alternatives ilamb(const Names& primary, const Names& relationships, bool ocean) {
    Names all = primary;
    all.insert(all.end(), relationships.begin(), relationships.end());
    std::vector<json> constraints = {c::require_facets("variable_id", primary, "any")};
    if (!relationships.empty()) constraints.push_back(c::require_facets("variable_id", relationships, "all"));
    if (ocean) {
        for (const char* v : {"volcello", "areacello", "sftof"})
            constraints.push_back(c::add_supplementary_dataset_from_defaults(v, "cmip6"));
    } else {
        constraints.push_back(areacella());
        constraints.push_back(sftlf());
    }
    return {{cmip6({{{"variable_id", all},
                     {"frequency", {"mon"}},
                     {"experiment_id", {"historical", "land-hist"}},
                     {"table_id", {"AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "LImon", "Lmon", "Omon", "SImon"}}}},
                   {"experiment_id", "source_id", "member_id", "grid_label"}, std::move(constraints))}};
}

}  // namespace

class BenchProvider : public plugin::Provider {
public:
    BenchProvider() : Provider("solve-bench", "Solve benchmark", "0.1.0") {
        const Names pmp_facets = {"source_id", "member_id", "experiment_id", "variable_id", "reference_source_id",
                                  "region", "statistic"};
        add<BenchDiagnostic>("pmp-annual-cycle", "PMP: annual cycle", pmp_annual_cycle(), pmp_facets);
        add<BenchDiagnostic>("pmp-enso-tel", "PMP: ENSO teleconnections",
                             pmp_enso({"pr", "ts"}, {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1"}), pmp_facets);
        add<BenchDiagnostic>("pmp-enso-proc", "PMP: ENSO processes",
                             pmp_enso({"ts", "tauu", "hfls", "hfss", "rlds", "rlus", "rsds", "rsus"},
                                      {"GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1", "CERES-EBAF-4-2"}),
                             pmp_facets);
        add<BenchDiagnostic>("pmp-modes-of-variability-pdo", "PMP: PDO",
                             pmp_mode("ts", {"historical", "hist-GHG"}, "HadISST-1-1"), pmp_facets);
        add<BenchDiagnostic>("pmp-modes-of-variability-nao", "PMP: NAO",
                             pmp_mode("psl", {"historical", "hist-GHG", "amip"}, "20CR-V2"), pmp_facets);

        add<BenchDiagnostic>("esmvaltool-global-mean-timeseries", "ESMValTool: global mean timeseries",
                             global_mean_timeseries(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-equilibrium-climate-sensitivity", "ESMValTool: ECS",
                             equilibrium_climate_sensitivity(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-transient-climate-response", "ESMValTool: TCR", transient_climate_response(),
                             kModelFacets);
        add<BenchDiagnostic>("esmvaltool-transient-climate-response-emissions", "ESMValTool: TCRE",
                             transient_climate_response_emissions(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-zero-emission-commitment", "ESMValTool: ZEC", zero_emission_commitment(),
                             kModelFacets);
        add<BenchDiagnostic>("esmvaltool-climate-at-global-warming-levels", "ESMValTool: global warming levels",
                             climate_at_global_warming_levels(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-climate-drivers-for-fire", "ESMValTool: climate drivers for fire",
                             climate_drivers_for_fire(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-cloud-radiative-effects", "ESMValTool: cloud radiative effects",
                             cloud_radiative_effects(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-cloud-scatterplots-clt-swcre", "ESMValTool: clt vs swcre",
                             cloud_scatterplots_clt_swcre(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-enso-basic-climatology", "ESMValTool: ENSO climatology",
                             enso_basic_climatology(), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-regional-historical-annual-cycle", "ESMValTool: regional annual cycle",
                             regional_historical(2009, {"psl", "ua"}), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-regional-historical-trend", "ESMValTool: regional trend",
                             regional_historical(2009, {"psl", "tas", "ua"}), kModelFacets);
        add<BenchDiagnostic>("esmvaltool-ozone-lat-time", "ESMValTool: ozone latitude-time", ozone_lat_time(),
                             kModelFacets);
        add<BenchDiagnostic>("esmvaltool-sea-ice-area-basic", "ESMValTool: sea ice area", sea_ice_area_basic(),
                             kModelFacets);
        add<BenchDiagnostic>("esmvaltool-sea-ice-sensitivity", "ESMValTool: sea ice sensitivity", sea_ice_sensitivity(),
                             kModelFacets);

        add<BenchDiagnostic>("ilamb-gpp-wecann", "ILAMB: gpp with pr and tas relationships",
                             ilamb({"gpp"}, {"pr", "tas"}, false), kModelFacets);
        add<BenchDiagnostic>("ilamb-mrsos-wangmao", "ILAMB: soil moisture", ilamb({"mrsol", "mrsos"}, {}, false),
                             kModelFacets);
        add<BenchDiagnostic>("ilamb-thetao-woa2023-surface", "ILAMB: ocean temperature", ilamb({"thetao"}, {}, true),
                             kModelFacets);
    }
};

}  // namespace ref::bench

REF_DEFINE_PROVIDER(ref::bench::BenchProvider)
