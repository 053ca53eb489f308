// `ref-engine worker`: takes one provider's tasks from its Redis stream, runs each through the
// process pool, records the result in the database, and only then acknowledges the task.
// Everything that can break is retried without losing work: a database that restarts (the
// result is written again until it is stored), Redis restarting (the connection waits for it),
// the worker itself dying (its leases expire and other workers take the tasks).
#pragma once

#include "execute/runner.hpp"
#include "executions/result_handling.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace ref::executions {

enum class WorkerLogLevel { Debug, Info, Warning, Error };

struct WorkerSettings {
    std::string provider;  // its plugin is plugin_path
    std::string consumer;  // unique per worker process: hostname-pid
    std::size_t concurrency = 1;
    std::chrono::milliseconds lease{60000};
    int max_deliveries = 3;
    std::string redis_url, queue_prefix = "ref", database_url;
    std::filesystem::path plugin_path;
    std::filesystem::path program = execute::default_child_program();
    double timeout_seconds = 21600;
    std::size_t memory_limit_mb = 0;
    std::string provider_settings;  // JSON object text for the plugin (config::provider_settings_json)
    ResultRoots roots;
    bool allow_extra_keys = true;
    std::optional<std::size_t> max_tasks;  // stop after this many tasks are done
    bool exit_when_idle = false;           // stop once no task of the provider waits or is in flight
    std::function<void(WorkerLogLevel, const std::string&)> log;
};

struct WorkerReport {
    std::size_t succeeded = 0, failed = 0, dead_lettered = 0, skipped = 0, released = 0;
    int interrupt_signal = 0;  // SIGINT/SIGTERM that stopped the worker, else 0
};

// Runs until SIGINT/SIGTERM (running executions are stopped and their tasks handed back), or
// until max_tasks / exit_when_idle say so. Throws only for a broken configuration.
WorkerReport run_worker(const WorkerSettings& settings);

}  // namespace ref::executions
