#include "results/json_checks.hpp"

#include "results/metric_bundle.hpp"

#include <cmath>

namespace ref::results::detail {

using nlohmann::json;

std::string describe(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        default: return value.type_name();
    }
}

json checked_attributes(const json& attributes, const std::string& where, bool allow_null) {
    if (!attributes.is_object()) throw BundleError(where + " must be an object or null, not " + describe(attributes));
    json out = json::object();
    for (const auto& [key, value] : attributes.items()) {
        if (value.is_number_float() && !std::isfinite(value.get<double>())) {
            out[key] = nullptr;
        } else if (value.is_string() || value.is_number() || (allow_null && value.is_null())) {
            out[key] = value;
        } else {
            throw BundleError(where + "/" + key + " must be a string" + (allow_null ? ", a number or null" : " or a number") +
                              ", not " + describe(value));
        }
    }
    return out;
}

}  // namespace ref::results::detail
