#include "executions/record.hpp"

namespace ref::executions {

void record_outcome(store::Database& db, int64_t execution_id, const ExecutionOutcome& outcome) {
    using store::Value;
    const auto optional_int = [](const std::optional<int64_t>& v) { return v ? Value(*v) : Value(std::monostate{}); };
    store::Transaction tx(db);
    db.execute(std::string("UPDATE execution SET successful = ") + (outcome.successful ? "TRUE" : "FALSE") +
                   ", path = ?, wall_seconds = ?, cpu_seconds = ?, peak_memory_bytes = ?, memory_source = ?, "
                   "memory_limit_bytes = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?",
               {outcome.metric_bundle ? Value(*outcome.metric_bundle) : Value(std::monostate{}), outcome.wall_seconds,
                outcome.cpu_seconds, optional_int(outcome.peak_memory_bytes),
                outcome.peak_memory_bytes ? Value(std::string("getrusage")) : Value(std::monostate{}),
                optional_int(outcome.memory_limit_bytes), execution_id});
    const bool dirty = !outcome.successful && outcome.retryable;
    db.execute(std::string("UPDATE execution_group SET dirty = ") + (dirty ? "TRUE" : "FALSE") +
                   ", updated_at = CURRENT_TIMESTAMP WHERE id = (SELECT execution_group_id FROM execution WHERE id = ?)",
               {execution_id});
    tx.commit();
}

}  // namespace ref::executions
