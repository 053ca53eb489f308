// PMP's native CMEC JSON -> the REF's metric and output bundles (spec pmp.md §1.4, §3.4,
// §4.4, §5.3).
#include "ref/pmp/pmp.hpp"
#include "ref/science/cmec.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace ref::pmp {

namespace {

json read_json_file(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw plugin::DiagnosticError("cannot read PMP output " + path.string());
    try {
        return json::parse(in);
    } catch (const json::exception& e) {
        throw plugin::DiagnosticError("PMP output " + path.string() + " is not valid JSON: " + e.what());
    }
}

void write_json_file(const fs::path& path, const json& value, int indent = 4) {
    const fs::path partial = path.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::trunc);
        out << value.dump(indent) << "\n";
        if (!out) throw plugin::SystemError("cannot write " + partial.string());
    }
    std::error_code ec;
    fs::rename(partial, path, ec);
    if (ec) throw plugin::SystemError("cannot write " + path.string() + ": " + ec.message());
}

std::string relative_to(const fs::path& file, const fs::path& base) {
    return file.lexically_relative(base).generic_string();
}

std::vector<std::string> relative_files(const fs::path& out, const fs::path& directory, const std::string& pattern) {
    std::vector<std::string> files;
    for (const auto& f : glob_directory(directory, pattern)) files.push_back(relative_to(f, out));
    return files;
}

void require_structure(const json& native, const fs::path& file) {
    if (!native.is_object() || !native.contains("DIMENSIONS") || !native["DIMENSIONS"].is_object() ||
        !native.contains("RESULTS") || !native["RESULTS"].is_object())
        throw plugin::DiagnosticError("PMP output " + file.string() + " has no DIMENSIONS/RESULTS objects");
    const json& dims = native["DIMENSIONS"];
    if (!dims.contains("json_structure") || !dims["json_structure"].is_array())
        throw plugin::DiagnosticError("PMP output " + file.string() + " has no DIMENSIONS.json_structure");
}

void drop_leaves(json& node, std::size_t depth, std::size_t last, const json& declared, std::vector<std::string>* dropped) {
    if (!node.is_object()) return;
    if (depth == last) {
        for (auto it = node.begin(); it != node.end();) {
            if (it.key() != "attributes" && !declared.contains(it.key())) {
                if (dropped) dropped->push_back(it.key());
                it = node.erase(it);
            } else {
                ++it;
            }
        }
        return;
    }
    for (auto& [key, child] : node.items())
        if (key != "attributes") drop_leaves(child, depth + 1, last, declared, dropped);
}

// Levelled annual-cycle outputs: the pressure level of one `*_cmec.json`.
std::string level_of(const json& native, const fs::path& file) {
    if (native.contains("Variable") && native["Variable"].contains("level")) {
        const json& level = native["Variable"]["level"];
        if (level.is_number()) return std::to_string(static_cast<long long>(level.get<double>()));
        if (level.is_string()) {
            try {
                return std::to_string(static_cast<long long>(std::stod(level.get<std::string>())));
            } catch (const std::exception&) {
            }
        }
    }
    // Fall back to the `<var>-<level>_` prefix of the file name.
    const std::string name = file.filename().string();
    const auto dash = name.find('-'), underscore = name.find('_');
    if (dash != std::string::npos && underscore != std::string::npos && dash < underscore)
        return name.substr(dash + 1, underscore - dash - 1);
    throw plugin::DiagnosticError("cannot tell the pressure level of PMP output " + file.string());
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view name) {
    std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p, ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++, mark = n;
        } else if (star != std::string_view::npos) {
            p = star + 1, n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::vector<fs::path> glob_directory(const fs::path& directory, const std::string& pattern) {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) return out;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name[0] == '.') continue;  // as Python's glob
        if (wildcard_match(pattern, name)) out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

json output_bundle_template() { return science::cmec::make_output_bundle("cmec_output.log"); }

json metric_bundle_template() {
    return {{"DIMENSIONS", {{"json_structure", json::array()}}},
            {"RESULTS", json::object()},
            {"PROVENANCE", nullptr},
            {"DISCLAIMER", nullptr},
            {"NOTES", nullptr}};
}

json remove_null_values(const json& value) {
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, child] : value.items())
            if (!child.is_null()) out[key] = remove_null_values(child);
        return out;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& child : value)
            if (!child.is_null()) out.push_back(remove_null_values(child));
        return out;
    }
    return value;
}

Bundles process_json_result(json native, const std::vector<std::string>& png_files,
                            const std::vector<std::string>& data_files) {
    Bundles bundles{metric_bundle_template(), output_bundle_template()};
    if (native.contains("provenance") && native["provenance"].is_object())
        for (const auto& [key, value] : native["provenance"].items()) bundles.output["provenance"][key] = value;
    for (const auto& file : png_files)
        bundles.output["plots"][fs::path(file).filename().string()] = {
            {"filename", file}, {"long_name", "Plot"}, {"description", "Plot produced by the diagnostic"}};
    for (const auto& file : data_files)
        bundles.output["data"][fs::path(file).filename().string()] = {
            {"filename", file}, {"long_name", "Output data"}, {"description", "Data produced by the diagnostic"}};

    json dimensions = native.at("DIMENSIONS");
    if (dimensions.contains("dimensions")) {
        const json inner = dimensions["dimensions"];
        dimensions.erase("dimensions");
        if (inner.is_object())
            for (const auto& [key, value] : inner.items()) dimensions[key] = value;
    }
    bundles.metric["DIMENSIONS"] = dimensions;
    bundles.metric["RESULTS"] = native.at("RESULTS");
    if (native.contains("provenance")) bundles.metric["PROVENANCE"] = native["provenance"];
    return bundles;
}

json remove_dimensions(json bundle, const std::vector<std::string>& dimensions) {
    for (const auto& dimension : dimensions) {
        json& dims = bundle["DIMENSIONS"];
        json& structure = dims["json_structure"];
        if (structure.empty() || structure.front() != dimension)
            throw plugin::DiagnosticError("cannot remove dimension '" + dimension + "': it is not the first dimension");
        if (!dims.contains(dimension) || !dims[dimension].is_object() || dims[dimension].size() != 1)
            throw plugin::DiagnosticError("cannot remove dimension '" + dimension + "': it must have exactly one value");
        const std::string value = dims[dimension].begin().key();
        if (!bundle["RESULTS"].contains(value) || !bundle["RESULTS"][value].is_object())
            throw plugin::DiagnosticError("the results have no entry for " + dimension + " '" + value + "'");
        json inner = bundle["RESULTS"][value];
        bundle["RESULTS"] = std::move(inner);
        structure.erase(structure.begin());
        dims.erase(dimension);
    }
    return bundle;
}

json prepend_dimensions(json bundle, const std::vector<std::pair<std::string, std::string>>& dimensions) {
    json& dims = bundle["DIMENSIONS"];
    json structure = dims.value("json_structure", json::array());
    for (auto it = dimensions.rbegin(); it != dimensions.rend(); ++it) {
        const auto& [dimension, value] = *it;
        if (dims.contains(dimension))
            throw plugin::DiagnosticError("cannot add dimension '" + dimension + "': it already exists");
        dims[dimension] = {{value, json::object()}};
        structure.insert(structure.begin(), dimension);
        bundle["RESULTS"] = json{{value, bundle["RESULTS"]}};
    }
    dims["json_structure"] = structure;
    return bundle;
}

json drop_undeclared_leaves(json bundle, std::vector<std::string>* dropped) {
    const json& structure = bundle["DIMENSIONS"]["json_structure"];
    if (structure.empty()) return bundle;
    const std::string last = structure.back().get<std::string>();
    const json declared = bundle["DIMENSIONS"].value(last, json::object());
    drop_leaves(bundle["RESULTS"], 0, structure.size() - 1, declared, dropped);
    return bundle;
}

json transform_annual_cycle_results(json native) {
    native = remove_dimensions(std::move(native), {"model", "reference", "rip"});
    for (auto& [region, statistics] : native["RESULTS"].items()) {
        if (region == "attributes" || !statistics.is_object()) continue;
        for (auto& [statistic, seasons] : statistics.items())
            if (seasons.is_object()) seasons.erase("CalendarMonths");
    }
    if (native["DIMENSIONS"].contains("season")) native["DIMENSIONS"]["season"].erase("CalendarMonths");
    return native;
}

Bundles convert_annual_cycle(const fs::path& out, const AnnualCycleContext& context) {
    const auto cmec_files = glob_directory(out, "*_cmec.json");
    if (cmec_files.empty())
        throw plugin::DiagnosticError("PMP wrote no *_cmec.json results into " + out.string());
    std::vector<std::pair<fs::path, json>> transformed;
    for (const auto& file : cmec_files) {
        json native = read_json_file(file);
        require_structure(native, file);
        json result = transform_annual_cycle_results(std::move(native));
        write_json_file(out / (file.stem().string() + "_transformed.json"), result);
        transformed.emplace_back(file, std::move(result));
    }

    json combined;
    if (transformed.size() == 1) {
        combined = transformed.front().second;
    } else {
        combined = json::object();
        json results = json::object();
        json levels = json::object();
        for (const auto& [file, data] : transformed) {
            const std::string level = level_of(data, file);
            if (!results.contains(level)) results[level] = data.at("RESULTS");
            levels[level] = json::object();
        }
        for (const auto& [key, value] : transformed.back().second.items())
            if (key != "RESULTS") combined[key] = value;
        json structure = json::array({"level"});
        for (const auto& d : combined["DIMENSIONS"]["json_structure"]) structure.push_back(d);
        combined["DIMENSIONS"]["json_structure"] = structure;
        combined["DIMENSIONS"]["level"] = levels;
        combined["RESULTS"] = results;
        write_json_file(out / "combined_results.json", combined);
    }

    const AnnualCycleVariable* variable = find_annual_cycle_variable(context.variable_id);
    const bool levelled = variable && !variable->levels.empty();
    const std::string directory_pattern = levelled ? context.variable_id + "-???" : context.variable_id;
    std::vector<std::string> plots, data;
    for (const auto& directory : glob_directory(out, directory_pattern)) {
        if (!fs::is_directory(directory)) continue;
        for (auto& f : relative_files(out, directory, "*.png")) plots.push_back(std::move(f));
        for (auto& f : relative_files(out, directory, "*.nc")) data.push_back(std::move(f));
    }
    Bundles bundles = process_json_result(std::move(combined), plots, data);
    bundles.metric = prepend_dimensions(std::move(bundles.metric), {{"kind", "model"},
                                                                    {"mip_id", context.mip_id},
                                                                    {"source_id", context.source_id},
                                                                    {"member_id", context.member_id},
                                                                    {"experiment_id", context.experiment_id},
                                                                    {"variable_id", context.variable_id},
                                                                    {"reference_source_id", context.reference_source_id}});
    bundles.metric = drop_undeclared_leaves(std::move(bundles.metric));
    return bundles;
}

Bundles convert_mode(const fs::path& out, const ModeContext& context) {
    const auto cmec_files = glob_directory(out, "*_" + context.mip_id + "_*_cmec.json");
    if (cmec_files.size() != 1)
        throw plugin::DiagnosticError("expected exactly one *_" + context.mip_id + "_*_cmec.json from PMP in " +
                                      out.string() + ", found " + std::to_string(cmec_files.size()));
    json native = remove_null_values(read_json_file(cmec_files.front()));
    require_structure(native, cmec_files.front());
    write_json_file(cmec_files.front(), native);

    Bundles bundles = process_json_result(std::move(native), relative_files(out, out, "*.png"),
                                          relative_files(out, out, "*.nc"));
    bundles.metric = remove_dimensions(std::move(bundles.metric), {"model", "realization", "reference"});
    bundles.metric = prepend_dimensions(std::move(bundles.metric), {{"kind", "model"},
                                                                    {"mip_id", context.mip_id},
                                                                    {"source_id", context.source_id},
                                                                    {"member_id", context.member_id},
                                                                    {"experiment_id", context.experiment_id},
                                                                    {"reference_source_id", context.reference_source_id}});
    bundles.metric = drop_undeclared_leaves(std::move(bundles.metric));
    return bundles;
}

Bundles convert_enso(const fs::path& out, const EnsoContext& context) {
    const std::string pattern =
        context.collection + "_" + context.source_id + "_" + context.experiment_id + "_" + context.member_id;
    const fs::path file = out / (pattern + "_cmec.json");
    if (!fs::is_regular_file(file))
        throw plugin::DiagnosticError("the ENSO driver wrote no " + file.filename().string() + " into " + out.string());
    json native = read_json_file(file);
    require_structure(native, file);
    Bundles bundles = process_json_result(std::move(native), relative_files(out, out, "*.png"),
                                          relative_files(out, out, "*.nc"));
    bundles.metric = remove_dimensions(std::move(bundles.metric), {"model", "realization"});
    bundles.metric = prepend_dimensions(std::move(bundles.metric), {{"kind", "model"},
                                                                    {"mip_id", context.mip_id},
                                                                    {"source_id", context.source_id},
                                                                    {"member_id", context.member_id},
                                                                    {"grid_label", context.grid_label},
                                                                    {"experiment_id", context.experiment_id}});
    bundles.metric = drop_undeclared_leaves(std::move(bundles.metric));
    return bundles;
}

plugin::ExecutionResult write_bundles(const fs::path& out, const Bundles& bundles) {
    write_json_file(out / "diagnostic.json", bundles.metric, 2);
    write_json_file(out / "output.json", bundles.output, 2);
    write_json_file(out / "series.json", json::array(), 2);
    plugin::ExecutionResult result;
    result.details = {{"backend", "pmp"}, {"pcmdi_metrics", kPcmdiMetricsVersion}};
    return result;
}

plugin::ExecutionResult write_native_bundles(const fs::path& out, Bundles bundles) {
    bundles.output["provenance"]["environment"] = {{"backend", "native"}, {"provider", "pmp"}, {"version", kProviderVersion}};
    plugin::ExecutionResult result = write_bundles(out, bundles);
    result.details = {{"backend", "native"}, {"version", kProviderVersion}};
    return result;
}

}  // namespace ref::pmp
