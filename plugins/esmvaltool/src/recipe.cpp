#include "ref/esmvaltool/recipe.hpp"

#include "ref/esmvaltool/resources.hpp"
#include "ref/science/cf_time.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace ref::esmvaltool {

namespace {

using plugin::DiagnosticError;

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

std::string string_column(const json& row, const std::string& column) {
    auto it = row.find(column);
    if (it == row.end() || it->is_null())
        throw DiagnosticError("the execution's datasets have no '" + column + "' column, which the recipe needs");
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string project_of(const json& row) { return split(string_column(row, "instance_id"), '.').front(); }

std::string activity_of(const json& row) {
    const auto parts = split(string_column(row, "instance_id"), '.');
    if (parts.size() < 2) throw DiagnosticError("the instance_id '" + parts.front() + "' names no activity");
    return parts[1];
}

// ESMValTool facet -> catalog column per project ("" for the activity, read from instance_id).
const std::vector<std::pair<std::string, std::string>>& facet_columns(const std::string& project) {
    static const std::vector<std::pair<std::string, std::string>> cmip6{
        {"activity", ""},        {"dataset", "source_id"}, {"ensemble", "member_id"}, {"institute", "institution_id"},
        {"exp", "experiment_id"}, {"grid", "grid_label"},   {"mip", "table_id"},       {"short_name", "variable_id"}};
    static const std::vector<std::pair<std::string, std::string>> cmip7{
        {"activity", ""},
        {"dataset", "source_id"},
        {"ensemble", "variant_label"},
        {"institute", "institution_id"},
        {"exp", "experiment_id"},
        {"grid", "grid_label"},
        {"mip", "realm"},
        {"short_name", "variable_id"},
        {"branding_suffix", "branding_suffix"},
        {"frequency", "frequency"},
        {"region", "region"}};
    static const std::vector<std::pair<std::string, std::string>> obs4mips{{"dataset", "source_id"},
                                                                            {"institute", "institution_id"},
                                                                            {"grid", "grid_label"},
                                                                            {"short_name", "variable_id"},
                                                                            {"frequency", "frequency"}};
    if (project == "CMIP6") return cmip6;
    if (project == "CMIP7") return cmip7;
    if (project == "obs4MIPs") return obs4mips;
    throw DiagnosticError("datasets of project '" + project + "' cannot be put into an ESMValTool recipe");
}

std::string four_digit_year(int year) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d", year);
    return text;
}

science::DateTime parse_time(const std::string& text) {
    science::DateTime t;
    if (std::sscanf(text.c_str(), "%d-%d-%d%*[ T]%d:%d:%d", &t.year, &t.month, &t.day, &t.hour, &t.minute, &t.second) < 3)
        throw DiagnosticError("cannot read the time '" + text + "'");
    return t;
}

double number_column(const json& row, const std::string& column) {
    auto it = row.find(column);
    if (it != row.end() && it->is_number()) return it->get<double>();
    if (it != row.end() && it->is_string()) {
        try {
            return std::stod(it->get<std::string>());
        } catch (const std::exception&) {
        }
    }
    throw DiagnosticError("the dataset " + row.value("instance_id", std::string("?")) + " has no numeric '" + column +
                          "', needed to align it with its parent run");
}

std::int64_t seconds_of(science::Calendar calendar, const science::DateTime& t) {
    return science::day_number(calendar, t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

std::vector<json> rows_where(const std::vector<json>& rows, const std::string& column, const std::string& value) {
    std::vector<json> out;
    for (const auto& row : rows)
        if (row.contains(column) && row[column] == value) out.push_back(row);
    return out;
}

// The model rows of the execution (CMIP6 or CMIP7) and their project.
std::pair<std::vector<json>, std::string> model_rows(const plugin::ExecutionDefinition& definition) {
    for (const std::string type : {"cmip6", "cmip7"}) {
        if (const auto* collection = definition.find(type); collection && !collection->rows.empty())
            return {collection->rows, type == "cmip6" ? "CMIP6" : "CMIP7"};
    }
    throw DiagnosticError("the execution has no CMIP6 or CMIP7 datasets");
}

ordered_json& diagnostic_of(ordered_json& recipe, const std::string& name) {
    auto& diagnostics = recipe["diagnostics"];
    if (!diagnostics.is_object() || !diagnostics.contains(name))
        throw DiagnosticError("the recipe template has no diagnostic '" + name + "'");
    return diagnostics[name];
}

void erase_keys(ordered_json& facets, std::initializer_list<const char*> keys) {
    for (const char* key : keys) facets.erase(key);
}

// Every dataset list of the recipe with, for variable-level lists, the variable's mip.
template <class Visit>
void for_each_dataset_list(ordered_json& recipe, Visit&& visit) {
    if (recipe.contains("datasets") && recipe["datasets"].is_array()) visit(recipe["datasets"], nullptr, nullptr);
    if (!recipe.contains("diagnostics") || !recipe["diagnostics"].is_object()) return;
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object()) continue;
        ordered_json* variables = diagnostic.contains("variables") && diagnostic["variables"].is_object()
                                      ? &diagnostic["variables"]
                                      : nullptr;
        if (diagnostic.contains("additional_datasets") && diagnostic["additional_datasets"].is_array())
            visit(diagnostic["additional_datasets"], variables, nullptr);
        if (!variables) continue;
        for (auto& [variable_name, variable] : variables->items()) {
            if (variable.is_object() && variable.contains("additional_datasets") &&
                variable["additional_datasets"].is_array())
                visit(variable["additional_datasets"], nullptr, &variable);
        }
    }
}

// ---- per-diagnostic updates (spec §2) ----

void update_global_mean_timeseries(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    recipe["datasets"] = ordered_json::array();
    recipe["diagnostics"].erase("map");
    std::vector<json> data_rows;
    for (const auto& row : rows)
        if (row.value("variable_id", "") != "areacella") data_rows.push_back(row);
    ordered_json variables = dataframe_to_recipe(data_rows);
    for (auto& [name, variable] : variables.items()) {
        variable["preprocessor"] = "annual_mean_global";
        variable["caption"] = "Annual global mean {long_name} according to {dataset}.";
    }
    diagnostic_of(recipe, "timeseries")["variables"] = variables;
}

void set_child_parent_datasets(ordered_json& recipe, const std::string& diagnostic, const std::vector<json>& rows,
                               const std::string& project, const std::string& parent_experiment, int duration) {
    auto pair = child_and_parent_datasets(rows_where(rows, "variable_id", "tas"), parent_experiment, duration, 0, duration);
    for (auto* facets : {&pair.child, &pair.parent}) erase_keys(*facets, {"branding_suffix", "short_name"});
    recipe["datasets"] = ordered_json::array({pair.child, pair.parent});
    if (project == "CMIP6") {
        for (auto& [name, variable] : diagnostic_of(recipe, diagnostic)["variables"].items())
            if (variable.is_object()) variable.erase("branding_suffix");
    }
}

void update_ecs(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    set_child_parent_datasets(recipe, "ecs", rows, project, "piControl", 150);
}

void update_tcr(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    set_child_parent_datasets(recipe, "tcr", rows, project, "piControl", 140);
}

void update_tcre(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    const bool cmip6 = project == "CMIP6";
    const int duration = cmip6 ? 65 : 110;
    const std::string target = cmip6 ? "esm-1pctCO2" : "esm-flat10";
    auto pair = child_and_parent_datasets(rows_where(rows, "variable_id", "tas"), "esm-piControl", duration, 0, duration);
    for (auto* facets : {&pair.child, &pair.parent}) erase_keys(*facets, {"branding_suffix", "short_name"});
    // The emissions of the target run itself (upstream insists on esm-1pctCO2, which a CMIP7
    // execution never holds).
    const auto emission_rows = rows_where(rows_where(rows, "variable_id", "fco2antt"), "experiment_id", target);
    if (emission_rows.empty())
        throw DiagnosticError("the execution has no fco2antt dataset of the " + target + " run");
    ordered_json emissions = as_facets(emission_rows);
    erase_keys(emissions, {"branding_suffix", "short_name"});
    emissions["timerange"] = pair.child["timerange"];

    auto variable = [&](const std::string& short_name, const std::string& branding, const std::string& preprocessor,
                        const ordered_json& dataset) {
        ordered_json v = ordered_json::object();
        v["short_name"] = short_name;
        v["mip"] = "Amon";
        if (!cmip6) v["branding_suffix"] = branding;
        v["preprocessor"] = preprocessor;
        v["additional_datasets"] = ordered_json::array({dataset});
        return v;
    };
    auto& diagnostic = diagnostic_of(recipe, "tcre");
    diagnostic["variables"] = ordered_json::object();
    diagnostic["variables"]["tas"] = variable("tas", "tavg-h2m-hxy-u", "global_annual_mean_anomaly", pair.child);
    diagnostic["variables"]["tas_control"] = variable("tas", "tavg-h2m-hxy-u", "global_annual_mean_anomaly", pair.parent);
    diagnostic["variables"]["fco2antt"] = variable("fco2antt", "tavg-u-hxy-u", "global_cumulative_sum", emissions);
    recipe.erase("datasets");
    if (cmip6) {
        auto& script = diagnostic["scripts"]["calculate"];
        script["calc_tcre_period"] = ordered_json::array({45, 65});
        script["exp_target"] = "esm-1pctCO2";
        script["caption"] =
            "Global annual mean near-surface air temperature anomaly versus cumulative CO2 emissions. TCRE is the "
            "20-year mean temperature change centred on the time cumulative emissions reach 1000 PgC (after 55 years).";
    }
}

void update_zec(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    const bool cmip6 = project == "CMIP6";
    const std::string child_experiment = cmip6 ? "esm-1pct-brch-1000PgC" : "esm-flat10-zec";
    const auto tas_rows = rows_where(rows, "variable_id", "tas");
    std::string parent_experiment;
    for (const auto& row : tas_rows) {
        const std::string experiment = row.value("experiment_id", "");
        if (experiment != child_experiment) parent_experiment = experiment;
    }
    if (parent_experiment.empty())
        throw DiagnosticError("the execution has no parent run of the " + child_experiment + " run");
    auto pair = child_and_parent_datasets(tas_rows, parent_experiment, 100, -10, 20);
    for (auto* facets : {&pair.child, &pair.parent}) erase_keys(*facets, {"short_name"});

    auto variable = [&](const std::string& preprocessor, const ordered_json& dataset) {
        ordered_json v = ordered_json::object();
        v["short_name"] = "tas";
        v["mip"] = "Amon";
        if (!cmip6) v["branding_suffix"] = "tavg-h2m-hxy-u";
        v["preprocessor"] = preprocessor;
        v["additional_datasets"] = ordered_json::array({dataset});
        return v;
    };
    auto& diagnostic = diagnostic_of(recipe, "zec");
    if (!diagnostic["variables"].is_object()) diagnostic["variables"] = ordered_json::object();
    diagnostic["variables"]["tas_base"] = variable("anomaly_base", pair.parent);
    diagnostic["variables"]["tas"] = variable("spatial_mean", pair.child);
    diagnostic["scripts"]["zec"]["experiments"] = {{"reference", ordered_json::array({parent_experiment})},
                                                   {"simulation", ordered_json::array({child_experiment})}};
}

void update_gwl(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    for (auto& [name, diagnostic] : recipe["diagnostics"].items())
        if (diagnostic.is_object()) diagnostic.erase("additional_datasets");
    const std::vector<std::string> group_columns =
        project == "CMIP6" ? std::vector<std::string>{"source_id", "member_id", "grid_label", "table_id", "variable_id"}
                           : std::vector<std::string>{"source_id", "variant_label", "grid_label", "variable_id"};
    std::map<std::vector<std::string>, std::vector<json>> groups;
    for (const auto& row : rows) {
        if (row.value("variable_id", "") != "tas") continue;
        std::vector<std::string> key;
        for (const auto& column : group_columns) key.push_back(string_column(row, column));
        groups[key].push_back(row);
    }
    ordered_json datasets = ordered_json::array();
    for (auto& [key, group] : groups) {
        // Scenario rows first, so `exp` reads [<scenario>, historical].
        std::stable_partition(group.begin(), group.end(),
                              [](const json& row) { return row.value("experiment_id", "") != "historical"; });
        ordered_json facets = as_facets(group);
        if (facets["exp"] == "historical") continue;
        erase_keys(facets, {"timerange", "short_name"});
        datasets.push_back(facets);
    }
    if (datasets.empty()) throw DiagnosticError("the execution has no scenario tas datasets");
    recipe["datasets"] = datasets;
    ordered_json anomaly = ordered_json::object();
    anomaly["short_name"] = "tas";
    anomaly["preprocessor"] = "calculate_anomalies";
    anomaly["timerange"] = "1850/2100";
    diagnostic_of(recipe, "calculate_gwl_exceedance_years")["variables"]["tas_anomaly"] = anomaly;
    for (const std::string variable : {"tas", "pr"}) {
        ordered_json v = ordered_json::object();
        v["preprocessor"] = "multi_model_gwl_stats";
        v["timerange"] = "2000/2100";
        diagnostic_of(recipe, "gwl_mean_plots_" + variable)["variables"][variable] = v;
    }
}

// The model datasets of one variable (one entry per instance_id, sorted), without short_name.
ordered_json model_datasets(const std::vector<json>& rows, const std::string& short_name) {
    const ordered_json variables = dataframe_to_recipe(rows_where(rows, "variable_id", short_name));
    if (!variables.contains(short_name))
        throw DiagnosticError("the execution has no " + short_name + " model dataset");
    return variables[short_name]["additional_datasets"];
}

std::string short_name_of(const std::string& group, const ordered_json& variable) {
    if (variable.is_object() && variable.contains("short_name") && variable["short_name"].is_string())
        return variable["short_name"].get<std::string>();
    return group;
}

void update_enso_characteristics(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    ordered_json datasets = model_datasets(rows, "tos");
    ordered_json tropflux = ordered_json::object();
    tropflux["dataset"] = "TROPFLUX";
    tropflux["version"] = "v1";
    tropflux["project"] = "OBS6";
    tropflux["type"] = "reanaly";
    tropflux["tier"] = 2;
    tropflux["mip"] = "Omon";
    datasets.push_back(tropflux);
    recipe["datasets"] = datasets;
}

void update_enso_basic_climatology(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    recipe.erase("datasets");
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object() || !diagnostic.contains("variables")) continue;
        for (auto& [group, variable] : diagnostic["variables"].items()) {
            if (!variable.is_object()) continue;
            auto& datasets = variable["additional_datasets"];
            if (!datasets.is_array()) datasets = ordered_json::array();
            for (const auto& dataset : model_datasets(rows, short_name_of(group, variable))) datasets.push_back(dataset);
        }
    }
}

void update_sea_ice_sensitivity(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    auto prepared = [&](const std::string& short_name) {
        ordered_json datasets = model_datasets(rows, short_name);
        for (auto& dataset : datasets) {
            dataset.erase("mip");
            dataset["timerange"] = "1979/2014";
        }
        return datasets;
    };
    if (project == "CMIP6") {
        // One entry per model serves both siconc/SImon and tas/Amon.
        recipe["datasets"] = prepared("tas");
        return;
    }
    recipe["datasets"] = ordered_json::array();
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object() || !diagnostic.contains("variables")) continue;
        for (auto& [group, variable] : diagnostic["variables"].items())
            if (variable.is_object()) variable["additional_datasets"] = prepared(short_name_of(group, variable));
    }
}

void update_cloud_radiative_effects(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    const int end_year = project == "CMIP6" ? 2014 : 2021;
    const std::string period = "2002/" + std::to_string(end_year);
    ordered_json datasets = model_datasets(rows, "rsut");
    for (auto& dataset : datasets) dataset.erase("timerange");
    recipe["datasets"] = datasets;
    recipe["timerange_for_models"]["timerange"] = period;
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object()) continue;
        if (diagnostic.contains("variables"))
            for (auto& [group, variable] : diagnostic["variables"].items())
                if (variable.is_object()) variable["timerange"] = period;
        if (diagnostic.contains("additional_datasets"))
            for (auto& reference : diagnostic["additional_datasets"]) {
                reference["start_year"] = 2002;
                reference["end_year"] = end_year;
            }
    }
}

void replace_in_captions(ordered_json& node, const std::string& from, const std::string& to) {
    if (node.is_object()) {
        for (auto& [key, value] : node.items()) {
            if (key == "caption" && value.is_string()) {
                std::string text = value.get<std::string>();
                for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
                    text.replace(at, from.size(), to);
                value = text;
            } else {
                replace_in_captions(value, from, to);
            }
        }
    } else if (node.is_array()) {
        for (auto& item : node) replace_in_captions(item, from, to);
    }
}

void update_sea_ice_area_basic(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    ordered_json datasets = model_datasets(rows, "siconc");
    for (auto& dataset : datasets) dataset.erase("timerange");
    recipe["datasets"] = datasets;
    auto observation = [](const std::string& dataset) {
        ordered_json obs = ordered_json::object();
        obs["dataset"] = dataset;
        obs["mip"] = "OImon";
        obs["project"] = "OBS";
        ordered_json areacello = ordered_json::object();
        areacello["short_name"] = "areacello";
        areacello["mip"] = "fx";
        obs["supplementary_variables"] = ordered_json::array({areacello});
        obs["tier"] = 2;
        obs["type"] = "reanaly";
        obs["version"] = "v3";
        return ordered_json::array({obs});
    };
    const std::vector<std::tuple<std::string, std::string, std::string>> targets{
        {"siarea_min", "sea_ice_area_nh_sep", "OSI-450-nh"},
        {"siarea_seas", "sea_ice_area_nh", "OSI-450-nh"},
        {"siarea_min", "sea_ice_area_sh_feb", "OSI-450-sh"},
        {"siarea_seas", "sea_ice_area_sh", "OSI-450-sh"}};
    for (const auto& [diagnostic, variable, dataset] : targets) {
        auto& variables = diagnostic_of(recipe, diagnostic)["variables"];
        if (!variables.contains(variable))
            throw DiagnosticError("the recipe template has no variable " + diagnostic + "." + variable);
        variables[variable]["additional_datasets"] = observation(dataset);
    }
    const auto& first = datasets.front();
    auto text = [](const ordered_json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); };
    replace_in_captions(recipe["diagnostics"], "[dataset]",
                        text(first["dataset"]) + "." + text(first["ensemble"]) + "." + text(first["grid"]));
}

// The ozone diagnostics keep one diagnostic of the shared recipe, with the first model dataset.
void update_ozone(ordered_json& recipe, const plugin::ExecutionDefinition& definition, const std::string& kept,
                  const std::string& short_name, const std::string& dataset_timerange, bool set_variable_timerange) {
    auto [rows, project] = model_rows(definition);
    ordered_json dataset = model_datasets(rows, short_name).front();
    dataset["timerange"] = dataset_timerange;
    recipe["datasets"] = ordered_json::array({dataset});
    ordered_json diagnostic = diagnostic_of(recipe, kept);
    if (set_variable_timerange)
        for (auto& [group, variable] : diagnostic["variables"].items())
            if (variable.is_object()) variable["timerange"] = dataset_timerange;
    recipe["diagnostics"] = ordered_json::object();
    recipe["diagnostics"][kept] = diagnostic;
}

void update_ozone_lat_time(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_ozone(recipe, definition, "lat_time_mapplot", "toz", "1996/2014", true);
}
void update_ozone_sh_oct(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_ozone(recipe, definition, "polar_cap_time_series_SH", "toz", "1950/2014", false);
}
void update_ozone_nh_mar(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_ozone(recipe, definition, "polar_cap_time_series_NH", "toz", "1950/2014", false);
    recipe["diagnostics"]["polar_cap_time_series_NH"]["scripts"]["plot"]["plots"]["timeseries"]["pyplot_kwargs"]["title"] =
        "Total Column Ozone, 60-80N, March";
}
void update_ozone_annual_cycle(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_ozone(recipe, definition, "lat_month_mapplot", "toz", "2005/2014", true);
}
void update_ozone_zonal(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_ozone(recipe, definition, "zonal_mean_profiles", "o3", "2005/2014", true);
    recipe["diagnostics"]["zonal_mean_profiles"]["scripts"]["plot"]["plots"]["zonal_mean_profile"]["pyplot_kwargs"]
          ["suptitle"] = "{long_name} (2005-2014 mean)";
}

std::string text_of(const ordered_json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string joined;
        for (const auto& item : value) joined += (joined.empty() ? "" : "-") + text_of(item);
        return joined;
    }
    return value.dump();
}

std::string plot_file_name(std::string text) {
    std::replace(text.begin(), text.end(), ' ', '_');
    std::replace(text.begin(), text.end(), '/', '-');
    return text;
}

void set_timerange_everywhere(ordered_json& recipe, const std::string& timerange) {
    for_each_dataset_list(recipe, [&](ordered_json& datasets, ordered_json*, ordered_json*) {
        for (auto& dataset : datasets)
            if (dataset.is_object()) dataset["timerange"] = timerange;
    });
}

// The model cloud scatterplots: one `_model` diagnostic of the shared recipe.
void update_cloud_scatterplot(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    const std::string slug = definition.diagnostic.substr(definition.diagnostic.find('/') + 1);
    const std::string pair = slug.substr(std::string("cloud-scatterplots-").size());
    const auto dash = pair.find('-');
    const std::string x = pair.substr(0, dash), y = pair.substr(dash + 1);
    const std::string kept = "plot_joint_" + x + "_" + y + "_model";
    std::vector<json> data_rows;
    for (const auto& row : rows)
        if (row.value("variable_id", "") != "areacella") data_rows.push_back(row);
    const ordered_json catalog = dataframe_to_recipe(data_rows);
    if (catalog.empty()) throw DiagnosticError("the execution has no model datasets");
    const ordered_json first_variable_datasets = catalog.begin().value()["additional_datasets"];

    ordered_json diagnostic = diagnostic_of(recipe, kept);
    recipe["diagnostics"] = ordered_json::object();
    if (project == "CMIP6") {
        diagnostic["additional_datasets"] = first_variable_datasets;
    } else {
        // Each variable gets its own datasets so that its branding suffix is right.
        diagnostic.erase("additional_datasets");
        for (auto& [group, variable] : diagnostic["variables"].items()) {
            const std::string short_name = short_name_of(group, variable);
            variable["additional_datasets"] =
                catalog.contains(short_name) ? catalog[short_name]["additional_datasets"] : first_variable_datasets;
        }
    }
    recipe["datasets"] = ordered_json::array();
    recipe["diagnostics"][kept] = diagnostic;
    set_timerange_everywhere(recipe, "1996/2014");
    const ordered_json& first = first_variable_datasets.front();
    const std::string suptitle = text_of(first["project"]) + " " + text_of(first["dataset"]) + " " +
                                 text_of(first["ensemble"]) + " " + text_of(first["grid"]) + " 1996/2014";
    auto& script = recipe["diagnostics"][kept]["scripts"]["plot"];
    script["suptitle"] = suptitle;
    script["plot_filename"] = "jointplot_" + x + "_" + y + "_" + plot_file_name(suptitle);
}

void update_cloud_scatterplots_reference(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    const auto& obs = definition.at("obs4mips");
    if (obs.rows.empty()) throw DiagnosticError("the execution has no ERA-5 ta dataset");
    ordered_json kept = ordered_json::object();
    for (auto& [name, diagnostic] : recipe["diagnostics"].items())
        if (name.size() > 4 && name.compare(name.size() - 4, 4, "_ref") == 0) kept[name] = diagnostic;
    recipe["diagnostics"] = kept;
    ordered_json ta = as_facets(obs.rows);
    ta.erase("short_name");
    ta["timerange"] = "2007/2015";
    ta["alias"] = ta["dataset"];
    auto& cli_ta = diagnostic_of(recipe, "plot_joint_cli_ta_ref");
    cli_ta["variables"]["ta"]["additional_datasets"] = ordered_json::array({ta});
    const std::string suptitle = "CALIPSO-ICECLOUD / " + text_of(ta["dataset"]) + " 2007/2015";
    cli_ta["scripts"]["plot"]["suptitle"] = suptitle;
    cli_ta["scripts"]["plot"]["plot_filename"] = "jointplot_cli_ta_" + plot_file_name(suptitle);
    ordered_json gpcp = ordered_json::object();
    gpcp["dataset"] = "GPCP-V2.3";
    gpcp["project"] = "obs4MIPs";
    gpcp["alias"] = "GPCP-SG";
    gpcp["timerange"] = "1992/2016";
    diagnostic_of(recipe, "plot_joint_clwvi_pr_ref")["variables"]["pr"]["additional_datasets"] = ordered_json::array({gpcp});
    recipe["datasets"] = ordered_json::array();
}

// Observations added to the obs4MIPs executions of the regional diagnostics.
ordered_json regional_extras(const std::string& short_name, bool trend) {
    auto dataset = [](std::initializer_list<std::pair<const char*, ordered_json>> facets) {
        ordered_json out = ordered_json::object();
        for (const auto& [key, value] : facets) out[key] = value;
        return out;
    };
    const ordered_json era5 = dataset({{"dataset", "ERA5"}, {"project", "native6"}, {"tier", 3}, {"type", "reanaly"}, {"version", "v1"}});
    ordered_json extras = ordered_json::array();
    if (short_name == "tas")
        extras.push_back(dataset({{"dataset", "HadCRUT5"}, {"project", "OBS"}, {"tier", 2}, {"type", "ground"},
                                  {"version", "5.0.1.0-analysis"}}));
    if (short_name == "pr") {
        extras.push_back(dataset({{"dataset", "GPCP-V2.3"}, {"project", "obs4MIPs"}}));
        if (trend) extras.push_back(era5);
    }
    if (short_name == "hus") extras.push_back(era5);
    return extras;
}

void update_regional(ordered_json& recipe, const plugin::ExecutionDefinition& definition, bool trend) {
    std::vector<json> rows;
    bool observations = false;
    if (definition.find("cmip6") || definition.find("cmip7")) {
        rows = model_rows(definition).first;
    } else {
        rows = definition.at("obs4mips").rows;
        observations = true;
    }
    recipe.erase("regions");
    recipe.erase("datasets");
    std::vector<json> data_rows;
    for (const auto& row : rows)
        if (row.value("variable_id", "") != "areacella") data_rows.push_back(row);
    const ordered_json catalog = dataframe_to_recipe(data_rows);
    const std::string label = observations ? "{dataset}" : "{dataset}_{ensemble}_{grid}";

    ordered_json kept = ordered_json::object();
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object() || !diagnostic.contains("variables")) continue;
        ordered_json variables = ordered_json::object();
        for (auto& [group, variable] : diagnostic["variables"].items()) {
            const std::string short_name = group.substr(0, group.find('_'));
            ordered_json datasets = ordered_json::array();
            if (catalog.contains(short_name)) {
                ordered_json first = catalog[short_name]["additional_datasets"].front();
                first.erase("timerange");
                datasets.push_back(first);
            }
            if (observations)
                for (const auto& extra : regional_extras(short_name, trend)) datasets.push_back(extra);
            if (datasets.empty()) continue;
            variable["additional_datasets"] = datasets;
            variables[group] = variable;
        }
        // A diagnostic with no data for its variables is left out.
        if (variables.empty()) continue;
        diagnostic["variables"] = variables;
        if (!trend && diagnostic.contains("scripts")) {
            for (auto& [script_name, script] : diagnostic["scripts"].items()) {
                script["plot_filename"] = "{plot_type}_{real_name}_" + label + "_{shape_id}";
                if (script.contains("plots"))
                    for (auto& [plot_type, plot] : script["plots"].items()) plot["plot_kwargs"]["default"]["label"] = label;
            }
        }
        kept[name] = diagnostic;
    }
    if (kept.empty()) throw DiagnosticError("the execution has no dataset for any variable of the regional recipe");
    recipe["diagnostics"] = kept;
}

void update_regional_annual_cycle_or_timeseries(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_regional(recipe, definition, false);
}
void update_regional_trend(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    update_regional(recipe, definition, true);
}

// Regression executions (keys starting with "test-") keep three regions only.
void reduce_regions_for_tests(ordered_json& recipe) {
    if (!recipe.contains("preprocessors") || !recipe["preprocessors"].is_object()) return;
    for (auto& [name, preprocessor] : recipe["preprocessors"].items()) {
        if (!preprocessor.is_object() || !preprocessor.contains("extract_shape")) continue;
        auto& shape = preprocessor["extract_shape"];
        if (shape.contains("ids") && shape["ids"].is_object() && shape["ids"].contains("Name"))
            shape["ids"]["Name"] = ordered_json::array({"Arctic-Ocean", "C.North-America", "Mediterranean"});
    }
}

void update_fire(ordered_json& recipe, const plugin::ExecutionDefinition& definition) {
    auto [rows, project] = model_rows(definition);
    const bool cmip6 = project == "CMIP6";
    const int start_year = cmip6 ? 1995 : 2002, end_year = cmip6 ? 2014 : 2021;
    recipe.erase("datasets");
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object() || !diagnostic.contains("variables")) continue;
        for (auto& [group, variable] : diagnostic["variables"].items()) {
            std::string short_name = short_name_of(group, variable);
            std::vector<json> variable_rows;
            if (!cmip6 && (short_name == "tas" || short_name == "tasmax")) {
                // CMIP7 has one tas variable; the maximum is a branding of it.
                const std::string branding = short_name == "tasmax" ? "tmaxavg-h2m-hxy-u" : "tavg-h2m-hxy-u";
                variable_rows = rows_where(rows_where(rows, "variable_id", "tas"), "branding_suffix", branding);
                variable["short_name"] = "tas";
                variable["branding_suffix"] = branding;
                short_name = "tas";
            } else {
                variable_rows = rows_where(rows, "variable_id", short_name);
            }
            const ordered_json catalog = dataframe_to_recipe(variable_rows);
            if (!catalog.contains(short_name)) throw DiagnosticError("the execution has no " + group + " dataset");
            ordered_json datasets = catalog[short_name]["additional_datasets"];
            for (auto& dataset : datasets) {
                dataset.erase("timerange");
                dataset["start_year"] = start_year;
                dataset["end_year"] = end_year;
            }
            variable["additional_datasets"] = datasets;
        }
        if (diagnostic.contains("scripts") && diagnostic["scripts"].contains("fire_evaluation"))
            diagnostic["scripts"]["fire_evaluation"]["remove_confire_files"] = true;
    }
}

using Update = void (*)(ordered_json&, const plugin::ExecutionDefinition&);

Update update_for(const std::string& slug) {
    static const std::map<std::string, Update> updates{
        {"global-mean-timeseries", &update_global_mean_timeseries},
        {"equilibrium-climate-sensitivity", &update_ecs},
        {"transient-climate-response", &update_tcr},
        {"transient-climate-response-emissions", &update_tcre},
        {"zero-emission-commitment", &update_zec},
        {"climate-at-global-warming-levels", &update_gwl},
        {"enso-characteristics", &update_enso_characteristics},
        {"enso-basic-climatology", &update_enso_basic_climatology},
        {"sea-ice-sensitivity", &update_sea_ice_sensitivity},
        {"cloud-radiative-effects", &update_cloud_radiative_effects},
        {"sea-ice-area-basic", &update_sea_ice_area_basic},
        {"ozone-lat-time", &update_ozone_lat_time},
        {"ozone-sh-oct", &update_ozone_sh_oct},
        {"ozone-nh-mar", &update_ozone_nh_mar},
        {"ozone-annual-cycle", &update_ozone_annual_cycle},
        {"ozone-zonal", &update_ozone_zonal},
        {"cloud-scatterplots-cli-ta", &update_cloud_scatterplot},
        {"cloud-scatterplots-clivi-lwcre", &update_cloud_scatterplot},
        {"cloud-scatterplots-clt-swcre", &update_cloud_scatterplot},
        {"cloud-scatterplots-clwvi-pr", &update_cloud_scatterplot},
        {"cloud-scatterplots-reference", &update_cloud_scatterplots_reference},
        {"regional-historical-annual-cycle", &update_regional_annual_cycle_or_timeseries},
        {"regional-historical-timeseries", &update_regional_annual_cycle_or_timeseries},
        {"regional-historical-trend", &update_regional_trend},
        {"climate-drivers-for-fire", &update_fire},
    };
    auto it = updates.find(slug);
    return it == updates.end() ? nullptr : it->second;
}

const std::map<std::string, std::string>& cmip7_realms() {
    static const std::map<std::string, std::string> realms{
        {"AERmon", "aerosol"}, {"AERday", "aerosol"}, {"Amon", "atmos"},   {"Aday", "atmos"},  {"CFmon", "atmos"},
        {"CFday", "atmos"},    {"fx", "atmos"},       {"Emon", "land"},    {"Eday", "land"},   {"Lmon", "land"},
        {"LImon", "landIce"},  {"Omon", "ocean"},     {"Oday", "ocean"},   {"Ofx", "ocean"},   {"OImon", "seaIce"},
        {"SImon", "seaIce"},   {"SIday", "seaIce"}};
    return realms;
}

}  // namespace

std::string compact_time(const std::string& time) {
    const auto t = parse_time(time);
    char text[40];
    std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
    return text;
}

ordered_json as_facets(const std::vector<json>& rows) {
    if (rows.empty()) throw DiagnosticError("no datasets to describe in the recipe");
    const std::string project = project_of(rows.front());
    ordered_json facets = ordered_json::object();
    facets["project"] = project;
    for (const auto& [facet, column] : facet_columns(project)) {
        std::vector<std::string> values;
        for (const auto& row : rows) {
            const std::string value = column.empty() ? activity_of(row) : string_column(row, column);
            if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
        }
        facets[facet] = values.size() == 1 ? ordered_json(values.front()) : ordered_json(values);
    }
    std::string start, end;
    bool known = true;
    for (const auto& row : rows) {
        const auto s = row.find("start_time"), e = row.find("end_time");
        if (s == row.end() || e == row.end() || !s->is_string() || !e->is_string()) {
            known = false;
            break;
        }
        const std::string row_start = compact_time(s->get<std::string>()), row_end = compact_time(e->get<std::string>());
        if (start.empty() || row_start < start) start = row_start;
        if (end.empty() || row_end > end) end = row_end;
    }
    if (known) facets["timerange"] = start + "/" + end;
    return facets;
}

ordered_json dataframe_to_recipe(const std::vector<json>& rows) {
    std::map<std::string, std::vector<json>> datasets;
    for (const auto& row : rows) datasets[string_column(row, "instance_id")].push_back(row);
    ordered_json variables = ordered_json::object();
    for (const auto& [instance_id, dataset_rows] : datasets) {
        ordered_json facets = as_facets(dataset_rows);
        const std::string short_name = facets["short_name"].is_string() ? facets["short_name"].get<std::string>()
                                                                          : facets["short_name"].dump();
        facets.erase("short_name");
        auto& variable = variables[short_name];
        if (!variable.contains("additional_datasets")) variable["additional_datasets"] = ordered_json::array();
        variable["additional_datasets"].push_back(facets);
    }
    return variables;
}

ChildAndParent child_and_parent_datasets(const std::vector<json>& rows, const std::string& parent_experiment,
                                         int child_duration, int parent_offset, int parent_duration) {
    std::vector<json> parent_rows, child_rows;
    for (const auto& row : rows) (row.value("experiment_id", "") == parent_experiment ? parent_rows : child_rows).push_back(row);
    if (parent_rows.empty() || child_rows.empty())
        throw DiagnosticError("expected datasets of a run and of its parent (" + parent_experiment + "), got " +
                              std::to_string(child_rows.size()) + " and " + std::to_string(parent_rows.size()) + " files");
    const json& parent = parent_rows.front();
    const json& child = child_rows.front();
    science::DateTime child_start;
    try {
        const science::CfTime parent_time(string_column(parent, "time_units"), parent.value("calendar", "standard"));
        const science::CfTime child_time(string_column(child, "time_units"), child.value("calendar", "standard"));
        const auto branch_in_parent = parent_time.decode(number_column(child, "branch_time_in_parent"));
        const auto branch_in_child = child_time.decode(number_column(child, "branch_time_in_child"));
        std::string earliest;
        for (const auto& row : child_rows) {
            const std::string start = string_column(row, "start_time");
            if (earliest.empty() || compact_time(start) < compact_time(earliest)) earliest = start;
        }
        child_start = parse_time(earliest);
        const std::int64_t offset = seconds_of(parent_time.calendar(), branch_in_parent) -
                                    seconds_of(child_time.calendar(), branch_in_child);
        const std::int64_t parent_seconds = seconds_of(child_time.calendar(), child_start) + offset;
        std::int64_t day = parent_seconds / 86400;
        if (parent_seconds % 86400 < 0) --day;
        const auto parent_start = science::date_from_day_number(child_time.calendar(), day);
        ChildAndParent out;
        out.child = as_facets(child_rows);
        out.parent = as_facets(parent_rows);
        out.child["timerange"] = four_digit_year(child_start.year) + "/" + four_digit_year(child_start.year + child_duration - 1);
        const int parent_year = parent_start.year + parent_offset;
        out.parent["timerange"] = four_digit_year(parent_year) + "/" + four_digit_year(parent_year + parent_duration - 1);
        return out;
    } catch (const science::CfTimeError& e) {
        throw DiagnosticError(std::string("cannot align the run with its parent: ") + e.what());
    }
}

ordered_json recipe_template_json(const std::string& base_recipe) {
    const std::string* text = recipe_template(base_recipe);
    if (!text) throw DiagnosticError("the plugin carries no template of the ESMValTool recipe " + base_recipe);
    return yaml_to_json(*text);
}

void rewrite_cmip7_mips(ordered_json& recipe) {
    bool has_cmip7 = false;
    for_each_dataset_list(recipe, [&](ordered_json& datasets, ordered_json*, ordered_json*) {
        for (const auto& dataset : datasets)
            if (dataset.is_object() && dataset.value("project", "") == "CMIP7") has_cmip7 = true;
    });
    if (!has_cmip7) return;
    // Observations keep the CMIP6 table they were written for.
    for_each_dataset_list(recipe, [&](ordered_json& datasets, ordered_json* diagnostic_variables, ordered_json* variable) {
        std::string table;
        if (variable) {
            if (variable->contains("mip") && (*variable)["mip"].is_string()) table = (*variable)["mip"];
        } else if (diagnostic_variables) {
            std::set<std::string> tables;
            for (const auto& [name, v] : diagnostic_variables->items())
                tables.insert(v.is_object() && v.contains("mip") && v["mip"].is_string() ? v["mip"].get<std::string>() : "");
            if (tables.size() == 1) table = *tables.begin();
        }
        if (table.empty()) return;
        for (auto& dataset : datasets)
            if (dataset.is_object() && dataset.value("project", "") != "CMIP7" && !dataset.contains("mip"))
                dataset["mip"] = table;
    });
    if (!recipe.contains("diagnostics")) return;
    for (auto& [name, diagnostic] : recipe["diagnostics"].items()) {
        if (!diagnostic.is_object() || !diagnostic.contains("variables") || !diagnostic["variables"].is_object()) continue;
        for (auto& [variable_name, variable] : diagnostic["variables"].items()) {
            if (!variable.is_object() || !variable.contains("mip") || !variable["mip"].is_string()) continue;
            auto it = cmip7_realms().find(variable["mip"].get<std::string>());
            if (it != cmip7_realms().end()) variable["mip"] = it->second;
        }
    }
}

void fix_annual_statistics(ordered_json& recipe) {
    if (!recipe.contains("preprocessors") || !recipe["preprocessors"].is_object()) return;
    for (auto& [name, preprocessor] : recipe["preprocessors"].items()) {
        if (!preprocessor.is_object() || !preprocessor.contains("annual_statistics")) continue;
        auto& step = preprocessor["annual_statistics"];
        if (step.is_string()) {
            ordered_json replaced = ordered_json::object();
            replaced["operator"] = step;
            step = replaced;
        }
        if (step.is_object()) step["keep_group_coordinates"] = true;
    }
}

ordered_json build_recipe(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition) {
    const Update update = update_for(spec.slug);
    if (!spec.backend_wired || !update)
        throw DiagnosticError("the ESMValTool tool backend is not yet wired for " + spec.slug +
                              " (no recipe template in this plugin version)");
    ordered_json recipe = recipe_template_json(spec.base_recipe);
    // Updates shared by several diagnostics read which one runs from the definition.
    plugin::ExecutionDefinition named = definition;
    named.diagnostic = spec.slug;
    update(recipe, named);
    if (definition.key.rfind("test-", 0) == 0) reduce_regions_for_tests(recipe);
    rewrite_cmip7_mips(recipe);
    fix_annual_statistics(recipe);
    return recipe;
}

}  // namespace ref::esmvaltool
