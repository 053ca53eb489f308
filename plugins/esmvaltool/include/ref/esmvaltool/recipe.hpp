// Building the ESMValTool recipe of one execution (spec §1.6): the embedded template of the
// diagnostic's upstream recipe, the diagnostic-specific update with the execution's datasets,
// then the generic CMIP7 MIP rewrite and annual_statistics fix.
#pragma once

#include "ref/esmvaltool/declarations.hpp"
#include "ref/esmvaltool/yaml_json.hpp"

#include <string>
#include <vector>

namespace ref::esmvaltool {

// ESMValTool facets of the rows of one dataset (spec §1.6 table). A facet holding several
// values in the rows becomes a list; `timerange` spans the rows' start/end times.
// Throws plugin::DiagnosticError when a needed column is missing.
ordered_json as_facets(const std::vector<json>& rows);

// Rows grouped by instance_id (sorted): {short_name: {"additional_datasets": [facets...]}}.
ordered_json dataframe_to_recipe(const std::vector<json>& rows);

// "2000-01-16 12:00:00" -> "20000116T120000".
std::string compact_time(const std::string& time);

struct ChildAndParent {
    ordered_json child;   // facets with timerange "YYYY/YYYY"
    ordered_json parent;
};

// Child/parent selection of the climate-sensitivity diagnostics (spec §3.1) on the rows of one
// variable: parent rows have `parent_experiment`, child rows any other experiment.
ChildAndParent child_and_parent_datasets(const std::vector<json>& rows, const std::string& parent_experiment,
                                         int child_duration, int parent_offset, int parent_duration);

// The template of a base recipe, parsed. Throws plugin::DiagnosticError if the plugin has none.
ordered_json recipe_template_json(const std::string& base_recipe);

// The complete recipe of an execution. Throws plugin::DiagnosticError for a diagnostic whose
// tool backend is not wired, or for datasets the recipe cannot be made from.
ordered_json build_recipe(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition);

// Generic modifications applied after the update (spec §1.6 steps 4 and 5).
void rewrite_cmip7_mips(ordered_json& recipe);
void fix_annual_statistics(ordered_json& recipe);

}  // namespace ref::esmvaltool
