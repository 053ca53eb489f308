#include "ref/science/cmec.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

#include "ref/science/atomic_file.hpp"

namespace ref::science::cmec {
namespace {

using nlohmann::json;

const std::string attributes_key = "attributes";

// Collects the keys at each depth of nested results, one set per dimension.
void collect_keys(const json& node, std::size_t depth, std::vector<std::set<std::string>>& keys) {
    if (depth >= keys.size() || !node.is_object()) return;
    for (const auto& [key, child] : node.items()) {
        if (key == attributes_key) continue;
        keys[depth].insert(key);
        collect_keys(child, depth + 1, keys);
    }
}

void check_keys(const json& node, std::size_t depth, const json& dimensions, const std::vector<std::string>& structure) {
    if (depth >= structure.size() || !node.is_object()) return;
    const json& declared = dimensions.at(structure[depth]);
    for (const auto& [key, child] : node.items()) {
        if (key == attributes_key) continue;
        if (!declared.contains(key)) {
            throw std::runtime_error("metric bundle: RESULTS key '" + key + "' is not a declared value of dimension '" +
                                     structure[depth] + "'");
        }
        check_keys(child, depth + 1, dimensions, structure);
    }
}

json file_entry(const std::string& filename, const std::string& long_name, const std::string& description) {
    return json{{"filename", filename}, {"long_name", long_name}, {"description", description}, {"dimensions", nullptr}};
}

json index_value(double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
    return v;
}

}  // namespace

json make_metric_bundle(const std::vector<std::string>& json_structure, const json& results) {
    std::vector<std::set<std::string>> keys(json_structure.size());
    collect_keys(results, 0, keys);
    json dimensions = json::object();
    dimensions["json_structure"] = json_structure;
    for (std::size_t i = 0; i < json_structure.size(); ++i) {
        json values = json::object();
        for (const auto& key : keys[i]) values[key] = json::object();
        dimensions[json_structure[i]] = values;
    }
    return json{{"DIMENSIONS", dimensions}, {"RESULTS", results}, {"PROVENANCE", nullptr},
                {"DISCLAIMER", nullptr},    {"NOTES", nullptr}};
}

void validate_metric_bundle(const json& bundle) {
    if (!bundle.is_object() || !bundle.contains("DIMENSIONS") || !bundle.contains("RESULTS")) {
        throw std::runtime_error("metric bundle: DIMENSIONS and RESULTS are required");
    }
    const json& dimensions = bundle.at("DIMENSIONS");
    const auto structure = dimensions.at("json_structure").get<std::vector<std::string>>();
    for (const auto& name : structure) {
        if (!dimensions.contains(name)) throw std::runtime_error("metric bundle: dimension '" + name + "' is not declared");
    }
    check_keys(bundle.at("RESULTS"), 0, dimensions, structure);
}

json prepend_dimensions(const json& bundle, const std::vector<std::pair<std::string, std::string>>& dimensions) {
    json out = bundle;
    json& declared = out["DIMENSIONS"];
    auto structure = declared.value("json_structure", std::vector<std::string>{});
    std::set<std::string> seen(structure.begin(), structure.end());
    for (const auto& [name, value] : dimensions) {
        if (!seen.insert(name).second) {
            throw std::invalid_argument("cannot prepend dimension '" + name + "': it already exists in the bundle");
        }
    }
    json results = out.value("RESULTS", json::object());
    for (auto it = dimensions.rbegin(); it != dimensions.rend(); ++it) results = json{{it->second, results}};
    std::vector<std::string> names;
    for (const auto& [name, value] : dimensions) {
        names.push_back(name);
        declared[name] = json{{value, json::object()}};
    }
    structure.insert(structure.begin(), names.begin(), names.end());
    declared["json_structure"] = structure;
    out["RESULTS"] = results;
    return out;
}

json make_output_bundle(const std::string& log) {
    return json{{"index", "index.html"},
                {"provenance",
                 {{"environment", json::object()}, {"modeldata", json::array()}, {"obsdata", json::object()}, {"log", log}}},
                {"data", json::object()},
                {"html", json::object()},
                {"metrics", nullptr},
                {"diagnostics", json::object()},
                {"plots", json::object()}};
}

void add_output_data(json& bundle, const std::string& key, const std::string& filename, const std::string& long_name,
                     const std::string& description) {
    bundle["data"][key] = file_entry(filename, long_name, description);
}

void add_output_plot(json& bundle, const std::string& key, const std::string& filename, const std::string& long_name,
                     const std::string& description) {
    bundle["plots"][key] = file_entry(filename, long_name, description);
}

json series_to_json(const std::vector<SeriesValue>& series) {
    json out = json::array();
    for (const auto& s : series) {
        json index = json::array();
        for (const double v : s.index) index.push_back(index_value(v));
        out.push_back(json{{"dimensions", s.dimensions},
                           {"values", s.values},
                           {"index", index},
                           {"index_name", s.index_name},
                           {"attributes", s.attributes},
                           {"value_units", s.value_units}});
    }
    return out;
}

void write_series_file(const std::filesystem::path& path, const std::vector<SeriesValue>& series) {
    write_json_atomically(path, series_to_json(series));
}

json without_non_finite(const json& value) {
    if (value.is_number_float()) return std::isfinite(value.get<double>()) ? value : json(nullptr);
    if (value.is_array()) {
        json out = json::array();
        for (const auto& item : value) out.push_back(without_non_finite(item));
        return out;
    }
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, item] : value.items()) out[key] = without_non_finite(item);
        return out;
    }
    return value;
}

void write_json_atomically(const std::filesystem::path& path, const json& value) {
    write_text_atomically(path, without_non_finite(value).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace ref::science::cmec
