// `config list`: the effective configuration, as TOML.
#include "cli/commands.hpp"
#include "queue/redis_connection.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <set>

namespace ref::cli {

namespace po = boost::program_options;

po::options_description config_list_options() { return po::options_description("config list options"); }

int config_list(const CommandContext& ctx) {
    const config::Config c = load_config(ctx);
    // JSON string escapes are valid TOML basic strings.
    auto quote = [](const std::string& text) { return nlohmann::json(text).dump(); };
    std::string url = c.database_url;
    try {
        url = store::parse_database_url(c.database_url).redacted();
    } catch (const store::DatabaseError&) {
        url = "(invalid: see `db status`)";
    }
    std::string redis = c.redis_url;
    try {
        redis = queue::parse_redis_url(c.redis_url).redacted();
    } catch (const queue::QueueError& e) {
        redis = std::string("(invalid: ") + e.what() + ")";
    }
    std::cout << "# effective configuration" << (c.file.empty() ? " (no file; defaults and environment)" : " from " + c.file.string())
              << "\nlog_level = " << quote(c.log_level) << "\nn_jobs = " << c.n_jobs
              << "\ncmip6_parser = " << quote(std::string(config::to_string(c.cmip6_parser)))
              << "\ncmip7_parser = " << quote(std::string(config::to_string(c.cmip7_parser))) << '\n';
    // TOML has no null: an unset optional key is left out.
    if (c.ignore_datasets_file) std::cout << "ignore_datasets_file = " << quote(c.ignore_datasets_file->string()) << '\n';
    std::cout << "\n[plugins]\npaths = [";
    for (std::size_t i = 0; i < c.plugin_paths.size(); ++i) std::cout << (i ? ", " : "") << quote(c.plugin_paths[i].string());
    std::cout << "]\n\n[providers]\nenabled = [";  // empty: every loaded provider
    for (std::size_t i = 0; i < c.enabled_providers.size(); ++i) std::cout << (i ? ", " : "") << quote(c.enabled_providers[i]);
    std::cout << "]\nbackend = " << quote(c.default_backend) << "  # native, tool or auto\n\n[paths]\nscratch = " << quote(c.scratch_root.string()) << "\nresults = " << quote(c.results_root.string())
              << "\nlog = " << quote(c.log_root.string()) << "\nsoftware = " << quote(c.software_root.string())
              << "\ndataset_cache = " << quote(c.dataset_cache.string()) << "\n\n[db]\ndatabase_url = " << quote(url)
              << "\n\n[executor]\nexecutor = " << quote(c.executor) << "\nmax_workers = " << c.max_workers
              << "  # 0: one per CPU\ntimeout = " << c.execution_timeout_seconds << "\nmemory_limit_mb = " << c.memory_limit_mb
              << "\nredis_url = " << quote(redis) << "\nqueue_prefix = " << quote(c.queue_prefix)
              << "\ntask_lease = " << c.task_lease_seconds << "\nmax_deliveries = " << c.max_deliveries << '\n';
    std::set<std::string> slugs;
    for (const auto& [slug, limits] : c.provider_limits) slugs.insert(slug);
    for (const auto& [slug, options] : c.provider_options) slugs.insert(slug);
    for (const auto& slug : slugs) {
        std::cout << "\n[providers." << slug << "]\n";
        if (auto it = c.provider_limits.find(slug); it != c.provider_limits.end()) {
            if (it->second.timeout_seconds) std::cout << "timeout = " << *it->second.timeout_seconds << '\n';
            if (it->second.memory_limit_mb) std::cout << "memory_limit_mb = " << *it->second.memory_limit_mb << '\n';
        }
        if (auto it = c.provider_options.find(slug); it != c.provider_options.end())
            for (const auto& [key, value] : it->second) std::cout << key << " = " << quote(value) << '\n';
    }
    return 0;
}

}  // namespace ref::cli
