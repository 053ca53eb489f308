// CMEC metric bundles: flattening RESULTS into scalar values (docs/cmec.md of the REF, §3).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ref::results {

struct ScalarValue {
    std::map<std::string, std::string> dimensions;  // without `kind`
    std::string kind = "model";                      // lifted from a `kind` dimension
    double value = 0;                                // null leaves become NaN
    nlohmann::json attributes;                       // of the innermost object, or null
};

struct BundleError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Depth-first in the file's key order. Throws BundleError (naming the path) for a
// structure that does not match json_structure, a non-numeric leaf, or a bad kind.
std::vector<ScalarValue> flatten_metric_bundle(const nlohmann::json& bundle);

}  // namespace ref::results
