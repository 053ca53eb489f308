#include "config/config.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <sched.h>
#include <unistd.h>
#include <pwd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>

namespace ref::config {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

fs::path program_directory() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

std::string where(const toml::source_region& region) {
    return "line " + std::to_string(region.begin.line) + ", column " + std::to_string(region.begin.column);
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// "~" and "~/x" use $HOME, "~user/x" that user's home; anything else is returned as is.
std::string expand_user(const std::string& text) {
    if (text.empty() || text[0] != '~') return text;
    const auto slash = text.find('/');
    const std::string user = text.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    std::string home;
    if (user.empty()) {
        if (auto h = env("HOME")) home = *h;
    } else if (const passwd* pw = ::getpwnam(user.c_str()); pw && pw->pw_dir) {
        home = pw->pw_dir;
    }
    if (home.empty()) return text;
    return slash == std::string::npos ? home : home + text.substr(slash);
}

void check_n_jobs(int64_t n, const std::string& context) {
    if (n != -1 && n < 1) throw ConfigError(context + " must be -1 (all CPUs) or a whole number >= 1, not " + std::to_string(n));
    if (n > std::numeric_limits<int>::max()) throw ConfigError(context + " is too large: " + std::to_string(n));
}

int n_jobs_from_text(const std::string& text, const std::string& context) {
    const std::string t = trimmed(text);
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size())
        throw ConfigError(context + " must be -1 (all CPUs) or a whole number >= 1, not '" + text + "'");
    check_n_jobs(n, context);
    return static_cast<int>(n);
}

// Unlike the REF, a misspelt parser is an error rather than a silent switch to drs.
void parser_from_env(const char* name, DatasetParser& parser) {
    auto v = env(name);
    if (!v) return;
    try {
        parser = parse_dataset_parser(trimmed(*v));
    } catch (const ConfigError& e) {
        throw ConfigError(std::string(name) + ": " + e.what());
    }
}

// A provider list must not repeat a slug or hold an empty one: either would be a typo.
void check_providers(const std::vector<std::string>& slugs, const std::string& context) {
    std::set<std::string> seen;
    for (const auto& slug : slugs) {
        if (slug.empty()) throw ConfigError(context + ": empty provider slug");
        if (!seen.insert(slug).second) throw ConfigError(context + ": provider '" + slug + "' is listed twice");
    }
}

// Queue keys are "<prefix>:tasks:<provider>": a glob character would make status scans match others.
void check_queue_prefix(const std::string& prefix, const std::string& context) {
    if (prefix.empty() || prefix.size() > 64 || prefix.find_first_of("*?[] \t\n") != std::string::npos)
        throw ConfigError(context + ": queue prefix must be 1 to 64 characters without spaces or *?[]");
}

// [providers.<slug>]: timeout and memory_limit_mb for that provider's executions.
void apply_provider_limits(Config& config, const fs::path& file, const std::string& slug, const toml::table& table) {
    auto& limits = config.provider_limits[slug];
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        const std::string where_key = "providers." + slug + "." + name;
        if (name == "timeout") {
            auto seconds = node.value<double>();
            if (!seconds || *seconds <= 0) throw ConfigError(file.string() + ": '" + where_key + "' must be a positive number of seconds");
            limits.timeout_seconds = *seconds;
        } else if (name == "memory_limit_mb") {
            auto mb = node.value<int64_t>();
            if (!mb || *mb < 0) throw ConfigError(file.string() + ": '" + where_key + "' must be a whole number >= 0 (0: no limit)");
            limits.memory_limit_mb = static_cast<std::size_t>(*mb);
        } else if (name == "backend") {
            const auto text = node.value_exact<std::string>();
            if (!text) throw ConfigError(file.string() + ": '" + where_key + "' must be \"native\", \"tool\" or \"auto\"");
            config.provider_options[slug][name] = check_backend(*text, file.string() + ": '" + where_key + "'");
        } else if (auto text = node.value_exact<std::string>()) {
            config.provider_options[slug][name] = *text;
        } else if (auto number = node.value_exact<int64_t>()) {
            config.provider_options[slug][name] = std::to_string(*number);
        } else if (auto flag = node.value_exact<bool>()) {
            config.provider_options[slug][name] = *flag ? "true" : "false";
        } else {
            throw ConfigError(file.string() + ": '" + where_key + "' must be a string, a whole number or true/false");
        }
    }
}

// Reads one ref.toml into `config`, reporting unknown keys as warnings (as the REF does).
void apply_file(Config& config, const fs::path& file) {
    toml::table doc;
    try {
        doc = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        throw ConfigError(file.string() + ": " + std::string(e.description()) + " (" + where(e.source()) + ")");
    }
    config.file = file;
    const fs::path base = file.parent_path();
    auto path_of = [&](const toml::node& node, const std::string& key) {
        auto text = node.value<std::string>();
        if (!text) throw ConfigError(file.string() + ": '" + key + "' must be a string (" + where(node.source()) + ")");
        fs::path p(*text);
        return p.is_absolute() ? p : base / p;
    };
    auto string_of = [&](const toml::node& node, const std::string& key) {
        auto text = node.value<std::string>();
        if (!text) throw ConfigError(file.string() + ": '" + key + "' must be a string (" + where(node.source()) + ")");
        return *text;
    };
    auto parser_of = [&](const toml::node& node, const std::string& key) {
        const std::string text = string_of(node, key);
        try {
            return parse_dataset_parser(text);
        } catch (const ConfigError& e) {
            throw ConfigError(file.string() + ": '" + key + "': " + e.what() + " (" + where(node.source()) + ")");
        }
    };
    const std::set<std::string> known_sections{"plugins", "paths", "executor", "db", "providers"};
    for (const auto& [key, node] : doc) {
        const std::string name(key.str());
        if (name == "log_level") {
            auto text = node.value<std::string>();
            if (!text) throw ConfigError(file.string() + ": 'log_level' must be a string");
            config.log_level = normalise_log_level(*text);
        } else if (name == "n_jobs") {
            const auto* n = node.as_integer();
            if (!n) throw ConfigError(file.string() + ": 'n_jobs' must be an integer (" + where(node.source()) + ")");
            check_n_jobs(n->get(), file.string() + ": 'n_jobs'");
            config.n_jobs = static_cast<int>(n->get());
        } else if (name == "cmip6_parser") {
            config.cmip6_parser = parser_of(node, name);
        } else if (name == "cmip7_parser") {
            config.cmip7_parser = parser_of(node, name);
        } else if (name == "ignore_datasets_file") {
            // Blank means unset, as in the REF; `~` is expanded for this optional path.
            const std::string text = string_of(node, name);
            if (trimmed(text).empty()) {
                config.ignore_datasets_file.reset();
            } else {
                fs::path p(expand_user(text));
                config.ignore_datasets_file = p.is_absolute() ? p : base / p;
            }
        } else if (name == "diagnostic_providers") {
            config.warnings.push_back(file.string() + ": unknown key 'diagnostic_providers' ignored (list provider slugs in "
                                      "[providers] enabled = [...] instead)");
        } else if (!known_sections.count(name)) {
            config.warnings.push_back(file.string() + ": unknown key '" + name + "' ignored");
        }
    }
    if (auto* plugins = doc["plugins"].as_table()) {
        for (const auto& [key, node] : *plugins) {
            if (key.str() == "paths" && node.is_array()) {
                config.plugin_paths.clear();
                for (const auto& item : *node.as_array()) config.plugin_paths.push_back(path_of(item, "plugins.paths"));
            } else {
                config.warnings.push_back(file.string() + ": unknown key 'plugins." + std::string(key.str()) + "' ignored");
            }
        }
    }
    if (auto* paths = doc["paths"].as_table()) {
        for (const auto& [key, node] : *paths) {
            const std::string name(key.str());
            if (name == "scratch") config.scratch_root = path_of(node, "paths.scratch");
            else if (name == "results") config.results_root = path_of(node, "paths.results");
            else if (name == "log") config.log_root = path_of(node, "paths.log");
            else if (name == "software") config.software_root = path_of(node, "paths.software");
            else if (name == "dataset_cache") config.dataset_cache = path_of(node, "paths.dataset_cache");
            else config.warnings.push_back(file.string() + ": unknown key 'paths." + name + "' ignored");
        }
    }
    if (auto* db = doc["db"].as_table()) {
        for (const auto& [key, node] : *db) {
            const std::string name(key.str());
            if (name == "database_url") {
                auto text = node.value<std::string>();
                if (!text) throw ConfigError(file.string() + ": 'db.database_url' must be a string");
                config.database_url = *text;
            } else {
                config.warnings.push_back(file.string() + ": unknown key 'db." + name + "' ignored");
            }
        }
    }
    if (doc.contains("providers")) {
        const auto* providers = doc["providers"].as_table();
        if (!providers)
            throw ConfigError(file.string() + ": 'providers' must be a table (" + where(doc["providers"].node()->source()) + ")");
        for (const auto& [key, node] : *providers) {
            const std::string name(key.str());
            if (const auto* limits = node.as_table()) {
                apply_provider_limits(config, file, name, *limits);
                continue;
            }
            if (name == "backend") {
                const auto text = node.value_exact<std::string>();
                if (!text) throw ConfigError(file.string() + ": 'providers.backend' must be \"native\", \"tool\" or \"auto\"");
                config.default_backend = check_backend(*text, file.string() + ": 'providers.backend'");
                continue;
            }
            if (name != "enabled") {
                config.warnings.push_back(file.string() + ": unknown key 'providers." + name + "' ignored");
                continue;
            }
            const auto* list = node.as_array();
            if (!list)
                throw ConfigError(file.string() + ": 'providers.enabled' must be a list of provider slugs (" +
                                  where(node.source()) + ")");
            std::vector<std::string> slugs;
            for (const auto& item : *list)
                slugs.push_back(string_of(item, "providers.enabled[" + std::to_string(slugs.size()) + "]"));
            check_providers(slugs, file.string() + ": 'providers.enabled'");
            config.enabled_providers = std::move(slugs);
        }
    }
    if (auto* executor = doc["executor"].as_table()) {
        for (const auto& [key, node] : *executor) {
            const std::string name(key.str());
            if (name == "timeout") {
                auto seconds = node.value<double>();
                if (!seconds || *seconds <= 0) throw ConfigError(file.string() + ": 'executor.timeout' must be a positive number of seconds");
                config.execution_timeout_seconds = *seconds;
            } else if (name == "memory_limit_mb") {
                auto mb = node.value<int64_t>();
                if (!mb || *mb < 0) throw ConfigError(file.string() + ": 'executor.memory_limit_mb' must be a whole number >= 0");
                config.memory_limit_mb = static_cast<std::size_t>(*mb);
            } else if (name == "executor") {
                try {
                    config.executor = normalise_executor(string_of(node, "executor.executor"));
                } catch (const ConfigError& e) {
                    throw ConfigError(file.string() + ": 'executor.executor': " + e.what() + " (" + where(node.source()) + ")");
                }
            } else if (name == "redis_url") {
                config.redis_url = string_of(node, "executor.redis_url");
            } else if (name == "queue_prefix") {
                config.queue_prefix = string_of(node, "executor.queue_prefix");
                check_queue_prefix(config.queue_prefix, file.string() + ": 'executor.queue_prefix'");
            } else if (name == "task_lease") {
                auto seconds = node.value<double>();
                if (!seconds || *seconds < 1)
                    throw ConfigError(file.string() + ": 'executor.task_lease' must be a number of seconds >= 1");
                config.task_lease_seconds = *seconds;
            } else if (name == "max_deliveries") {
                const auto* n = node.as_integer();
                if (!n || n->get() < 1 || n->get() > 1000)
                    throw ConfigError(file.string() + ": 'executor.max_deliveries' must be a whole number from 1 to 1000");
                config.max_deliveries = static_cast<int>(n->get());
            } else if (name == "max_workers") {
                const auto* n = node.as_integer();
                if (!n || n->get() < 0)
                    throw ConfigError(file.string() + ": 'executor.max_workers' must be a whole number >= 0 (0: one per CPU)");
                config.max_workers = static_cast<std::size_t>(n->get());
            } else {
                config.warnings.push_back(file.string() + ": unknown key 'executor." + name + "' ignored");
            }
        }
    }
}

}  // namespace

std::string normalise_executor(std::string_view text) {
    if (text == "local") return "local";
    if (text == "synchronous" || text == "sync") return "synchronous";
    if (text == "redis") return "redis";
    throw ConfigError("unknown executor '" + std::string(text) + "' (expected \"local\", \"synchronous\" or \"redis\")");
}

std::string check_backend(const std::string& value, const std::string& context) {
    if (value == "native" || value == "tool" || value == "auto") return value;
    throw ConfigError(context + " must be \"native\", \"tool\" or \"auto\", not '" + value + "'");
}

std::string backend_for(const Config& config, const std::string& provider) {
    if (auto it = config.provider_options.find(provider); it != config.provider_options.end())
        if (auto option = it->second.find("backend"); option != it->second.end()) return option->second;
    return config.default_backend;
}

std::string provider_settings_json(const Config& config, const std::string& provider) {
    nlohmann::json settings = {{"software_root", fs::absolute(config.software_root).string()},
                               {"dataset_cache", fs::absolute(config.dataset_cache).string()}};
    if (auto it = config.provider_options.find(provider); it != config.provider_options.end())
        for (const auto& [key, value] : it->second) settings[key] = value;
    settings["backend"] = backend_for(config, provider);
    settings["conda_prefix"] = conda_prefix_for(config, provider).string();
    return settings.dump();
}

fs::path conda_prefix_for(const Config& config, const std::string& provider) {
    if (auto it = config.provider_options.find(provider); it != config.provider_options.end())
        if (auto option = it->second.find("conda_prefix"); option != it->second.end()) return fs::absolute(option->second);
    return fs::absolute(config.software_root / "conda");
}

double timeout_for(const Config& config, const std::string& provider) {
    auto it = config.provider_limits.find(provider);
    return it != config.provider_limits.end() && it->second.timeout_seconds ? *it->second.timeout_seconds
                                                                            : config.execution_timeout_seconds;
}

std::size_t memory_limit_mb_for(const Config& config, const std::string& provider) {
    auto it = config.provider_limits.find(provider);
    return it != config.provider_limits.end() && it->second.memory_limit_mb ? *it->second.memory_limit_mb
                                                                            : config.memory_limit_mb;
}

std::string normalise_log_level(const std::string& text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "warn") lower = "warning";
    if (lower == "debug" || lower == "info" || lower == "warning" || lower == "error") return lower;
    throw ConfigError("unknown log level '" + text + "' (expected debug, info, warning or error)");
}

DatasetParser parse_dataset_parser(std::string_view text) {
    if (text == "complete") return DatasetParser::Complete;
    if (text == "drs") return DatasetParser::Drs;
    throw ConfigError("unknown parser '" + std::string(text) + "' (expected \"complete\" or \"drs\")");
}

std::string_view to_string(DatasetParser parser) { return parser == DatasetParser::Drs ? "drs" : "complete"; }

int effective_jobs(int n_jobs) {
    if (n_jobs != -1) return std::max(1, n_jobs);
    // The affinity mask, not the machine: containers and taskset limit what we may use.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? static_cast<int>(online) : 1;
}

std::vector<fs::path> split_search_path(const std::string& text) {
    std::vector<fs::path> out;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ':'))
        if (!item.empty()) out.emplace_back(item);
    return out;
}

fs::path default_configuration_directory() {
    if (auto dir = env("REF_CONFIGURATION")) return *dir;
    if (auto xdg = env("XDG_CONFIG_HOME")) return fs::path(*xdg) / "ref-engine";
    if (auto home = env("HOME")) return fs::path(*home) / ".config" / "ref-engine";
    return fs::current_path() / ".ref-engine";
}

std::vector<fs::path> default_plugin_paths() {
    const fs::path dir = program_directory();
    std::error_code ec;
    const fs::path candidate = dir.parent_path() / "lib" / "ref-engine" / "plugins";
    if (fs::is_directory(candidate, ec)) return {candidate};
    return {};
}

Config load(const Overrides& overrides) {
    Config config;
    const fs::path config_dir = default_configuration_directory();
    config.scratch_root = config_dir / "scratch";
    config.results_root = config_dir / "results";
    config.log_root = config_dir / "log";
    config.software_root = config_dir / "software";
    config.dataset_cache = config_dir / "cache";
    config.database_url = "sqlite:///" + (fs::absolute(config_dir) / "db" / "ref.db").string();

    std::error_code ec;
    if (overrides.config_file) {
        if (!fs::is_regular_file(*overrides.config_file, ec))
            throw ConfigError("configuration file not found: " + overrides.config_file->string());
        apply_file(config, *overrides.config_file);
    } else if (fs::is_regular_file(config_dir / "ref.toml", ec)) {
        apply_file(config, config_dir / "ref.toml");
    }

    if (auto v = env("REF_PLUGINS")) config.plugin_paths = split_search_path(*v);
    if (auto v = env("REF_SCRATCH_ROOT")) config.scratch_root = *v;
    if (auto v = env("REF_RESULTS_ROOT")) config.results_root = *v;
    if (auto v = env("REF_LOG_ROOT")) config.log_root = *v;
    if (auto v = env("REF_SOFTWARE_ROOT")) config.software_root = *v;
    if (auto v = env("REF_DATASET_CACHE_DIR")) config.dataset_cache = *v;
    if (auto v = env("REF_DATABASE_URL")) config.database_url = *v;
    if (auto v = env("REF_LOG_LEVEL")) config.log_level = normalise_log_level(*v);
    if (auto v = env("REF_IGNORE_DATASETS_FILE"); v && !trimmed(*v).empty())
        config.ignore_datasets_file = fs::path(expand_user(*v));
    if (auto v = env("REF_EXECUTOR")) config.executor = normalise_executor(trimmed(*v));
    if (auto v = env("REF_EXECUTOR_MAX_WORKERS")) {
        const std::string t = trimmed(*v);
        std::size_t n = 0;
        const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (t.empty() || error != std::errc() || end != t.data() + t.size())
            throw ConfigError("REF_EXECUTOR_MAX_WORKERS must be a whole number >= 0 (0: one per CPU), not '" + *v + "'");
        config.max_workers = n;
    }
    if (auto v = env("REF_REDIS_URL")) config.redis_url = trimmed(*v);
    if (auto v = env("REF_QUEUE_PREFIX")) {
        config.queue_prefix = trimmed(*v);
        check_queue_prefix(config.queue_prefix, "REF_QUEUE_PREFIX");
    }
    if (auto v = env("REF_N_JOBS")) config.n_jobs = n_jobs_from_text(*v, "REF_N_JOBS");
    parser_from_env("REF_CMIP6_PARSER", config.cmip6_parser);
    parser_from_env("REF_CMIP7_PARSER", config.cmip7_parser);
    if (auto v = env("REF_PROVIDERS_BACKEND")) {
        config.default_backend = check_backend(trimmed(*v), "REF_PROVIDERS_BACKEND");
        for (auto& [slug, options] : config.provider_options) options.erase("backend");
    }
    if (auto v = env("REF_DIAGNOSTIC_PROVIDERS")) {
        std::vector<std::string> slugs;
        std::stringstream stream(*v);
        std::string item;
        while (std::getline(stream, item, ','))
            if (auto slug = trimmed(item); !slug.empty()) slugs.push_back(slug);
        check_providers(slugs, "REF_DIAGNOSTIC_PROVIDERS");
        config.enabled_providers = std::move(slugs);
    }

    if (overrides.plugins) config.plugin_paths = split_search_path(*overrides.plugins);
    if (overrides.log_level) config.log_level = normalise_log_level(*overrides.log_level);
    if (config.plugin_paths.empty()) config.plugin_paths = default_plugin_paths();
    return config;
}

}  // namespace ref::config
