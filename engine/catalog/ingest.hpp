// Ingest: parse files with an adapter and register their datasets in the store,
// each dataset all or nothing (the REF's datasets specification §5.2-§5.3).
#pragma once

#include "catalog/adapter.hpp"
#include "store/database.hpp"

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace ref::catalog {

struct IngestOptions {
    Parser parser = Parser::Complete;
    int jobs = 1;              // parsing processes; netCDF/HDF5 are not thread-safe
    bool skip_invalid = true;  // leave out inconsistent datasets instead of failing them all
    std::size_t chunk_size = 5000;  // files parsed and registered at a time: bounds memory
    // Called as files are parsed and datasets registered (done, total, what).
    std::function<void(std::size_t done, std::size_t total, const std::string& stage)> on_progress;
};

struct IngestStats {
    std::size_t files_found = 0;
    std::size_t files_invalid = 0;
    std::size_t datasets_created = 0, datasets_updated = 0, datasets_unchanged = 0, datasets_failed = 0;
    std::size_t files_added = 0, files_updated = 0, files_unchanged = 0;
    std::vector<Problem> problems;  // every file, folder or dataset left out, with the reason
    std::vector<std::string> warnings;
    bool ok() const { return problems.empty(); }
};

// Finds, parses and registers everything below the roots. Never throws for bad input:
// each bad file, folder or dataset becomes a problem and the good ones are registered.
// With jobs <= 1, chunks are registered on a helper thread while the next one is parsed, so
// `db` is used from that thread (never from two at once) until the call returns.
IngestStats ingest_paths(store::Database& db, const Adapter& adapter, const std::vector<std::filesystem::path>& roots,
                         const IngestOptions& options);

// Registers the rows of a CSV catalog (csv_catalog.hpp) without opening any data file.
IngestStats ingest_catalog(store::Database& db, const Adapter& adapter, const std::filesystem::path& csv,
                           const std::map<std::string, std::string>& substitutions, const IngestOptions& options);

// Parses files, in `jobs` processes when jobs > 1. Bad files become problems.
std::vector<FileMetadata> parse_files(const Adapter& adapter, std::span<const std::string> files,
                                      const IngestOptions& options, std::vector<Problem>& problems);

enum class Change { Created, Updated, Unchanged };
struct Registration {
    Change dataset = Change::Unchanged;
    std::size_t files_added = 0, files_updated = 0, files_unchanged = 0;
    std::vector<std::string> warnings;
};

// Registers one dataset's files in one transaction (all or nothing). Throws on failure.
Registration register_dataset(store::Database& db, const Adapter& adapter, const DatasetFiles& dataset);

}  // namespace ref::catalog
