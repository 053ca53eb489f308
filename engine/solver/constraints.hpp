// The constraint vocabulary applied to one group (solver spec §3). Each takes the group's
// rows and the full catalog of the requirement's source type and returns the new group;
// an empty result drops the group. A missing column throws SolveError.
#pragma once

#include "solver/catalog_table.hpp"
#include "solver/requirements.hpp"

namespace ref::solver {

Rows apply_constraint(const Constraint& constraint, const Rows& group, const CatalogTable& catalog);

Rows apply(const RequireFacets& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const IgnoreFacets& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const AddSupplementaryDataset& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const RequireTimerange& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const RequireContiguousTimerange& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const RequireOverlappingTimerange& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const AddParentDataset& c, const Rows& group, const CatalogTable& catalog);
Rows apply(const SelectFirstMember& c, const Rows& group, const CatalogTable& catalog);

// Sub-groups of `rows` by `columns` (spec §2.4): rows with NA in any column belong to none;
// groups come in ascending order of their value tuples (code-point order); each keeps its
// rows in the given order. Throws SolveError (prefixed by `context`) for a missing column.
struct SubGroup {
    std::vector<ValueId> key;
    Rows rows;
};
std::vector<SubGroup> group_rows(const Rows& rows, const CatalogTable& catalog, const Names& columns,
                                 std::string_view context);

// Sort key of an ensemble member (spec §3.9): r<i>i<i>p<i>f<i> labels first by their numbers,
// any other label after them by code point. Negative when a sorts first.
int compare_members(std::string_view a, std::string_view b);

}  // namespace ref::solver
