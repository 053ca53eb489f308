// The inputs of a PMP run: which datasets, the parameter files (Python modules) and the
// driver command lines, built as the REF builds them (spec pmp.md §1.3, §3.2, §4.2, §5.1).
#include "ref/pmp/pmp.hpp"
#include "ref/tooling/quoting.hpp"

#include <algorithm>
#include <set>

namespace ref::pmp {

namespace {

bool is_supplementary(const json& row) {
    const std::string variable = row.value("variable_id", "");
    return variable == "areacella" || variable == "sftlf";
}

std::string facet_of(const plugin::DatasetCollection& collection, const json& row, const std::string& facet) {
    if (std::string v = collection.selector_value(facet); !v.empty()) return v;
    if (row.contains(facet) && row[facet].is_string()) return row[facet].get<std::string>();
    return {};
}

std::string row_path(const json& row) {
    if (!row.contains("path") || !row["path"].is_string())
        throw plugin::DiagnosticError("a dataset row of the execution has no 'path'");
    return row["path"].get<std::string>();
}

std::string common_prefix(const std::vector<std::string>& values) {
    if (values.empty()) return {};
    std::string prefix = values.front();
    for (const auto& v : values) {
        std::size_t n = 0;
        while (n < prefix.size() && n < v.size() && prefix[n] == v[n]) ++n;
        prefix.resize(n);
    }
    return prefix;
}

std::string common_suffix(const std::vector<std::string>& values) {
    std::vector<std::string> reversed;
    for (const auto& v : values) reversed.emplace_back(v.rbegin(), v.rend());
    const std::string r = common_prefix(reversed);
    return {r.rbegin(), r.rend()};
}

std::string python_bool(bool value) { return value ? "True" : "False"; }

}  // namespace

ModelSelection select_model(const plugin::ExecutionDefinition& definition) {
    ModelSelection model;
    const plugin::DatasetCollection* collection = nullptr;
    if ((collection = definition.find("cmip7"))) {
        model.source_type = "cmip7";
    } else if ((collection = definition.find("cmip6"))) {
        model.source_type = "cmip6";
    } else {
        throw plugin::DiagnosticError("the execution has no cmip6 or cmip7 datasets");
    }
    const json* first = nullptr;
    for (const auto& row : collection->rows) {
        if (is_supplementary(row)) continue;
        if (!first) first = &row;
        model.files.push_back(row_path(row));
    }
    if (!first) throw plugin::DiagnosticError("the execution has no " + model.source_type + " model files");
    model.source_id = facet_of(*collection, *first, "source_id");
    model.experiment_id = facet_of(*collection, *first, "experiment_id");
    model.member_id = facet_of(*collection, *first, model.source_type == "cmip7" ? "variant_label" : "member_id");
    if (model.member_id.empty()) model.member_id = facet_of(*collection, *first, "variant_label");
    model.grid_label = facet_of(*collection, *first, "grid_label");
    model.variable_id = facet_of(*collection, *first, "variable_id");
    if (model.source_id.empty() || model.experiment_id.empty() || model.member_id.empty())
        throw plugin::DiagnosticError("the model datasets lack source_id, experiment_id or the member label");
    return model;
}

ReferenceSelection select_reference(const plugin::ExecutionDefinition& definition, const std::string& source_type) {
    const auto& collection = definition.at(source_type);
    if (collection.rows.empty()) throw plugin::DiagnosticError("the execution has no " + source_type + " reference files");
    ReferenceSelection reference;
    reference.source_id = facet_of(collection, collection.rows.front(), "source_id");
    reference.path = row_path(collection.rows.front());
    reference.file_count = collection.rows.size();
    if (reference.source_id.empty()) throw plugin::DiagnosticError("the reference datasets lack source_id");
    return reference;
}

Option scalar_option(const std::string& key, const std::string& value) {
    if (value.empty() || value == "0") return {key, {}};
    return {key, {value}};
}

std::vector<std::string> build_pmp_command(const std::string& driver, const fs::path& parameter_file,
                                           const std::vector<Option>& options) {
    std::vector<std::string> argv{driver, "-p", parameter_file.string()};
    for (const auto& option : options) {
        argv.push_back("--" + option.key);
        argv.insert(argv.end(), option.values.begin(), option.values.end());
    }
    return argv;
}

std::string build_glob_pattern(const std::vector<std::string>& paths) {
    if (paths.empty()) throw plugin::DiagnosticError("no model files");
    if (paths.size() == 1) return paths.front();
    std::vector<std::string> names, directories;
    for (const auto& p : paths) {
        const fs::path path(p);
        names.push_back(path.filename().string());
        directories.push_back(path.parent_path().string());
    }
    const std::string pattern_name = common_prefix(names) + "*" + common_suffix(names);
    const bool same_directory =
        std::all_of(directories.begin(), directories.end(), [&](const auto& d) { return d == directories.front(); });
    if (same_directory) return (fs::path(directories.front()) / pattern_name).string();
    // os.path.commonpath: the longest common sequence of whole path components.
    const fs::path first(paths.front());
    std::vector<fs::path> components(first.begin(), first.end());
    for (const auto& p : paths) {
        const fs::path path(p);
        std::size_t n = 0;
        for (auto it = path.begin(); it != path.end() && n < components.size() && *it == components[n]; ++it) ++n;
        components.resize(n);
    }
    fs::path common;
    for (const auto& part : components) common /= part;
    return (common / "**" / pattern_name).string();
}

std::string wildcard_pattern(const std::vector<std::string>& paths) {
    if (paths.empty()) throw plugin::DiagnosticError("no model files");
    if (std::all_of(paths.begin(), paths.end(), [&](const auto& p) { return p == paths.front(); })) return paths.front();
    const std::string prefix = common_prefix(paths);
    if (prefix.empty()) throw plugin::DiagnosticError("the model files have no common path prefix");
    std::string suffix = common_suffix(paths);
    std::size_t shortest = paths.front().size();
    for (const auto& p : paths) shortest = std::min(shortest, p.size());
    if (prefix.size() + suffix.size() > shortest) suffix.clear();
    return prefix + "*" + suffix;
}

std::string python_list(const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + tooling::python_quote(values[i]);
    return out + "]";
}

std::string python_module(const std::string& header, const std::vector<std::pair<std::string, std::string>>& assignments) {
    std::string out = "# " + header + "\n# Written by the ref-engine PMP provider; command-line options override these values.\n\n";
    for (const auto& [name, literal] : assignments) out += name + " = " + literal + "\n";
    return out;
}

std::vector<std::string> annual_cycle_pmp_variables(const AnnualCycleVariable& variable) {
    if (variable.levels.empty()) return {variable.variable_id};
    std::vector<std::string> out;
    for (const auto& level : variable.levels) out.push_back(variable.variable_id + "-" + level);
    return out;
}

PlannedRun plan_annual_cycle(const ModelSelection& model, const ReferenceSelection& reference, const fs::path& out) {
    const AnnualCycleVariable* variable = find_annual_cycle_variable(model.variable_id);
    if (!variable) throw plugin::DiagnosticError("annual-cycle does not support variable '" + model.variable_id + "'");
    const std::string& v = model.variable_id;
    const std::string data = model.source_id + "_" + model.experiment_id + "_" + model.member_id;
    const std::string model_input = build_glob_pattern(model.files);
    const std::string version = kAnnualCycleClimatologyVersion;
    const fs::path obs_dict = out / "obs_dict.json";
    const fs::path params_1 = out / "pmp_param_annualcycle_1-clims.py";
    const fs::path params_2 = out / "pmp_param_annualcycle_2-metrics.py";
    const std::string climatology = (out / (v + "_" + data + "_clims.nc")).string();
    const std::string filename_template = "%(variable)_" + data + "_clims.198101-200512.AC." + version + ".nc";
    const auto pmp_variables = annual_cycle_pmp_variables(*variable);

    PlannedRun plan;
    const json obs = {{v, {{reference.source_id, {{"template", reference.path}}}, {"default", reference.source_id}}}};
    plan.files.emplace_back(obs_dict, obs.dump(4) + "\n");
    plan.files.emplace_back(params_1, python_module("PMP annual cycle, step 1: model climatology",
                                                    {{"vars", python_list({v})},
                                                     {"infile", tooling::python_quote(model_input)},
                                                     {"outfile", tooling::python_quote(climatology)},
                                                     {"start", tooling::python_quote("1981-01")},
                                                     {"end", tooling::python_quote("2005-12")}}));
    // NHEX, SHEX and TROPICS are PMP's default regions for most variables: defining them here
    // keeps PMP from aborting after `global` (README, "Differences from the REF").
    const std::string regions_specs =
        "{\n    'global': {},\n    'NHEX': {'domain': {'latitude': (30.0, 90)}},\n"
        "    'SHEX': {'domain': {'latitude': (-90.0, -30)}},\n    'TROPICS': {'domain': {'latitude': (-30.0, 30)}},\n"
        "    'doubleITCZ': {'domain': {'latitude': (-20.0, 0), 'longitude': (100, 210)}},\n}";
    plan.files.emplace_back(params_2, python_module("PMP annual cycle, step 2: mean climate metrics",
                                                    {{"case_id", tooling::python_quote("basicTest")},
                                                     {"vars", python_list(pmp_variables)},
                                                     {"reference_data_set", python_list({"all"})},
                                                     {"target_grid", tooling::python_quote("2.5x2.5")},
                                                     {"regrid_tool", tooling::python_quote("regrid2")},
                                                     {"regrid_tool_ocn", tooling::python_quote("esmf")},
                                                     {"regrid_method_ocn", tooling::python_quote("linear")},
                                                     {"regions_specs", regions_specs},
                                                     {"regions", "{'rlut': ['global'], 'pr': ['global', 'doubleITCZ']}"},
                                                     {"reference_data_path", tooling::python_quote("")},
                                                     {"custom_observations", tooling::python_quote(obs_dict.string())},
                                                     {"test_data_path", tooling::python_quote(out.string())},
                                                     {"test_data_set", python_list({model.source_id})},
                                                     {"realization", tooling::python_quote(model.member_id)},
                                                     {"filename_template", tooling::python_quote(filename_template)},
                                                     {"metrics_output_path", tooling::python_quote(out.string())},
                                                     {"generate_sftlf", python_bool(true)},
                                                     {"save_test_clims", python_bool(false)},
                                                     {"parallel", python_bool(false)}}));
    plan.commands.push_back(build_pmp_command("pcmdi_compute_climatologies.py", params_1,
                                              {{"vars", {v}},
                                               {"infile", {model_input}},
                                               {"outfile", {climatology}},
                                               {"version", {version}}}));
    plan.commands.push_back(build_pmp_command("mean_climate_driver.py", params_2,
                                              {{"vars", pmp_variables},
                                               {"custom_observations", {obs_dict.string()}},
                                               {"test_data_path", {out.string()}},
                                               {"test_data_set", {model.source_id}},
                                               {"realization", {model.member_id}},
                                               {"filename_template", {filename_template}},
                                               {"metrics_output_path", {out.string()}},
                                               {"cmec", {}}}));
    return plan;
}

PlannedRun plan_mode(const ModeConfig& mode, const ModelSelection& model, const ReferenceSelection& reference,
                     const fs::path& out) {
    const std::string modpath = model.files.size() == 1 ? model.files.front() : wildcard_pattern(model.files);
    const fs::path params = out / mode.parameter_file;
    const bool ts = mode.variable_id == "ts";
    std::vector<std::pair<std::string, std::string>> values{
        {"variability_mode", tooling::python_quote(mode.mode)},
        {"varModel", tooling::python_quote(mode.variable_id)},
        {"varOBS", tooling::python_quote(mode.variable_id)},
        {"frequency", tooling::python_quote("mo")},
        {"realm", tooling::python_quote("atm")},
        {"mip", tooling::python_quote(model.source_type)},
        {"exp", tooling::python_quote(model.experiment_id)},
        {"modnames", python_list({model.source_id})},
        {"realization", tooling::python_quote(model.member_id)},
        {"modpath", tooling::python_quote(modpath)},
        {"modpath_lf", tooling::python_quote("none")},
        {"reference_data_name", tooling::python_quote(reference.source_id)},
        {"reference_data_path", tooling::python_quote(reference.path)},
        {"results_dir", tooling::python_quote(out.string())},
        {"case_id", tooling::python_quote("v3")},
        {"msyear", "1900"},
        {"meyear", "2005"},
        {"osyear", std::to_string(mode.obs_start_year)},
        {"oeyear", "2005"},
        {"eofn_obs", std::to_string(mode.eofn)},
        {"eofn_mod", std::to_string(mode.eofn)},
        {"eofn_mod_max", std::to_string(mode.eofn)},
        {"ConvEOF", python_bool(true)},
        {"CBF", python_bool(true)},
        {"EofScaling", python_bool(false)},
        {"RemoveDomainMean", python_bool(true)},
        {"landmask", python_bool(ts)},
        {"ModUnitsAdjust", ts ? "(True, 'subtract', 273.15)" : "(True, 'divide', 100.0)"},
        {"nc_out_obs", python_bool(true)},
        {"plot_obs", python_bool(true)},
        {"nc_out", python_bool(true)},
        {"plot", python_bool(true)},
        {"update_json", python_bool(false)},
        {"debug", python_bool(false)},
    };
    if (!ts) values.emplace_back("ObsUnitsAdjust", "(True, 'divide', 100.0)");

    std::vector<Option> options{{"variability_mode", {mode.mode}},
                                {"modpath", {modpath}},
                                {"modpath_lf", {"none"}},
                                {"mip", {model.source_type}},
                                {"exp", {model.experiment_id}},
                                {"realization", {model.member_id}},
                                {"modnames", {model.source_id}},
                                {"reference_data_name", {reference.source_id}},
                                {"reference_data_path", {reference.path}},
                                {"results_dir", {out.string()}},
                                {"cmec", {}},
                                {"no_provenance", {}}};
    if (mode.obs_start_year != 1900) {
        options.push_back({"osyear", {std::to_string(mode.obs_start_year)}});
        options.push_back({"oeyear", {"2005"}});
    }
    if (mode.eofn != 1) {
        for (const char* key : {"eofn_obs", "eofn_mod", "eofn_mod_max"}) options.push_back({key, {std::to_string(mode.eofn)}});
    }
    PlannedRun plan;
    plan.files.emplace_back(params, python_module("PMP modes of variability: " + mode.mode, values));
    plan.commands.push_back(build_pmp_command("variability_modes_driver.py", params, options));
    return plan;
}

json enso_input(const EnsoCollection& collection, const plugin::ExecutionDefinition& definition,
                const ModelSelection& model) {
    const auto& models = definition.at(model.source_type);
    const auto& observations = definition.at("obs4mips");
    const auto areacella = models.paths("variable_id", "areacella");
    const auto sftlf = models.paths("variable_id", "sftlf");

    std::vector<std::string> variables;
    json model_entry = json::object();
    for (const auto& variable : collection.model_variables) {
        const auto files = models.paths("variable_id", variable);
        if (files.empty()) continue;
        variables.push_back(variable);
        model_entry[variable] = {{"path + filename", files},       {"varname", variable},
                                 {"path + filename_area", areacella}, {"areaname", "areacella"},
                                 {"path + filename_landmask", sftlf}, {"landmaskname", "sftlf"}};
    }
    if (variables.empty())
        throw plugin::DiagnosticError("the model datasets hold none of the variables of " + collection.name);

    json obs = json::object();
    std::set<std::string> seen;
    for (const auto& row : observations.rows) {
        const std::string source = row.value("source_id", "");
        if (source.empty() || !seen.insert(source).second) continue;
        json entry = json::object();
        for (const auto& variable : variables) {
            std::vector<std::string> files;
            for (const auto& r : observations.rows)
                if (r.value("source_id", "") == source && r.value("variable_id", "") == variable) files.push_back(row_path(r));
            if (!files.empty()) entry[variable] = {{"path + filename", files}, {"varname", variable}};
        }
        obs[source] = entry;
    }
    return {{"model", {{model.source_id + "_" + model.member_id, model_entry}}},
            {"observations", obs},
            {"metricsCollection", collection.name},
            {"experiment_id", model.experiment_id}};
}

PlannedRun plan_enso(const EnsoCollection& collection, const plugin::ExecutionDefinition& definition,
                     const ModelSelection& model, const fs::path& out) {
    const fs::path input =
        out / ("input_" + collection.name + "_" + model.source_id + "_" + model.experiment_id + "_" + model.member_id + ".json");
    const fs::path driver = out / kEnsoDriverFileName;
    PlannedRun plan;
    plan.files.emplace_back(input, enso_input(collection, definition, model).dump(4) + "\n");
    plan.files.emplace_back(driver, std::string(enso_driver_script()));
    plan.commands.push_back({"python", driver.string(), "--metrics_collection", collection.name, "--experiment_id",
                             model.experiment_id, "--input_json_path", input.string(), "--output_directory",
                             out.string()});
    return plan;
}

}  // namespace ref::pmp
