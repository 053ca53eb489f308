// Ingest from a catalog file instead of the files themselves: an intake-esm/ESGF-style
// CSV with one row per file, a `path` column and the complete parser's metadata columns.
// No file is opened, so a million-file archive can be indexed from its catalog.
#pragma once

#include "catalog/adapter.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ref::catalog {

// Reads the rows as file metadata. `substitutions` replace "{key}" in paths (e.g. data_dir).
// A missing `path` or identity column fails the whole file (CatalogError); a bad row
// becomes a problem naming its line, and the other rows are kept.
std::vector<FileMetadata> read_csv_catalog(const std::filesystem::path& csv, const Adapter& adapter,
                                           const std::map<std::string, std::string>& substitutions,
                                           std::vector<Problem>& problems);

// The same, handed over `chunk_size` rows at a time, so memory stays flat in the catalog's size.
void for_each_csv_chunk(const std::filesystem::path& csv, const Adapter& adapter,
                        const std::map<std::string, std::string>& substitutions, std::size_t chunk_size,
                        std::vector<Problem>& problems, const std::function<void(std::vector<FileMetadata>)>& consume);

struct CatalogError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// RFC 4180 fields of one record; quoted fields may hold commas, quotes ("") and newlines,
// so the reader may consume several lines. Returns false at the end of input.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields, std::size_t& line_number);

}  // namespace ref::catalog
