#include "results/metric_bundle.hpp"

#include "results/json_checks.hpp"

#include <cmath>
#include <limits>
#include <set>

namespace ref::results {

using nlohmann::json;
using detail::describe;

namespace {

constexpr const char* kAttributes = "attributes";

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// kind is a dimension in the bundle but a field on the value (§3 step 3).
void lift_kind(ScalarValue& v, const std::string& at) {
    auto it = v.dimensions.find("kind");
    if (it == v.dimensions.end()) return;
    if (it->second != "model" && it->second != "reference")
        throw BundleError(at + ": kind must be 'model' or 'reference', not '" + it->second + "'");
    v.kind = it->second;
    v.dimensions.erase(it);
}

// json_structure as names, after checking it against the declared dimensions (§2.2).
std::vector<std::string> checked_structure(const json& dims) {
    if (!dims.contains("json_structure")) throw BundleError("DIMENSIONS/json_structure is missing");
    const json& listed = dims["json_structure"];
    if (!listed.is_array())
        throw BundleError("DIMENSIONS/json_structure must be an array of dimension names, not " + describe(listed));
    std::vector<std::string> structure;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        if (!listed[i].is_string())
            throw BundleError("DIMENSIONS/json_structure[" + std::to_string(i) + "] must be a string, not " +
                              describe(listed[i]));
        const auto name = listed[i].get<std::string>();
        // "attributes" is the reserved results key, and "json_structure" cannot also be a declaration.
        if (name == kAttributes || name == "json_structure")
            throw BundleError("DIMENSIONS/json_structure: '" + name + "' is reserved and cannot name a dimension");
        if (!seen.insert(name).second) throw BundleError("DIMENSIONS/json_structure lists '" + name + "' twice");
        if (!dims.contains(name))
            throw BundleError("DIMENSIONS/json_structure lists '" + name + "', which DIMENSIONS does not declare");
        const json& declared = dims[name];
        if (!declared.is_object())
            throw BundleError("DIMENSIONS/" + name + " must be an object mapping each value to its metadata, not " +
                              describe(declared));
        if (declared.contains(kAttributes))
            throw BundleError("DIMENSIONS/" + name + ": 'attributes' is reserved and cannot be a value");
        structure.push_back(name);
    }
    for (const auto& [name, _] : dims.items())
        if (name != "json_structure" && !seen.count(name))
            throw BundleError("DIMENSIONS declares '" + name + "', which json_structure does not list");
    return structure;
}

struct Reader {
    const std::vector<std::string>& structure;
    const json& dims;
    const Vocabulary& vocabulary;
    bool allow_extra_keys;
    MetricBundleContent& out;

    void walk(const json& node, std::size_t level, const std::map<std::string, std::string>& path,
              const std::string& where) {
        const std::string& dim = structure[level];
        const json& declared = dims[dim];
        if (level + 1 < structure.size()) {
            // Non-innermost: exactly the declared values, each an object.
            std::vector<std::string> missing, undeclared;
            for (const auto& [value, _] : declared.items())
                if (!node.contains(value)) missing.push_back(value);
            for (const auto& [key, _] : node.items())
                if (key != kAttributes && !declared.contains(key)) undeclared.push_back(key);
            if (!missing.empty() || !undeclared.empty()) {
                std::string detail;
                if (!missing.empty()) detail += "missing: " + joined(missing);
                if (!undeclared.empty()) detail += (detail.empty() ? "" : "; ") + ("undeclared: " + joined(undeclared));
                throw BundleError(where + ": the keys of dimension '" + dim +
                                  "' must be exactly its declared values (" + detail + ")");
            }
            for (const auto& [key, value] : node.items()) {
                if (key == kAttributes) continue;  // outer attributes have no effect (§2.3)
                if (!value.is_object())
                    throw BundleError(where + "/" + key + ": expected an object keyed by dimension '" +
                                      structure[level + 1] + "', not " + describe(value));
                auto next = path;
                next[dim] = key;
                walk(value, level + 1, next, where + "/" + key);
            }
            return;
        }

        // Innermost: a subset of the declared values, leaves numbers or null.
        json attributes = nullptr;
        if (node.contains(kAttributes) && !node[kAttributes].is_null())
            attributes = detail::checked_attributes(node[kAttributes], where + "/" + kAttributes, false);
        for (const auto& [key, value] : node.items()) {
            if (key == kAttributes) continue;
            const std::string at = where + "/" + key;
            if (!declared.contains(key)) {
                const std::string problem = where + ": '" + key + "' is not a declared value of dimension '" + dim + "'";
                if (!allow_extra_keys) throw BundleError(problem + " (ALLOW_EXTRA_KEYS is false)");
                out.warnings.push_back(problem);
            }
            if (!value.is_number() && !value.is_null())
                throw BundleError(at + ": leaves must be numbers or null, not " + describe(value));
            // RESULTS maps keys to objects, so one dimension cannot hold values (§2.3).
            if (level == 0)
                throw BundleError(at + ": a bundle with a single dimension cannot hold values (the top level of "
                                       "RESULTS must map keys to objects)");
            double number = std::numeric_limits<double>::quiet_NaN();
            if (value.is_number()) {
                number = value.get<double>();
                if (!std::isfinite(number))
                    throw BundleError(at + ": value is not finite; write null for a missing value");
            }
            ScalarValue v;
            v.dimensions = path;
            v.dimensions[dim] = key;
            const auto written = v.dimensions;
            lift_kind(v, at);  // first, so a bad kind gets the kind message, not the CV's
            if (auto problem = vocabulary.check(written)) throw BundleError(at + ": " + *problem);
            v.value = number;
            v.attributes = attributes;
            out.values.push_back(std::move(v));
        }
    }
};

// The lenient walk kept for printing (flatten_metric_bundle).
struct Walker {
    const std::vector<std::string>& structure;
    std::vector<ScalarValue>& out;

    void walk(const json& node, std::size_t level, std::map<std::string, std::string> path, const std::string& where) {
        if (!node.is_object()) throw BundleError(where + ": expected an object at level '" + structure[level] + "'");
        const json* attributes = node.contains(kAttributes) ? &node[kAttributes] : nullptr;
        for (const auto& [key, value] : node.items()) {
            if (key == kAttributes) continue;
            auto next = path;
            next[structure[level]] = key;
            const std::string at = where + "/" + key;
            if (value.is_number() || value.is_null()) {
                if (level + 1 != structure.size())
                    throw BundleError(at + ": a value sits above the innermost dimension '" + structure.back() + "'");
                ScalarValue v;
                v.dimensions = std::move(next);
                lift_kind(v, at);
                v.value = value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
                v.attributes = attributes ? *attributes : json(nullptr);
                out.push_back(std::move(v));
            } else if (value.is_object()) {
                if (level + 1 >= structure.size()) throw BundleError(at + ": nested deeper than json_structure");
                walk(value, level + 1, std::move(next), at);
            } else {
                throw BundleError(at + ": leaves must be numbers or null, not " + std::string(value.type_name()));
            }
        }
    }
};

}  // namespace

MetricBundleContent read_metric_bundle(const json& bundle, const Vocabulary& vocabulary, bool allow_extra_keys) {
    if (!bundle.is_object()) throw BundleError("the metric bundle must be a JSON object, not " + describe(bundle));
    if (!bundle.contains("DIMENSIONS")) throw BundleError("DIMENSIONS is missing");
    if (!bundle.contains("RESULTS")) throw BundleError("RESULTS is missing");
    const json& dims = bundle["DIMENSIONS"];
    const json& results = bundle["RESULTS"];
    if (!dims.is_object()) throw BundleError("DIMENSIONS must be an object, not " + describe(dims));
    if (!results.is_object()) throw BundleError("RESULTS must be an object, not " + describe(results));
    for (const char* key : {"PROVENANCE", "DISCLAIMER", "NOTES"})
        if (bundle.contains(key) && !bundle[key].is_object() && !bundle[key].is_null())
            throw BundleError(std::string(key) + " must be an object or null, not " + describe(bundle[key]));

    const auto structure = checked_structure(dims);
    MetricBundleContent out;
    if (structure.empty()) {
        if (!results.empty()) throw BundleError("RESULTS must be {} when json_structure is empty");
        return out;
    }
    Reader{structure, dims, vocabulary, allow_extra_keys, out}.walk(results, 0, {}, "RESULTS");
    return out;
}

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
