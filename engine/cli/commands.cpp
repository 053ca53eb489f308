#include "cli/commands.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include "store/migrations.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace ref::cli {

namespace po = boost::program_options;

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands{
        {"providers list", "list the loaded provider plugins", &providers_list, &providers_list_options},
        {"providers check", "load every plugin and report each file's problems (exit 1 if any)", &providers_check,
         &providers_check_options},
        {"providers setup", "prepare providers' environments and reference data", &providers_setup,
         &providers_setup_options},
        {"diagnostics list", "list the diagnostics the providers declare", &diagnostics_list, &diagnostics_list_options},
        {"solve", "work out which executions the data needs, create and run them (--dry-run: only show them)", &solve,
         &solve_options},
        {"run", "run one execution of a diagnostic in an isolated child process", &run_execution, &run_options},
        {"db migrate", "create or upgrade the database schema", &db_migrate, &db_options},
        {"config list", "print the effective configuration", &config_list, &config_list_options},
        {"datasets ingest", "index netCDF datasets: ingest --source-type TYPE PATH...", &datasets_ingest,
         &datasets_ingest_options, &datasets_ingest_positional},
        {"datasets list", "list the latest version of each ingested dataset", &datasets_list, &datasets_list_options},
        {"datasets list-columns", "list the columns `datasets list --column` accepts", &datasets_list_columns,
         &datasets_list_columns_options},
        {"datasets list-reference", "list the reference data each diagnostic needs and whether it is ingested",
         &datasets_list_reference, &datasets_list_reference_options},
        {"datasets fetch-data", "copy a registry's files from a local mirror, checking each checksum",
         &datasets_fetch_data, &datasets_fetch_data_options},
        {"datasets retract", "take a dataset out of use (it is never deleted)", &datasets_retract,
         &datasets_retract_options, &datasets_retract_positional},
        {"datasets unretract", "put a retracted dataset back in use", &datasets_unretract, &datasets_retract_options,
         &datasets_retract_positional},
        {"db status", "show the database and its schema version", &db_status, &db_options},
        {"executions list-groups", "list execution groups with their latest execution", &executions_list_groups,
         &executions_list_groups_options},
        {"executions inspect", "show one execution group: its latest execution, datasets, values, outputs, log",
         &executions_inspect, &executions_inspect_options, &executions_inspect_positional},
        {"executions flag-dirty", "make execution groups run again at the next solve", &executions_flag_dirty,
         &executions_flag_dirty_options, &executions_group_ids_positional},
        {"executions fail-running", "mark executions still in progress failed (after a crash or a lost worker)",
         &executions_fail_running, &executions_fail_running_options},
        {"executions delete-groups", "delete execution groups with their executions and results",
         &executions_delete_groups, &executions_delete_groups_options},
        {"worker", "run one provider's executions from its task queue (executor = \"redis\")", &worker,
         &worker_options},
        {"queue status", "show the task queues: waiting, in flight (worker, age) and dead letters", &queue_status,
         &queue_status_options},
        {"queue retry-dead", "queue every dead letter again as a new task", &queue_retry_dead, &queue_retry_dead_options},
        {"metric-values list", "list the metric values of the latest successful executions", &metric_values_list,
         &metric_values_list_options},
    };
    return commands;
}

void setup_logging() {
    auto logger = spdlog::stderr_color_mt("ref-engine");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
}

config::Config load_config(const CommandContext& ctx) {
    config::Config config = config::load(ctx.overrides);
    spdlog::set_level(spdlog::level::from_str(config.log_level == "warning" ? "warn" : config.log_level));
    for (const auto& warning : config.warnings) spdlog::warn("{}", warning);
    return config;
}

std::string output_format(const CommandContext& ctx, const std::vector<std::string>& allowed) {
    const std::string format = ctx.options["format"].as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), format) != allowed.end()) return format;
    std::string choices;
    for (const auto& a : allowed) choices += (choices.empty() ? "'" : ", '") + a + "'";
    throw UsageError("--format must be one of " + choices + ", not '" + format + "'");
}

std::vector<std::string> option_values(const CommandContext& ctx, const char* name) {
    return ctx.options.count(name) ? ctx.options[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::unique_ptr<store::Database> open_store(const config::Config& config) {
    const store::DatabaseUrl url = store::parse_database_url(config.database_url);
    auto db = store::open_database(url);
    for (int version : store::migrate(*db)) spdlog::info("database {}: applied schema migration {}", url.redacted(), version);
    return db;
}

host::PluginRegistry discover_plugins(const config::Config& config, bool use_cache) {
    if (config.plugin_paths.empty()) spdlog::warn("no plugin folder configured or found; use --plugins DIR or REF_PLUGINS");
    host::PluginRegistry registry(use_cache ? host::DeclarationCache::default_location() : std::filesystem::path());
    registry.discover(config.plugin_paths);
    if (use_cache)
        for (const auto& p : registry.problems()) spdlog::warn("plugin {}: {}", p.path.string(), p.reason);
    return registry;
}

}  // namespace ref::cli
