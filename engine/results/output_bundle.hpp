// CMEC output bundles (cmec.md §5): the plots, data files and HTML pages an execution lists.
#pragma once

#include "results/metric_bundle.hpp"
#include "results/vocabulary.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ref::results {

enum class OutputType { Plot, Data, Html };

// The stored names: "Plot", "Data", "HTML".
std::string to_string(OutputType type);

struct OutputEntry {
    OutputType type;
    std::string short_name;  // the entry's key in its section
    std::string filename;    // lexically normal, relative to the output directory
    std::string long_name, description;
    std::map<std::string, std::string> dimensions;
};

struct OutputBundleContent {
    std::optional<std::string> index;
    // plots, then data, then html (the order of cmec.md §7 steps 4 and 5a); within a section by
    // short name (nlohmann::json keeps keys sorted). The metrics section is not returned.
    std::vector<OutputEntry> entries;
};

// Strict type validation of §5 (provenance with its four keys; entries with string filename,
// long_name and description; dimensions an object of strings or null; metrics validated too).
// Each filename must stay inside output_dir: absolute paths inside it are made relative, anything
// leaving it ("..", absolute elsewhere) is a BundleError. Purely lexical: symlinks are the copy
// step's concern. Dimensions of plots/data/html entries must pass vocabulary.check.
OutputBundleContent read_output_bundle(const nlohmann::json& bundle, const std::filesystem::path& output_dir,
                                       const Vocabulary& vocabulary);

}  // namespace ref::results
