#include "cli/commands.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
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
        {"run", "run one execution of a diagnostic in an isolated child process", &run_execution, &run_options},
        {"db migrate", "create or upgrade the database schema", &db_migrate, &db_options},
        {"db status", "show the database and its schema version", &db_status, &db_options},
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

host::PluginRegistry discover_plugins(const config::Config& config, bool use_cache) {
    if (config.plugin_paths.empty()) spdlog::warn("no plugin folder configured or found; use --plugins DIR or REF_PLUGINS");
    host::PluginRegistry registry(use_cache ? host::DeclarationCache::default_location() : std::filesystem::path());
    registry.discover(config.plugin_paths);
    if (use_cache)
        for (const auto& p : registry.problems()) spdlog::warn("plugin {}: {}", p.path.string(), p.reason);
    return registry;
}

}  // namespace ref::cli
