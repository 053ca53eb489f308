// Planning: from catalogs and a diagnostic's data requirements to candidate executions
// (solver spec §2-§4). Pure: catalogs come from a CatalogSource, which is where a database
// and on-demand finalisation plug in.
#pragma once

#include "solver/catalog_table.hpp"
#include "solver/identity.hpp"
#include "solver/requirements.hpp"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ref::solver {

class CatalogSource {
public:
    virtual ~CatalogSource() = default;
    // The solver's view of one source type: latest non-retracted versions, one row per file,
    // any solve-level dataset filter applied. nullptr when the type has no catalog at all.
    virtual std::shared_ptr<const CatalogTable> catalog(SourceType type) = 0;
    // Completes the metadata of the datasets behind `rows` that a path-only ingest left out.
    // Returns true when anything changed: catalog(type) then returns a refreshed table.
    virtual bool finalise(SourceType /*type*/, const CatalogTable& /*catalog*/, const Rows& /*rows*/) { return false; }
    // Whether finalisation columns are off limits for filters and group-by (spec §1.5).
    virtual bool checks_finalisation_columns() const { return false; }
};

// In-memory catalogs, for tests and offline planning.
class MemoryCatalogSource final : public CatalogSource {
public:
    void add(std::shared_ptr<const CatalogTable> table);
    std::shared_ptr<const CatalogTable> catalog(SourceType type) override;

private:
    std::vector<std::shared_ptr<const CatalogTable>> tables_;
};

// Columns a path-only (DRS) ingest leaves empty, per type (empty list for other types).
const std::vector<std::string>& finalisation_columns(SourceType type);

// §2.3: rows matching any filter (AND of facets, OR of values); every row when the list is
// empty or holds an empty filter. Throws SolveError for a facet that is not a column.
Rows apply_filters(const CatalogTable& catalog, const std::vector<FacetFilter>& filters);

// One source type's share of a candidate.
struct PlannedCollection {
    std::shared_ptr<const CatalogTable> catalog;
    Selector selector;  // sorted by facet
    Rows rows;          // in group order; may repeat a row
    // instance_id of every row, in row order.
    std::vector<std::string> instance_ids() const;
    // Dataset ids (labels) of the rows, once each, in first-appearance order.
    std::vector<int64_t> dataset_ids() const;
};

// A potential execution: one group per source type of one requirement collection, in the
// order the collection lists its source types.
struct Candidate {
    std::vector<PlannedCollection> collections;
    std::vector<CollectionIdentity> identities() const;  // canonical order
};

// Solve-level selection of diagnostics and datasets (spec §4.2).
struct SolveFilters {
    std::vector<std::string> providers;            // substring of the provider slug
    std::vector<std::string> diagnostics;          // substring of the diagnostic slug
    std::vector<std::string> exclude_diagnostics;  // exact slug or provider/slug, case-insensitive
    std::vector<std::pair<std::string, std::vector<std::string>>> datasets;  // facet -> values
};
bool diagnostic_selected(const SolveFilters& filters, const std::string& provider_slug,
                         const std::string& diagnostic_slug);

// Grey list (spec §2.7): per provider, diagnostic and source type, facet sets to ignore.
struct IgnoreEntry {
    std::string provider, diagnostic;
    SourceType type;
    IgnoreFacets facets;
};
// Prepends the matching IgnoreFacets to each requirement of that source type.
RequirementAlternatives with_ignored(const RequirementAlternatives& requirements, const std::string& provider_slug,
                                     const std::string& diagnostic_slug, const std::vector<IgnoreEntry>& ignored);

// Solves one diagnostic's requirements (§2.5-§2.6, §4.4) and calls `on_candidate` for each
// candidate, in the solver's order. The candidate's tables stay alive while it is used.
// Errors (missing column, finalisation column in a filter, bad group-by) throw SolveError
// naming `diagnostic`.
void solve_diagnostic(CatalogSource& source, const std::string& diagnostic, const RequirementAlternatives& requirements,
                      const std::function<void(const Candidate&)>& on_candidate);

}  // namespace ref::solver
