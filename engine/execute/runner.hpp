// Runs one execution in a child process that loads only the plugin it needs.
// The parent enforces the time and memory limits and classifies the outcome.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace ref::execute {

// ref-engine-child beside the running program when it is there, else the running program
// itself (which hosts the child as `ref-engine __execute-child`).
std::filesystem::path default_child_program();

struct RunRequest {
    std::filesystem::path plugin_path;
    std::string diagnostic_slug;  // within the provider
    nlohmann::json definition;    // output_directory already set
    // The provider's settings on this host (config::provider_settings_json), given to the plugin
    // as the definition's provider_settings; empty: none.
    std::string provider_settings;
    double timeout_seconds = 21600;   // from the start of the run (not the submission); <= 0: none
    double cancel_grace_seconds = 5;  // between asking the run to stop and killing it
    std::size_t memory_limit_mb = 0;  // 0: none
    // The program the child runs: ref-engine-child, or ref-engine itself (`__execute-child`).
    std::filesystem::path program = default_child_program();
    // Called on the thread that drives the run (in a pool: during step/drain, maybe long after
    // submit), so whatever they capture must outlive the job.
    std::function<void(int level, const std::string& message)> on_log;
    std::function<void(double fraction, const std::string& message)> on_progress;
};

// Failure classes of docs/architecture.md: a diagnostic error is not retried automatically,
// a system error (crash, signal, time-out, out of memory, lost child) is.
enum class Outcome { Succeeded, DiagnosticError, SystemError };

enum class FailureKind {
    None,
    PluginReported,  // the plugin returned a non-OK status
    BadResult,       // the plugin claimed success but its result or bundles are unusable
    Signal,          // the child died from a signal (segfault, abort, OOM kill)
    TimedOut,
    NonZeroExit,     // the child exited without reporting a result
    LaunchFailed,
    Interrupted,     // the engine itself was asked to stop (SIGINT, SIGTERM)
};

struct ResourceUsage {
    double queue_seconds = 0;  // from submission to the start of the run (waiting for a free slot)
    double wall_seconds = 0;   // from the start of the run (output directory included) to reaping the child
    double cpu_seconds = 0;
    long max_rss_kib = 0;
};

struct RunOutcome {
    Outcome outcome = Outcome::SystemError;
    FailureKind kind = FailureKind::None;
    std::string message;      // why it failed, for people
    nlohmann::json result;    // the plugin's result document on success
    int signal = 0;
    int plugin_status = 0;
    ResourceUsage usage;
    bool succeeded() const { return outcome == Outcome::Succeeded; }
    bool retryable() const { return outcome == Outcome::SystemError; }
};

std::string to_string(Outcome outcome);
std::string to_string(FailureKind kind);

// The output directory must be absolute, and may be replaced only if it is empty or holds
// an earlier run (out.log): a mistyped directory must never delete somebody's data.
// Throws std::invalid_argument naming the problem.
void check_output_directory(const std::filesystem::path& dir);
// Checks, then replaces the directory with an empty one.
void prepare_output_directory(const std::filesystem::path& dir);

// Prepares a fresh output directory (a refused one throws std::invalid_argument, as does a
// definition without an output_directory) and runs the execution (a pool of one, see pool.hpp).
RunOutcome run_isolated(const RunRequest& request);

// The child's side, called by the hidden `__execute-child` command: reads the
// definition from standard input, reports on `control_fd`, returns the exit code.
int child_main(const std::filesystem::path& plugin_path, const std::string& diagnostic_slug, int control_fd);

}  // namespace ref::execute
