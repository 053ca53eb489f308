// Executors: how the engine runs the executions a solve plans. Both run every execution in
// its own child process (pool.hpp); they differ in how many at once and when.
#pragma once

#include "execute/pool.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ref::execute {

// Redis: executions go to `ref-engine worker` processes through a queue (executions/queue_dispatch);
// the process pools below are what those workers run them with.
enum class ExecutorKind { Synchronous, Local, Redis };

// "synchronous" (or "sync") | "local" | "redis"; anything else throws std::invalid_argument naming them.
ExecutorKind parse_executor_kind(std::string_view text);
std::string_view to_string(ExecutorKind kind);

using ExecutorProgress = PoolProgress;  // submitted, finished, running, queued

// Callbacks (on_finished, on_started, on_progress and each RunRequest's on_log/on_progress) run
// on the caller's thread inside submit, wait and stop, never concurrently.
class Executor {
public:
    virtual ~Executor() = default;
    virtual std::string_view name() const = 0;
    // synchronous: runs the job to completion now; local: queues it and does one
    // non-blocking round so work starts while the caller goes on planning.
    virtual void submit(Job job) = 0;
    // Until everything submitted has finished; on_progress after every finish and at least
    // every 0.5 s otherwise.
    virtual void wait(const std::function<void(const ExecutorProgress&)>& on_progress) = 0;
    // Cancels queued jobs and stops running ones, reporting each as Interrupted; later
    // submissions are reported as Interrupted without running.
    virtual void stop(const std::string& why) = 0;

    // Whether stop() was called or SIGINT/SIGTERM stopped the work: the caller should stop planning.
    virtual bool stopped() const = 0;
    // The SIGINT or SIGTERM that stopped the work (e.g. to exit with 128 + it), else 0.
    virtual int interrupt_signal() const = 0;
    // One run at a time, so measurements of the whole process or cgroup belong to that run.
    virtual bool exclusive() const = 0;
    virtual ExecutorProgress progress() const = 0;
};

// Destroying an executor with work left kills its children without reporting them: wait or
// stop first. The synchronous executor ignores max_workers (it is always 1). Redis is not a
// process pool: it throws std::invalid_argument.
std::unique_ptr<Executor> make_executor(ExecutorKind kind, std::size_t max_workers,
                                        std::function<void(const Job&, const RunOutcome&)> on_finished,
                                        std::function<void(const Job&)> on_started = {});

// The CPUs this process may run on (its affinity mask), at least 1.
std::size_t default_max_workers();

}  // namespace ref::execute
