// Small in-memory catalogs for solver tests: a header and rows of text.
#pragma once

#include "solver/catalog_table.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ref::test {

// Marks an NA cell (an empty string is a real value).
inline const std::string NA = "\x01<NA>";

inline std::shared_ptr<solver::CatalogTable> make_catalog(solver::SourceType type, const std::vector<std::string>& header,
                                                          const std::vector<std::vector<std::string>>& rows,
                                                          const std::vector<int64_t>& labels = {}) {
    auto t = std::make_shared<solver::CatalogTable>(type);
    for (const auto& name : header) t->add_column(name);
    for (size_t r = 0; r < rows.size(); ++r) {
        std::vector<solver::ValueId> values;
        for (const auto& cell : rows[r]) values.push_back(cell == NA ? solver::kNa : t->pool().intern(cell));
        t->add_row(labels.empty() ? static_cast<int64_t>(r) : labels.at(r), values);
    }
    t->parse_times();
    return t;
}

}  // namespace ref::test
