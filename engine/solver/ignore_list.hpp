// The operator's grey list ("ignore datasets", solver spec §2.7): YAML naming, per provider,
// diagnostic and source type, the facet sets whose datasets a diagnostic must not use.
//
//   <provider_slug>:
//     <diagnostic_slug>:
//       <source type>:                         # e.g. cmip6
//         - {facet: value, other_facet: [v1, v2]}
#pragma once

#include "solver/catalog_table.hpp"
#include "solver/plan.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ref::solver {

// Parses grey-list YAML into entries, in document order (list order within a source type).
// An empty document, `{}` and empty (null) sections mean nothing is ignored. Unknown
// source-type keys add a warning and are skipped, as in the REF; provider and diagnostic
// slugs are not checked here. Throws SolveError "<source_name>: <yaml path>: <problem>"
// for malformed YAML, a level that is not a mapping, an item that is not a mapping, a facet
// value that is not a string or a list of strings, and an empty item or value list (which
// would ignore everything or nothing).
std::vector<IgnoreEntry> parse_ignore_list(const std::string& yaml_text, const std::string& source_name,
                                           std::vector<std::string>& warnings);

// Reads and parses a grey-list file; an unreadable file is a SolveError naming it.
std::vector<IgnoreEntry> load_ignore_list(const std::filesystem::path& file, std::vector<std::string>& warnings);

}  // namespace ref::solver
