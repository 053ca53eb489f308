// Effective configuration: defaults < ref.toml < REF_* environment < command line.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ref::config {

// How ingest reads a CMIP file: every attribute (netCDF header) or the path alone.
enum class DatasetParser { Complete, Drs };

struct Config {
    std::filesystem::path file;  // the ref.toml that was read, empty if none
    std::vector<std::filesystem::path> plugin_paths;
    std::filesystem::path scratch_root;
    std::filesystem::path results_root;
    std::filesystem::path log_root;
    std::filesystem::path software_root;  // providers' software (conda environments under <software_root>/conda)
    std::filesystem::path dataset_cache;  // fetched registry data (<dataset_cache>/<registry>/...)
    std::string database_url;  // sqlite:///FILE (default under the configuration folder) or postgresql://...
    std::string log_level = "info";
    double execution_timeout_seconds = 21600;  // per execution, as in the REF
    std::size_t memory_limit_mb = 0;           // 0: no limit
    std::string executor = "local";            // "local" (process pool), "synchronous" or "redis"
    std::size_t max_workers = 0;               // of the local executor; 0: the CPUs this process may use
    // The redis executor (docs/deployment.md): where the task queues live and how they behave.
    std::string redis_url = "redis://localhost:6379/1";  // the REF's default broker
    std::string queue_prefix = "ref";                    // keys <prefix>:tasks:<provider>, <prefix>:dead:<provider>
    double task_lease_seconds = 60;  // a task whose worker stops renewing this long goes to another worker
    int max_deliveries = 3;          // deliveries before a task is dead-lettered
    // [providers.<slug>] timeout / memory_limit_mb: a provider's own limits over the executor's.
    struct ProviderLimits {
        std::optional<double> timeout_seconds;
        std::optional<std::size_t> memory_limit_mb;
    };
    std::map<std::string, ProviderLimits> provider_limits;
    // [providers.<slug>] keys other than the limits (conda_exe, conda_prefix, backend, ...): passed
    // to that provider's plugin as its settings, uninterpreted by the engine.
    std::map<std::string, std::map<std::string, std::string>> provider_options;
    // The operator's grey list (docs/architecture.md#configuration); nullopt: none.
    std::optional<std::filesystem::path> ignore_datasets_file;
    int n_jobs = 1;  // parsing processes at ingest and solve-time finalisation; -1: all CPUs
    DatasetParser cmip6_parser = DatasetParser::Complete;
    DatasetParser cmip7_parser = DatasetParser::Complete;
    // [providers] backend / REF_PROVIDERS_BACKEND: native, tool or auto for providers that set
    // none of their own; the environment variable wins over every file setting.
    std::string default_backend = "auto";
    // Provider slugs in solve order; empty: every loaded provider, in discovery order.
    std::vector<std::string> enabled_providers;
    std::vector<std::string> warnings;         // unknown keys and the like, for the log
};

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "native", "tool" or "auto" (the tool when its conda environment exists, else native); throws
// ConfigError naming `context` otherwise.
std::string check_backend(const std::string& value, const std::string& context);

// The backend a provider's executions use: its own setting, else the default.
std::string backend_for(const Config& config, const std::string& provider);

struct Overrides {
    std::optional<std::filesystem::path> config_file;  // --config
    std::optional<std::string> plugins;                // --plugins (PATH-style list)
    std::optional<std::string> log_level;              // --log-level
};

// $REF_CONFIGURATION, else $XDG_CONFIG_HOME/ref-engine, else ~/.config/ref-engine.
std::filesystem::path default_configuration_directory();

// Loads the configuration. A missing default file is fine; a missing --config file is an error.
Config load(const Overrides& overrides);

// The plugin folder used when nothing is configured: <program dir>/../lib/ref-engine/plugins.
std::vector<std::filesystem::path> default_plugin_paths();

// Splits a PATH-style list ("a:b:c"), dropping empty entries.
std::vector<std::filesystem::path> split_search_path(const std::string& text);

// "debug", "info", "warning", "error" (any case, "warn" too); throws ConfigError otherwise.
std::string normalise_log_level(const std::string& text);

// "complete" or "drs"; throws ConfigError naming the allowed values otherwise.
DatasetParser parse_dataset_parser(std::string_view text);
std::string_view to_string(DatasetParser parser);

// The settings object a provider's plugin receives (execution definitions' provider_settings and
// setup): software_root, dataset_cache, then the [providers.<slug>] options.
std::string provider_settings_json(const Config& config, const std::string& provider);
// Where a provider's conda environments live: its conda_prefix option, else <software_root>/conda.
std::filesystem::path conda_prefix_for(const Config& config, const std::string& provider);

// The time and memory limits of one provider's executions.
double timeout_for(const Config& config, const std::string& provider);
std::size_t memory_limit_mb_for(const Config& config, const std::string& provider);

// "local", "synchronous" ("sync" too) or "redis"; throws ConfigError naming the allowed values otherwise.
std::string normalise_executor(std::string_view text);

// The number of processes `n_jobs` asks for: the CPUs this process may run on for -1.
int effective_jobs(int n_jobs);

}  // namespace ref::config
