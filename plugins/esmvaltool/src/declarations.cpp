// Declarations of the ESMValTool diagnostics, transcribed from the REF's provider (spec §2).
#include "ref/esmvaltool/declarations.hpp"

#include <algorithm>
#include <stdexcept>

namespace ref::esmvaltool {

namespace {

using plugin::DataRequirement;
using plugin::FacetFilter;
using plugin::PartialDateTime;
namespace c = plugin::constraints;
using Names = std::vector<std::string>;
using Alternatives = std::vector<std::vector<DataRequirement>>;

DataRequirement requirement(std::string source_type, std::vector<FacetFilter> filters, Names group_by,
                            std::vector<json> constraints) {
    DataRequirement r;
    r.source_type = std::move(source_type);
    r.filters = std::move(filters);
    r.group_by = std::move(group_by);
    r.constraints = std::move(constraints);
    return r;
}

DiagnosticSpec make_spec(std::string slug, std::string name, int version, std::string base_recipe, Names facets,
                         Alternatives requirements, std::vector<FileDefinition> files,
                         std::vector<SeriesDefinition> series) {
    DiagnosticSpec d;
    d.slug = std::move(slug);
    d.name = std::move(name);
    d.version = version;
    d.base_recipe = std::move(base_recipe);
    d.facets = std::move(facets);
    d.requirements = std::move(requirements);
    d.files = std::move(files);
    d.series = std::move(series);
    return d;
}

json areacella(const std::string& type) { return c::add_supplementary_dataset_from_defaults("areacella", type); }
json areacello(const std::string& type) { return c::add_supplementary_dataset_from_defaults("areacello", type); }
json contiguous() { return c::require_contiguous_timerange({"instance_id"}); }
json overlapping() { return c::require_overlapping_timerange({"instance_id"}); }
json timerange(int start_year, int start_month, int end_year, int end_month, Names group_by = {"instance_id"}) {
    PartialDateTime start, end;
    start.year = start_year, start.month = start_month;
    end.year = end_year, end.month = end_month;
    return c::require_timerange(group_by, start, end);
}

const Names kCmip6Group{"source_id", "member_id", "grid_label"};
const Names kCmip7Group{"source_id", "variant_label", "grid_label"};

// A CMIP7 filter on branded variables of monthly global data.
FacetFilter cmip7_filter(Names branded, Names experiments, bool with_region = true) {
    FacetFilter f{{"branded_variable", std::move(branded)}, {"frequency", {"mon"}}};
    if (!experiments.empty()) f["experiment_id"] = std::move(experiments);
    if (with_region) f["region"] = {"glb"};
    return f;
}
FacetFilter cmip6_filter(Names variables, Names experiments, Names tables) {
    FacetFilter f{{"variable_id", std::move(variables)}};
    if (!experiments.empty()) f["experiment_id"] = std::move(experiments);
    if (!tables.empty()) f["table_id"] = std::move(tables);
    return f;
}

const Names kMetricFacets{"grid_label", "member_id", "source_id", "region", "metric"};
const Names kMetricFacetsVariant{"grid_label", "member_id", "variant_label", "source_id", "region", "metric"};

// ---- climate-sensitivity family ----

DiagnosticSpec global_mean_timeseries() {
    DiagnosticSpec d = make_spec("global-mean-timeseries", "Global Mean Timeseries", 1, "examples/recipe_python.yml", {}, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {{{"variable_id", {"tas"}}}},
                     {"source_id", "experiment_id", "member_id", "table_id", "variable_id", "grid_label"},
                     {contiguous(), areacella("cmip6")})},
        {requirement("cmip7", {{{"branded_variable", {"tas_tavg-h2m-hxy-u"}}, {"region", {"glb"}}}},
                     {"source_id", "experiment_id", "variant_label", "variable_id", "grid_label"},
                     {contiguous(), areacella("cmip7")})},
    };
    const json dims = {{"statistic", "annual mean"}, {"variable_id", "tas"}, {"region", "global"}};
    d.series = {{"work/timeseries/script1/*.nc", dims, "tas", "time", json::object()}};
    d.files = {{"plots/timeseries/script1/png/*.png", dims}};
    d.backend_wired = true;
    return d;
}

DiagnosticSpec equilibrium_climate_sensitivity() {
    DiagnosticSpec d = make_spec("equilibrium-climate-sensitivity", "Equilibrium Climate Sensitivity", 2, "ref/recipe_ref_ecs.yml",
                     kMetricFacets, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"rlut", "rsdt", "rsut", "tas"}, {"abrupt-4xCO2"}, {"Amon"})}, kCmip6Group,
                     {overlapping(), c::add_parent_dataset_from_defaults("cmip6"), contiguous(),
                      c::require_facets("variable_id", {"rlut", "rsdt", "rsut", "tas"}, "all",
                                        {"source_id", "member_id", "grid_label", "experiment_id"}),
                      areacella("cmip6")})},
        {requirement("cmip7",
                     {cmip7_filter({"rlut_tavg-u-hxy-u", "rsdt_tavg-u-hxy-u", "rsut_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u"},
                                   {"abrupt-4xCO2"})},
                     kCmip7Group,
                     {overlapping(), c::add_parent_dataset_from_defaults("cmip7"), contiguous(),
                      c::require_facets("variable_id", {"rlut", "rsdt", "rsut", "tas"}, "all",
                                        {"source_id", "variant_label", "grid_label", "experiment_id"}),
                      areacella("cmip7")})},
    };
    const std::string statistic = "global annual mean anomaly of rtnt vs tas";
    d.series = {{"ecs/calculate/ecs_regression_*.nc", {{"statistic", statistic}}, "rtnt_anomaly", "tas_anomaly",
                 json::object()}};
    d.files = {{"plots/ecs/calculate/*.png", {{"statistic", statistic}}},
               {"work/ecs/calculate/ecs.nc", {{"metric", "ecs"}}},
               {"work/ecs/calculate/lambda.nc", {{"metric", "lambda"}}}};
    d.metrics = MetricFormat::ecs;
    d.backend_wired = true;
    return d;
}

DiagnosticSpec transient_climate_response() {
    DiagnosticSpec d = make_spec("transient-climate-response", "Transient Climate Response", 2, "ref/recipe_ref_tcr.yml",
                     kMetricFacetsVariant, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"tas"}, {"1pctCO2"}, {"Amon"})}, kCmip6Group,
                     {c::add_parent_dataset_from_defaults("cmip6"), contiguous(), areacella("cmip6")})},
        {requirement("cmip7", {cmip7_filter({"tas_tavg-h2m-hxy-u"}, {"1pctCO2"})}, kCmip7Group,
                     {c::add_parent_dataset_from_defaults("cmip7"), contiguous(), areacella("cmip7")})},
    };
    const std::string statistic = "global annual mean tas anomaly relative to linear fit of piControl run";
    d.series = {{"tcr/calculate/{source_id}*.nc", {{"statistic", statistic}}, "tas_anomaly", "time", json::object()}};
    d.files = {{"plots/tcr/calculate/*.png", {{"statistic", statistic}}},
               {"work/tcr/calculate/tcr.nc", {{"metric", "tcr"}}}};
    d.metrics = MetricFormat::tcr;
    d.backend_wired = true;
    return d;
}

DiagnosticSpec transient_climate_response_emissions() {
    DiagnosticSpec d = make_spec("transient-climate-response-emissions", "Transient Climate Response to Cumulative CO2 Emissions", 3,
                     "ref/recipe_ref_tcre.yml", kMetricFacetsVariant, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"tas"}, {"esm-1pctCO2"}, {"Amon"})}, kCmip6Group,
                     {c::add_parent_dataset_from_defaults("cmip6"),
                      c::add_supplementary_dataset({{"variable_id", {"fco2antt"}}, {"experiment_id", {"esm-1pctCO2"}}},
                                                   {"source_id", "member_id", "table_id", "grid_label"}, {"version"}),
                      contiguous(), c::require_facets("variable_id", {"tas", "fco2antt"}), areacella("cmip6")})},
        {requirement("cmip7", {cmip7_filter({"tas_tavg-h2m-hxy-u"}, {"esm-flat10"})}, kCmip7Group,
                     {c::add_parent_dataset_from_defaults("cmip7"),
                      c::add_supplementary_dataset({{"branded_variable", {"fco2antt_tavg-u-hxy-u"}},
                                                    {"experiment_id", {"esm-flat10"}},
                                                    {"frequency", {"mon"}},
                                                    {"region", {"glb"}}},
                                                   {"source_id", "variant_label", "grid_label"}, {"version"}),
                      contiguous(), c::require_facets("variable_id", {"tas", "fco2antt"}), areacella("cmip7")})},
    };
    d.series = {{"tcre/calculate/{source_id}.nc", {{"statistic", "global annual mean anomaly of tas vs cumulative fco2antt"}},
                 "tas", "cumulative_fco2antt", json::object()}};
    d.files = {{"plots/tcre/calculate/*.png", {{"statistic", "tcre"}}},
               {"work/tcre/calculate/tcre.nc", {{"metric", "tcre"}}}};
    d.metrics = MetricFormat::tcre;
    d.backend_wired = true;
    return d;
}

DiagnosticSpec zero_emission_commitment() {
    DiagnosticSpec d = make_spec("zero-emission-commitment", "Zero Emission Commitment", 1, "recipe_zec.yml", kMetricFacetsVariant,
                     {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"tas"}, {"esm-1pct-brch-1000PgC"}, {"Amon"})}, kCmip6Group,
                     {c::add_parent_dataset_from_defaults("cmip6"), contiguous(), areacella("cmip6")})},
        {requirement("cmip7", {cmip7_filter({"tas_tavg-h2m-hxy-u"}, {"esm-flat10-zec"})}, kCmip7Group,
                     {c::add_parent_dataset_from_defaults("cmip7"), contiguous(), areacella("cmip7")})},
    };
    d.series = {{"work/zec/zec/zec.nc", {{"statistic", "zec"}}, "zec", "time", {{"dim0", 0}}}};
    d.files = {{"plots/zec/zec/*.png", {{"statistic", "zec"}}}, {"work/zec/zec/zec_50.nc", {{"metric", "zec"}}}};
    d.metrics = MetricFormat::zec;
    d.backend_wired = true;
    return d;
}

DiagnosticSpec climate_at_global_warming_levels() {
    DiagnosticSpec d = make_spec("climate-at-global-warming-levels", "Climate variables at global warming levels", 1,
                     "recipe_calculate_gwl_exceedance_stats.yml", {"experiment_id", "global_warming_level", "metric"},
                     {}, {}, {});
    const Names cmip6_match{"source_id", "member_id", "grid_label", "table_id", "variable_id"};
    const Names cmip7_match{"source_id", "variant_label", "grid_label", "variable_id"};
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"pr", "tas"}, {"ssp126", "ssp245", "ssp370", "ssp585"}, {"Amon"})},
                     {"experiment_id"},
                     {c::add_supplementary_dataset({{"experiment_id", {"historical"}}}, cmip6_match, {}),
                      timerange(1850, 1, 2100, 12, cmip6_match),
                      c::require_facets("experiment_id", {"historical"}, "all", cmip6_match),
                      c::require_facets("variable_id", {"pr", "tas"}, "all",
                                        {"experiment_id", "source_id", "member_id", "grid_label", "table_id"}),
                      areacella("cmip6")})},
        // Upstream leaves the CMIP7 scenario list empty until CMIP7 scenario names exist.
        {requirement("cmip7",
                     {{{"branded_variable", {"pr_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u"}},
                       {"experiment_id", {}},
                       {"frequency", {"mon"}},
                       {"region", {"glb"}}}},
                     {"experiment_id"},
                     {c::add_supplementary_dataset({{"experiment_id", {"historical"}}}, cmip7_match, {}),
                      timerange(1850, 1, 2100, 12, cmip7_match),
                      c::require_facets("experiment_id", {"historical"}, "all", cmip7_match),
                      c::require_facets("variable_id", {"pr", "tas"}, "all",
                                        {"experiment_id", "source_id", "variant_label", "grid_label"}),
                      areacella("cmip7")})},
    };
    for (const std::string variable : {"tas", "pr"}) {
        const json dims = {{"statistic", "mean"}, {"variable_id", variable}};
        d.files.push_back({"plots/gwl_mean_plots_" + variable + "/plot_gwl_stats/*.png", dims});
        d.files.push_back({"work/gwl_mean_plots_" + variable + "/plot_gwl_stats/*.nc", dims});
    }
    d.metrics = MetricFormat::gwl;
    d.backend_wired = true;
    return d;
}

// ---- other diagnostics ----

DiagnosticSpec climate_drivers_for_fire() {
    DiagnosticSpec d = make_spec("climate-drivers-for-fire", "Climate drivers for fire", 2, "ref/recipe_ref_fire.yml", {}, {}, {}, {});
    d.requirements = {
        {requirement("cmip6",
                     {cmip6_filter({"hurs", "pr", "tas", "tasmax"}, {"historical"}, {"Amon"}),
                      cmip6_filter({"cVeg", "treeFrac"}, {"historical"}, {"Lmon"}),
                      cmip6_filter({"vegFrac"}, {"historical"}, {"Emon"})},
                     kCmip6Group,
                     {timerange(1995, 1, 2014, 12), c::add_supplementary_dataset_from_defaults("sftlf", "cmip6"),
                      c::require_facets("variable_id",
                                        {"cVeg", "hurs", "pr", "tas", "tasmax", "sftlf", "treeFrac", "vegFrac"})})},
        {requirement("cmip7",
                     {cmip7_filter({"hurs_tavg-h2m-hxy-u", "pr_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u", "tas_tmaxavg-h2m-hxy-u"},
                                   {"historical"}),
                      cmip7_filter({"cVeg_tavg-u-hxy-lnd", "treeFrac_tavg-u-hxy-u", "vegFrac_tavg-u-hxy-u"},
                                   {"historical"})},
                     kCmip7Group,
                     {timerange(2002, 1, 2021, 12), c::add_supplementary_dataset_from_defaults("sftlf", "cmip7"),
                      c::require_facets("branded_variable",
                                        {"cVeg_tavg-u-hxy-lnd", "hurs_tavg-h2m-hxy-u", "pr_tavg-u-hxy-u",
                                         "sftlf_ti-u-hxy-u", "tas_tavg-h2m-hxy-u", "tas_tmaxavg-h2m-hxy-u",
                                         "treeFrac_tavg-u-hxy-u", "vegFrac_tavg-u-hxy-u"})})},
    };
    const std::string dir = "plots/fire_evaluation/fire_evaluation/";
    d.files = {{dir + "burnt_fraction_*.png", {{"statistic", "burnt fraction"}}},
               {dir + "*_fire_weather_control_*.png", {{"statistic", "fire weather control"}}},
               {dir + "*_fuel_load_continuity_control_*.png", {{"statistic", "fuel load continuity control"}}}};
    d.backend_wired = true;
    return d;
}

DiagnosticSpec cloud_radiative_effects() {
    DiagnosticSpec d = make_spec("cloud-radiative-effects", "Climatologies and zonal mean profiles of cloud radiative effects", 2,
                     "ref/recipe_ref_cre_cmip7.yml", {}, {}, {}, {});
    const Names variables{"rlut", "rlutcs", "rsut", "rsutcs"};
    auto obs = [&](int end_year) {
        return requirement("obs4mips",
                           {{{"frequency", {"mon"}}, {"source_id", {"CERES-EBAF-4-2-1"}}, {"variable_id", variables}}},
                           {"source_id"}, {timerange(2002, 1, end_year, 12)});
    };
    d.requirements = {
        {requirement("cmip6", {cmip6_filter(variables, {"historical"}, {"Amon"})}, kCmip6Group,
                     {timerange(2002, 1, 2014, 12), overlapping(), c::require_facets("variable_id", variables),
                      areacella("cmip6")}),
         obs(2014)},
        {requirement("cmip7",
                     {cmip7_filter({"rlut_tavg-u-hxy-u", "rlutcs_tavg-u-hxy-u", "rsut_tavg-u-hxy-u", "rsutcs_tavg-u-hxy-u"},
                                   {"historical"})},
                     kCmip7Group,
                     {timerange(2002, 1, 2021, 12), overlapping(), c::require_facets("variable_id", variables),
                      areacella("cmip7")}),
         obs(2021)},
    };
    for (const std::string var : {"lwcre", "swcre"}) {
        const std::string pattern = "plot_profiles/plot/variable_vs_lat_" + var + "_*.nc";
        const json dims = {{"variable_id", var}, {"statistic", "zonal mean"}};
        json ref_dims = dims;
        ref_dims["reference_source_id"] = "CERES-EBAF-4-2-1";
        d.series.push_back({pattern, dims, var, "lat", {{"dim0", 0}}});
        d.series.push_back({pattern, ref_dims, var, "lat", {{"dim0", 1}}});
    }
    for (const std::string var : {"lwcre", "swcre"}) {
        d.files.push_back({"plots/plot_profiles/plot/variable_vs_lat_" + var + "_*.png",
                           {{"variable_id", var}, {"statistic", "zonal mean"}}});
        const json map_dims = {{"variable_id", var}, {"statistic", "climatology map"}};
        d.files.push_back({"plots/plot_maps/plot/map_" + var + "_*.png", map_dims});
        d.files.push_back({"work/plot_maps/plot/map_" + var + "_*.nc", map_dims});
    }
    d.backend_wired = true;
    return d;
}

struct ScatterPair {
    std::string x, y;
    Names variables, branded;
};
const std::vector<ScatterPair>& scatter_pairs() {
    static const std::vector<ScatterPair> pairs{
        {"cli", "ta", {"cli", "ta"}, {"cli_tavg-al-hxy-u", "ta_tavg-p19-hxy-air"}},
        {"clivi", "lwcre", {"clivi", "rlut", "rlutcs"}, {"clivi_tavg-u-hxy-u", "rlut_tavg-u-hxy-u", "rlutcs_tavg-u-hxy-u"}},
        {"clt", "swcre", {"clt", "rsut", "rsutcs"}, {"clt_tavg-u-hxy-u", "rsut_tavg-u-hxy-u", "rsutcs_tavg-u-hxy-u"}},
        {"clwvi", "pr", {"clwvi", "pr"}, {"clwvi_tavg-u-hxy-u", "pr_tavg-u-hxy-u"}},
    };
    return pairs;
}

DiagnosticSpec cloud_scatterplot(const ScatterPair& pair) {
    DiagnosticSpec d = make_spec("cloud-scatterplots-" + pair.x + "-" + pair.y,
                     "Scatterplots of two cloud-relevant variables (" + pair.x + " vs " + pair.y + ")", 1,
                     "ref/recipe_ref_scatterplot.yml", {}, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter(pair.variables, {"historical"}, {"Amon"})},
                     {"source_id", "experiment_id", "member_id", "frequency", "grid_label"},
                     {timerange(1996, 1, 2014, 12), c::require_facets("variable_id", pair.variables),
                      areacella("cmip6")})},
        {requirement("cmip7",
                     {{{"experiment_id", {"historical"}},
                       {"frequency", {"mon"}},
                       {"region", {"glb"}},
                       {"branded_variable", pair.branded}}},
                     {"source_id", "experiment_id", "variant_label", "frequency", "grid_label"},
                     {timerange(1996, 1, 2014, 12), c::require_facets("variable_id", pair.variables),
                      areacella("cmip7")})},
    };
    const std::string diagnostic = "plot_joint_" + pair.x + "_" + pair.y + "_model";
    const json dims = {{"statistic", "joint histogram of " + pair.x + " vs " + pair.y}};
    d.files = {{"plots/" + diagnostic + "/plot/png/*.png", dims}, {"work/" + diagnostic + "/plot/*.nc", dims}};
    d.backend_wired = true;
    return d;
}

DiagnosticSpec cloud_scatterplots_reference() {
    DiagnosticSpec d = make_spec("cloud-scatterplots-reference", "Reference scatterplots of two cloud-relevant variables", 1,
                     "ref/recipe_ref_scatterplot.yml", {}, {}, {}, {});
    d.requirements = {{requirement("obs4mips", {{{"source_id", {"ERA-5"}}, {"variable_id", {"ta"}}}}, {"instance_id"},
                                   {timerange(2007, 1, 2014, 12)})}};
    for (const auto& pair : scatter_pairs()) {
        const std::string diagnostic = "plot_joint_" + pair.x + "_" + pair.y + "_ref";
        const json dims = {{"statistic", "joint histogram of " + pair.x + " vs " + pair.y}};
        d.files.push_back({"plots/" + diagnostic + "/plot/png/*.png", dims});
        d.files.push_back({"work/" + diagnostic + "/plot/*.nc", dims});
    }
    d.backend_wired = true;
    return d;
}

DiagnosticSpec enso_basic_climatology() {
    DiagnosticSpec d = make_spec("enso-basic-climatology", "ENSO Basic Climatology", 1, "ref/recipe_enso_basicclimatology.yml", {},
                     {}, {}, {});
    const std::vector<json> constraints{contiguous(), overlapping(), c::require_facets("variable_id", {"pr", "tauu", "tos"})};
    d.requirements = {
        {requirement("cmip6",
                     {cmip6_filter({"pr", "tauu"}, {"historical"}, {"Amon"}), cmip6_filter({"tos"}, {"historical"}, {"Omon"})},
                     kCmip6Group, constraints)},
        {requirement("cmip7",
                     {cmip7_filter({"pr_tavg-u-hxy-u", "tauu_tavg-u-hxy-u"}, {"historical"}),
                      cmip7_filter({"tos_tavg-u-hxy-sea"}, {"historical"})},
                     kCmip7Group, constraints)},
    };
    const std::string dir = "diagnostic_metrics/plot_script/";
    const std::vector<std::string> sources{"{source_id}", "GPCP-V2.3", "TROPFLUX"};
    auto with_reference = [](json dims, const std::string& source) {
        if (source != "{source_id}") dims["reference_source_id"] = source;
        return dims;
    };
    for (const std::string var : {"pr", "sst", "tauu"}) {
        const std::string file_var = var == "sst" ? "tos" : var;
        for (const auto& source : sources) {
            d.series.push_back({dir + source + "_eq_" + var + "_bias.nc",
                                with_reference({{"statistic", "zonal bias in the time-mean " + var +
                                                                  " structure across the equatorial Pacific"}},
                                               source),
                                file_var, "lon", json::object()});
        }
        // Upstream reads the model file for every seasonal-cycle entry (kept as declared).
        for (const auto& source : sources) {
            d.series.push_back({dir + "{source_id}_eq_" + var + "_seacycle.nc",
                                with_reference({{"statistic", "zonal bias in the amplitude of the mean seasonal cycle of " +
                                                                  var + " in the equatorial Pacific"}},
                                               source),
                                file_var, "lon", json::object()});
        }
    }
    for (const std::string source : {"{source_id}", "GPCP-V2.3"}) {
        d.series.push_back({dir + source + "_pr_double.nc",
                            with_reference({{"statistic", "meridional bias in the time-mean pr structure across the eastern Pacific"}},
                                           source),
                            "pr", "lat", json::object()});
    }
    for (const std::string source : {"{source_id}", "GPCP-V2.3"}) {
        d.series.push_back({dir + "*_pr_double_seacycle.nc",
                            with_reference({{"statistic", "meridional bias in the amplitude of the mean seasonal pr cycle in the eastern Pacific"}},
                                           source),
                            "pr", "lat", json::object()});
    }
    const std::string plots = "plots/diagnostic_metrics/plot_script/png/";
    for (const std::string var : {"pr", "sst", "tauu"}) {
        d.files.push_back({plots + "*_eq_" + var + "_bias.png",
                           {{"statistic", "zonal bias in the time-mean " + var + " structure across the equatorial Pacific"}}});
        d.files.push_back({plots + "*_eq_" + var + "_seacycle.png",
                           {{"statistic", "zonal bias in the amplitude of the mean seasonal cycle of " + var +
                                              " in the equatorial Pacific"}}});
    }
    d.files.push_back({plots + "*_pr_double.png",
                       {{"statistic", "meridional bias in the time-mean pr structure across the eastern Pacific"}}});
    d.files.push_back({plots + "*_pr_double_seacycle.png",
                       {{"statistic", "meridional bias in the amplitude of the mean seasonal pr cycle in the eastern Pacific"}}});
    for (const std::string var : {"pr", "tauu", "tos"})
        d.files.push_back({"plots/diagnostic_level2/plot_script/png/*_" + var + "_map_*.png", {{"variable_id", var}}});
    d.backend_wired = true;
    return d;
}

DiagnosticSpec enso_characteristics() {
    DiagnosticSpec d = make_spec("enso-characteristics", "ENSO Characteristics", 1, "ref/recipe_enso_characteristics.yml",
                     kMetricFacets, {}, {}, {});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"tos"}, {"historical"}, {"Omon"})}, kCmip6Group,
                     {contiguous(), overlapping(), areacello("cmip6"),
                      c::require_facets("variable_id", {"tos", "areacello"})})},
        {requirement("cmip7", {cmip7_filter({"tos_tavg-u-hxy-sea"}, {"historical"})}, kCmip7Group,
                     {contiguous(), overlapping(), areacello("cmip7"),
                      c::require_facets("variable_id", {"tos", "areacello"})})},
    };
    for (const std::string metric :
         {"09pattern", "10lifecycle", "11amplitude", "12seasonality", "13asymmetry", "14duration", "15diversity"})
        d.files.push_back({"plots/diagnostic_metrics/plot_script/png/*_" + metric + ".png", {{"metric", metric}}});
    d.metrics = MetricFormat::enso_characteristics;
    d.backend_wired = true;
    return d;
}

// ---- ozone ----

Alternatives toz_requirements() {
    auto obs = requirement("obs4mips",
                           {{{"variable_id", {"toz"}}, {"source_id", {"C3S-GTO-ECV-9-0"}}, {"frequency", {"mon"}}}},
                           {"source_id"}, {timerange(1996, 1, 2014, 12)});
    return {
        {requirement("cmip6", {cmip6_filter({"toz"}, {"historical"}, {"AERmon"})}, kCmip6Group,
                     {timerange(1996, 1, 2014, 12), contiguous(), areacella("cmip6")}),
         obs},
        {requirement("cmip7",
                     {{{"variable_id", {"toz"}},
                       {"experiment_id", {"historical"}},
                       {"branded_variable", {"toz_tavg-u-hxy-u"}},
                       {"frequency", {"mon"}},
                       {"region", {"glb"}}}},
                     kCmip7Group, {timerange(1996, 1, 2014, 12), contiguous(), areacella("cmip7")}),
         obs},
    };
}

DiagnosticSpec ozone(const std::string& slug, int version) {
    DiagnosticSpec d = make_spec(slug, "Ozone Diagnostics", version, "ref/recipe_ref_ozone_cmip7.yml", {}, toz_requirements(), {}, {});
    d.backend_wired = true;
    return d;
}

DiagnosticSpec ozone_lat_time() {
    auto d = ozone("ozone-lat-time", 2);
    d.files = {{"plots/lat_time_mapplot/plot/*.png", {{"variable_id", "toz"}, {"statistic", "zonal mean vs time"}}}};
    return d;
}
DiagnosticSpec ozone_sh_oct() {
    auto d = ozone("ozone-sh-oct", 2);
    const json dims = {{"variable_id", "toz"}, {"statistic", "Southern Hemisphere October polar mean"}};
    d.series = {{"work/polar_cap_time_series_SH/plot/timeseries_toz_SH_Oct.nc", dims, "toz", "time", {{"dim0", 0}}}};
    d.files = {{"plots/polar_cap_time_series_SH/plot/timeseries_toz_SH_Oct.png", dims}};
    return d;
}
DiagnosticSpec ozone_nh_mar() {
    auto d = ozone("ozone-nh-mar", 2);
    const json dims = {{"variable_id", "toz"}, {"statistic", "Northern Hemisphere March polar mean"}};
    d.series = {{"work/polar_cap_time_series_NH/plot/timeseries_toz_NH_MAR.nc", dims, "toz", "time", {{"dim0", 0}}}};
    d.files = {{"plots/polar_cap_time_series_NH/plot/timeseries_toz_NH_MAR.png", dims}};
    return d;
}
DiagnosticSpec ozone_zonal() {
    auto d = ozone("ozone-zonal", 3);
    d.requirements = {{requirement("cmip6", {cmip6_filter({"o3"}, {"historical"}, {"Amon"})}, kCmip6Group,
                                   {timerange(2005, 1, 2014, 12), contiguous()})}};
    return d;
}
DiagnosticSpec ozone_annual_cycle() {
    auto d = ozone("ozone-annual-cycle", 2);
    d.files = {{"plots/lat_month_mapplot/plot/*.png", {{"statistic", "zonal mean annual cycle"}}}};
    return d;
}

// ---- regional historical ----

const Names kRegionalVariables{"hus", "pr", "psl", "tas", "ua"};
const Names kRegionalBranded{"hus_tavg-p19-hxy-u", "pr_tavg-u-hxy-u", "psl_tavg-u-hxy-u", "tas_tavg-h2m-hxy-u",
                             "ua_tavg-p19-hxy-air"};

Alternatives regional_requirements(int end_year, bool cmip7_region, Names obs_variables) {
    return {
        {requirement("cmip6", {cmip6_filter(kRegionalVariables, {"historical"}, {"Amon"})}, kCmip6Group,
                     {timerange(1980, 1, end_year, 12), areacella("cmip6")})},
        {requirement("cmip7", {cmip7_filter(kRegionalBranded, {"historical"}, cmip7_region)}, kCmip7Group,
                     {timerange(1980, 1, end_year, 12), areacella("cmip7")})},
        {requirement("obs4mips",
                     {{{"variable_id", std::move(obs_variables)}, {"source_id", {"ERA-5"}}, {"frequency", {"mon"}}}},
                     {"source_id"}, {timerange(1980, 1, end_year, 12)})},
    };
}

const std::vector<std::pair<std::string, std::string>>& regional_diagnostic_names() {
    static const std::vector<std::pair<std::string, std::string>> names{
        {"hus", "specific_humidity"},
        {"pr", "precipitation"},
        {"psl", "sea_level_pressure"},
        {"tas", "near-surface_air_temperature"},
        {"ua", "eastward_wind"},
    };
    return names;
}

DiagnosticSpec regional_annual_cycle() {
    DiagnosticSpec d = make_spec("regional-historical-annual-cycle", "Regional historical annual cycle of climate variables", 1,
                     "ref/recipe_ref_annual_cycle_region.yml", {},
                     regional_requirements(2009, false, {"psl", "ua"}), {}, {});
    for (const auto& [variable, name] : regional_diagnostic_names()) {
        const std::string diagnostic = name + "_annual_cycle";
        for (const auto& region : ar6_region_names()) {
            const json dims = {{"region", region}, {"variable_id", variable}, {"statistic", "mean"}};
            const std::string file = "annual_cycle_*_" + region_file_name(region);
            d.series.push_back({"work/" + diagnostic + "/figures/" + file + ".nc", dims, variable, "month_number",
                                {{"dim0", 0}}});
            d.files.push_back({"plots/" + diagnostic + "/figures/" + file + ".png", dims});
        }
    }
    d.backend_wired = true;
    return d;
}

DiagnosticSpec regional_timeseries() {
    DiagnosticSpec d = make_spec("regional-historical-timeseries", "Regional historical mean and anomaly of climate variables", 1,
                     "ref/recipe_ref_timeseries_region.yml", {}, regional_requirements(2014, true, {"psl", "ua"}), {},
                     {});
    for (const auto& [variable, name] : regional_diagnostic_names()) {
        for (const auto& [diagnostic, statistic] :
             std::vector<std::pair<std::string, std::string>>{{name, "mean"}, {name + "_anomalies", "mean anomaly"}}) {
            for (const auto& region : ar6_region_names()) {
                const json dims = {{"region", region}, {"variable_id", variable}, {"statistic", statistic}};
                const std::string file = "timeseries_*_" + region_file_name(region);
                d.series.push_back({"work/" + diagnostic + "/figures/" + file + ".nc", dims, variable, "time",
                                    {{"dim0", 0}}});
                d.files.push_back({"plots/" + diagnostic + "/figures/" + file + ".png", dims});
            }
        }
    }
    d.backend_wired = true;
    return d;
}

DiagnosticSpec regional_trend() {
    DiagnosticSpec d = make_spec("regional-historical-trend", "Regional historical trend of climate variables", 1,
                     "ref/recipe_ref_trend_regions.yml",
                     {"grid_label", "member_id", "variant_label", "source_id", "variable_id", "region", "metric"},
                     regional_requirements(2009, false, {"psl", "tas", "ua"}), {}, {});
    for (const std::string v : {"tas", "pr", "psl", "ua200", "hus200"}) {
        const json dims = {{"variable_id", v}, {"statistic", "trend"}};
        d.files.push_back({"plots/" + v + "_trends/plot/seaborn_barplot.png", dims});
        d.files.push_back({"work/" + v + "_trends/plot/seaborn_barplot.nc", dims});
    }
    d.metrics = MetricFormat::regional_trend;
    d.backend_wired = true;
    return d;
}

// ---- sea ice ----

DiagnosticSpec sea_ice_area_basic() {
    DiagnosticSpec d = make_spec("sea-ice-area-basic", "Sea ice area basic", 2, "ref/recipe_ref_sea_ice_area_basic.yml", {}, {}, {}, {});
    const auto reference = requirement(
        "esmvaltool-reference",
        {{{"project", {"OBS"}}, {"source_id", {"OSI-450-nh", "OSI-450-sh"}}, {"variable_id", {"sic", "areacello"}}}},
        {"project"},
        {c::require_facets("source_id", {"OSI-450-nh", "OSI-450-sh"}), c::require_facets("variable_id", {"sic", "areacello"})});
    d.requirements = {
        {requirement("cmip6", {cmip6_filter({"siconc"}, {"historical"}, {"SImon"})}, kCmip6Group,
                     {timerange(1979, 1, 2014, 12), areacello("cmip6"),
                      c::require_facets("variable_id", {"siconc", "areacello"})}),
         reference},
        {requirement("cmip7", {cmip7_filter({"siconc_tavg-u-hxy-u"}, {"historical"})}, kCmip7Group,
                     {timerange(1979, 1, 2014, 12), areacello("cmip7"),
                      c::require_facets("variable_id", {"siconc", "areacello"})}),
         reference},
    };
    for (const auto& [h, region, min_statistic] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"nh", "Northern Hemisphere", "September sea ice area"},
             {"sh", "Southern Hemisphere", "February sea ice area"}}) {
        const json min_dims = {{"region", region}, {"statistic", min_statistic}};
        const json seas_dims = {{"region", region}, {"statistic", "20-year average seasonal cycle of the sea ice area"}};
        for (int i = 0; i < 2; ++i) {
            json md = min_dims, sd = seas_dims;
            if (i == 1) md["reference_source_id"] = sd["reference_source_id"] = "OSI-450-" + h;
            d.series.push_back({"siarea_min/allplots/timeseries_sea_ice_area_" + h + "_*.nc", md, "siconc", "time",
                                {{"dim0", i}}});
            d.series.push_back({"siarea_seas/allplots/annual_cycle_sea_ice_area_" + h + "_*.nc", sd, "siconc",
                                "month_number", {{"dim0", i}}});
        }
        d.files.push_back({"plots/siarea_min/allplots/timeseries_sea_ice_area_" + h + "_*.png", min_dims});
        d.files.push_back({"plots/siarea_seas/allplots/annual_cycle_sea_ice_area_" + h + "_*.png", seas_dims});
    }
    d.backend_wired = true;
    return d;
}

DiagnosticSpec sea_ice_sensitivity() {
    DiagnosticSpec d = make_spec("sea-ice-sensitivity", "Sea ice sensitivity", 1, "recipe_seaice_sensitivity.yml",
                     {"experiment_id", "source_id", "region", "metric"}, {}, {}, {});
    auto chain = [](const std::string& type, const std::string& member) {
        return std::vector<json>{timerange(1979, 1, 2014, 12),
                                 c::require_facets("variable_id", {"siconc", "tas"}, "all", {"source_id", member, "grid_label"}),
                                 c::select_first_member(member, {"source_id"}),
                                 areacella(type),
                                 areacello(type),
                                 c::require_facets("variable_id", {"areacello"}, "all", {"source_id", "grid_label"})};
    };
    d.requirements = {
        {requirement("cmip6",
                     {cmip6_filter({"siconc"}, {"historical"}, {"SImon"}), cmip6_filter({"tas"}, {"historical"}, {"Amon"})},
                     {"experiment_id"}, chain("cmip6", "member_id"))},
        {requirement("cmip7",
                     {cmip7_filter({"siconc_tavg-u-hxy-u"}, {"historical"}), cmip7_filter({"tas_tavg-h2m-hxy-u"}, {"historical"})},
                     {"experiment_id"}, chain("cmip7", "variant_label"))},
    };
    for (const std::string region : {"arctic", "antarctic"}) {
        const json dims = {{"region", region}};
        d.files.push_back({"plots/" + region + "/sea_ice_sensitivity_script/png/*.png", dims});
        d.files.push_back({"work/" + region + "/sea_ice_sensitivity_script/plotted_values.csv", dims});
    }
    d.metrics = MetricFormat::sea_ice_sensitivity;
    d.backend_wired = true;
    return d;
}

std::vector<DiagnosticSpec> build_specs() {
    std::vector<DiagnosticSpec> specs;
    specs.push_back(global_mean_timeseries());
    specs.push_back(equilibrium_climate_sensitivity());
    specs.push_back(transient_climate_response());
    specs.push_back(transient_climate_response_emissions());
    specs.push_back(zero_emission_commitment());
    specs.push_back(climate_at_global_warming_levels());
    specs.push_back(climate_drivers_for_fire());
    specs.push_back(cloud_radiative_effects());
    for (const auto& pair : scatter_pairs()) specs.push_back(cloud_scatterplot(pair));
    specs.push_back(cloud_scatterplots_reference());
    specs.push_back(enso_basic_climatology());
    specs.push_back(enso_characteristics());
    specs.push_back(ozone_lat_time());
    specs.push_back(ozone_sh_oct());
    specs.push_back(ozone_nh_mar());
    specs.push_back(ozone_zonal());
    specs.push_back(ozone_annual_cycle());
    specs.push_back(regional_annual_cycle());
    specs.push_back(regional_timeseries());
    specs.push_back(regional_trend());
    specs.push_back(sea_ice_area_basic());
    specs.push_back(sea_ice_sensitivity());
    return specs;
}

}  // namespace

const std::vector<std::string>& ar6_region_names() {
    static const std::vector<std::string> names{
        "Arabian-Peninsula", "Arabian-Sea", "Arctic-Ocean", "Bay-of-Bengal", "C.Australia", "C.North-America",
        "Caribbean", "Central-Africa", "E.Antarctica", "E.Asia", "E.Australia", "E.C.Asia", "E.Europe",
        "E.North-America", "E.Siberia", "E.Southern-Africa", "Equatorial.Atlantic-Ocean", "Equatorial.Indic-Ocean",
        "Equatorial.Pacific-Ocean", "Greenland/Iceland", "Madagascar", "Mediterranean", "N.Atlantic-Ocean",
        "N.Australia", "N.Central-America", "N.E.North-America", "N.E.South-America", "N.Eastern-Africa", "N.Europe",
        "N.Pacific-Ocean", "N.South-America", "N.W.North-America", "N.W.South-America", "New-Zealand",
        "Russian-Arctic", "Russian-Far-East", "S.Asia", "S.Atlantic-Ocean", "S.Australia", "S.Central-America",
        "S.E.Asia", "S.E.South-America", "S.Eastern-Africa", "S.Indic-Ocean", "S.Pacific-Ocean", "S.South-America",
        "S.W.South-America", "Sahara", "South-American-Monsoon", "Southern-Ocean", "Tibetan-Plateau", "W.Antarctica",
        "W.C.Asia", "W.North-America", "W.Siberia", "W.Southern-Africa", "West&Central-Europe", "Western-Africa"};
    return names;
}

std::string region_file_name(const std::string& region) {
    std::string out = region;
    std::replace_if(out.begin(), out.end(), [](char ch) { return ch == '.' || ch == '/' || ch == '&'; }, '-');
    return out;
}

const std::vector<DiagnosticSpec>& diagnostic_specs() {
    static const std::vector<DiagnosticSpec> specs = build_specs();
    return specs;
}

const DiagnosticSpec& diagnostic_spec(const std::string& slug) {
    for (const auto& spec : diagnostic_specs())
        if (spec.slug == slug) return spec;
    throw std::out_of_range("no ESMValTool diagnostic '" + slug + "'");
}

}  // namespace ref::esmvaltool
