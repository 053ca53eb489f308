// Recording what became of an execution: its outcome, resource usage, why it failed, and the
// group's dirty flag (solver spec §6.4).
#pragma once

#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ref::executions {

struct ExecutionOutcome {
    bool successful = false;
    bool retryable = false;                    // system errors are retried by the next solve
    std::optional<std::string> metric_bundle;  // relative to the output directory, on success
    std::optional<std::string> failure_reason; // in words, on failure
    double wall_seconds = 0, cpu_seconds = 0;
    std::optional<double> queue_seconds;
    std::optional<int64_t> peak_memory_bytes;
    std::optional<int64_t> memory_limit_bytes;
    std::optional<std::string> resource_context;  // a JSON object
};

// The execution's row and the group's dirty flag (false after a success or a diagnostic error,
// true after a retryable failure), inside the caller's transaction.
void write_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome);

// write_outcome in a transaction of its own.
void record_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome);

}  // namespace ref::executions
