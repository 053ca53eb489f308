#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
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
    const std::set<std::string> known_sections{"plugins", "paths", "executor", "db"};
    for (const auto& [key, node] : doc) {
        const std::string name(key.str());
        if (name == "log_level") {
            auto text = node.value<std::string>();
            if (!text) throw ConfigError(file.string() + ": 'log_level' must be a string");
            config.log_level = normalise_log_level(*text);
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
            } else {
                config.warnings.push_back(file.string() + ": unknown key 'executor." + name + "' ignored");
            }
        }
    }
}

}  // namespace

std::string normalise_log_level(const std::string& text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "warn") lower = "warning";
    if (lower == "debug" || lower == "info" || lower == "warning" || lower == "error") return lower;
    throw ConfigError("unknown log level '" + text + "' (expected debug, info, warning or error)");
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
    if (auto v = env("REF_DATABASE_URL")) config.database_url = *v;
    if (auto v = env("REF_LOG_LEVEL")) config.log_level = normalise_log_level(*v);

    if (overrides.plugins) config.plugin_paths = split_search_path(*overrides.plugins);
    if (overrides.log_level) config.log_level = normalise_log_level(*overrides.log_level);
    if (config.plugin_paths.empty()) config.plugin_paths = default_plugin_paths();
    return config;
}

}  // namespace ref::config
