#include "executions/dispatch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace ref::executions {

namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const ExecutionJob& job) {
    return {{"execution_id", job.execution_id}, {"provider", job.provider},       {"diagnostic", job.diagnostic},
            {"key", job.key},                   {"fragment", job.fragment},       {"plugin_path", job.plugin_path.string()},
            {"definition", job.definition},     {"timeout_seconds", job.timeout_seconds},
            {"memory_limit_mb", job.memory_limit_mb}};
}

ExecutionJob job_from_json(const json& doc) {
    const auto field = [&](const char* name) -> const json& {
        auto it = doc.find(name);
        if (it == doc.end()) throw std::invalid_argument(std::string("execution job has no '") + name + "'");
        return *it;
    };
    try {
        ExecutionJob job;
        job.execution_id = field("execution_id").get<int64_t>();
        job.provider = field("provider").get<std::string>();
        job.diagnostic = field("diagnostic").get<std::string>();
        job.key = field("key").get<std::string>();
        job.fragment = field("fragment").get<std::string>();
        job.plugin_path = field("plugin_path").get<std::string>();
        job.definition = field("definition");
        job.timeout_seconds = field("timeout_seconds").get<double>();
        job.memory_limit_mb = field("memory_limit_mb").get<std::size_t>();
        return job;
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("malformed execution job: ") + e.what());
    }
}

Dispatcher::Dispatcher(store::Database& db, DispatchSettings settings, Finished on_finished)
    : db_(db), settings_(std::move(settings)), on_finished_(std::move(on_finished)) {
    if (settings_.executor == execute::ExecutorKind::Redis) {
        queue_ = std::make_unique<QueueDispatch>(settings_.queue);
        return;
    }
    const std::size_t workers = settings_.max_workers ? settings_.max_workers : execute::default_max_workers();
    executor_ = execute::make_executor(settings_.executor, workers,
                                       [this](const execute::Job& job, const execute::RunOutcome& outcome) {
                                           finished(job, outcome);
                                       });
}

Dispatcher::~Dispatcher() = default;

std::string_view Dispatcher::executor_name() const { return queue_ ? "redis" : executor_->name(); }

void Dispatcher::submit(ExecutionJob job) {
    if (queue_) {
        queue_->submit(job);
        return;
    }
    execute::Job run;
    run.id = job.execution_id;
    run.request.program = settings_.program;
    run.request.plugin_path = job.plugin_path;
    run.request.diagnostic_slug = job.diagnostic;
    run.request.definition = job.definition;
    run.request.timeout_seconds = job.timeout_seconds;
    run.request.provider_settings = job.provider_settings;
    run.request.memory_limit_mb = job.memory_limit_mb;
    if (settings_.on_log)
        run.request.on_log = [on_log = settings_.on_log, job](int level, const std::string& message) {
            on_log(job, level, message);
        };
    pending_.emplace(job.execution_id, std::move(job));
    executor_->submit(std::move(run));
}

void Dispatcher::wait(const std::function<void(const execute::ExecutorProgress&)>& on_progress) {
    if (queue_) {
        // The workers recorded it; the callback gets what the database says.
        queue_->wait(
            [this](const ExecutionJob& job, const RecordedExecution& r) {
                execute::RunOutcome outcome;
                outcome.outcome = r.successful ? execute::Outcome::Succeeded
                                               : (r.retryable ? execute::Outcome::SystemError : execute::Outcome::DiagnosticError);
                outcome.usage.wall_seconds = r.wall_seconds;
                outcome.result = nlohmann::json::object();
                if (r.metric_bundle) outcome.result["metric_bundle"] = *r.metric_bundle;
                HandledResult handled;
                handled.successful = r.successful;
                handled.retryable = r.retryable;
                handled.reason = r.reason;
                handled.scalars = r.scalars;
                handled.series = r.series;
                handled.outputs = r.outputs;
                handled.results_directory = settings_.roots.results / job.fragment;
                ++(r.successful ? succeeded_ : failed_);
                if (on_finished_) on_finished_(job, outcome, handled);
            },
            on_progress);
        return;
    }
    executor_->wait(on_progress ? on_progress : [](const execute::ExecutorProgress&) {});
}

void Dispatcher::finished(const execute::Job& run, const execute::RunOutcome& outcome) {
    auto it = pending_.find(run.id);
    if (it == pending_.end()) return;
    const ExecutionJob job = std::move(it->second);
    pending_.erase(it);
    ResultHandlingOptions options;
    options.allow_extra_keys = settings_.allow_extra_keys;
    if (job.memory_limit_mb) options.memory_limit_bytes = static_cast<int64_t>(job.memory_limit_mb) << 20;
    const HandledResult handled = handle_result(db_, job.execution_id, job.fragment, outcome, settings_.roots, options);
    ++(handled.successful ? succeeded_ : failed_);
    if (on_finished_) on_finished_(job, outcome, handled);
}

void write_batch(const fs::path& file, const Batch& batch) {
    json doc = {{"database_url", batch.database_url},
                {"executor", std::string(execute::to_string(batch.settings.executor))},
                {"max_workers", batch.settings.max_workers},
                {"scratch_root", batch.settings.roots.scratch.string()},
                {"results_root", batch.settings.roots.results.string()},
                {"allow_extra_keys", batch.settings.allow_extra_keys},
                {"jobs", json::array()}};
    for (const auto& job : batch.jobs) doc["jobs"].push_back(to_json(job));
    fs::create_directories(file.parent_path());
    const fs::path partial = file.string() + ".partial";
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + partial.string());
    const std::string text = doc.dump();
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write " + partial.string());
    fs::rename(partial, file);
}

Batch read_batch(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read the batch file " + file.string());
    const json doc = json::parse(in, nullptr, false);
    if (!doc.is_object()) throw std::runtime_error(file.string() + " is not a batch of executions");
    try {
        Batch batch;
        batch.database_url = doc.at("database_url").get<std::string>();
        batch.settings.executor = execute::parse_executor_kind(doc.at("executor").get<std::string>());
        batch.settings.max_workers = doc.at("max_workers").get<std::size_t>();
        batch.settings.roots = {doc.at("scratch_root").get<std::string>(), doc.at("results_root").get<std::string>()};
        batch.settings.allow_extra_keys = doc.at("allow_extra_keys").get<bool>();
        for (const auto& job : doc.at("jobs")) batch.jobs.push_back(job_from_json(job));
        return batch;
    } catch (const std::exception& e) {
        throw std::runtime_error(file.string() + ": " + e.what());
    }
}

}  // namespace ref::executions
