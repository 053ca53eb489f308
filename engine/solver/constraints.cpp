// The non-time constraints (solver spec §3.1–3.3, §3.8, §3.9) and the dispatch over all of
// them. The time constraints live in constraints_time.cpp.
#include "solver/constraints.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace ref::solver {

namespace {

using Tuple = std::vector<ValueId>;

struct TupleHash {
    size_t operator()(const Tuple& t) const noexcept {
        // Interned ids are small consecutive integers: mix well, or buckets collide.
        uint64_t h = t.size();
        for (const ValueId v : t) {
            h = (h ^ v) * 0x9E3779B97F4A7C15ull;
            h ^= h >> 32;
        }
        return static_cast<size_t>(h);
    }
};

// A small set of allowed values for one column. Sets are tiny in practice (a variable name,
// a few models), so a linear search beats hashing; large ones are sorted and bisected.
class ValueSet {
public:
    void add(ValueId v) { ids_.push_back(v); }
    void seal() {
        std::sort(ids_.begin(), ids_.end());
        ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
    }
    bool empty() const { return ids_.empty(); }
    ValueId front() const { return ids_.front(); }
    size_t size() const { return ids_.size(); }
    const std::vector<ValueId>& ids() const { return ids_; }
    bool contains(ValueId v) const {
        if (ids_.size() <= 8) return std::find(ids_.begin(), ids_.end(), v) != ids_.end();
        return std::binary_search(ids_.begin(), ids_.end(), v);
    }

private:
    std::vector<ValueId> ids_;
};

struct ColumnFilter {
    int column;
    ValueSet allowed;
};

// Calls `visit(row)` for every catalog row, in catalog order, whose value in each filtered
// column is allowed. Callers seal the sets first. NA is never allowed (kNa is never added).
// The filter matching fewest rows leads, read from the table's value index, so the cost is
// the rows that match rather than the catalog's size.
template <typename Visit>
void scan_catalog(const CatalogTable& catalog, std::vector<ColumnFilter>& filters, Visit&& visit) {
    for (const auto& f : filters)
        if (f.allowed.empty()) return;
    if (filters.empty()) {
        const auto n = static_cast<uint32_t>(catalog.row_count());
        for (uint32_t row = 0; row < n; ++row) visit(row);
        return;
    }
    size_t lead = 0, fewest = SIZE_MAX;
    for (size_t i = 0; i < filters.size(); ++i) {
        size_t count = 0;
        for (const ValueId v : filters[i].allowed.ids()) count += catalog.rows_with(filters[i].column, v).size();
        if (count < fewest) fewest = count, lead = i;
    }
    Rows rows;
    rows.reserve(fewest);
    for (const ValueId v : filters[lead].allowed.ids()) {
        const Rows& with = catalog.rows_with(filters[lead].column, v);
        rows.insert(rows.end(), with.begin(), with.end());
    }
    if (filters[lead].allowed.size() > 1) std::sort(rows.begin(), rows.end());
    for (const uint32_t row : rows) {
        bool ok = true;
        for (size_t i = 0; ok && i < filters.size(); ++i)
            ok = i == lead || filters[i].allowed.contains(catalog.value(row, filters[i].column));
        if (ok) visit(row);
    }
}

std::vector<int> require_columns(const CatalogTable& catalog, const Names& names, std::string_view context) {
    std::vector<int> out;
    out.reserve(names.size());
    for (const auto& name : names) out.push_back(catalog.require_column(name, context));
    return out;
}

void read_tuple(const CatalogTable& catalog, uint32_t row, const std::vector<int>& columns, Tuple& out) {
    out.resize(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) out[i] = catalog.value(row, columns[i]);
}

Tuple prefix(const Tuple& t, size_t n) {
    return Tuple(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(n));
}

// The group's rows whose label was not deselected, in group order (spec §3.0).
Rows without_labels(const Rows& group, const CatalogTable& catalog, const std::unordered_set<int64_t>& deselected) {
    if (deselected.empty()) return group;
    Rows out;
    out.reserve(group.size());
    for (const uint32_t row : group)
        if (!deselected.count(catalog.label(row))) out.push_back(row);
    return out;
}

// Digits of r<i>i<i>p<i>f<i> when `m` is exactly that form.
std::optional<std::array<std::string_view, 4>> member_numbers(std::string_view m) {
    static constexpr std::array<char, 4> kLetters{'r', 'i', 'p', 'f'};
    std::array<std::string_view, 4> out;
    size_t pos = 0;
    for (size_t k = 0; k < kLetters.size(); ++k) {
        if (pos >= m.size() || m[pos] != kLetters[k]) return std::nullopt;
        const size_t begin = ++pos;
        while (pos < m.size() && m[pos] >= '0' && m[pos] <= '9') ++pos;
        if (pos == begin) return std::nullopt;
        out[k] = m.substr(begin, pos - begin);
    }
    if (pos != m.size()) return std::nullopt;
    return out;
}

// Numeric order of two digit strings of any length (no overflow on absurd labels).
int compare_digits(std::string_view a, std::string_view b) {
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Rows apply_constraint(const Constraint& constraint, const Rows& group, const CatalogTable& catalog) {
    return std::visit([&](const auto& c) { return apply(c, group, catalog); }, constraint);
}

// §3.1
Rows apply(const RequireFacets& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view kContext = "require_facets";
    const int dimension = catalog.require_column(c.dimension, kContext);
    // A required value nobody interned is present in no subgroup.
    std::vector<std::optional<ValueId>> required;
    required.reserve(c.required_facets.size());
    for (const auto& value : c.required_facets) required.push_back(catalog.pool().find(value));

    const bool want_all = c.op == RequireFacets::Operator::All;
    std::vector<char> present(required.size());
    auto satisfied = [&](const Rows& rows) {
        std::fill(present.begin(), present.end(), char{0});
        for (const uint32_t row : rows) {
            const ValueId v = catalog.value(row, dimension);
            for (size_t i = 0; i < required.size(); ++i)
                if (required[i] == v) present[i] = 1;
        }
        if (want_all) return std::all_of(present.begin(), present.end(), [](char p) { return p != 0; });
        return std::any_of(present.begin(), present.end(), [](char p) { return p != 0; });
    };

    std::unordered_set<int64_t> deselected;
    auto check = [&](const Rows& rows) {
        if (!satisfied(rows))
            for (const uint32_t row : rows) deselected.insert(catalog.label(row));
    };
    if (c.group_by.empty()) {
        check(group);
    } else {
        // Rows with an NA key are in no subgroup, so they stay selected (Q10).
        for (const auto& sub : group_rows(group, catalog, c.group_by, kContext)) check(sub.rows);
    }
    return without_labels(group, catalog, deselected);
}

// §3.2
Rows apply(const IgnoreFacets& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view kContext = "ignore_facets";
    // Upstream raises on an empty mapping (Q20); ignoring nothing or everything would both
    // silently change the meaning of a grey-list entry.
    if (c.facets.empty()) throw SolveError(std::string(kContext) + ": the facet mapping is empty");
    std::vector<ColumnFilter> filters;
    filters.reserve(c.facets.size());
    for (const auto& [facet, values] : c.facets) {
        ColumnFilter f{catalog.require_column(facet, kContext), {}};
        for (const auto& value : values)
            if (const auto id = catalog.pool().find(value)) f.allowed.add(*id);
        f.allowed.seal();
        filters.push_back(std::move(f));
    }
    // A facet none of whose values exist matches no row: nothing is ignored.
    for (const auto& f : filters)
        if (f.allowed.empty()) return group;

    Rows out;
    out.reserve(group.size());
    for (const uint32_t row : group) {
        const bool ignored = std::all_of(filters.begin(), filters.end(), [&](const ColumnFilter& f) {
            return f.allowed.contains(catalog.value(row, f.column));
        });
        if (!ignored) out.push_back(row);
    }
    return out;
}

// §3.3
Rows apply(const AddSupplementaryDataset& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view kContext = "add_supplementary_dataset";
    const StringPool& pool = catalog.pool();

    // 1. The candidate filter: the supplementary values, plus the group's values of each
    //    matching facet (merged into the same facet's set when both name it).
    std::vector<ColumnFilter> filters;
    auto filter_for = [&](int column) -> ValueSet& {
        for (auto& f : filters)
            if (f.column == column) return f.allowed;
        filters.push_back(ColumnFilter{column, {}});
        return filters.back().allowed;
    };
    for (const auto& [facet, values] : c.supplementary_facets) {
        ValueSet& allowed = filter_for(catalog.require_column(facet, kContext));
        for (const auto& value : values)
            if (const auto id = pool.find(value)) allowed.add(*id);
    }
    const std::vector<int> matching = require_columns(catalog, c.matching_facets, kContext);
    for (const int column : matching) {
        ValueSet& allowed = filter_for(column);
        for (const uint32_t row : group)
            if (const ValueId v = catalog.value(row, column); v != kNa) allowed.add(v);
    }
    for (auto& f : filters) f.allowed.seal();

    // 2-3. Candidates in catalog order; none leaves the group as it is.
    Rows candidates;
    scan_catalog(catalog, filters, [&](uint32_t row) { candidates.push_back(row); });
    if (candidates.empty()) return group;

    // 4. F = matching + optional facets; the distinct F tuples of the group in order of first
    //    appearance (NA is a value here, as in drop_duplicates).
    std::vector<int> facets = matching;
    for (const int column : require_columns(catalog, c.optional_matching_facets, kContext)) facets.push_back(column);
    const size_t n_matching = matching.size();

    std::vector<Tuple> mains;
    {
        std::unordered_set<Tuple, TupleHash> seen;
        Tuple t;
        for (const uint32_t row : group) {
            read_tuple(catalog, row, facets, t);
            if (seen.insert(t).second) mains.push_back(t);
        }
    }

    // Candidates by their matching-facet values, each list in catalog order. A candidate with
    // an NA matching facet equals no main dataset and is left out.
    std::vector<Tuple> candidate_facets(candidates.size());
    std::unordered_map<Tuple, std::vector<uint32_t>, TupleHash> by_matching;
    for (uint32_t i = 0; i < candidates.size(); ++i) {
        read_tuple(catalog, candidates[i], facets, candidate_facets[i]);
        const Tuple key = prefix(candidate_facets[i], n_matching);
        if (std::find(key.begin(), key.end(), kNa) == key.end()) by_matching[key].push_back(i);
    }

    const int version_column = catalog.column_index("version");
    std::vector<char> selected(candidates.size(), 0);
    std::vector<uint32_t> best;
    for (const Tuple& main : mains) {
        // 5.1 S: candidates agreeing on every matching facet (NA never equals).
        const Tuple key = prefix(main, n_matching);
        const auto it = by_matching.find(key);
        if (it == by_matching.end()) continue;
        const std::vector<uint32_t>& same = it->second;

        // 5.2 The best score: facets of F equal to the main's, NA equal to nothing.
        auto score = [&](uint32_t i) {
            int s = 0;
            for (size_t j = 0; j < facets.size(); ++j)
                if (main[j] != kNa && candidate_facets[i][j] == main[j]) ++s;
            return s;
        };
        int top = -1;
        for (const uint32_t i : same) top = std::max(top, score(i));
        best.clear();
        for (const uint32_t i : same)
            if (score(i) == top) best.push_back(i);

        // 5.3 The latest version among them (ties kept).
        if (version_column >= 0) {
            auto key_of = [&](uint32_t i) { return version_key(catalog.text(candidates[i], version_column)); };
            int64_t latest = INT64_MIN;
            for (const uint32_t i : best) latest = std::max(latest, key_of(i));
            std::erase_if(best, [&](uint32_t i) { return key_of(i) != latest; });
        }

        // 5.4-5.5 Every remaining row with the first one's F values (all its files). As
        // upstream compares with ==, a first row with an NA in F equals nothing, itself included.
        const Tuple& first = candidate_facets[best.front()];
        if (std::find(first.begin(), first.end(), kNa) != first.end()) continue;
        for (const uint32_t i : best)
            if (candidate_facets[i] == first) selected[i] = 1;
    }

    // 6. The group, then the chosen rows in catalog order (duplicates of group rows kept).
    Rows out = group;
    for (size_t i = 0; i < candidates.size(); ++i)
        if (selected[i]) out.push_back(candidates[i]);
    return out;
}

// §3.8
Rows apply(const AddParentDataset& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view kContext = "add_parent_dataset";

    // 1. A: every facet named by the map, sorted.
    Names names;
    for (const auto& [parent, child] : c.parent_facet_map) {
        names.push_back(parent);
        names.push_back(child);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    const std::vector<int> all_columns = require_columns(catalog, names, kContext);
    auto position = [&](const std::string& name) {
        return static_cast<size_t>(std::lower_bound(names.begin(), names.end(), name) - names.begin());
    };

    // 2. Rows with an NA in any of A are never selected.
    Rows valid;
    valid.reserve(group.size());
    for (const uint32_t row : group) {
        const bool complete = std::none_of(all_columns.begin(), all_columns.end(),
                                           [&](int column) { return catalog.value(row, column) == kNa; });
        if (complete) valid.push_back(row);
    }
    if (valid.empty()) return {};

    // 4. Child datasets in ascending key order; per child its parent's tuple over the parent
    //    columns, and its own tuple over the same columns.
    const std::vector<SubGroup> children = group_rows(valid, catalog, names, kContext);
    std::vector<int> parent_columns;
    std::vector<size_t> parent_pos, child_pos;
    for (const auto& [parent, child] : c.parent_facet_map) {
        parent_columns.push_back(all_columns[position(parent)]);
        parent_pos.push_back(position(parent));
        child_pos.push_back(position(child));
    }
    auto project = [](const Tuple& key, const std::vector<size_t>& at) {
        Tuple out(at.size());
        for (size_t i = 0; i < at.size(); ++i) out[i] = key[at[i]];
        return out;
    };

    // One catalog pass collects the rows of every tuple of interest: the parents looked up,
    // and the children themselves. Rows sharing a label are one dataset with the same facets,
    // so these are all the catalog rows whose label this constraint can select.
    std::unordered_map<Tuple, Rows, TupleHash> rows_of;
    std::vector<ColumnFilter> filters;
    for (const int column : parent_columns) filters.push_back(ColumnFilter{column, {}});
    std::vector<Tuple> parent_of(children.size());
    for (size_t k = 0; k < children.size(); ++k) {
        parent_of[k] = project(children[k].key, child_pos);
        Tuple self = project(children[k].key, parent_pos);
        for (size_t i = 0; i < filters.size(); ++i) {
            filters[i].allowed.add(parent_of[k][i]);
            filters[i].allowed.add(self[i]);
        }
        rows_of.try_emplace(parent_of[k]);
        rows_of.try_emplace(std::move(self));
    }
    for (auto& f : filters) f.allowed.seal();
    {
        Tuple t;
        scan_catalog(catalog, filters, [&](uint32_t row) {
            read_tuple(catalog, row, parent_columns, t);
            if (const auto it = rows_of.find(t); it != rows_of.end()) it->second.push_back(row);
        });
    }

    // 3-4. Selection flags per label; later children override earlier ones (Example 8).
    std::unordered_map<int64_t, bool> selected;
    for (const uint32_t row : valid) selected[catalog.label(row)] = true;
    int version_column = -1;
    for (size_t k = 0; k < children.size(); ++k) {
        const Rows& parents = rows_of.at(parent_of[k]);
        if (parents.empty()) {
            for (const uint32_t row : children[k].rows) selected[catalog.label(row)] = false;
            continue;
        }
        // Only needed once a parent exists, as upstream only then reads the version.
        if (version_column < 0) version_column = catalog.require_column("version", kContext);
        int64_t latest = INT64_MIN;
        for (const uint32_t row : parents) latest = std::max(latest, version_key(catalog.text(row, version_column)));
        for (const uint32_t row : parents)
            if (version_key(catalog.text(row, version_column)) == latest) selected[catalog.label(row)] = true;
    }

    // 5. Catalog rows with a selected label, in catalog order.
    Rows out;
    for (const auto& [tuple, rows] : rows_of)
        for (const uint32_t row : rows)
            if (const auto it = selected.find(catalog.label(row)); it != selected.end() && it->second)
                out.push_back(row);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// §3.9
Rows apply(const SelectFirstMember& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view kContext = "select_first_member";
    const int member = catalog.column_index(c.member_facet);
    if (group.empty() || member < 0) return group;
    // An empty key list is the requirement group-by's error (§2.4), not "one subgroup".
    if (c.group_by.empty()) throw SolveError(std::string(kContext) + ": group_by is empty");

    // Rows with an NA key belong to no subgroup and are dropped (Q10).
    Rows kept;
    for (const auto& sub : group_rows(group, catalog, c.group_by, kContext)) {
        // The first of equal sort keys wins, in order of appearance.
        ValueId first = kNa;
        for (const uint32_t row : sub.rows) {
            const ValueId v = catalog.value(row, member);
            if (v == kNa || v == first) continue;
            if (first == kNa || compare_members(catalog.text(v), catalog.text(first)) < 0) first = v;
        }
        for (const uint32_t row : sub.rows)
            if (first == kNa || catalog.value(row, member) == first) kept.push_back(row);
    }
    // Back in group order (subgroups came in key order).
    std::sort(kept.begin(), kept.end());
    Rows out;
    for (const uint32_t row : group)
        if (std::binary_search(kept.begin(), kept.end(), row)) out.push_back(row);
    return out;
}

int compare_members(std::string_view a, std::string_view b) {
    const auto na = member_numbers(a);
    const auto nb = member_numbers(b);
    if (na && nb) {
        for (size_t k = 0; k < 4; ++k)
            if (const int c = compare_digits((*na)[k], (*nb)[k]); c != 0) return c;
        return 0;
    }
    if (na || nb) return na ? -1 : 1;
    // Byte order of UTF-8 is code-point order.
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace ref::solver
