#pragma once

// Ready-made execution definitions (the JSON the engine reads to run one diagnostic).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ref/datagen/writers.hpp"

namespace ref::datagen {

// One catalog row: instance_id, path, the DRS facets, start/end time and calendar
// (null for fixed fields).
nlohmann::json catalog_row(const GeneratedFile& file);

// "cmip6_<experiment>_<source>_<variant>_<variable>" from the first non-fixed CMIP6 file.
std::string definition_key(const std::vector<GeneratedFile>& files);

// {"schema_version": 1, "diagnostic", "key", "root_directory", "output_directory": "",
//  "datasets": {"cmip6": {...}, "obs4mips": {...}}}: files are grouped by project, each group
// with slug_column "instance_id", a selector built from its first non-fixed file and one row per file.
nlohmann::json make_execution_definition(const std::string& diagnostic, const std::string& key,
                                         const std::vector<GeneratedFile>& files,
                                         const std::string& root_directory = "");

}  // namespace ref::datagen
