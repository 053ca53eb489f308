// The ref-engine commands. Each parses its own options and returns an exit code:
// 0 success, 1 handled failure, 2 usage error.
#pragma once

#include "config/config.hpp"
#include "host/registry.hpp"
#include "store/database.hpp"

#include <boost/program_options.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace ref::cli {

// A usage mistake: printed with the command's help hint, exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CommandContext {
    config::Overrides overrides;
    boost::program_options::variables_map options;  // the command's own options, parsed
};

struct Command {
    std::string name;     // e.g. "providers list"
    std::string summary;
    int (*run)(const CommandContext&);
    boost::program_options::options_description (*options)();
    boost::program_options::positional_options_description (*positional)() = nullptr;
};

const std::vector<Command>& all_commands();

// The value of --format, which must be one of `allowed` (else a UsageError listing them).
std::string output_format(const CommandContext& ctx, const std::vector<std::string>& allowed);

// Log records go to standard error, "level: message".
void setup_logging();

// The values of a repeatable option, empty when it was not given.
std::vector<std::string> option_values(const CommandContext& ctx, const char* name);

// Loads the configuration, applies the log level and returns it.
config::Config load_config(const CommandContext& ctx);

// Finds the configured plugins, warning about each that fails to load. With use_cache,
// declarations come from the declaration cache where it is current (docs/plugin-abi.md).
host::PluginRegistry discover_plugins(const config::Config& config, bool use_cache = true);

// Opens the configured database and brings its schema up to date (as the REF does on open).
// A database newer than this program is an error.
std::unique_ptr<store::Database> open_store(const config::Config& config);

int config_list(const CommandContext& ctx);
int datasets_ingest(const CommandContext& ctx);
int datasets_list(const CommandContext& ctx);
int datasets_list_columns(const CommandContext& ctx);
int datasets_list_reference(const CommandContext& ctx);
int datasets_fetch_data(const CommandContext& ctx);
int datasets_retract(const CommandContext& ctx);
int datasets_unretract(const CommandContext& ctx);
boost::program_options::options_description config_list_options();
boost::program_options::options_description datasets_ingest_options();
boost::program_options::options_description datasets_list_options();
boost::program_options::options_description datasets_list_columns_options();
boost::program_options::options_description datasets_list_reference_options();
boost::program_options::options_description datasets_fetch_data_options();
boost::program_options::options_description datasets_retract_options();
boost::program_options::positional_options_description datasets_ingest_positional();
boost::program_options::positional_options_description datasets_retract_positional();

int providers_list(const CommandContext& ctx);
int providers_check(const CommandContext& ctx);
int providers_setup(const CommandContext& ctx);
int diagnostics_list(const CommandContext& ctx);
int run_execution(const CommandContext& ctx);
int solve(const CommandContext& ctx);
int db_migrate(const CommandContext& ctx);
int db_status(const CommandContext& ctx);
boost::program_options::options_description db_options();
boost::program_options::options_description providers_list_options();
boost::program_options::options_description providers_check_options();
boost::program_options::options_description providers_setup_options();
boost::program_options::options_description diagnostics_list_options();
boost::program_options::options_description run_options();
boost::program_options::options_description solve_options();

int executions_list_groups(const CommandContext& ctx);
int executions_inspect(const CommandContext& ctx);
int executions_flag_dirty(const CommandContext& ctx);
int executions_fail_running(const CommandContext& ctx);
int executions_delete_groups(const CommandContext& ctx);
int metric_values_list(const CommandContext& ctx);
int worker(const CommandContext& ctx);
int queue_status(const CommandContext& ctx);
int queue_retry_dead(const CommandContext& ctx);
boost::program_options::options_description worker_options();
boost::program_options::options_description queue_status_options();
boost::program_options::options_description queue_retry_dead_options();
boost::program_options::options_description executions_list_groups_options();
boost::program_options::options_description executions_inspect_options();
boost::program_options::options_description executions_flag_dirty_options();
boost::program_options::options_description executions_fail_running_options();
boost::program_options::options_description executions_delete_groups_options();
boost::program_options::options_description metric_values_list_options();
boost::program_options::positional_options_description executions_inspect_positional();
boost::program_options::positional_options_description executions_group_ids_positional();

}  // namespace ref::cli
