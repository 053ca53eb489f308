#include "executions/queue_dispatch.hpp"

#include "executions/dispatch.hpp"
#include "queue/redis_connection.hpp"
#include "queue/task_queue.hpp"
#include "util/stop_signals.hpp"

#include <unistd.h>

#include <set>
#include <thread>

namespace ref::executions {

namespace {

std::optional<int64_t> integer(const store::Value& v) { return store::integer_of(v); }
std::string text(const store::Value& v) { return store::text_of(v).value_or(""); }
double real(const store::Value& v) { return store::real_of(v).value_or(0); }

}  // namespace

std::vector<RecordedExecution> recorded_executions(store::Database& db, const std::vector<int64_t>& ids) {
    std::vector<RecordedExecution> out;
    if (ids.empty()) return out;
    std::string marks;
    std::vector<store::Value> params;
    for (const int64_t id : ids) {
        marks += marks.empty() ? "?" : ", ?";
        params.emplace_back(id);
    }
    const auto rows = db.query(
        "SELECT e.id, e.successful, e.failure_reason, e.path, e.wall_seconds, g.dirty, "
        "(SELECT COUNT(*) FROM metric_value m WHERE m.execution_id = e.id AND m.type = 'SCALAR'), "
        "(SELECT COUNT(*) FROM metric_value m WHERE m.execution_id = e.id AND m.type = 'SERIES'), "
        "(SELECT COUNT(*) FROM execution_output o WHERE o.execution_id = e.id) "
        "FROM execution e JOIN execution_group g ON g.id = e.execution_group_id "
        "WHERE e.successful IS NOT NULL AND e.id IN (" + marks + ")",
        params);
    for (const auto& row : rows.rows) {
        RecordedExecution r;
        r.execution_id = integer(row.at(0)).value_or(0);
        r.successful = integer(row.at(1)).value_or(0) != 0;
        r.reason = text(row.at(2));
        if (!std::holds_alternative<std::monostate>(row.at(3))) r.metric_bundle = text(row.at(3));
        r.wall_seconds = real(row.at(4));
        r.retryable = !r.successful && integer(row.at(5)).value_or(0) != 0;
        r.scalars = static_cast<std::size_t>(integer(row.at(6)).value_or(0));
        r.series = static_cast<std::size_t>(integer(row.at(7)).value_or(0));
        r.outputs = static_cast<std::size_t>(integer(row.at(8)).value_or(0));
        out.push_back(std::move(r));
    }
    return out;
}

QueueDispatch::QueueDispatch(const QueueSettings& settings) : settings_(settings) {
    redis_ = std::make_unique<queue::RedisConnection>(queue::parse_redis_url(settings_.redis_url), std::chrono::seconds(10));
    queue_ = std::make_unique<queue::TaskQueue>(*redis_, settings_.prefix);
}

QueueDispatch::~QueueDispatch() = default;

void QueueDispatch::submit(const ExecutionJob& job) {
    queue::TaskMessage m;
    m.execution_id = job.execution_id;
    m.provider = job.provider;
    m.diagnostic = job.diagnostic;
    m.key = job.key;
    m.fragment = job.fragment;
    m.attempt_token = "solve-" + std::to_string(::getpid());
    queue_->enqueue(m);
    if (submitted_ == 0) first_submit_ = std::chrono::steady_clock::now();
    pending_.emplace(job.execution_id, job);
    ++submitted_;
}

std::vector<RecordedExecution> QueueDispatch::poll_database() {
    const auto now = std::chrono::steady_clock::now();
    if (now < database_retry_at_) return {};
    try {
        if (!db_) db_ = store::open_database(store::parse_database_url(settings_.database_url));
        std::vector<RecordedExecution> all;
        std::vector<int64_t> ids;
        const auto flush = [&] {
            auto part = recorded_executions(*db_, ids);
            all.insert(all.end(), part.begin(), part.end());
            ids.clear();
        };
        for (const auto& [id, job] : pending_) {
            ids.push_back(id);
            if (ids.size() == 500) flush();
        }
        if (!ids.empty()) flush();
        // Now and then: an execution deleted while queued (executions delete-groups) would
        // otherwise be waited for forever.
        if (++polls_ % 40 == 0) {
            std::set<int64_t> seen;
            std::vector<int64_t> batch;
            const auto check = [&] {
                std::string marks;
                std::vector<store::Value> params;
                for (const int64_t id : batch) {
                    marks += marks.empty() ? "?" : ", ?";
                    params.emplace_back(id);
                }
                for (const auto& row : db_->query("SELECT id FROM execution WHERE id IN (" + marks + ")", params).rows)
                    if (auto id = integer(row.at(0))) seen.insert(*id);
                batch.clear();
            };
            for (const auto& [id, job] : pending_) {
                batch.push_back(id);
                if (batch.size() == 500) check();
            }
            if (!batch.empty()) check();
            for (const auto& [id, job] : pending_)
                if (!seen.count(id)) {
                    RecordedExecution gone;
                    gone.execution_id = id;
                    gone.reason = "the execution was deleted while it was queued";
                    all.push_back(gone);
                }
        }
        if (!last_database_error_.empty()) last_database_error_.clear();
        return all;
    } catch (const store::DatabaseError& e) {
        // The workers retry their writes; watching waits for the database to come back.
        db_.reset();
        last_database_error_ = e.what();
        database_retry_at_ = now + std::chrono::seconds(2);
        return {};
    }
}

execute::ExecutorProgress QueueDispatch::progress() {
    execute::ExecutorProgress p;
    p.submitted = submitted_;
    p.finished = finished_;
    std::set<std::string> providers;
    for (const auto& [id, job] : pending_) providers.insert(job.provider);
    try {
        // Across every solve using these queues: what the workers have before them.
        const bool waited = std::chrono::steady_clock::now() - first_submit_ > std::chrono::seconds(10);
        for (const auto& s : queue_->status()) {
            if (!providers.count(s.provider)) continue;
            p.running += static_cast<std::size_t>(s.in_flight);
            p.queued += static_cast<std::size_t>(s.waiting);
            if (waited && s.waiting > 0 && s.workers_seen_within(settings_.lease.count()) == 0 &&
                warned_no_workers_.insert(s.provider).second && settings_.on_warning)
                settings_.on_warning("no worker is taking the tasks of provider '" + s.provider + "' (" +
                                     std::to_string(s.waiting) + " waiting): start `ref-engine worker --provider " +
                                     s.provider + "`");
        }
    } catch (const queue::QueueError&) {
        // Redis is restarting: the counts come back with it.
    }
    return p;
}

void QueueDispatch::wait(const Finished& on_finished, const Progress& on_progress) {
    util::StopSignals signals;  // the tasks stay queued for the workers
    auto last_progress = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    while (!pending_.empty()) {
        if (const int sig = signals.caught()) {
            interrupt_signal_ = sig;
            return;
        }
        bool any = false;
        for (auto& r : poll_database()) {
            auto it = pending_.find(r.execution_id);
            if (it == pending_.end()) continue;
            const ExecutionJob job = std::move(it->second);
            pending_.erase(it);
            ++finished_;
            any = true;
            if (on_finished) on_finished(job, r);
        }
        const auto now = std::chrono::steady_clock::now();
        if (on_progress && (any || now - last_progress >= std::chrono::seconds(1))) {
            on_progress(progress());
            last_progress = now;
        }
        if (!pending_.empty()) std::this_thread::sleep_for(settings_.poll_interval);
    }
}

}  // namespace ref::executions
