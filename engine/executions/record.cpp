#include "executions/record.hpp"

namespace ref::executions {

void write_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome) {
    using store::Value;
    const Value null{std::monostate{}};
    const auto optional_int = [&](const std::optional<int64_t>& v) { return v ? Value(*v) : null; };
    const auto optional_text = [&](const std::optional<std::string>& v) { return v ? Value(*v) : null; };
    db.execute(std::string("UPDATE execution SET successful = ") + (outcome.successful ? "TRUE" : "FALSE") +
                   ", path = ?, failure_reason = ?, wall_seconds = ?, cpu_seconds = ?, queue_seconds = ?, "
                   "peak_memory_bytes = ?, memory_source = ?, memory_limit_bytes = ?, resource_context = ?, "
                   "updated_at = CURRENT_TIMESTAMP WHERE id = ?",
               {optional_text(outcome.metric_bundle), optional_text(outcome.failure_reason), outcome.wall_seconds,
                outcome.cpu_seconds, outcome.queue_seconds ? Value(*outcome.queue_seconds) : null,
                optional_int(outcome.peak_memory_bytes),
                outcome.peak_memory_bytes ? Value(std::string("rusage")) : Value(std::string("unavailable")),
                optional_int(outcome.memory_limit_bytes), optional_text(outcome.resource_context), execution_id});
    const bool dirty = !outcome.successful && outcome.retryable;
    db.execute(std::string("UPDATE execution_group SET dirty = ") + (dirty ? "TRUE" : "FALSE") +
                   ", updated_at = CURRENT_TIMESTAMP WHERE id = (SELECT execution_group_id FROM execution WHERE id = ?)",
               {execution_id});
}

void record_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome) {
    store::Transaction tx(db);
    write_outcome(db, execution_id, outcome);
    tx.commit();
}

}  // namespace ref::executions
