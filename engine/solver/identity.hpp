// What identifies a planned execution (solver spec §5 and §7.2): the execution-group key,
// the selectors, the dataset hash and the output-directory fragment.
#pragma once

#include "solver/requirements.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ref::solver {

// (facet, value) pairs of one source type's group, sorted by facet name.
using Selector = std::vector<std::pair<std::string, std::string>>;

// One source type's part of a candidate: its selector and the instance_id of every file row
// (one entry per row, duplicates kept).
struct CollectionIdentity {
    SourceType type;
    Selector selector;
    std::vector<std::string> instance_ids;
};

// "cmip6_<values sorted by facet>" parts in canonical source-type order, joined by "__".
// Values go in verbatim (spec §5.1).
std::string group_key(const std::vector<CollectionIdentity>& collections);

// The selectors as stored on the execution group, canonical order:
// {"cmip6": [["experiment_id", "historical"], ...], ...} (compact JSON text).
std::string selectors_json(const std::vector<CollectionIdentity>& collections);

// SHA-1 over the sorted instance ids, then over the sorted "type:hash" lines (spec §5.3).
std::string collection_hash(const std::vector<std::string>& instance_ids);
std::string dataset_hash(const std::vector<CollectionIdentity>& collections);

// Python's repr() of a str (the quoting rules of spec §7.2 step 4).
std::string python_repr(const std::string& text);

// group_short (spec §7.2): readable tokens, then "_g<group>_v<version>_<blake2s-4 digest>",
// at most 96 characters.
std::string group_short(const std::vector<CollectionIdentity>& collections, int64_t group_id,
                        int diagnostic_version);

// "<provider>/<diagnostic>/<group_short>/<execution id>"; throws std::invalid_argument if a
// slug is not one safe path segment.
std::string output_fragment(const std::string& provider_slug, const std::string& diagnostic_slug,
                            const std::vector<CollectionIdentity>& collections, int64_t group_id,
                            int64_t execution_id, int diagnostic_version = 1);

}  // namespace ref::solver
