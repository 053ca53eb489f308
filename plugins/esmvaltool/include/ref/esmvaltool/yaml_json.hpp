// YAML <-> JSON for recipes and configuration files, through yaml-cpp. Recipes are kept as
// ordered JSON so key order survives; every string is written double-quoted so any value
// (spaces, quotes, '$', ';', newlines, non-ASCII) reads back unchanged.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ref::esmvaltool {

using ordered_json = nlohmann::ordered_json;

// Plain scalars become null/bool/int/float when they look like one (YAML 1.1 core forms);
// quoted scalars stay strings. Throws std::runtime_error with yaml-cpp's message when malformed.
ordered_json yaml_to_json(const std::string& text);

std::string json_to_yaml(const ordered_json& value);

}  // namespace ref::esmvaltool
