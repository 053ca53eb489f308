// Small checks shared by the bundle and series readers (internal to results/).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ref::results::detail {

// "a string", "a number", "null", ... for messages.
std::string describe(const nlohmann::json& value);

// A copy of an `attributes` object whose values are strings or numbers (and null when
// allow_null), with non-finite numbers replaced by null so the stored JSON stays valid.
// Anything else is a BundleError naming `where`/key.
nlohmann::json checked_attributes(const nlohmann::json& attributes, const std::string& where, bool allow_null);

}  // namespace ref::results::detail
