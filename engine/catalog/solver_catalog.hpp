// The solver's view of the database: per source type, the latest non-retracted version of
// every dataset, one row per file (solver spec §1.4), with path-only datasets finalised on
// demand when a solve selects them (§1.5).
#pragma once

#include "catalog/ingest.hpp"
#include "solver/plan.hpp"
#include "store/database.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ref::catalog {

// Reads one source type's catalog. `dataset_filter` (facet -> allowed values) applies to the
// facets that are columns of this type and is ignored for the others (spec §4.2); a facet
// written "<source type>.<facet>" applies to that source type only.
std::shared_ptr<solver::CatalogTable> load_solver_catalog(
    store::Database& db, solver::SourceType type,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& dataset_filter = {},
    std::shared_ptr<solver::StringPool> pool = nullptr);

class DatabaseCatalogSource final : public solver::CatalogSource {
public:
    struct Options {
        std::vector<std::pair<std::string, std::vector<std::string>>> dataset_filter;
        int jobs = 1;  // parsing processes for finalisation
        bool dry_run = false;  // finalisation still writes: it only completes metadata
        std::function<void(const std::string&)> on_info;
        std::function<void(const std::string&)> on_debug;
    };
    DatabaseCatalogSource(store::Database& db, Options options);

    std::shared_ptr<const solver::CatalogTable> catalog(solver::SourceType type) override;
    bool finalise(solver::SourceType type, const solver::CatalogTable& catalog, const solver::Rows& rows) override;
    bool checks_finalisation_columns() const override { return true; }

    std::size_t datasets_finalised() const { return finalised_; }
    const std::vector<Problem>& problems() const { return problems_; }

private:
    store::Database& db_;
    Options options_;
    std::shared_ptr<solver::StringPool> pool_;
    std::map<solver::SourceType, std::shared_ptr<const solver::CatalogTable>> cache_;
    std::set<int64_t> attempted_;  // datasets tried once; a file that cannot be parsed stays unfinalised
    std::size_t finalised_ = 0;
    std::vector<Problem> problems_;
};

}  // namespace ref::catalog
