#include "executions/worker.hpp"

#include "execute/pool.hpp"
#include "executions/record.hpp"
#include "queue/redis_connection.hpp"
#include "queue/task_queue.hpp"
#include "store/database.hpp"
#include "util/stop_signals.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

namespace ref::executions {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using nlohmann::json;

bool is_true(const store::Value& v) { return store::boolean_of(v).value_or(false); }

class Worker {
public:
    explicit Worker(const WorkerSettings& settings)
        : s_(settings),
          pool_(std::max<std::size_t>(1, settings.concurrency),
                [this](const execute::Job& job, execute::RunOutcome outcome) { finished(job, std::move(outcome)); }) {}

    WorkerReport run() {
        log(WorkerLogLevel::Info, "worker " + s_.consumer + " takes tasks of provider '" + s_.provider + "' (" +
                                      std::to_string(pool_.max_workers()) + " at a time, lease " +
                                      std::to_string((s_.lease.count() + 999) / 1000) + " s)");
        Clock::time_point next_renew = Clock::now() + s_.lease / 3;
        for (;;) {
            if (signals_.caught() || pool_.stopped()) break;
            record_finished();
            bool queue_empty = false;
            const bool may_take = Clock::now() >= pause_until_ && !limit_reached() &&
                                  std::none_of(tasks_.begin(), tasks_.end(), [](const auto& t) { return t.second.outcome.has_value(); });
            while (may_take && tasks_.size() < pool_.max_workers() && !signals_.caught()) {
                const bool nothing_running = tasks_.empty();
                if (!take_one(nothing_running ? 1000ms : 0ms)) {
                    queue_empty = Clock::now() >= pause_until_ && nothing_running && s_.exit_when_idle && drained();
                    break;
                }
            }
            if (pool_.running() + pool_.queued() > 0) {
                pool_.step(100ms);
            } else if (const auto now = Clock::now(); now < pause_until_ || !may_take) {
                std::this_thread::sleep_for(std::min<Clock::duration>(200ms, std::max<Clock::duration>(1ms, pause_until_ - now)));
            }
            if (Clock::now() >= next_renew) {
                renew_leases();
                next_renew = Clock::now() + s_.lease / 3;
            }
            if (tasks_.empty() && ((s_.exit_when_idle && queue_empty) || limit_reached())) break;
        }
        stop();
        return report_;
    }

private:
    struct Task {
        queue::Delivery delivery;
        int64_t execution_id = 0;
        std::string fragment, label;
        double waited_seconds = 0;  // from the task's queueing to its start
        std::optional<execute::RunOutcome> outcome;
        bool recorded = false;
        bool lost = false;  // the lease went to another worker: its result is not ours to record
    };

    void log(WorkerLogLevel level, const std::string& message) const {
        if (s_.log) s_.log(level, message);
    }

    bool limit_reached() const { return s_.max_tasks && report_.succeeded + report_.failed >= *s_.max_tasks; }

    // Backs off after a failure of Redis or the database; retries come after the pause.
    void pause(const std::string& why) {
        if (why != last_problem_) log(WorkerLogLevel::Warning, why + "; retrying");
        last_problem_ = why;
        pause_until_ = Clock::now() + backoff_;
        backoff_ = std::min<Clock::duration>(backoff_ * 2, 10s);
    }
    void recovered() {
        if (!last_problem_.empty()) log(WorkerLogLevel::Info, "recovered from: " + last_problem_);
        last_problem_.clear();
        backoff_ = 500ms;
    }

    store::Database& db() {
        if (!db_) db_ = store::open_database(store::parse_database_url(s_.database_url));
        return *db_;
    }
    queue::TaskQueue& tasks_queue() {
        if (!queue_) {
            redis_ = std::make_unique<queue::RedisConnection>(queue::parse_redis_url(s_.redis_url));
            queue_ = std::make_unique<queue::TaskQueue>(*redis_, s_.queue_prefix);
        }
        return *queue_;
    }

    // Nothing waiting and nothing in flight anywhere: a task leased by a worker that died is
    // still to come back once its lease runs out.
    bool drained() {
        try {
            return tasks_queue().outstanding(s_.provider) == 0;
        } catch (const queue::QueueError& e) {
            pause(std::string("Redis: ") + e.what());
            return false;
        }
    }

    bool take_one(std::chrono::milliseconds block) {
        std::optional<queue::Delivery> d;
        try {
            d = tasks_queue().next(s_.provider, s_.consumer, s_.lease, block, s_.max_deliveries);
        } catch (const queue::QueueError& e) {
            pause(std::string("Redis: ") + e.what());
            return false;
        }
        if (!d) return false;
        accept(std::move(*d));
        return true;
    }

    void accept(queue::Delivery d) {
        if (!d.problem.empty()) {
            dead_letter(d, d.problem);
            return;
        }
        const queue::TaskMessage m = *d.message;  // a copy: the delivery moves into the task below
        const std::string label = m.provider + "/" + m.diagnostic + " [" + m.key + "] (execution " +
                                  std::to_string(m.execution_id) + ")";
        store::QueryResult row;
        try {
            row = db().query("SELECT definition, successful, output_fragment FROM execution WHERE id = ?", {m.execution_id});
            recovered();
        } catch (const store::DatabaseError& e) {
            db_.reset();
            hand_back(d);
            pause(std::string("database: ") + e.what());
            return;
        }
        if (row.rows.empty()) {
            dead_letter(d, "execution " + std::to_string(m.execution_id) + " is not in the database");
            return;
        }
        if (is_true(row.rows[0].at(1))) {
            // A second copy of a finished task (a resent enqueue, or an ack lost with Redis).
            ack(d);
            ++report_.skipped;
            log(WorkerLogLevel::Info, label + " is already recorded; its task is acknowledged");
            return;
        }
        const auto* text = std::get_if<std::string>(&row.rows[0].at(0));
        json definition = text ? json::parse(*text, nullptr, false) : json();
        if (!definition.is_object() || !definition.contains("output_directory") ||
            !definition["output_directory"].is_string()) {
            dead_letter(d, text ? "the stored definition of execution " + std::to_string(m.execution_id) + " is not valid"
                                : "execution " + std::to_string(m.execution_id) +
                                      " has no stored definition (it was not created for the redis executor)");
            return;
        }
        Task task;
        task.execution_id = m.execution_id;
        task.fragment = std::get_if<std::string>(&row.rows[0].at(2)) ? std::get<std::string>(row.rows[0].at(2)) : m.fragment;
        task.label = label;
        task.waited_seconds = static_cast<double>(queue::task_age_ms(d.stream_id)) / 1000.0;
        task.delivery = std::move(d);

        execute::Job job;
        job.id = ++job_counter_;
        job.request.program = s_.program;
        job.request.plugin_path = s_.plugin_path;
        job.request.diagnostic_slug = m.diagnostic;
        job.request.definition = std::move(definition);
        job.request.timeout_seconds = s_.timeout_seconds;
        job.request.memory_limit_mb = s_.memory_limit_mb;
        job.request.provider_settings = s_.provider_settings;
        job.request.on_log = [this, label](int level, const std::string& message) {
            log(level >= 30 ? WorkerLogLevel::Warning : WorkerLogLevel::Debug, label + ": " + message);
        };
        log(WorkerLogLevel::Info, "running " + label +
                                      (task.delivery.times_delivered > 1
                                           ? " (delivery " + std::to_string(task.delivery.times_delivered) + ")"
                                           : ""));
        tasks_.emplace(job.id, std::move(task));
        pool_.submit(std::move(job));
    }

    void finished(const execute::Job& job, execute::RunOutcome outcome) {
        auto it = tasks_.find(job.id);
        if (it == tasks_.end()) return;
        outcome.usage.queue_seconds += it->second.waited_seconds;
        it->second.outcome = std::move(outcome);
    }

    // Records each finished task's result, then acknowledges it. A database or Redis failure
    // leaves the task where it is (still leased to us) and is retried after a pause.
    void record_finished() {
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            Task& t = it->second;
            if (!t.outcome) {
                ++it;
                continue;
            }
            if (t.lost) {
                log(WorkerLogLevel::Warning, t.label + " finished after its lease passed to another worker; its result is left to that worker");
                it = tasks_.erase(it);
                continue;
            }
            if (t.outcome->kind == execute::FailureKind::Interrupted) {
                hand_back(t.delivery);
                it = tasks_.erase(it);
                continue;
            }
            if (Clock::now() < pause_until_) return;
            if (!t.recorded) {
                try {
                    ResultHandlingOptions options;
                    options.allow_extra_keys = s_.allow_extra_keys;
                    options.rethrow_database_errors = true;
                    if (s_.memory_limit_mb) options.memory_limit_bytes = static_cast<int64_t>(s_.memory_limit_mb) << 20;
                    const HandledResult handled = handle_result(db(), t.execution_id, t.fragment, *t.outcome, s_.roots, options);
                    recovered();
                    t.recorded = true;
                    for (const auto& w : handled.warnings) log(WorkerLogLevel::Warning, t.label + ": " + w);
                    if (handled.successful) {
                        ++report_.succeeded;
                        log(WorkerLogLevel::Info, t.label + " succeeded (" + std::to_string(handled.scalars) +
                                                      " metric values, " + std::to_string(handled.series) + " series, " +
                                                      std::to_string(handled.outputs) + " outputs)");
                    } else {
                        ++report_.failed;
                        log(WorkerLogLevel::Error, t.label + " failed" + (handled.retryable ? " (retryable)" : "") + ": " +
                                                       handled.reason);
                    }
                } catch (const store::DatabaseError& e) {
                    db_.reset();
                    pause("cannot record " + t.label + " yet: " + e.what());
                    return;
                }
            }
            if (!ack(t.delivery)) return;
            it = tasks_.erase(it);
        }
    }

    bool ack(const queue::Delivery& d) {
        try {
            tasks_queue().ack(d);
            return true;
        } catch (const queue::QueueError& e) {
            pause(std::string("Redis: cannot acknowledge task ") + d.stream_id + ": " + e.what());
            return false;
        }
    }

    void hand_back(const queue::Delivery& d) {
        try {
            if (tasks_queue().release(d, s_.consumer)) ++report_.released;
        } catch (const queue::QueueError&) {
            // Unreachable now: the lease runs out instead and another worker takes the task.
        }
    }

    // A task that must not run: the execution (when there is one) is recorded as failed with
    // the reason first, then the task moves to the dead letters, so neither can be lost.
    void dead_letter(const queue::Delivery& d, const std::string& reason) {
        if (d.message) {
            try {
                const auto row = db().query("SELECT successful FROM execution WHERE id = ?", {d.message->execution_id});
                if (!row.rows.empty() && !is_true(row.rows[0].at(0))) {
                    ExecutionOutcome outcome;
                    outcome.successful = false;
                    outcome.retryable = false;
                    outcome.failure_reason = "dead-lettered: " + reason;
                    record_outcome(db(), d.message->execution_id, outcome);
                }
            } catch (const store::DatabaseError& e) {
                db_.reset();
                pause(std::string("database: ") + e.what());
                return;  // still pending: it comes back after the lease and is dead-lettered then
            }
        }
        try {
            if (tasks_queue().dead_letter(d, reason)) {
                ++report_.dead_lettered;
                log(WorkerLogLevel::Error, "task " + d.stream_id +
                                               (d.message ? " (execution " + std::to_string(d.message->execution_id) + ")" : "") +
                                               " dead-lettered: " + reason);
            }
        } catch (const queue::QueueError& e) {
            pause(std::string("Redis: ") + e.what());
        }
    }

    void renew_leases() {
        for (auto& [id, t] : tasks_) {
            if (t.lost) continue;
            try {
                if (!tasks_queue().renew(t.delivery, s_.consumer)) {
                    t.lost = true;
                    log(WorkerLogLevel::Warning, "the lease of " + t.label + " passed to another worker");
                }
            } catch (const queue::QueueError& e) {
                pause(std::string("Redis: cannot renew leases: ") + e.what());
                return;
            }
        }
    }

    // Stops running executions, records what finished, hands the rest back.
    void stop() {
        const int sig = signals_.caught() ? signals_.caught() : pool_.interrupt_signal();
        report_.interrupt_signal = sig;
        if (pool_.running() + pool_.queued() > 0) pool_.stop_all(sig ? "the worker was asked to stop" : "the worker is stopping");
        pause_until_ = Clock::now();
        record_finished();
        for (auto& [id, t] : tasks_)
            if (!t.lost) hand_back(t.delivery);
        tasks_.clear();
        log(WorkerLogLevel::Info, "worker " + s_.consumer + " stopped: " + std::to_string(report_.succeeded) + " succeeded, " +
                                      std::to_string(report_.failed) + " failed, " + std::to_string(report_.dead_lettered) +
                                      " dead-lettered, " + std::to_string(report_.released) + " handed back");
    }

    // While the pool runs children it catches SIGINT/SIGTERM itself (pool.hpp); between tasks
    // these do, so the worker hands its tasks back instead of dying mid-write.
    util::StopSignals signals_;
    const WorkerSettings& s_;
    execute::ProcessPool pool_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<queue::RedisConnection> redis_;
    std::unique_ptr<queue::TaskQueue> queue_;
    std::map<int64_t, Task> tasks_;  // by pool job id, in the order they were taken
    int64_t job_counter_ = 0;
    WorkerReport report_;
    Clock::time_point pause_until_{};
    Clock::duration backoff_ = 500ms;
    std::string last_problem_;
};

}  // namespace

WorkerReport run_worker(const WorkerSettings& settings) {
    if (settings.provider.empty() || !queue::valid_provider_name(settings.provider))
        throw std::invalid_argument("worker: invalid provider name '" + settings.provider + "'");
    if (settings.consumer.empty()) throw std::invalid_argument("worker: empty consumer name");
    if (settings.lease < 1s) throw std::invalid_argument("worker: the task lease must be at least a second");
    Worker worker(settings);
    return worker.run();
}

}  // namespace ref::executions
