// Content hashes of series axes and reference series (database.md §3.4): SHA-256 of the text
// Python's json.dumps(x, separators=(",", ":"), ensure_ascii=False) writes, so hashes match
// rows written by climate-ref.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ref::results {

// Python's repr of a float: shortest round-trip digits, "1.0", "1e-05", "1.5e+16", "-0.0",
// and NaN / Infinity / -Infinity as json.dumps writes them (allow_nan).
std::string python_float_repr(double value);

// json.dumps(value, separators=(",", ":"), ensure_ascii=False). JSON integers stay integers,
// floats use python_float_repr. Object keys come out in nlohmann::json's (sorted) order,
// whereas Python keeps insertion order: hash only arrays and scalars where that matters.
std::string python_json_text(const nlohmann::json& value);

// sha256 of [name, index].
std::string index_axis_hash(const std::optional<std::string>& name, const nlohmann::json& index);

// sha256 of [[values...], index, reference_source_id]; every value is written as a Python float
// (NaN as NaN), index as given (null allowed), a missing reference_source_id as null.
std::string series_reference_id(const std::vector<double>& values, const nlohmann::json& index,
                                const std::optional<std::string>& reference_source_id);

}  // namespace ref::results
