// Dataset adapters: from netCDF files (or only their paths) to catalog metadata,
// one adapter per source type (the REF's datasets specification, §1-§5.1).
#pragma once

#include "solver/requirements.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ref::catalog {

// complete: open the file and read its attributes; drs: path and file name only.
enum class Parser { Complete, Drs };

// Dataset-level columns of the type's subtype table -> value (NULL when unknown).
// Numbers are int64_t (e.g. vertical_levels) or double (e.g. branch_time_in_child).
// Values sit in a flat vector in the table's column order; the records of one type share
// one list of names, so a record costs one allocation instead of a map node per column.
class Facets {
public:
    using Names = std::vector<std::string>;

    Facets() = default;
    // Every column of `names` set to NULL.
    explicit Facets(std::shared_ptr<const Names> names);

    std::size_t size() const { return values_.size(); }
    const Names& names() const;
    // By column number, in the order of names().
    const std::vector<store::Value>& values() const { return values_; }
    store::Value& value(std::size_t column) { return values_[column]; }

    // nullptr when the record has no such column.
    const store::Value* find(std::string_view column) const;
    store::Value* find(std::string_view column);
    std::size_t count(std::string_view column) const { return find(column) ? 1 : 0; }
    // Throw std::out_of_range when the record has no such column.
    const store::Value& at(std::string_view column) const;
    store::Value& at(std::string_view column);
    // Adds the column (NULL) when absent, as std::map does.
    store::Value& operator[](std::string_view column);

    // The same columns (in any order) with the same values.
    friend bool operator==(const Facets& a, const Facets& b);

private:
    std::shared_ptr<const Names> names_;
    std::vector<store::Value> values_;
};

// What one file contributes to the catalog.
struct FileMetadata {
    std::string path;                       // absolute, lexically normal
    std::optional<std::string> start_time;  // "YYYY-MM-DD HH:MM:SS" (zero-padded year)
    std::optional<std::string> end_time;
    std::optional<std::string> tracking_id;  // CMIP7 only
    Facets facets;                           // every dataset-level column of the type, in the table's names
    std::string instance_id;                 // the dataset slug, version included
    std::string version;                     // e.g. "v20191115"
    bool finalised = true;                   // false from the drs parser
};

// A file this adapter cannot use; what() says why (the caller adds the path).
struct InvalidFile : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Adapter {
public:
    virtual ~Adapter() = default;
    virtual solver::SourceType source_type() const = 0;
    // The value stored in dataset.dataset_type (e.g. "CMIP6", "obs4MIPs", "PMPClimatology").
    virtual std::string dataset_type() const = 0;
    // The subtype table (e.g. "cmip6_dataset") and its dataset-level columns (without id), in order.
    virtual std::string table() const = 0;
    virtual const std::vector<std::string>& columns() const = 0;
    // The identity columns of §2.1 (what makes versions of one dataset compete for "latest").
    virtual const std::vector<std::string>& identity_columns() const = 0;
    virtual bool supports_drs() const = 0;
    // Reads one file. Throws InvalidFile for a file this adapter cannot use (unreadable, missing
    // attributes, no instance id, Parser::Drs on a type without it); never crashes on a bad file.
    // Thread-safe: adapters hold no state and netCDF access is serialised.
    virtual FileMetadata parse(const std::string& file, Parser parser) const = 0;
};

std::unique_ptr<Adapter> make_adapter(solver::SourceType type);

// §2.2: "<prefix>.<identity columns>.<version>" from a record's facets; empty when one of them is NULL.
std::string instance_id_of(const Adapter& adapter, const Facets& facets);

// §2.4: the integer after "v" for versions like v20191115, else -1 (also when it does not fit in 64 bits).
int64_t version_key(const std::string& version);

struct Problem {
    std::string path;  // file, folder or instance id
    std::string reason;
};

// §3.1: every *.nc below the roots (folders down to 10 levels below a root are read), as absolute
// paths sorted by their text, once each; a file root is taken if its name ends in ".nc". Unreadable
// folders and missing roots become problems (never exceptions); the rest is still found.
// Plain strings: a std::filesystem::path splits itself into components, a cost per file.
std::vector<std::string> discover_files(const std::vector<std::filesystem::path>& roots,
                                        std::vector<Problem>& problems);

struct DatasetFiles {
    std::string instance_id;
    std::vector<FileMetadata> files;  // in path order
};

// §5.1: files grouped by instance id, in instance-id order. A dataset whose files disagree
// on a dataset-level column or on `finalised` (ignoring nulls) is left out and reported as a
// problem naming the columns that vary and the files' time ranges. For CMIP6, differing
// parent_variant_label values are first replaced by the first file's (§3.2 fix a).
std::vector<DatasetFiles> group_into_datasets(std::vector<FileMetadata> files, const Adapter& adapter,
                                              std::vector<Problem>& problems);

}  // namespace ref::catalog
