#include "cli/run_batch.hpp"

#include "executions/dispatch.hpp"
#include "store/database.hpp"
#include "ref/plugin.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

namespace ref::cli {

int run_batch(const std::filesystem::path& file, const config::Overrides& overrides) {
    // A log file of its own: time stamps matter when nobody is watching.
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e | %-7l | %v");
    const config::Config config = config::load(overrides);
    spdlog::set_level(spdlog::level::from_str(config.log_level == "warning" ? "warn" : config.log_level));
    const executions::Batch batch = executions::read_batch(file);
    spdlog::info("background run of {} execution(s) from {} (process {})", batch.jobs.size(), file.string(), ::getpid());
    auto db = store::open_database(store::parse_database_url(batch.database_url));
    executions::DispatchSettings settings = batch.settings;
    settings.on_log = [](const executions::ExecutionJob& job, int level, const std::string& message) {
        if (level >= REF_LOG_WARNING) spdlog::warn("execution {}: {}", job.execution_id, message);
    };
    executions::Dispatcher dispatcher(
        *db, settings,
        [](const executions::ExecutionJob& job, const execute::RunOutcome& outcome, const executions::HandledResult& handled) {
            for (const auto& w : handled.warnings) spdlog::warn("execution {}: {}", job.execution_id, w);
            if (handled.successful)
                spdlog::info("execution {} {}/{} [{}] succeeded in {:.2f} s: {} metric values, {} series, {} outputs",
                             job.execution_id, job.provider, job.diagnostic, job.key, outcome.usage.wall_seconds,
                             handled.scalars, handled.series, handled.outputs);
            else
                spdlog::error("execution {} {}/{} [{}] failed{}: {}", job.execution_id, job.provider, job.diagnostic,
                              job.key, handled.retryable ? " (will be retried)" : "", handled.reason);
        });
    for (const auto& job : batch.jobs) dispatcher.submit(job);
    dispatcher.wait();
    std::error_code ec;
    std::filesystem::remove(file, ec);
    spdlog::info("background run finished: {} succeeded, {} failed", dispatcher.succeeded(), dispatcher.failed());
    return dispatcher.failed() ? 1 : 0;
}

}  // namespace ref::cli
