#include "catalog/solver_catalog.hpp"

#include <algorithm>
#include <chrono>
#include <charconv>
#include <filesystem>

namespace ref::catalog {

using solver::CatalogTable;
using solver::kNa;
using solver::SourceType;
using solver::ValueId;

namespace {

// A latest dataset's interned dataset-level values and its files' positions in `files`.
struct LoadedDataset {
    std::vector<ValueId> values;
    std::vector<uint32_t> files;
};

int64_t integer_of(std::optional<std::string_view> text) {
    int64_t value = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
}

}  // namespace

std::shared_ptr<CatalogTable> load_solver_catalog(
    store::Database& db, SourceType type,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& dataset_filter,
    std::shared_ptr<solver::StringPool> pool) {
    const auto adapter = make_adapter(type);
    auto table = std::make_shared<CatalogTable>(type, std::move(pool));
    const bool cmip7 = type == SourceType::Cmip7;

    // Dataset-level columns first, then the file columns.
    for (const auto& c : adapter->columns()) table->add_column(c);
    const int finalised_column = table->add_column("finalised");
    const int branded_column = cmip7 ? table->add_column("branded_variable") : -1;
    const size_t dataset_columns = table->column_names().size();
    std::string file_select = "SELECT f.dataset_id, f.id";
    for (const char* c : {"start_time", "end_time", "path"}) {
        file_select += std::string(", f.") + c;
        table->add_column(c);
    }
    if (cmip7) {
        file_select += ", f.tracking_id";
        table->add_column("tracking_id");
    }
    const size_t file_columns = table->column_names().size() - dataset_columns;
    const int variable_column = table->column_index("variable_id");
    const int suffix_column = cmip7 ? table->column_index("branding_suffix") : -1;

    // The dataset filter, resolved to columns; "<type>.<facet>" narrows that type only (the
    // REF accepts and ignores such keys).
    std::vector<std::pair<int, std::vector<std::string>>> filter;
    for (const auto& [given, values] : dataset_filter) {
        std::string facet = given;
        if (const auto dot = given.find('.'); dot != std::string::npos) {
            const auto prefix = solver::parse_source_type(given.substr(0, dot));
            if (prefix && *prefix != type) continue;
            if (prefix) facet = given.substr(dot + 1);
        }
        const int c = table->column_index(facet);
        if (c >= 0 && c != finalised_column && c != branded_column) filter.emplace_back(c, values);
    }
    const auto passes = [&](const std::vector<ValueId>& row, size_t first_column, size_t count) {
        for (const auto& [column, allowed] : filter) {
            const auto c = static_cast<size_t>(column);
            if (c < first_column || c >= first_column + count) continue;
            const ValueId v = row[c - first_column];
            if (v == kNa || std::find(allowed.begin(), allowed.end(), table->text(v)) == allowed.end()) return false;
        }
        return true;
    };

    // 1. Every non-retracted dataset, its values interned once per dataset (consecutive
    //    datasets mostly share values, so a per-column last-value check saves most lookups).
    std::string dataset_select = "SELECT d.id, CAST(d.finalised AS INTEGER), d.updated_at, d.version_key";
    for (const auto& c : adapter->columns()) dataset_select += ", s." + c;
    const std::string datasets_sql = dataset_select + " FROM " + adapter->table() +
                                     " s JOIN dataset d ON d.id = s.id WHERE d.retracted_at IS NULL";
    const ValueId yes = table->pool().intern("true"), no = table->pool().intern("false");
    struct Candidate {
        int64_t id, version_key;
        std::string updated_at;
        LoadedDataset dataset;
    };
    std::vector<Candidate> all;
    std::vector<std::string> last_text(adapter->columns().size());
    std::vector<ValueId> last_id(adapter->columns().size(), kNa);
    std::string branded;
    db.for_each_row(datasets_sql, {}, [&](const store::TextRow& row) {
        Candidate c{integer_of(row.text(0)), integer_of(row.text(3)), std::string(row.text(2).value_or("")), {}};
        auto& values = c.dataset.values;
        values.assign(dataset_columns, kNa);
        for (size_t i = 0; i < adapter->columns().size(); ++i) {
            const auto v = row.text(i + 4);
            if (!v) continue;
            if (last_id[i] == kNa || *v != last_text[i]) {
                last_text[i].assign(*v);
                last_id[i] = table->pool().intern(*v);
            }
            values[i] = last_id[i];
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
            }
        }
        all.push_back(std::move(c));
    });

    // 2. The latest version per identity (spec §1.4): ties are all kept, and NA is a value of
    //    its own, as SQL's PARTITION BY has it.
    std::vector<int> identity;
    for (const auto& c : adapter->identity_columns()) identity.push_back(table->column_index(c));
    struct TupleHash {
        size_t operator()(const std::vector<ValueId>& t) const {
            size_t h = 0;
            for (const ValueId v : t) h = h * 1000003u ^ v;
            return h;
        }
    };
    std::unordered_map<std::vector<ValueId>, int64_t, TupleHash> latest_key;
    std::vector<ValueId> key(identity.size());
    const auto key_of = [&](const LoadedDataset& d) -> const std::vector<ValueId>& {
        for (size_t i = 0; i < identity.size(); ++i) key[i] = d.values[static_cast<size_t>(identity[i])];
        return key;
    };
    for (const auto& c : all) {
        auto [it, inserted] = latest_key.try_emplace(key_of(c.dataset), c.version_key);
        if (!inserted) it->second = std::max(it->second, c.version_key);
    }
    std::vector<size_t> kept;
    for (size_t i = 0; i < all.size(); ++i)
        if (all[i].version_key == latest_key.at(key_of(all[i].dataset)) && passes(all[i].dataset.values, 0, dataset_columns))
            kept.push_back(i);
    // The REF's catalog order: most recently updated first.
    std::sort(kept.begin(), kept.end(), [&](size_t a, size_t b) {
        if (all[a].updated_at != all[b].updated_at) return all[a].updated_at > all[b].updated_at;
        return all[a].id < all[b].id;
    });
    std::vector<LoadedDataset> datasets;
    std::unordered_map<int64_t, uint32_t> dataset_index;
    std::vector<int64_t> labels;
    datasets.reserve(kept.size());
    for (const size_t i : kept) {
        dataset_index.emplace(all[i].id, static_cast<uint32_t>(datasets.size()));
        labels.push_back(all[i].id);
        datasets.push_back(std::move(all[i].dataset));
    }
    all.clear();
    all.shrink_to_fit();

    // 3. Their files, unsorted (no sort of a million rows in the database); each dataset's
    //    files are put in insertion (id) order below.
    std::vector<int64_t> file_ids;
    std::vector<ValueId> file_values;  // file_columns per file
    std::vector<ValueId> cells(file_columns);
    db.for_each_row(file_select + " FROM dataset_file f JOIN dataset d ON d.id = f.dataset_id "
                                  "WHERE d.dataset_type = ? AND d.retracted_at IS NULL",
                    {adapter->dataset_type()}, [&](const store::TextRow& row) {
                        const auto it = dataset_index.find(integer_of(row.text(0)));
                        if (it == dataset_index.end()) return;  // an older version
                        for (size_t i = 0; i < file_columns; ++i) {
                            const auto v = row.text(i + 2);
                            cells[i] = v ? table->pool().intern(*v) : kNa;
                        }
                        if (!passes(cells, dataset_columns, file_columns)) return;
                        datasets[it->second].files.push_back(static_cast<uint32_t>(file_ids.size()));
                        file_ids.push_back(integer_of(row.text(1)));
                        file_values.insert(file_values.end(), cells.begin(), cells.end());
                    });

    std::vector<ValueId> values(dataset_columns + file_columns, kNa);
    for (size_t d = 0; d < datasets.size(); ++d) {
        auto& dataset = datasets[d];
        std::sort(dataset.files.begin(), dataset.files.end(),
                  [&](uint32_t a, uint32_t b) { return file_ids[a] < file_ids[b]; });
        std::copy(dataset.values.begin(), dataset.values.end(), values.begin());
        for (const uint32_t f : dataset.files) {
            const auto first = file_values.begin() + static_cast<std::ptrdiff_t>(f * file_columns);
            std::copy(first, first + static_cast<std::ptrdiff_t>(file_columns),
                      values.begin() + static_cast<std::ptrdiff_t>(dataset_columns));
            table->add_row(labels[d], values);
        }
    }
    table->parse_times();
    return table;
}

DatabaseCatalogSource::DatabaseCatalogSource(store::Database& db, Options options)
    : db_(db), options_(std::move(options)), pool_(std::make_shared<solver::StringPool>()) {}

std::shared_ptr<const CatalogTable> DatabaseCatalogSource::catalog(SourceType type) {
    auto& cached = cache_[type];
    if (!cached) {
        const auto started = std::chrono::steady_clock::now();
        cached = load_solver_catalog(db_, type, options_.dataset_filter, pool_);
        if (options_.on_debug) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            options_.on_debug(std::string(solver::to_string(type)) + " catalog: " + std::to_string(cached->row_count()) +
                              " file rows read in " + std::to_string(ms.count()) + " ms");
        }
    }
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
