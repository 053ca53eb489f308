// Files embedded into the library at build time: the conda environment definition and the
// recipe templates (one per upstream recipe the plugin can run).
#pragma once

#include <string>
#include <vector>

namespace ref::esmvaltool {

const std::string& environment_definition();
// The template for a recipes-registry key (e.g. "ref/recipe_ref_ecs.yml"), or nullptr.
const std::string* recipe_template(const std::string& key);
std::vector<std::string> recipe_template_keys();

}  // namespace ref::esmvaltool
