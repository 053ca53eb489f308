// Runs many isolated executions at once from one thread: one poll() loop over every
// child's pipes, each child with its own time limit, memory limit and classification.
#pragma once

#include "execute/runner.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ref::execute {

struct Job {
    int64_t id = 0;  // the caller's (e.g. the execution id); the pool does not interpret it
    RunRequest request;
};

struct PoolProgress {
    std::size_t submitted = 0, finished = 0, running = 0, queued = 0;
};

// Not thread-safe: submit, step, drain and stop_all belong to one thread, and the callbacks
// (including RunRequest::on_log and on_progress) run on it, inside those calls, one at a time.
// A callback may submit more work or call stop_all; an exception from a callback leaves
// step/drain/stop_all with the pool still usable (that job counts as reported).
//
// While the pool has work (queued or running) SIGINT and SIGTERM are caught (one guard shared
// by every pool) and the next step stops everything, as stop_all does; the old handlers come
// back when the pool is idle again. Without this, ending the engine would orphan the children,
// which run in their own process groups.
class ProcessPool {
public:
    using StartedCallback = std::function<void(const Job&)>;
    using FinishedCallback = std::function<void(const Job&, RunOutcome)>;
    using ProgressCallback = std::function<void(const PoolProgress&)>;

    explicit ProcessPool(std::size_t max_workers, FinishedCallback on_finished = {}, StartedCallback on_started = {});
    // Kills (SIGKILL) and reaps children still running, without reporting them: call
    // drain or stop_all first to hear about every job.
    ~ProcessPool();
    ProcessPool(const ProcessPool&) = delete;
    ProcessPool& operator=(const ProcessPool&) = delete;

    // Queues a job; it starts in a later step once a slot is free. After a stop, it is
    // reported as Interrupted at the next step without running.
    void submit(Job job);
    // One round: start queued jobs, wait up to max_wait (less when a limit or report is due) for
    // the children's pipes, reap, enforce limits, report. Returns whether work remains.
    bool step(std::chrono::milliseconds max_wait);
    // Steps until idle; on_progress is called after every round that finished a job, and
    // otherwise once every `interval`.
    void drain(const ProgressCallback& on_progress = {},
               std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    // Cancels queued jobs (reported as Interrupted, never started) and stops running ones
    // (SIGTERM to the process group, SIGKILL after the request's grace), then steps until
    // they are reported. Later submissions are refused the same way.
    void stop_all(const std::string& why);

    std::size_t running() const { return running_.size(); }
    std::size_t queued() const { return queue_.size(); }
    std::size_t finished() const { return finished_; }  // reported through on_finished
    std::size_t submitted() const { return submitted_; }
    std::size_t max_workers() const { return max_workers_; }
    PoolProgress progress() const { return {submitted_, finished_, running(), queued()}; }
    bool stopped() const { return stopped_; }
    const std::string& stop_reason() const { return stop_reason_; }
    int interrupt_signal() const { return interrupt_signal_; }  // SIGINT/SIGTERM that stopped it, else 0

private:
    struct Task;  // one job from submit to report (defined in pool.cpp)
    struct Event {
        bool finished = false;
        std::shared_ptr<Task> task;
    };

    void start_queued();
    void start(const std::shared_ptr<Task>& task);
    void finish_without_running(const std::shared_ptr<Task>& task, RunOutcome outcome);
    void service(std::chrono::milliseconds max_wait);
    void reap_and_enforce();
    void begin_stop(const std::string& why);
    void check_signal();
    void deliver();
    bool has_work() const { return !queue_.empty() || !running_.empty() || !events_.empty(); }
    // Inside a callback the pending reports belong to the outer loop: only the children count.
    bool busy() const { return !queue_.empty() || !running_.empty() || (!delivering_ && !events_.empty()); }
    void arm();
    void disarm();

    std::size_t max_workers_;
    FinishedCallback on_finished_;
    StartedCallback on_started_;
    std::deque<std::shared_ptr<Task>> queue_;
    std::vector<std::shared_ptr<Task>> running_;
    std::deque<Event> events_;  // started/finished, reported in the order they happened
    std::size_t submitted_ = 0, finished_ = 0;
    bool delivering_ = false;
    bool stopped_ = false;
    std::string stop_reason_;
    int interrupt_signal_ = 0;
    bool armed_ = false;
    int signals_at_arm_ = 0;
};

}  // namespace ref::execute
