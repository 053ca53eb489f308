#include "results/metric_bundle.hpp"

#include <limits>

namespace ref::results {

using nlohmann::json;

namespace {

struct Walker {
    const std::vector<std::string>& structure;
    std::vector<ScalarValue>& out;

    void walk(const json& node, std::size_t level, std::map<std::string, std::string> path, const std::string& where) {
        if (!node.is_object()) throw BundleError(where + ": expected an object at level '" + structure[level] + "'");
        const json* attributes = node.contains("attributes") ? &node["attributes"] : nullptr;
        for (const auto& [key, value] : node.items()) {
            if (key == "attributes") continue;
            auto next = path;
            next[structure[level]] = key;
            const std::string at = where + "/" + key;
            if (value.is_number() || value.is_null()) {
                if (level + 1 != structure.size())
                    throw BundleError(at + ": a value sits above the innermost dimension '" + structure.back() + "'");
                emit(next, value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>(),
                     attributes, at);
            } else if (value.is_object()) {
                if (level + 1 >= structure.size()) throw BundleError(at + ": nested deeper than json_structure");
                walk(value, level + 1, std::move(next), at);
            } else {
                throw BundleError(at + ": leaves must be numbers or null, not " + std::string(value.type_name()));
            }
        }
    }

    void emit(std::map<std::string, std::string> dims, double value, const json* attributes, const std::string& at) {
        ScalarValue v;
        if (auto it = dims.find("kind"); it != dims.end()) {
            if (it->second != "model" && it->second != "reference")
                throw BundleError(at + ": kind must be 'model' or 'reference', not '" + it->second + "'");
            v.kind = it->second;
            dims.erase(it);
        }
        v.dimensions = std::move(dims);
        v.value = value;
        v.attributes = attributes ? *attributes : json(nullptr);
        out.push_back(std::move(v));
    }
};

}  // namespace

std::vector<ScalarValue> flatten_metric_bundle(const json& bundle) {
    if (!bundle.is_object()) throw BundleError("a metric bundle must be a JSON object");
    if (!bundle.contains("DIMENSIONS") || !bundle["DIMENSIONS"].is_object())
        throw BundleError("the metric bundle has no DIMENSIONS object");
    const json& dims = bundle["DIMENSIONS"];
    if (!dims.contains("json_structure") || !dims["json_structure"].is_array())
        throw BundleError("DIMENSIONS has no json_structure list");
    std::vector<std::string> structure;
    for (const auto& d : dims["json_structure"]) {
        if (!d.is_string()) throw BundleError("json_structure must list dimension names");
        structure.push_back(d.get<std::string>());
    }
    if (!bundle.contains("RESULTS")) throw BundleError("the metric bundle has no RESULTS");
    std::vector<ScalarValue> out;
    if (structure.empty()) return out;
    Walker{structure, out}.walk(bundle["RESULTS"], 0, {}, "RESULTS");
    return out;
}

}  // namespace ref::results
