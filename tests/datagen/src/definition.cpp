#include "ref/datagen/definition.hpp"

#include <algorithm>
#include <stdexcept>

namespace ref::datagen {
namespace {

using nlohmann::json;

json text_or_null(const std::string& value) { return value.empty() ? json(nullptr) : json(value); }

// CMIP6, obs4MIPs and anything unknown are written as they always were.
bool is_legacy(const GeneratedFile& f) {
    return f.project != "CMIP7" && f.project != "obs4REF" && f.project != "PMPClimatology" &&
           f.project != "ESMValToolReference";
}

// The source type as the engine spells it ("cmip6", "obs4mips", "pmp-climatology", ...);
// unknown projects go with obs4mips, as before there were other types.
std::string group_name(const GeneratedFile& file) {
    if (file.project == "CMIP6") return "cmip6";
    return is_legacy(file) ? "obs4mips" : file.source_type();
}

json selector(const GeneratedFile& f) {
    // Pairs sorted by facet name, matching how the engine orders a selector.
    if (f.project == "CMIP6") {
        return json::array({json::array({"experiment_id", f.experiment_id}), json::array({"source_id", f.source_id}),
                            json::array({"variable_id", f.variable_id}), json::array({"variant_label", f.variant_label})});
    }
    if (f.project == "CMIP7") {
        return json::array({json::array({"branding_suffix", f.branding_suffix}),
                            json::array({"experiment_id", f.experiment_id}), json::array({"region", f.region}),
                            json::array({"source_id", f.source_id}), json::array({"variable_id", f.variable_id}),
                            json::array({"variant_label", f.variant_label})});
    }
    return json::array({json::array({"source_id", f.source_id}), json::array({"variable_id", f.variable_id})});
}

}  // namespace

json catalog_row(const GeneratedFile& f) {
    json row = {{"instance_id", f.instance_id},
                {"path", f.path.string()},
                {"activity_id", f.activity_id},
                {"institution_id", f.institution_id},
                {"source_id", f.source_id},
                {"variable_id", f.variable_id},
                {"variant_label", f.variant_label},
                {"grid_label", f.grid_label},
                {"version", f.version},
                {"frequency", f.frequency},
                {"realm", f.realm},
                {"start_time", text_or_null(f.start_time)},
                {"end_time", text_or_null(f.end_time)},
                {"calendar", text_or_null(f.calendar)}};
    if (f.project == "CMIP6") {
        row["experiment_id"] = f.experiment_id;
        row["member_id"] = f.member_id;
        row["table_id"] = f.table_id;
    }
    if (is_legacy(f)) return row;  // unchanged since the first definitions were written
    // Other types: empty facets are null, plus each type's own columns.
    for (auto& [key, value] : row.items()) {
        if (value.is_string() && value.get<std::string>().empty()) value = nullptr;
    }
    if (f.project == "CMIP7") {
        row["experiment_id"] = f.experiment_id;
        row["region"] = f.region;
        row["branding_suffix"] = f.branding_suffix;
        row["branded_variable"] = f.branded_variable();
        row["mip_era"] = "CMIP7";
        row["nominal_resolution"] = f.nominal_resolution;
        row["tracking_id"] = text_or_null(f.tracking_id);
    } else if (f.project == "obs4REF" || f.project == "PMPClimatology") {
        row["nominal_resolution"] = f.nominal_resolution;
    } else if (f.project == "ESMValToolReference") {
        row["project"] = f.esmvaltool_project;
        row["data_type"] = text_or_null(f.data_type);
        row["tier"] = f.tier > 0 ? json(f.tier) : json(nullptr);
    }
    return row;
}

std::string definition_key(const std::vector<GeneratedFile>& files) {
    const auto it = std::find_if(files.begin(), files.end(),
                                 [](const GeneratedFile& f) { return f.project == "CMIP6" && !f.is_fixed(); });
    if (it == files.end()) throw std::invalid_argument("definition_key: no CMIP6 data file given");
    return "cmip6_" + it->experiment_id + "_" + it->source_id + "_" + it->variant_label + "_" + it->variable_id;
}

json make_execution_definition(const std::string& diagnostic, const std::string& key,
                               const std::vector<GeneratedFile>& files, const std::string& root_directory) {
    json datasets = json::object();
    // Data files first so the selector comes from a time-varying file, fixed fields after.
    for (const bool fixed : {false, true}) {
        for (const auto& f : files) {
            if (f.is_fixed() != fixed) continue;
            json& group = datasets[group_name(f)];
            if (group.is_null()) group = {{"slug_column", "instance_id"}, {"selector", selector(f)}, {"rows", json::array()}};
            group["rows"].push_back(catalog_row(f));
        }
    }
    return json{{"schema_version", 1},
                {"diagnostic", diagnostic},
                {"key", key},
                {"root_directory", root_directory},
                {"output_directory", ""},
                {"datasets", datasets}};
}

}  // namespace ref::datagen
