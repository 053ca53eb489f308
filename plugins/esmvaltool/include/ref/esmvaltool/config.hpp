// The files and command of one ESMValTool run (spec §1.4): input symlink trees, the
// configuration file and the argument vector.
#pragma once

#include "ref/esmvaltool/yaml_json.hpp"
#include "ref/plugin.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::esmvaltool {

namespace fs = std::filesystem;

// <OUT>/config/config.yml content; the OBS, OBS6, native6 and obs4MIPs-esmvaltool data sources
// are present only when `reference_root` is given (and exists).
ordered_json esmvaltool_config(const fs::path& output_directory, const std::optional<fs::path>& reference_root);

// esmvaltool run --config-dir=<OUT>/config <OUT>/recipe.yml
std::vector<std::string> esmvaltool_argv(const fs::path& output_directory);

// Where a row of a model or obs4MIPs collection is linked under <OUT>/climate_data, relative to it.
// Throws plugin::DiagnosticError for identifiers that would leave the tree.
fs::path climate_data_location(const std::string& source_type, const plugin::json& row);

// Links every model and obs4MIPs file under <OUT>/climate_data.
void stage_climate_data(const plugin::ExecutionDefinition& definition, const fs::path& output_directory);

// With esmvaltool-reference datasets: rebuilds <OUT>/reference_data from them and returns it.
// Without: the downloaded registry tree (settings "reference_data_dir", else
// $REF_DATASET_CACHE_DIR/esmvaltool/datasets/ESMValTool) when it exists, else nullopt.
std::optional<fs::path> reference_data_root(const plugin::ExecutionDefinition& definition,
                                            const fs::path& output_directory);

}  // namespace ref::esmvaltool
