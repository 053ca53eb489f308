#include "solver/constraints.hpp"

#include <algorithm>
#include <map>

namespace ref::solver {

std::vector<SubGroup> group_rows(const Rows& rows, const CatalogTable& catalog, const Names& columns,
                                 std::string_view context) {
    std::vector<int> indices;
    indices.reserve(columns.size());
    for (const auto& name : columns) indices.push_back(catalog.require_column(name, context));

    // Bucket by interned ids (cheap), then order the buckets by their texts.
    std::map<std::vector<ValueId>, Rows> buckets;
    std::vector<ValueId> key(indices.size());
    for (const uint32_t row : rows) {
        bool has_na = false;
        for (size_t i = 0; i < indices.size(); ++i) {
            key[i] = catalog.value(row, indices[i]);
            if (key[i] == kNa) {
                has_na = true;
                break;
            }
        }
        if (!has_na) buckets[key].push_back(row);
    }
    std::vector<SubGroup> groups;
    groups.reserve(buckets.size());
    for (auto& [k, members] : buckets) groups.push_back(SubGroup{k, std::move(members)});
    // UTF-8 byte order is code-point order.
    std::sort(groups.begin(), groups.end(), [&](const SubGroup& a, const SubGroup& b) {
        for (size_t i = 0; i < a.key.size(); ++i) {
            if (a.key[i] == b.key[i]) continue;
            return catalog.text(a.key[i]) < catalog.text(b.key[i]);
        }
        return false;
    });
    return groups;
}

}  // namespace ref::solver
