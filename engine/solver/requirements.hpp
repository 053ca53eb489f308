// The data-requirement vocabulary a diagnostic declares (docs/plugin-abi.md).
// Plain data, parsed and validated from declaration JSON; the solver consumes it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ref::solver {

enum class SourceType { Cmip6, Cmip7, EsmvaltoolReference, Obs4mips, Obs4ref, PmpClimatology };

// In canonical order (sorted by their string values).
const std::vector<SourceType>& all_source_types();
std::string_view to_string(SourceType type);
std::optional<SourceType> parse_source_type(std::string_view text);

// facet -> allowed values, in declaration order.
using FacetFilter = std::vector<std::pair<std::string, std::vector<std::string>>>;
using Names = std::vector<std::string>;

struct PartialDateTime {
    std::optional<int> year, month, day, hour, minute, second;
};

struct RequireFacets {
    enum class Operator { All, Any };
    std::string dimension;
    Names required_facets;
    Operator op = Operator::All;
    Names group_by;
};
struct IgnoreFacets {
    FacetFilter facets;
};
struct AddSupplementaryDataset {
    FacetFilter supplementary_facets;
    Names matching_facets;
    Names optional_matching_facets;
};
struct RequireTimerange {
    Names group_by;
    std::optional<PartialDateTime> start, end;
};
struct RequireContiguousTimerange {
    Names group_by;
};
struct RequireOverlappingTimerange {
    Names group_by;
};
struct AddParentDataset {
    std::vector<std::pair<std::string, std::string>> parent_facet_map;  // parent facet <- child facet
};
struct SelectFirstMember {
    std::string member_facet = "member_id";
    Names group_by = {"source_id"};
};

using Constraint = std::variant<RequireFacets, IgnoreFacets, AddSupplementaryDataset, RequireTimerange,
                                RequireContiguousTimerange, RequireOverlappingTimerange, AddParentDataset,
                                SelectFirstMember>;

std::string_view constraint_name(const Constraint& constraint);

struct DataRequirement {
    SourceType source_type = SourceType::Cmip6;
    std::vector<FacetFilter> filters;  // OR-ed
    std::optional<Names> group_by;     // nullopt: one group holding every row
    std::vector<Constraint> constraints;
};

// AND within a collection; a diagnostic's requirements are alternatives (OR) of collections.
using RequirementCollection = std::vector<DataRequirement>;
using RequirementAlternatives = std::vector<RequirementCollection>;

// A problem in declared requirements; what() starts with the JSON path of the culprit.
struct RequirementError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Accepts the nested form (list of lists) and the flat form (list of requirements = one collection).
RequirementAlternatives parse_requirements(const nlohmann::json& doc, const std::string& where);

}  // namespace ref::solver
