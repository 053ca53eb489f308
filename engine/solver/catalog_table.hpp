// The in-memory catalog the solver plans on: one table per source type, one row per file,
// dataset-level columns repeated on every file row of a dataset. Column-oriented with
// interned values, so filtering and grouping compare integers and a million rows stay small.
#pragma once

#include "solver/requirements.hpp"
#include "solver/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ref::solver {

// A solve cannot go on: a missing column, a bad declaration, an invalid group-by.
// what() names the diagnostic or requirement where known.
struct SolveError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Interned text values. Id 0 is NA (SQL NULL), never a string.
using ValueId = uint32_t;
inline constexpr ValueId kNa = 0;

class StringPool {
public:
    StringPool();
    ValueId intern(std::string_view text);
    // The id of `text` if it was ever interned, else nullopt (so a filter value that no row
    // has needs no entry).
    std::optional<ValueId> find(std::string_view text) const;
    std::string_view text(ValueId id) const { return texts_[id]; }
    size_t size() const { return texts_.size(); }

private:
    // Open addressing over ids (0: empty slot), with each text's hash kept: no allocation per
    // value and no string is hashed twice when the table grows.
    size_t slot_of(std::string_view text, size_t hash) const;
    void grow();

    std::vector<std::string_view> texts_;
    std::vector<size_t> hashes_;
    std::vector<ValueId> slots_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t block_used_ = 0, block_size_ = 0;
};

// Row indices into a CatalogTable. Groups are lists of rows of their catalog; a row may
// appear twice (a supplementary dataset appended to a group that already holds it).
using Rows = std::vector<uint32_t>;

class CatalogTable {
public:
    explicit CatalogTable(SourceType type, std::shared_ptr<StringPool> pool = nullptr);

    SourceType type() const { return type_; }
    StringPool& pool() { return *pool_; }
    const StringPool& pool() const { return *pool_; }
    const std::shared_ptr<StringPool>& shared_pool() const { return pool_; }

    // Columns. add_column() on an existing name returns its index.
    int add_column(std::string_view name);
    int column_index(std::string_view name) const;  // -1 when absent
    bool has_column(std::string_view name) const { return column_index(name) >= 0; }
    const std::vector<std::string>& column_names() const { return names_; }
    // Index of `name`; throws SolveError listing the columns when absent. `context` prefixes
    // the message (e.g. "require_facets").
    int require_column(std::string_view name, std::string_view context) const;

    // Rows. Values are given per column index; missing trailing cells are NA.
    // `label` is the dataset id (shared by the files of one dataset).
    uint32_t add_row(int64_t label, const std::vector<ValueId>& values);
    size_t row_count() const { return labels_.size(); }
    int64_t label(uint32_t row) const { return labels_[row]; }
    ValueId value(uint32_t row, int column) const { return columns_[static_cast<size_t>(column)][row]; }
    std::string_view text(ValueId id) const { return pool_->text(id); }
    // The row's text in a column, nullopt for NA.
    std::optional<std::string_view> text(uint32_t row, int column) const;

    // Parsed start_time/end_time of every row (NA when missing, malformed or invalid in the
    // row's calendar). Computed by parse_times() from the text columns and `calendar`.
    void parse_times();
    const std::optional<DateTime>& start_time(uint32_t row) const { return start_[row]; }
    const std::optional<DateTime>& end_time(uint32_t row) const { return end_[row]; }

    Rows all_rows() const;

    // The rows holding `value` in `column`, in catalog order. The column's index is built on
    // first use (a table is planned by one thread at a time; this is not thread-safe).
    const Rows& rows_with(int column, ValueId value) const;

private:
    SourceType type_;
    std::shared_ptr<StringPool> pool_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, int> index_;
    std::vector<std::vector<ValueId>> columns_;
    std::vector<int64_t> labels_;
    std::vector<std::optional<DateTime>> start_, end_;
    mutable std::vector<std::unique_ptr<std::unordered_map<ValueId, Rows>>> value_index_;
};

// The latest-version rule (spec §1.4): ^v(\d+)$ -> the number, anything else (numbers
// beyond 64 bits too, which no BIGINT column holds) -> -1.
int64_t version_key(std::optional<std::string_view> version);

}  // namespace ref::solver
