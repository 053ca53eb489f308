#pragma once

// Ready-made execution definitions (the JSON the engine reads to run one diagnostic).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ref/datagen/writers.hpp"

namespace ref::datagen {

// One catalog row: instance_id, path, the DRS facets, start/end time and calendar
// (null for fixed fields). CMIP7 rows add experiment_id, region, branding_suffix, branded_variable,
// mip_era, nominal_resolution and tracking_id; obs4REF and PMP rows nominal_resolution; ESMValTool
// rows project, data_type and tier. Outside CMIP6 and obs4MIPs, empty facets are null.
nlohmann::json catalog_row(const GeneratedFile& file);

// "cmip6_<experiment>_<source>_<variant>_<variable>" from the first non-fixed CMIP6 file.
std::string definition_key(const std::vector<GeneratedFile>& files);

// {"schema_version": 1, "diagnostic", "key", "root_directory", "output_directory": "",
//  "datasets": {"cmip6": {...}, "obs4mips": {...}}}: files are grouped by source type (cmip6, cmip7,
// obs4mips, obs4ref, pmp-climatology, esmvaltool-reference), each group
// with slug_column "instance_id", a selector built from its first non-fixed file and one row per file.
nlohmann::json make_execution_definition(const std::string& diagnostic, const std::string& key,
                                         const std::vector<GeneratedFile>& files,
                                         const std::string& root_directory = "");

}  // namespace ref::datagen
