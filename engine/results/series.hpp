// Series files (cmec.md §6): a JSON array of 1-d series with their index axes.
#pragma once

#include "results/metric_bundle.hpp"
#include "results/vocabulary.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace ref::results {

struct SeriesEntry {
    std::map<std::string, std::string> dimensions;  // without kind
    std::string kind = "model";
    std::vector<double> values;  // null → NaN
    nlohmann::json index;        // array of strings/numbers as in the file
    std::string index_name;
    nlohmann::json attributes;   // object or null; non-finite numbers → null
};

// Strict loading (§6.1), all-or-nothing: the document must be an array; each entry's keys are
// typed without coercion; values and index have equal lengths; index entries are strings or
// finite numbers; values entries numbers or null (a non-finite number is an error, as in
// bundles); kind is model|reference, and a `kind` inside dimensions is stripped (it must be
// model|reference too and agree with a `kind` key if both are given); the dimensions as written
// pass vocabulary.check. Presentation fields (value_units, ...) and reference_id are checked
// for type but not returned. Errors name the entry: "series[3] (region=global, ...): ...".
std::vector<SeriesEntry> read_series(const nlohmann::json& doc, const Vocabulary& vocabulary);

}  // namespace ref::results
