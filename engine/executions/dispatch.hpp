// Hands created executions to an executor and records each result as it finishes. The same
// code serves a solve that waits and the background process of `solve --no-wait`.
#pragma once

#include "execute/executor.hpp"
#include "executions/queue_dispatch.hpp"
#include "executions/result_handling.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ref::executions {

// One execution ready to run: everything the executor and the result handling need.
struct ExecutionJob {
    int64_t execution_id = 0;
    std::string provider, diagnostic, key, fragment;
    std::filesystem::path plugin_path;
    nlohmann::json definition;  // output_directory set
    std::string provider_settings;  // JSON object text for the plugin (config::provider_settings_json)
    double timeout_seconds = 21600;
    std::size_t memory_limit_mb = 0;
};

nlohmann::json to_json(const ExecutionJob& job);
ExecutionJob job_from_json(const nlohmann::json& doc);  // throws std::invalid_argument naming the bad field

struct DispatchSettings {
    execute::ExecutorKind executor = execute::ExecutorKind::Local;
    std::size_t max_workers = 0;  // 0: default_max_workers()
    ResultRoots roots;
    std::filesystem::path program = execute::default_child_program();  // hosts the children
    bool allow_extra_keys = true;
    QueueSettings queue;  // the redis executor's
    // A log record of a running execution (level as in ref/plugin.h), e.g. to echo warnings.
    std::function<void(const ExecutionJob&, int level, const std::string& message)> on_log;
};

class Dispatcher {
public:
    using Finished = std::function<void(const ExecutionJob&, const execute::RunOutcome&, const HandledResult&)>;
    Dispatcher(store::Database& db, DispatchSettings settings, Finished on_finished);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // With the redis executor, the execution's definition must be stored (SolveOptions::store_definitions).
    void submit(ExecutionJob job);
    // Until every submitted execution is recorded (by this process, or by the queue's workers).
    void wait(const std::function<void(const execute::ExecutorProgress&)>& on_progress = {});
    std::size_t succeeded() const { return succeeded_; }
    std::size_t failed() const { return failed_; }
    std::string_view executor_name() const;
    // SIGINT/SIGTERM (or a stop) ended the work: the caller should stop submitting.
    bool stopped() const { return queue_ ? queue_->stopped() : executor_->stopped(); }
    int interrupt_signal() const { return queue_ ? queue_->interrupt_signal() : executor_->interrupt_signal(); }
    // Executions handed to queue workers that were not recorded when waiting ended.
    std::size_t left_queued() const { return queue_ ? queue_->outstanding() : 0; }

private:
    void finished(const execute::Job& job, const execute::RunOutcome& outcome);

    store::Database& db_;
    DispatchSettings settings_;
    Finished on_finished_;
    std::unique_ptr<execute::Executor> executor_;  // or, for the redis executor:
    std::unique_ptr<QueueDispatch> queue_;
    std::map<int64_t, ExecutionJob> pending_;
    std::size_t succeeded_ = 0, failed_ = 0;
};

// The work of `solve --no-wait`: a file the background process reads, then deletes.
struct Batch {
    std::string database_url;
    DispatchSettings settings;
    std::vector<ExecutionJob> jobs;
};
void write_batch(const std::filesystem::path& file, const Batch& batch);  // mode 0600: the URL may hold a password
Batch read_batch(const std::filesystem::path& file);

}  // namespace ref::executions
