// CMEC metric bundles (cmec.md §2-3): validating DIMENSIONS/RESULTS and flattening RESULTS
// into scalar values.
#pragma once

#include "results/vocabulary.hpp"

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

// A bundle, series file or output bundle that cannot be accepted; the message names the place
// (e.g. "RESULTS/MODEL-A/Tropics") and the problem.
struct BundleError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct MetricBundleContent {
    std::vector<ScalarValue> values;    // depth-first, keys in nlohmann::json (sorted) order
    std::vector<std::string> warnings;  // undeclared innermost keys, when allowed
};

// Full validation (cmec.md §2.1-2.3) and flattening (§3). On top of the spec:
//  - undeclared innermost keys are warned about and kept (at every depth), or are an error when
//    allow_extra_keys is false (upstream's ALLOW_EXTRA_KEYS=false);
//  - a non-finite leaf is an error (producers must write null);
//  - attributes values must be strings or numbers; non-finite numbers there become null;
//  - each value's dimensions (with kind) must pass vocabulary.check; upstream only warns.
MetricBundleContent read_metric_bundle(const nlohmann::json& bundle, const Vocabulary& vocabulary,
                                       bool allow_extra_keys = true);

// Structure-only flattening for printing: no declared-value or vocabulary checks. Throws
// BundleError (naming the path) for a structure that does not match json_structure, a
// non-numeric leaf, or a bad kind.
std::vector<ScalarValue> flatten_metric_bundle(const nlohmann::json& bundle);

}  // namespace ref::results
