// Turning an ESMValTool run directory into the CMEC output bundle, the metric bundle and the
// series (spec §1.7). Pure functions of the output directory's content.
#pragma once

#include "ref/esmvaltool/declarations.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ref::esmvaltool {

namespace fs = std::filesystem;
using Selectors = std::vector<std::pair<std::string, std::string>>;

// The selector of the CMIP6 collection, else CMIP7, else obs4MIPs, else empty.
Selectors input_selectors(const plugin::ExecutionDefinition& definition);

// <OUT>/executions/recipe if it exists, else the greatest entry of <OUT>/executions.
// Throws plugin::DiagnosticError when there is none.
fs::path find_result_directory(const fs::path& output_directory);

// `{facet}` placeholders replaced by the selector values.
std::string format_pattern(const std::string& pattern, const Selectors& selectors);
// Shell-style match of `relative_path` against executions/*/<pattern> ('*' also spans '/').
bool matches_definition(const std::string& relative_path, const std::string& pattern, const Selectors& selectors);

// Every file the provenance records list: (absolute path, caption), provenance files sorted.
// Throws plugin::DiagnosticError for a malformed or missing provenance record.
std::vector<std::pair<fs::path, std::string>> provenance_files(const fs::path& result_directory);

struct Bundles {
    json output;      // output.json
    json metrics;     // diagnostic.json
    json series;      // series.json
};

// Throws plugin::DiagnosticError when outputs the diagnostic needs are missing or unreadable.
Bundles build_bundles(const DiagnosticSpec& spec, const Selectors& selectors, const fs::path& output_directory);

// The metric bundle alone (format_result of the diagnostic plus the prepended selectors).
json metric_bundle(const DiagnosticSpec& spec, const Selectors& selectors, const fs::path& result_directory);

}  // namespace ref::esmvaltool
