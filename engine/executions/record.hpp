// Recording what became of an execution: its outcome, resource usage and the group's dirty
// flag (solver spec §6.4).
#pragma once

#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ref::executions {

struct ExecutionOutcome {
    bool successful = false;
    bool retryable = false;                  // system errors are retried by the next solve
    std::optional<std::string> metric_bundle;  // relative to the output directory, on success
    double wall_seconds = 0, cpu_seconds = 0;
    std::optional<int64_t> peak_memory_bytes;
    std::optional<int64_t> memory_limit_bytes;
};

// One transaction: the execution's row, and the group's dirty flag (false after a success or a
// diagnostic error, true after a retryable failure).
void record_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome);

}  // namespace ref::executions
