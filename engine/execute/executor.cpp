// The synchronous and local executors: one process pool each, sized 1 or n.
#include "execute/executor.hpp"

#include <sched.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

namespace ref::execute {

ExecutorKind parse_executor_kind(std::string_view text) {
    if (text == "synchronous" || text == "sync") return ExecutorKind::Synchronous;
    if (text == "local") return ExecutorKind::Local;
    if (text == "redis") return ExecutorKind::Redis;
    throw std::invalid_argument("unknown executor '" + std::string(text) + "'; expected one of: synchronous, local, redis");
}

std::string_view to_string(ExecutorKind kind) {
    switch (kind) {
        case ExecutorKind::Synchronous: return "synchronous";
        case ExecutorKind::Local: return "local";
        case ExecutorKind::Redis: return "redis";
    }
    return "unknown";
}

namespace {

class PoolExecutor final : public Executor {
public:
    PoolExecutor(ExecutorKind kind, std::size_t max_workers, std::function<void(const Job&, const RunOutcome&)> on_finished,
                 std::function<void(const Job&)> on_started)
        : kind_(kind),
          pool_(kind == ExecutorKind::Synchronous ? 1 : max_workers,
                [cb = std::move(on_finished)](const Job& job, RunOutcome outcome) {
                    if (cb) cb(job, outcome);
                },
                std::move(on_started)) {}

    std::string_view name() const override { return to_string(kind_); }

    void submit(Job job) override {
        pool_.submit(std::move(job));
        if (kind_ == ExecutorKind::Synchronous) pool_.drain();
        else pool_.step(std::chrono::milliseconds(0));
    }

    void wait(const std::function<void(const ExecutorProgress&)>& on_progress) override {
        if (kind_ == ExecutorKind::Synchronous) {
            pool_.drain();  // nothing left unless a callback submitted from inside another
            if (on_progress && pool_.submitted() > 0) on_progress(pool_.progress());
            return;
        }
        pool_.drain(on_progress, std::chrono::milliseconds(500));
    }

    void stop(const std::string& why) override { pool_.stop_all(why); }
    bool stopped() const override { return pool_.stopped(); }
    int interrupt_signal() const override { return pool_.interrupt_signal(); }
    bool exclusive() const override { return pool_.max_workers() == 1; }
    ExecutorProgress progress() const override { return pool_.progress(); }

private:
    ExecutorKind kind_;
    ProcessPool pool_;
};

}  // namespace

std::unique_ptr<Executor> make_executor(ExecutorKind kind, std::size_t max_workers,
                                        std::function<void(const Job&, const RunOutcome&)> on_finished,
                                        std::function<void(const Job&)> on_started) {
    if (kind == ExecutorKind::Redis)
        throw std::invalid_argument("the redis executor hands executions to workers through a queue, not to a process pool");
    return std::make_unique<PoolExecutor>(kind, max_workers, std::move(on_finished), std::move(on_started));
}

std::size_t default_max_workers() {
    // cpu_set_t holds 1024 CPUs; bigger machines need a bigger mask.
    for (int cpus = 1024; cpus <= (1 << 16); cpus *= 2) {
        cpu_set_t* set = CPU_ALLOC(static_cast<std::size_t>(cpus));
        if (!set) break;
        const std::size_t size = CPU_ALLOC_SIZE(static_cast<std::size_t>(cpus));
        CPU_ZERO_S(size, set);
        if (::sched_getaffinity(0, size, set) == 0) {
            const int count = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            return count > 0 ? static_cast<std::size_t>(count) : 1;
        }
        CPU_FREE(set);
        if (errno != EINVAL) break;
    }
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware > 0 ? hardware : 1;
}

}  // namespace ref::execute
