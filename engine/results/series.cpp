#include "results/series.hpp"

#include "results/json_checks.hpp"

#include <cmath>
#include <limits>

namespace ref::results {

using nlohmann::json;
using detail::describe;

namespace {

bool is_kind(const std::string& kind) { return kind == "model" || kind == "reference"; }

SeriesEntry read_entry(const json& entry, std::string where, const Vocabulary& vocabulary) {
    if (!entry.is_object()) throw BundleError(where + ": must be an object, not " + describe(entry));
    SeriesEntry s;

    // Dimensions first: once known, they name the entry in every later message.
    if (!entry.contains("dimensions")) throw BundleError(where + ": dimensions is missing");
    const json& dims = entry["dimensions"];
    if (!dims.is_object()) throw BundleError(where + ": dimensions must be an object, not " + describe(dims));
    std::map<std::string, std::string> written;
    for (const auto& [name, value] : dims.items()) {
        if (!value.is_string())
            throw BundleError(where + ": dimensions/" + name + " must be a string, not " + describe(value));
        written[name] = value.get<std::string>();
    }
    if (!written.empty()) {
        std::string list;
        for (const auto& [name, value] : written) list += (list.empty() ? "" : ", ") + name + "=" + value;
        where += " (" + list + ")";
    }

    auto optional_string = [&](const char* key) {
        if (entry.contains(key) && !entry[key].is_null() && !entry[key].is_string())
            throw BundleError(where + ": " + key + " must be a string or null, not " + describe(entry[key]));
    };

    if (entry.contains("kind")) {
        const json& kind = entry["kind"];
        if (!kind.is_string()) throw BundleError(where + ": kind must be a string, not " + describe(kind));
        s.kind = kind.get<std::string>();
        if (!is_kind(s.kind)) throw BundleError(where + ": kind must be 'model' or 'reference', not '" + s.kind + "'");
    }
    if (auto it = written.find("kind"); it != written.end()) {
        if (!is_kind(it->second))
            throw BundleError(where + ": dimensions/kind must be 'model' or 'reference', not '" + it->second + "'");
        if (entry.contains("kind") && it->second != s.kind)
            throw BundleError(where + ": kind '" + s.kind + "' disagrees with dimensions/kind '" + it->second + "'");
        s.kind = it->second;
    }

    if (!entry.contains("values")) throw BundleError(where + ": values is missing");
    const json& values = entry["values"];
    if (!values.is_array()) throw BundleError(where + ": values must be an array, not " + describe(values));
    s.values.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const json& v = values[i];
        const std::string at = where + ": values[" + std::to_string(i) + "]";
        if (v.is_null()) {
            s.values.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        if (!v.is_number()) throw BundleError(at + " must be a number or null, not " + describe(v));
        const double d = v.get<double>();
        if (!std::isfinite(d)) throw BundleError(at + " is not finite; write null for a missing value");
        s.values.push_back(d);
    }

    if (!entry.contains("index")) throw BundleError(where + ": index is missing");
    const json& index = entry["index"];
    if (!index.is_array()) throw BundleError(where + ": index must be an array, not " + describe(index));
    for (std::size_t i = 0; i < index.size(); ++i) {
        const json& v = index[i];
        const std::string at = where + ": index[" + std::to_string(i) + "]";
        if (!v.is_string() && !v.is_number()) throw BundleError(at + " must be a string or a number, not " + describe(v));
        if (v.is_number_float() && !std::isfinite(v.get<double>())) throw BundleError(at + " is not finite");
    }
    if (index.size() != values.size())
        throw BundleError(where + ": index has " + std::to_string(index.size()) + " entries but values has " +
                          std::to_string(values.size()));
    s.index = index;

    if (!entry.contains("index_name")) throw BundleError(where + ": index_name is missing");
    if (!entry["index_name"].is_string())
        throw BundleError(where + ": index_name must be a string, not " + describe(entry["index_name"]));
    s.index_name = entry["index_name"].get<std::string>();

    for (const char* key : {"reference_id", "value_units", "value_long_name", "index_units", "calendar"})
        optional_string(key);

    s.attributes = nullptr;
    if (entry.contains("attributes") && !entry["attributes"].is_null())
        s.attributes = detail::checked_attributes(entry["attributes"], where + ": attributes", true);

    if (auto problem = vocabulary.check(written)) throw BundleError(where + ": " + *problem);
    written.erase("kind");
    s.dimensions = std::move(written);
    return s;
}

}  // namespace

std::vector<SeriesEntry> read_series(const json& doc, const Vocabulary& vocabulary) {
    if (!doc.is_array())
        throw BundleError("the series file must be a JSON array of series entries, not " + describe(doc));
    std::vector<SeriesEntry> out;
    out.reserve(doc.size());
    for (std::size_t i = 0; i < doc.size(); ++i)
        out.push_back(read_entry(doc[i], "series[" + std::to_string(i) + "]", vocabulary));
    return out;
}

}  // namespace ref::results
