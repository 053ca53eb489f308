// The tool backend's inputs: the conda environment, the driver's YAML configuration and the
// command line.
#include "ref/ilamb/ilamb.hpp"
#include "ref/tooling/quoting.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace ref::ilamb {

namespace {

bool is_scalar(const json& value) { return !value.is_object() && !value.is_array(); }

std::string scalar_yaml(const json& value) {
    if (value.is_string()) return tooling::yaml_quote(value.get<std::string>());
    if (value.is_null()) return "null";
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_float()) {
        std::ostringstream s;
        s.precision(17);
        s << value.get<double>();
        return s.str();
    }
    return value.dump();
}

// Block-style YAML; every string (keys included) goes through yaml_quote, so no value can
// change the document's structure.
void emit(std::ostringstream& out, const json& value, int indent) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (value.is_object()) {
        for (const auto& [k, v] : value.items()) {
            out << pad << tooling::yaml_quote(k) << ":";
            if (is_scalar(v)) {
                out << ' ' << scalar_yaml(v) << '\n';
            } else if (v.empty()) {
                out << (v.is_object() ? " {}\n" : " []\n");
            } else {
                out << '\n';
                emit(out, v, indent + 2);
            }
        }
    } else if (value.is_array()) {
        for (const auto& v : value) {
            if (is_scalar(v)) {
                out << pad << "- " << scalar_yaml(v) << '\n';
            } else if (v.empty()) {
                out << pad << (v.is_object() ? "- {}\n" : "- []\n");
            } else {
                out << pad << "-\n";
                emit(out, v, indent + 2);
            }
        }
    } else {
        out << pad << scalar_yaml(value) << '\n';
    }
}

const plugin::DatasetCollection* model_collection(const plugin::ExecutionDefinition& definition) {
    if (const auto* c = definition.find("cmip6")) return c;
    if (const auto* c = definition.find("cmip7")) return c;
    return nullptr;
}

std::string row_string(const json& row, const std::string& facet) {
    auto it = row.find(facet);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

tooling::CondaEnvironmentSpec environment_spec() {
    return {"ilamb", "environment.yml", environment_yaml, {"ilamb3>=2026.6.15"}};
}

std::vector<std::pair<std::string, std::string>> model_selectors(const plugin::ExecutionDefinition& definition) {
    const auto* collection = model_collection(definition);
    if (!collection) throw plugin::DiagnosticError("the execution has no cmip6 or cmip7 datasets");
    const bool cmip7 = definition.find("cmip6") == nullptr;
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* facet : {"experiment_id", "source_id", "member_id", "grid_label"}) {
        std::string value = collection->selector_value(facet);
        if (value.empty() && cmip7 && std::string(facet) == "member_id") value = collection->selector_value("variant_label");
        if (value.empty() && !collection->rows.empty()) {
            value = row_string(collection->rows.front(), facet);
            if (value.empty() && std::string(facet) == "member_id")
                value = row_string(collection->rows.front(), "variant_label");
        }
        out.emplace_back(facet, value.empty() ? "None" : value);
    }
    return out;
}

ReferenceTable reference_table(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition) {
    ReferenceTable table;
    std::set<std::string> pattern_sources;
    if (const auto* obs = definition.find("obs4mips")) {
        std::vector<std::string> instances;
        for (std::size_t i = 0; i < obs->rows.size(); ++i) {
            const json& row = obs->rows[i];
            const std::string instance = row_string(row, obs->slug_column);
            const std::string path = row_string(row, "path");
            if (instance.empty() || path.empty())
                throw plugin::DiagnosticError("obs4mips row " + std::to_string(i) + " has no " + obs->slug_column +
                                              " or path");
            table.rows.emplace_back(instance + std::to_string(i), path);
            if (std::find(instances.begin(), instances.end(), instance) != instances.end()) continue;
            instances.push_back(instance);
            // The dict-form source whose variable_id is this instance's variable, else the variable.
            const std::string variable = row_string(row, "variable_id");
            std::string source_name = variable;
            for (const auto& source : entry.sources)
                for (const auto& [facet, value] : source.facets)
                    if (facet == "variable_id" && value == variable) source_name = source.name;
            table.sources.emplace_back(source_name, instance + "*");
            pattern_sources.insert(source_name);
        }
    }
    // String-form sources and relationships are registry keys resolved to local files.
    auto add_key = [&](const std::string& name, const std::string& key, bool is_source) {
        const std::string registry = key.rfind("obs4REF/", 0) == 0 ? "obs4ref" : "ilamb";
        const auto path = resolve_registry_file(definition.settings, registry, key);
        table.rows.emplace_back(key, path.string());
        if (is_source) table.sources.emplace_back(name, key);
    };
    for (const auto& source : entry.sources) {
        if (source.key) {
            add_key(source.name, *source.key, true);
        } else if (!pattern_sources.count(source.name)) {
            throw plugin::DiagnosticError("no obs4mips dataset for the reference source '" + source.name + "'");
        }
    }
    for (const auto& [variable, key] : entry.relationships) add_key(variable, key, false);
    return table;
}

std::string render_config(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition) {
    const auto* collection = model_collection(definition);
    if (!collection) throw plugin::DiagnosticError("the execution has no cmip6 or cmip7 datasets");
    const bool cmip7 = definition.find("cmip6") == nullptr;
    const ReferenceTable references = reference_table(entry, definition);

    json config = json::object();
    // nlohmann::json objects are sorted by key; the driver does not depend on the order.
    config["diagnostic"] = slug_of(entry.name);
    config["name"] = entry.name;
    config["realm"] = entry.realm;
    config["output_directory"] = definition.output_directory;
    config["variable_id"] = variable_id_of(entry);
    config["reference_source_id"] = reference_source_id_of(entry.name);

    json regions = json::array();
    json region_files = json::array();
    if (entry.realm == "land") {
        for (const auto& region : land_regions()) {
            regions.push_back(region.label);
            const auto path = resolve_registry_file(definition.settings, "ilamb-regions", region.registry_key).string();
            if (std::find(region_files.begin(), region_files.end(), json(path)) == region_files.end())
                region_files.push_back(path);
        }
    } else {
        regions.push_back(nullptr);
    }
    config["regions"] = regions;
    config["region_files"] = region_files;
    config["options"] = {{"comparison_groupby", {"source_id", "grid_label"}},
                         {"model_name_facets", {"source_id"}},
                         {"use_uncertainty", true}};

    json block = json::object();
    json sources = json::object();
    for (const auto& [name, key] : references.sources) sources[name] = key;
    block["sources"] = sources;
    if (!entry.relationships.empty()) {
        json relationships = json::object();
        for (const auto& [variable, key] : entry.relationships) relationships[variable] = key;
        block["relationships"] = relationships;
    }
    if (entry.analysis_variable) block["analysis_variable"] = *entry.analysis_variable;
    if (!entry.alternate_vars.empty()) block["alternate_vars"] = entry.alternate_vars;
    if (!entry.related_vars.empty()) block["related_vars"] = entry.related_vars;
    if (!entry.analyses.empty()) block["analyses"] = entry.analyses;
    const json transforms = effective_transforms(entry);
    if (!transforms.empty()) block["transforms"] = transforms;
    if (!entry.variable_cmap.empty()) block["variable_cmap"] = entry.variable_cmap;
    config["block"] = block;
    config["model_expressions"] = entry.model_expressions;

    json reference_rows = json::array();
    for (const auto& [key, path] : references.rows) reference_rows.push_back({{"key", key}, {"path", path}});
    config["reference_table"] = reference_rows;

    // The model table: every row's string facets; CMIP7 rows get member_id = variant_label.
    json model_rows = json::array();
    std::set<std::string> variables;
    for (const auto& row : collection->rows) variables.insert(row_string(row, "variable_id"));
    // Prefer an alternate variable (tos, mrsos) over the main one when both are present.
    const std::string main_variable = variable_id_of(entry);
    bool drop_main = false;
    if (variables.count(main_variable))
        for (const auto& alt : entry.alternate_vars) drop_main = drop_main || variables.count(alt) > 0;
    for (const auto& row : collection->rows) {
        if (drop_main && row_string(row, "variable_id") == main_variable) continue;
        json out = json::object();
        for (const auto& [facet, value] : row.items())
            if (value.is_string()) out[facet] = value;
        if (cmip7 && out.contains("variant_label")) out["member_id"] = out["variant_label"];
        if (!out.contains("path")) throw plugin::DiagnosticError("a model dataset row has no path");
        model_rows.push_back(out);
    }
    config["model_table"] = model_rows;

    std::ostringstream text;
    text << "# ilamb3 run configuration for " << entry.name << ", read by " << driver_file_name << "\n";
    emit(text, config, 0);
    return text.str();
}

tooling::Command driver_command(const std::filesystem::path& output_directory) {
    tooling::Command command;
    command.argv = {"python", (output_directory / driver_file_name).string(), "--config",
                    (output_directory / config_file_name).string()};
    command.working_directory = output_directory;
    command.log_file = output_directory / log_file_name;
    // Plots without a display, and no user site-packages leaking into the environment.
    command.environment = {{"MPLBACKEND", "Agg"}, {"PYTHONNOUSERSITE", "1"}};
    return command;
}

}  // namespace ref::ilamb
