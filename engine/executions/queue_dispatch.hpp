// The engine's side of the redis executor: each created execution becomes a small task
// message on its provider's stream (queue/task_queue.hpp); `ref-engine worker` processes run
// it and record the result; this side watches the database until each one is recorded.
#pragma once

#include "execute/executor.hpp"
#include "store/database.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ref::queue {
class RedisConnection;
class TaskQueue;
}  // namespace ref::queue

namespace ref::executions {

struct ExecutionJob;

struct QueueSettings {
    std::string redis_url = "redis://localhost:6379/1";
    std::string prefix = "ref";
    std::string database_url;  // watched with a connection of its own, re-opened after a restart
    std::chrono::milliseconds poll_interval{250};
    std::chrono::milliseconds lease{60000};  // a worker silent for longer is presumed gone
    // Said once per provider when its tasks wait and no worker has been seen for 10 s.
    std::function<void(const std::string&)> on_warning;
};

// What the database holds for an execution a worker recorded.
struct RecordedExecution {
    int64_t execution_id = 0;
    bool successful = false;
    bool retryable = false;  // its group is dirty again
    std::string reason;
    std::optional<std::string> metric_bundle;  // relative to the results folder
    double wall_seconds = 0;
    std::size_t scalars = 0, series = 0, outputs = 0;
};

// The recorded outcome of each of `ids` that has one; executions still in progress are left
// out, and so are deleted ones. At most a few hundred ids per call.
std::vector<RecordedExecution> recorded_executions(store::Database& db, const std::vector<int64_t>& ids);

class QueueDispatch {
public:
    using Finished = std::function<void(const ExecutionJob&, const RecordedExecution&)>;
    using Progress = std::function<void(const execute::ExecutorProgress&)>;

    // Connects to Redis now (throws queue::QueueError when it cannot).
    explicit QueueDispatch(const QueueSettings& settings);
    ~QueueDispatch();
    QueueDispatch(const QueueDispatch&) = delete;
    QueueDispatch& operator=(const QueueDispatch&) = delete;

    // Queues the execution; its definition must already be in execution.definition.
    void submit(const ExecutionJob& job);
    // Until every submitted execution is recorded, or SIGINT/SIGTERM (then stopped() is true and
    // the tasks stay queued for the workers). on_progress at least once a second.
    void wait(const Finished& on_finished, const Progress& on_progress);

    bool stopped() const { return interrupt_signal_ != 0; }
    int interrupt_signal() const { return interrupt_signal_; }
    std::size_t submitted() const { return submitted_; }
    std::size_t outstanding() const { return pending_.size(); }

private:
    execute::ExecutorProgress progress();
    std::vector<RecordedExecution> poll_database();

    QueueSettings settings_;
    std::unique_ptr<queue::RedisConnection> redis_;
    std::unique_ptr<queue::TaskQueue> queue_;
    std::unique_ptr<store::Database> db_;
    std::map<int64_t, ExecutionJob> pending_;
    std::size_t submitted_ = 0, finished_ = 0, polls_ = 0;
    int interrupt_signal_ = 0;
    std::chrono::steady_clock::time_point database_retry_at_{};
    std::chrono::steady_clock::time_point first_submit_{};
    std::set<std::string> warned_no_workers_;
    std::string last_database_error_;
};

}  // namespace ref::executions
