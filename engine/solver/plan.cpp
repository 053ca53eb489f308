#include "solver/plan.hpp"

#include "solver/constraints.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace ref::solver {

void MemoryCatalogSource::add(std::shared_ptr<const CatalogTable> table) {
    for (auto& existing : tables_)
        if (existing->type() == table->type()) {
            existing = std::move(table);
            return;
        }
    tables_.push_back(std::move(table));
}

std::shared_ptr<const CatalogTable> MemoryCatalogSource::catalog(SourceType type) {
    for (const auto& table : tables_)
        if (table->type() == type) return table;
    return nullptr;
}

const std::vector<std::string>& finalisation_columns(SourceType type) {
    static const std::vector<std::string> cmip6 = {
        "branch_method", "branch_time_in_child", "branch_time_in_parent", "experiment", "grid", "long_name",
        "nominal_resolution", "parent_activity_id", "parent_experiment_id", "parent_source_id", "parent_time_units",
        "parent_variant_label", "product", "realm", "source_type", "standard_name", "sub_experiment",
        "sub_experiment_id", "time_units", "calendar", "units", "vertical_levels"};
    static const std::vector<std::string> cmip7 = {
        "realm", "nominal_resolution", "license_id", "external_variables", "branch_time_in_child",
        "branch_time_in_parent", "parent_activity_id", "parent_experiment_id", "parent_mip_era", "parent_source_id",
        "parent_time_units", "parent_variant_label", "standard_name", "long_name", "units", "time_units", "calendar"};
    static const std::vector<std::string> none;
    if (type == SourceType::Cmip6) return cmip6;
    if (type == SourceType::Cmip7) return cmip7;
    return none;
}

namespace {

// One facet of a filter, resolved against a catalog: its column and the ids of its values.
struct ResolvedFacet {
    int column;
    std::vector<ValueId> allowed;  // values no row has are simply absent
};

std::vector<ResolvedFacet> resolve(const CatalogTable& catalog, const FacetFilter& filter, std::string_view context) {
    std::vector<ResolvedFacet> out;
    for (const auto& [facet, values] : filter) {
        ResolvedFacet r{catalog.require_column(facet, context), {}};
        for (const auto& v : values)
            if (const auto id = catalog.pool().find(v)) r.allowed.push_back(*id);
        out.push_back(std::move(r));
    }
    return out;
}

bool matches(const CatalogTable& catalog, uint32_t row, const std::vector<ResolvedFacet>& facets) {
    for (const auto& f : facets) {
        const ValueId v = catalog.value(row, f.column);
        if (v == kNa || std::find(f.allowed.begin(), f.allowed.end(), v) == f.allowed.end()) return false;
    }
    return true;
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

Rows apply_filters(const CatalogTable& catalog, const std::vector<FacetFilter>& filters) {
    const bool match_all =
        filters.empty() || std::any_of(filters.begin(), filters.end(), [](const FacetFilter& f) { return f.empty(); });
    if (match_all) return catalog.all_rows();
    std::vector<std::vector<ResolvedFacet>> resolved;
    for (const auto& filter : filters) resolved.push_back(resolve(catalog, filter, "filters"));
    Rows out;
    const auto n = static_cast<uint32_t>(catalog.row_count());
    for (uint32_t row = 0; row < n; ++row)
        for (const auto& facets : resolved)
            if (matches(catalog, row, facets)) {
                out.push_back(row);
                break;
            }
    return out;
}

std::vector<std::string> PlannedCollection::instance_ids() const {
    const int column = catalog->require_column("instance_id", "instance_id");
    std::vector<std::string> out;
    out.reserve(rows.size());
    for (const uint32_t row : rows) out.emplace_back(catalog->text(row, column).value_or(""));
    return out;
}

std::vector<int64_t> PlannedCollection::dataset_ids() const {
    std::vector<int64_t> out;
    std::unordered_set<int64_t> seen;
    for (const uint32_t row : rows)
        if (seen.insert(catalog->label(row)).second) out.push_back(catalog->label(row));
    return out;
}

std::vector<CollectionIdentity> Candidate::identities() const {
    std::vector<CollectionIdentity> out;
    for (const auto& c : collections) out.push_back({c.catalog->type(), c.selector, c.instance_ids()});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return to_string(a.type) < to_string(b.type); });
    return out;
}

bool diagnostic_selected(const SolveFilters& filters, const std::string& provider_slug,
                         const std::string& diagnostic_slug) {
    const std::string full = lower(provider_slug + "/" + diagnostic_slug);
    for (const auto& excluded : filters.exclude_diagnostics) {
        const std::string e = lower(excluded);
        if (e == lower(diagnostic_slug) || e == full) return false;
    }
    const auto contains_any = [](const std::vector<std::string>& needles, const std::string& slug) {
        if (needles.empty()) return true;
        return std::any_of(needles.begin(), needles.end(),
                           [&](const std::string& n) { return slug.find(lower(n)) != std::string::npos; });
    };
    return contains_any(filters.providers, provider_slug) && contains_any(filters.diagnostics, diagnostic_slug);
}

RequirementAlternatives with_ignored(const RequirementAlternatives& requirements, const std::string& provider_slug,
                                     const std::string& diagnostic_slug, const std::vector<IgnoreEntry>& ignored) {
    RequirementAlternatives out = requirements;
    for (auto& collection : out)
        for (auto& requirement : collection) {
            std::vector<Constraint> prefix;
            for (const auto& entry : ignored)
                if (entry.provider == provider_slug && entry.diagnostic == diagnostic_slug &&
                    entry.type == requirement.source_type)
                    prefix.emplace_back(entry.facets);
            requirement.constraints.insert(requirement.constraints.begin(), prefix.begin(), prefix.end());
        }
    return out;
}

namespace {

struct ExtractedGroup {
    std::shared_ptr<const CatalogTable> catalog;
    Selector selector;
    Rows rows;
};

// The rows of `old_rows` (rows of `from`) in the refreshed table `to`, matched by dataset and path.
Rows remap(const Rows& old_rows, const CatalogTable& from, const CatalogTable& to) {
    const int from_path = from.column_index("path"), to_path = to.column_index("path");
    std::unordered_map<std::string, uint32_t> index;
    const auto key = [](int64_t label, std::optional<std::string_view> path) {
        return std::to_string(label) + '\n' + std::string(path.value_or(""));
    };
    for (uint32_t row = 0; row < to.row_count(); ++row)
        index.emplace(key(to.label(row), to_path >= 0 ? to.text(row, to_path) : std::nullopt), row);
    Rows out;
    for (const uint32_t row : old_rows) {
        const auto it = index.find(key(from.label(row), from_path >= 0 ? from.text(row, from_path) : std::nullopt));
        if (it != index.end()) out.push_back(it->second);
    }
    return out;
}

void check_finalisation_columns(const DataRequirement& requirement) {
    const auto& columns = finalisation_columns(requirement.source_type);
    const auto check = [&](const std::string& facet, const char* where) {
        if (std::find(columns.begin(), columns.end(), facet) != columns.end())
            throw SolveError(std::string(where) + " uses '" + facet + "', which a path-only " +
                             std::string(to_string(requirement.source_type)) +
                             " ingest leaves empty until a dataset is finalised; use it in a constraint instead");
    };
    for (const auto& filter : requirement.filters)
        for (const auto& [facet, values] : filter) check(facet, "a filter");
    if (requirement.group_by)
        for (const auto& facet : *requirement.group_by) check(facet, "group_by");
}

// §4.4. nullopt when the source type has no catalog at all.
std::optional<std::vector<ExtractedGroup>> extract(CatalogSource& source, const DataRequirement& requirement) {
    auto catalog = source.catalog(requirement.source_type);
    if (!catalog) return std::nullopt;
    if (source.checks_finalisation_columns()) check_finalisation_columns(requirement);
    std::vector<ExtractedGroup> out;
    if (catalog->row_count() == 0) return out;
    Rows subset = apply_filters(*catalog, requirement.filters);
    if (subset.empty()) return out;
    if (source.finalise(requirement.source_type, *catalog, subset)) {
        // Filters never use finalisation columns, so filtering the refreshed table selects the same files.
        catalog = source.catalog(requirement.source_type);
        subset = apply_filters(*catalog, requirement.filters);
    }

    std::vector<ExtractedGroup> groups;
    if (!requirement.group_by) {
        groups.push_back({catalog, {}, std::move(subset)});
    } else {
        if (requirement.group_by->empty()) throw SolveError("group_by is an empty list (use null for one group)");
        for (auto& g : group_rows(subset, *catalog, *requirement.group_by, "group_by")) {
            Selector selector;
            for (size_t i = 0; i < g.key.size(); ++i)
                selector.emplace_back((*requirement.group_by)[i], std::string(catalog->text(g.key[i])));
            std::sort(selector.begin(), selector.end());
            groups.push_back({catalog, std::move(selector), std::move(g.rows)});
        }
    }

    for (auto& group : groups) {
        bool dropped = false;
        for (const auto& constraint : requirement.constraints) {
            group.rows = apply_constraint(constraint, group.rows, *group.catalog);
            if (group.rows.empty()) {
                dropped = true;
                break;
            }
            // Parents and supplementary datasets may have been ingested path-only.
            if (source.finalise(requirement.source_type, *group.catalog, group.rows)) {
                auto refreshed = source.catalog(requirement.source_type);
                group.rows = remap(group.rows, *group.catalog, *refreshed);
                group.catalog = refreshed;
            }
        }
        if (!dropped) out.push_back(std::move(group));
    }
    return out;
}

void solve_collection(CatalogSource& source, const RequirementCollection& collection,
                      const std::function<void(const Candidate&)>& on_candidate) {
    // A later requirement of the same source type replaces the earlier one's groups (spec §2.6).
    std::vector<std::pair<SourceType, std::vector<ExtractedGroup>>> per_type;
    for (const auto& requirement : collection) {
        auto groups = extract(source, requirement);
        if (!groups) return;
        auto it = std::find_if(per_type.begin(), per_type.end(),
                               [&](const auto& p) { return p.first == requirement.source_type; });
        if (it != per_type.end()) it->second = std::move(*groups);
        else per_type.emplace_back(requirement.source_type, std::move(*groups));
    }
    if (per_type.empty()) return;
    for (const auto& [type, groups] : per_type)
        if (groups.empty()) return;

    // Cartesian product; the first source type varies slowest.
    std::vector<size_t> index(per_type.size(), 0);
    for (;;) {
        Candidate candidate;
        for (size_t t = 0; t < per_type.size(); ++t) {
            const auto& g = per_type[t].second[index[t]];
            candidate.collections.push_back({g.catalog, g.selector, g.rows});
        }
        on_candidate(candidate);
        size_t t = per_type.size();
        while (t > 0) {
            --t;
            if (++index[t] < per_type[t].second.size()) break;
            index[t] = 0;
            if (t == 0) return;
        }
    }
}

}  // namespace

void solve_diagnostic(CatalogSource& source, const std::string& diagnostic, const RequirementAlternatives& requirements,
                      const std::function<void(const Candidate&)>& on_candidate) {
    if (requirements.empty()) throw SolveError("diagnostic '" + diagnostic + "' has no data requirements");
    try {
        // Each alternative is solved in full before its candidates are handed on (spec §2.5).
        for (const auto& collection : requirements) {
            std::vector<Candidate> candidates;
            solve_collection(source, collection, [&](const Candidate& c) { candidates.push_back(c); });
            for (const auto& c : candidates) on_candidate(c);
        }
    } catch (const SolveError& e) {
        throw SolveError("diagnostic '" + diagnostic + "': " + e.what());
    }
}

}  // namespace ref::solver
