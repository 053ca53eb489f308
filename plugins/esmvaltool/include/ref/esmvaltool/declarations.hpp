// The 25 ESMValTool diagnostics of the REF: data requirements, facets, the upstream recipe each
// one starts from, and the output and series definitions used to build the bundles.
#pragma once

#include "ref/plugin.hpp"

#include <string>
#include <vector>

namespace ref::esmvaltool {

using plugin::json;

// A file ESMValTool writes, matched against `executions/*/<file_pattern>` (after `{facet}`
// placeholders are replaced by the execution's selector values).
struct FileDefinition {
    std::string file_pattern;
    json dimensions = json::object();
};

// A netCDF output turned into one series.
struct SeriesDefinition {
    std::string file_pattern;
    json dimensions = json::object();
    std::string values_name;
    std::string index_name;
    json sel = json::object();  // e.g. {"dim0": 0}: the first entry of the dataset dimension
};

// How the metric bundle is filled from the native outputs.
enum class MetricFormat { none, ecs, tcr, tcre, zec, gwl, enso_characteristics, regional_trend, sea_ice_sensitivity };

struct DiagnosticSpec {
    std::string slug;
    std::string name;
    int version = 1;
    std::string base_recipe;  // key in the recipes registry, e.g. "ref/recipe_ref_ecs.yml"
    std::vector<std::string> facets;
    std::vector<std::vector<plugin::DataRequirement>> requirements;
    std::vector<FileDefinition> files;
    std::vector<SeriesDefinition> series;
    MetricFormat metrics = MetricFormat::none;
    bool backend_wired = false;  // the plugin can generate this diagnostic's recipe
};

const std::vector<DiagnosticSpec>& diagnostic_specs();

// The 58 AR6 regions (by Name) of the regional diagnostics, and a name as written in file names.
const std::vector<std::string>& ar6_region_names();
std::string region_file_name(const std::string& region);
// Throws std::out_of_range for an unknown slug.
const DiagnosticSpec& diagnostic_spec(const std::string& slug);

// The ESMValTool commit the recipes and the environment are pinned to.
inline constexpr const char* kEsmvaltoolCommit = "b827ce01b109f75af6117be120f89a6214c7db1f";
inline constexpr const char* kEsmvalcoreCommit = "d7569120c19a394b2c519e81c7117d0652942349";
inline constexpr const char* kEsmvaltoolVersion = "2.14.0.dev65+gb827ce01b";

// The provider's data registries (reference data and recipes), for the declaration.
json registries_declaration();
// Keys of the esmvaltool-datasets registry (paths under its cache root, starting with "ESMValTool/").
std::vector<std::string> reference_registry_keys();
// Keys of the recipes registry (paths under esmvaltool/recipes/ of the pinned commit).
std::vector<std::string> recipe_registry_keys();

}  // namespace ref::esmvaltool
