// `worker --provider P`: runs one provider's executions from its queue (executor = "redis").
#include "cli/commands.hpp"
#include "executions/worker.hpp"
#include "execute/executor.hpp"
#include "host/registry.hpp"
#include "queue/redis_connection.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

po::options_description worker_options() {
    po::options_description desc("worker options");
    desc.add_options()
        ("provider", po::value<std::string>()->value_name("SLUG"), "the provider whose tasks this worker runs (required)")
        ("concurrency", po::value<std::size_t>()->value_name("N"),
         "executions at once (default: executor.max_workers, else one per CPU)")
        ("lease", po::value<double>()->value_name("SECONDS"),
         "a task whose worker stops renewing this long goes to another worker (default: executor.task_lease)")
        ("max-deliveries", po::value<int>()->value_name("N"),
         "deliveries of one task before it is dead-lettered (default: executor.max_deliveries)")
        ("name", po::value<std::string>()->value_name("NAME"), "this worker's name on the queue (default: HOST-PID)")
        ("timeout", po::value<double>()->value_name("SECONDS"),
         "time limit of each execution (default: executor.timeout, or the provider's own)")
        ("max-tasks", po::value<std::size_t>()->value_name("N"), "stop after N tasks are done")
        ("exit-when-idle", po::bool_switch(), "stop once no task of the provider is waiting or in flight");
    return desc;
}

int worker(const CommandContext& ctx) {
    if (!ctx.options.count("provider")) throw UsageError("worker needs --provider SLUG");
    const config::Config config = load_config(ctx);
    spdlog::default_logger()->set_pattern("[%Y-%m-%d %H:%M:%S] %^%l%$: %v");

    executions::WorkerSettings s;
    s.provider = ctx.options["provider"].as<std::string>();
    s.concurrency = ctx.options.count("concurrency") ? ctx.options["concurrency"].as<std::size_t>() : config.max_workers;
    if (ctx.options.count("concurrency") && s.concurrency == 0) throw UsageError("--concurrency must be 1 or more");
    if (s.concurrency == 0) s.concurrency = execute::default_max_workers();
    const double lease = ctx.options.count("lease") ? ctx.options["lease"].as<double>() : config.task_lease_seconds;
    if (!(lease >= 1)) throw UsageError("--lease must be at least 1 second");
    s.lease = std::chrono::milliseconds(static_cast<int64_t>(lease * 1000));
    s.max_deliveries = ctx.options.count("max-deliveries") ? ctx.options["max-deliveries"].as<int>() : config.max_deliveries;
    if (s.max_deliveries < 1) throw UsageError("--max-deliveries must be 1 or more");
    if (ctx.options.count("name")) {
        s.consumer = ctx.options["name"].as<std::string>();
        if (s.consumer.empty()) throw UsageError("--name must not be empty");
    } else {
        char host[HOST_NAME_MAX + 1] = {};
        if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "worker");
        s.consumer = std::string(host) + "-" + std::to_string(::getpid());
    }
    if (ctx.options.count("max-tasks")) s.max_tasks = ctx.options["max-tasks"].as<std::size_t>();
    s.exit_when_idle = ctx.options["exit-when-idle"].as<bool>();
    s.timeout_seconds = ctx.options.count("timeout") ? ctx.options["timeout"].as<double>() : config::timeout_for(config, s.provider);
    if (!(s.timeout_seconds > 0)) throw UsageError("--timeout must be a positive number of seconds");
    s.memory_limit_mb = config::memory_limit_mb_for(config, s.provider);
    s.provider_settings = config::provider_settings_json(config, s.provider);
    s.redis_url = config.redis_url;
    s.queue_prefix = config.queue_prefix;
    s.database_url = config.database_url;
    s.roots = {fs::absolute(config.scratch_root), fs::absolute(config.results_root)};
    s.allow_extra_keys = executions::allow_extra_keys_from_environment();
    s.log = [](executions::WorkerLogLevel level, const std::string& message) {
        switch (level) {
            case executions::WorkerLogLevel::Debug: spdlog::debug("{}", message); break;
            case executions::WorkerLogLevel::Info: spdlog::info("{}", message); break;
            case executions::WorkerLogLevel::Warning: spdlog::warn("{}", message); break;
            case executions::WorkerLogLevel::Error: spdlog::error("{}", message); break;
        }
    };

    try {
        queue::parse_redis_url(s.redis_url);
    } catch (const queue::QueueError& e) {
        spdlog::error("executor.redis_url: {}", e.what());
        return 1;
    }
    const host::PluginRegistry registry = discover_plugins(config);
    const auto* plugin = registry.find_provider(s.provider);
    if (!plugin) {
        std::string available;
        for (const auto& p : registry.plugins()) available += (available.empty() ? "" : ", ") + p->declaration().slug;
        spdlog::error("no loaded plugin provides '{}' (available: {}); see `ref-engine providers list` and plugins.paths",
                      s.provider, available.empty() ? "none" : available);
        return 1;
    }
    s.plugin_path = plugin->path();
    open_store(config);  // the schema must be current before results are written
    spdlog::info("provider {} {} from {}; database {}; queue {} at {}", s.provider, plugin->declaration().version,
                 s.plugin_path.string(), store::parse_database_url(s.database_url).redacted(), s.queue_prefix,
                 queue::parse_redis_url(s.redis_url).redacted());
    const executions::WorkerReport report = executions::run_worker(s);
    (void)report;
    return 0;
}

}  // namespace ref::cli
