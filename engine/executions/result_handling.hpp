// What happens when an execution finishes (docs/results.md): its files are validated, the
// curated ones copied from scratch into the results store, and its metric values, series and
// outputs written with the outcome in one transaction. Nothing is ever half-recorded.
#pragma once

#include "execute/runner.hpp"
#include "results/vocabulary.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::executions {

struct ResultRoots {
    std::filesystem::path scratch;  // where executions write
    std::filesystem::path results;  // the curated copy users are served from
};

struct ResultHandlingOptions {
    const results::Vocabulary* vocabulary = nullptr;  // default: the bundled one
    bool allow_extra_keys = true;                     // undeclared innermost bundle keys: warn (true) or fail
    std::optional<int64_t> memory_limit_bytes;
    // Throw store::DatabaseError when the results cannot be written, instead of recording a
    // retryable failure: for a caller that retries the whole handling (a queue worker).
    bool rethrow_database_errors = false;
    // Hard-link files into the results store when scratch shares its file system (no data
    // copied, no space used twice); false always copies.
    bool link_files = true;
};

struct HandledResult {
    bool successful = false;
    bool retryable = false;
    std::string reason;                 // why it failed, empty on success
    std::size_t scalars = 0, series = 0, outputs = 0, files_copied = 0;
    std::vector<std::string> warnings;  // e.g. undeclared bundle keys, kept and stored
    std::filesystem::path results_directory;
};

// Thrown for a result whose files cannot be used (the execution fails with this reason).
struct ResultError : std::runtime_error {
    using std::runtime_error::runtime_error;
    bool retryable = false;  // the environment failed (disk full), not the diagnostic
};

// Records the outcome of execution `execution_id` (output fragment `fragment`). Never throws for
// a bad result: that is a failed execution with the reason. Throws store::DatabaseError only when
// the database cannot take even the failure (the execution then stays in progress until
// `executions fail-running` or the stale reaper).
HandledResult handle_result(store::Database& db, int64_t execution_id, const std::string& fragment,
                            const execute::RunOutcome& outcome, const ResultRoots& roots,
                            const ResultHandlingOptions& options = {});

// The value of ALLOW_EXTRA_KEYS: anything but false/0/no/off allows them (the REF's default).
bool allow_extra_keys_from_environment();

}  // namespace ref::executions
