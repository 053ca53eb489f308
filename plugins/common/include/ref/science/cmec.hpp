#pragma once

// CMEC metric and output bundles, series files, and atomic JSON writing.

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ref::science::cmec {

// {"DIMENSIONS": {"json_structure": [...], "<dim>": {"<value>": {}, ...}}, "RESULTS": results,
//  "PROVENANCE": null, "DISCLAIMER": null, "NOTES": null}. The values of each dimension are
// the keys found at that depth of `results` ("attributes" keys are metadata, not values).
nlohmann::json make_metric_bundle(const std::vector<std::string>& json_structure, const nlohmann::json& results);

// Throws std::runtime_error when RESULTS uses a key not declared for its dimension.
void validate_metric_bundle(const nlohmann::json& bundle);

// Wraps RESULTS in one new outer level per pair, the first pair outermost, each dimension
// declared with its single value. Throws std::invalid_argument if a dimension already exists.
nlohmann::json prepend_dimensions(const nlohmann::json& bundle,
                                  const std::vector<std::pair<std::string, std::string>>& dimensions);

// {"index": "index.html", "provenance": {..., "log": log}, "data": {}, "html": {}, "metrics": null,
//  "diagnostics": {}, "plots": {}}. The REF's tool providers name "cmec_output.log".
nlohmann::json make_output_bundle(const std::string& log = "out.log");
void add_output_data(nlohmann::json& bundle, const std::string& key, const std::string& filename,
                     const std::string& long_name, const std::string& description);
void add_output_plot(nlohmann::json& bundle, const std::string& key, const std::string& filename,
                     const std::string& long_name, const std::string& description);

struct SeriesValue {
    std::map<std::string, std::string> dimensions;
    std::vector<double> values;
    std::vector<double> index;  // integral values are written as JSON integers
    std::string index_name = "year";
    nlohmann::json attributes = nlohmann::json::object();
    std::string value_units;
};

nlohmann::json series_to_json(const std::vector<SeriesValue>& series);
void write_series_file(const std::filesystem::path& path, const std::vector<SeriesValue>& series);

// Copy of `value` with NaN and infinities replaced by null.
nlohmann::json without_non_finite(const nlohmann::json& value);

// Pretty (indent 2) JSON with non-finite numbers as null, via a temporary file and rename.
void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& value);

}  // namespace ref::science::cmec
