// `providers list|check|setup`: what the plugins are and whether they load.
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "host/registry.hpp"
#include "ref/tooling/conda.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

po::options_description format_options(const char* title) {
    po::options_description desc(title);
    desc.add_options()("format", po::value<std::string>()->default_value("table"), "table or json");
    return desc;
}


// "<conda prefix>/<name>" with "(not installed)" when missing; "" for a provider without one.
std::pair<std::string, std::string> environment_of(const config::Config& config, const host::ProviderDeclaration& d) {
    auto env = d.raw.find("environment");
    if (env == d.raw.end() || !env->is_object()) return {"", ""};
    const fs::path path = config::conda_prefix_for(config, d.slug) / env->value("name", std::string());
    std::error_code ec;
    const bool installed = fs::is_directory(path / "conda-meta", ec);
    return {path.string(), installed ? "installed" : "not installed"};
}

// The configured backend; for auto, what it resolves to while the environment is in `state`.
std::string backend_of(const config::Config& config, const std::string& slug, const std::string& state) {
    if (state.empty()) return "native";  // no tool environment to run
    const std::string mode = config::backend_for(config, slug);
    if (mode != "auto") return mode;
    return state == "installed" ? "auto (tool)" : "auto (native)";
}

}  // namespace

po::options_description providers_list_options() { return format_options("providers list options"); }
po::options_description providers_check_options() { return format_options("providers check options"); }
po::options_description providers_setup_options() {
    po::options_description desc("providers setup options");
    desc.add_options()("provider", po::value<std::vector<std::string>>()->composing(),
                       "only this provider (repeatable; default: all)");
    return desc;
}

int providers_list(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    const auto config = load_config(ctx);
    const auto registry = discover_plugins(config);
    Table table{{"provider", "name", "version", "diagnostics", "environment", "state", "backend", "abi", "path"}, {}};
    for (const auto& p : registry.plugins()) {
        const auto& d = p->declaration();
        const auto [environment, state] = environment_of(config, d);
        table.rows.push_back({d.slug, d.name, d.version, std::to_string(d.diagnostics.size()), environment, state,
                              backend_of(config, d.slug, state), host::abi_version_string(p->abi_version()),
                              p->path().string()});
    }
    if (format == "json") std::cout << table.to_json().dump(2) << '\n';
    else table.print(std::cout);
    for (const auto& p : registry.plugins()) {
        const auto& d = p->declaration();
        if (environment_of(config, d).second != "not installed") continue;
        const auto settings = nlohmann::json::parse(config::provider_settings_json(config, d.slug));
        const tooling::CondaEnvironment probe({d.slug, "environment.yml", "", {}}, settings);
        if (probe.find_manager()) {
            spdlog::info("{}: its conda environment is not installed; create it with `ref-engine providers setup --provider {}`",
                         d.slug, d.slug);
        } else {
            spdlog::warn("{}: its conda environment is not installed, and neither micromamba nor conda was found to "
                         "create it: install micromamba (https://mamba.readthedocs.io, or put its executable at {}), "
                         "or set conda_exe under [providers.{}] in ref.toml; then run `ref-engine providers setup --provider {}`",
                         d.slug, (config::conda_prefix_for(config, d.slug) / "micromamba").string(), d.slug, d.slug);
        }
    }
    return 0;
}

int providers_check(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    const auto registry = discover_plugins(load_config(ctx), /*use_cache=*/false);  // checking means loading
    Table table{{"path", "status", "detail"}, {}};
    for (const auto& p : registry.plugins())
        table.rows.push_back({p->path().string(), "ok",
                              p->declaration().slug + " " + p->declaration().version + ", ABI " +
                                  host::abi_version_string(p->abi_version())});
    for (const auto& p : registry.problems()) table.rows.push_back({p.path.string(), "error", p.reason});
    if (format == "json") std::cout << table.to_json().dump(2) << '\n';
    else table.print(std::cout);
    return registry.problems().empty() ? 0 : 1;
}

int providers_setup(const CommandContext& ctx) {
    const auto config = load_config(ctx);
    const auto registry = discover_plugins(config);
    std::vector<std::string> wanted;
    if (ctx.options.count("provider")) wanted = ctx.options["provider"].as<std::vector<std::string>>();
    for (const auto& slug : wanted)
        if (!registry.find_provider(slug)) throw UsageError("no loaded provider is called '" + slug + "'");

    ref_host_api host{};
    host.struct_size = sizeof host;
    host.abi_version = REF_ABI_VERSION;
    host.log = [](void*, int32_t level, const char* message) {
        spdlog::log(level >= REF_LOG_ERROR     ? spdlog::level::err
                    : level >= REF_LOG_WARNING ? spdlog::level::warn
                    : level >= REF_LOG_INFO    ? spdlog::level::info
                                               : spdlog::level::debug,
                    "{}", message ? message : "");
    };
    host.progress = [](void*, double, const char*) {};
    host.is_cancelled = [](void*) -> int32_t { return 0; };

    int failures = 0;
    for (const auto& plugin : registry.plugins()) {
        const std::string& slug = plugin->declaration().slug;
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), slug) == wanted.end()) continue;
        if (!plugin->supports_setup()) {
            std::cout << slug << ": nothing to set up (plugin ABI " << host::abi_version_string(plugin->abi_version())
                      << " has no setup step)\n";
            continue;
        }
        spdlog::info("setting up {}", slug);
        const host::PluginCall call = plugin->setup(&host, config::provider_settings_json(config, slug));
        if (call.ok()) {
            const auto [environment, state] = environment_of(config, plugin->declaration());
            std::cout << slug << ": ready" << (environment.empty() ? "" : " (environment " + environment + ")") << '\n';
            if (!call.payload.empty() && call.payload != "{}") spdlog::debug("{} setup report: {}", slug, call.payload);
        } else {
            ++failures;
            std::cout << slug << ": setup failed (" << host::status_name(call.status) << "): " << call.error << '\n';
        }
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace ref::cli
