#include "catalog/solver_catalog.hpp"

#include <algorithm>
#include <filesystem>

namespace ref::catalog {

using solver::CatalogTable;
using solver::kNa;
using solver::SourceType;
using solver::ValueId;

std::shared_ptr<CatalogTable> load_solver_catalog(
    store::Database& db, SourceType type,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& dataset_filter,
    std::shared_ptr<solver::StringPool> pool) {
    const auto adapter = make_adapter(type);
    auto table = std::make_shared<CatalogTable>(type, std::move(pool));

    const bool cmip7 = type == SourceType::Cmip7;
    std::string select = "SELECT l.id, CAST(l.finalised AS INTEGER)";
    std::vector<int> columns;  // catalog column per selected value after the first two
    for (const auto& c : adapter->columns()) {
        select += ", s." + c;
        columns.push_back(table->add_column(c));
    }
    for (const char* c : {"start_time", "end_time", "path"}) {
        select += std::string(", f.") + c;
        columns.push_back(table->add_column(c));
    }
    if (cmip7) {
        select += ", f.tracking_id";
        columns.push_back(table->add_column("tracking_id"));
    }
    const int finalised_column = table->add_column("finalised");
    const int branded_column = cmip7 ? table->add_column("branded_variable") : -1;
    const int variable_column = table->column_index("variable_id");
    const int suffix_column = cmip7 ? table->column_index("branding_suffix") : -1;

    std::string partition;
    for (const auto& c : adapter->identity_columns()) partition += (partition.empty() ? "s." : ", s.") + c;
    // RANK keeps ties; NULLs partition together, as the spec's SQL does.
    const std::string sql =
        "WITH latest AS (SELECT d.id, d.finalised, d.updated_at, RANK() OVER (PARTITION BY " + partition +
        " ORDER BY d.version_key DESC) AS version_rank FROM dataset d JOIN " + adapter->table() +
        " s ON s.id = d.id WHERE d.retracted_at IS NULL) " + select + " FROM latest l JOIN " + adapter->table() +
        " s ON s.id = l.id JOIN dataset_file f ON f.dataset_id = l.id WHERE l.version_rank = 1"
        " ORDER BY l.updated_at DESC, l.id, f.id";

    // Filter facets resolved to columns once; facets this type lacks are ignored.
    std::vector<std::pair<int, std::vector<std::string>>> filter;
    for (const auto& [given, values] : dataset_filter) {
        // "cmip6.source_id" narrows only the cmip6 catalog (the REF accepts and ignores such keys).
        std::string facet = given;
        if (const auto dot = given.find('.'); dot != std::string::npos) {
            const auto prefix = solver::parse_source_type(given.substr(0, dot));
            if (prefix && *prefix != type) continue;
            if (prefix) facet = given.substr(dot + 1);
        }
        const int c = table->column_index(facet);
        if (c >= 0 && c != finalised_column && c != branded_column) filter.emplace_back(c, values);
    }
    std::vector<int> filter_position(table->column_names().size(), -1);
    for (size_t i = 0; i < columns.size(); ++i) filter_position[static_cast<size_t>(columns[i])] = static_cast<int>(i) + 2;

    const ValueId yes = table->pool().intern("true"), no = table->pool().intern("false");
    std::vector<ValueId> values(table->column_names().size(), kNa);
    std::string branded;
    db.for_each_row(sql, {}, [&](const store::TextRow& row) {
        for (const auto& [column, allowed] : filter) {
            const auto v = row.text(static_cast<size_t>(filter_position[static_cast<size_t>(column)]));
            if (!v || std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) return;
        }
        const auto id = row.text(0);
        const int64_t label = id ? std::stoll(std::string(*id)) : 0;
        for (size_t i = 0; i < columns.size(); ++i) {
            const auto v = row.text(i + 2);
            values[static_cast<size_t>(columns[i])] = v ? table->pool().intern(*v) : kNa;
        }
        values[static_cast<size_t>(finalised_column)] = row.text(1) == std::optional<std::string_view>("1") ? yes : no;
        if (cmip7) {
            const ValueId variable = values[static_cast<size_t>(variable_column)];
            const ValueId suffix = values[static_cast<size_t>(suffix_column)];
            if (variable != kNa && suffix != kNa) {
                branded.assign(table->text(variable));
                branded += '_';
                branded += table->text(suffix);
                values[static_cast<size_t>(branded_column)] = table->pool().intern(branded);
            } else {
                values[static_cast<size_t>(branded_column)] = kNa;
            }
        }
        table->add_row(label, values);
    });
    table->parse_times();
    return table;
}

DatabaseCatalogSource::DatabaseCatalogSource(store::Database& db, Options options)
    : db_(db), options_(std::move(options)), pool_(std::make_shared<solver::StringPool>()) {}

std::shared_ptr<const CatalogTable> DatabaseCatalogSource::catalog(SourceType type) {
    auto& cached = cache_[type];
    if (!cached) cached = load_solver_catalog(db_, type, options_.dataset_filter, pool_);
    return cached;
}

bool DatabaseCatalogSource::finalise(SourceType type, const CatalogTable& catalog, const solver::Rows& rows) {
    if (type != SourceType::Cmip6 && type != SourceType::Cmip7) return false;
    const int finalised_column = catalog.column_index("finalised");
    const int path_column = catalog.column_index("path");
    const auto yes = catalog.pool().find("true");
    std::vector<std::filesystem::path> files;
    std::set<int64_t> datasets;
    for (const uint32_t row : rows) {
        if (yes && catalog.value(row, finalised_column) == *yes) continue;
        const int64_t label = catalog.label(row);
        if (attempted_.count(label) && !datasets.count(label)) continue;
        attempted_.insert(label);
        datasets.insert(label);
        if (const auto path = catalog.text(row, path_column)) files.emplace_back(std::string(*path));
    }
    if (files.empty()) return false;
    if (options_.on_info)
        options_.on_info("finalising " + std::to_string(datasets.size()) + " " + std::string(solver::to_string(type)) +
                         " datasets (" + std::to_string(files.size()) + " files)");
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    IngestOptions ingest;
    ingest.parser = Parser::Complete;
    ingest.jobs = options_.jobs;
    const auto adapter = make_adapter(type);
    const IngestStats stats = ingest_paths(db_, *adapter, files, ingest);
    for (const auto& p : stats.problems) problems_.push_back(p);
    finalised_ += stats.datasets_updated;
    cache_.erase(type);  // re-read with the completed metadata
    return true;
}

}  // namespace ref::catalog
