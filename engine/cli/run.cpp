// `run`: one execution of one diagnostic, isolated in a child process.
#include "cli/commands.hpp"
#include "cli/result_summary.hpp"
#include "execute/runner.hpp"
#include "host/registry.hpp"
#include "results/metric_bundle.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

po::options_description run_options() {
    po::options_description desc("run options");
    desc.add_options()
        ("diagnostic", po::value<std::string>()->required()->value_name("PROVIDER/SLUG"), "the diagnostic to run")
        ("definition", po::value<std::string>()->required()->value_name("FILE"), "execution definition (JSON)")
        ("output-directory", po::value<std::string>()->value_name("DIR"),
         "where the execution writes (default: the definition's, else <scratch>/<provider>/<diagnostic>/<key>)")
        ("timeout", po::value<double>()->value_name("SECONDS"), "time limit (default: executor.timeout, 21600)")
        ("memory-limit-mb", po::value<std::size_t>()->value_name("MB"), "address-space limit of the run (0: none)")
        ("format", po::value<std::string>()->default_value("text"), "text or json");
    return desc;
}

namespace {

std::string safe_segment(const std::string& text) {
    std::string out;
    for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    return out.empty() || out == "." || out == ".." ? "adhoc" : out;
}

json read_definition(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read execution definition " + file.string());
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw std::runtime_error(file.string() + ": the execution definition is not a JSON object");
    if (doc.value("schema_version", 0) != REF_DEFINITION_SCHEMA_VERSION)
        throw std::runtime_error(file.string() + ": expected schema_version " + std::to_string(REF_DEFINITION_SCHEMA_VERSION));
    if (!doc.contains("datasets") || !doc["datasets"].is_object())
        throw std::runtime_error(file.string() + ": the execution definition has no 'datasets' object");
    return doc;
}

spdlog::level::level_enum level_of(int level) {
    if (level >= REF_LOG_ERROR) return spdlog::level::err;
    if (level >= REF_LOG_WARNING) return spdlog::level::warn;
    if (level >= REF_LOG_INFO) return spdlog::level::info;
    return spdlog::level::debug;
}

}  // namespace

int run_execution(const CommandContext& ctx) {
    const std::string full_slug = ctx.options["diagnostic"].as<std::string>();
    const std::string format = output_format(ctx, {"text", "json"});
    const auto slash = full_slug.find('/');
    if (slash == std::string::npos) throw UsageError("--diagnostic must be PROVIDER/SLUG, got '" + full_slug + "'");

    const config::Config config = load_config(ctx);
    json definition = read_definition(ctx.options["definition"].as<std::string>());
    if (definition.contains("diagnostic") && definition["diagnostic"] != full_slug)
        throw std::runtime_error("the definition is for '" + definition["diagnostic"].get<std::string>() +
                                 "', not '" + full_slug + "'");
    definition["diagnostic"] = full_slug;

    const host::PluginRegistry registry = discover_plugins(config);
    const host::DiagnosticRef target = registry.find_diagnostic(full_slug);
    if (!target.plugin) {
        const std::string provider = full_slug.substr(0, slash);
        if (!registry.find_provider(provider))
            throw std::runtime_error("no loaded provider is called '" + provider + "' (plugins searched: " +
                                     std::to_string(config.plugin_paths.size()) + " location(s); see `providers list`)");
        throw std::runtime_error("provider '" + provider + "' declares no diagnostic '" + full_slug.substr(slash + 1) + "'");
    }

    fs::path output_dir;
    if (ctx.options.count("output-directory")) output_dir = ctx.options["output-directory"].as<std::string>();
    else if (!definition.value("output_directory", std::string()).empty()) output_dir = definition["output_directory"].get<std::string>();
    else output_dir = config.scratch_root / target.plugin->declaration().slug / target.diagnostic->slug /
                      safe_segment(definition.value("key", std::string()));
    output_dir = fs::absolute(output_dir);
    definition["output_directory"] = output_dir.string();
    if (definition.value("root_directory", std::string()).empty()) definition["root_directory"] = config.scratch_root.string();

    execute::RunRequest request;
    request.plugin_path = target.plugin->path();
    request.diagnostic_slug = target.diagnostic->slug;
    request.definition = definition;
    request.provider_settings = config::provider_settings_json(config, target.plugin->declaration().slug);
    request.timeout_seconds = ctx.options.count("timeout") ? ctx.options["timeout"].as<double>() : config.execution_timeout_seconds;
    if (!(request.timeout_seconds > 0)) throw UsageError("--timeout must be a positive number of seconds");
    request.memory_limit_mb = ctx.options.count("memory-limit-mb") ? ctx.options["memory-limit-mb"].as<std::size_t>() : config.memory_limit_mb;
    request.on_log = [](int level, const std::string& message) { spdlog::log(level_of(level), "{}", message); };
    request.on_progress = [&](double fraction, const std::string& message) {
        if (fraction >= 0) spdlog::info("{}: {:3.0f}% {}", full_slug, fraction * 100, message);
        else if (!message.empty()) spdlog::info("{}: {}", full_slug, message);
    };
    spdlog::info("running {} in {}", full_slug, output_dir.string());
    const execute::RunOutcome outcome = execute::run_isolated(request);

    if (format == "json") {
        json report = {{"diagnostic", full_slug},
                       {"outcome", execute::to_string(outcome.outcome)},
                       {"failure", execute::to_string(outcome.kind)},
                       {"retryable", outcome.retryable()},
                       {"message", outcome.message},
                       {"output_directory", output_dir.string()},
                       {"result", outcome.result},
                       {"resource_usage",
                        {{"wall_seconds", outcome.usage.wall_seconds},
                         {"cpu_seconds", outcome.usage.cpu_seconds},
                         {"max_rss_kib", outcome.usage.max_rss_kib}}}};
        std::cout << report.dump(2) << '\n';
        return outcome.succeeded() ? 0 : 1;
    }
    const auto& u = outcome.usage;
    if (!outcome.succeeded()) {
        std::cout << full_slug << ": FAILED, " << execute::to_string(outcome.outcome) << " ("
                  << execute::to_string(outcome.kind) << (outcome.retryable() ? ", retryable" : ", not retried") << ")\n"
                  << "  reason: " << outcome.message << "\n  log:    " << (output_dir / "out.log").string() << '\n';
        return 1;
    }
    std::cout << full_slug << ": succeeded in " << std::round(u.wall_seconds * 100) / 100 << " s (cpu "
              << std::round(u.cpu_seconds * 100) / 100 << " s, peak " << u.max_rss_kib / 1024 << " MiB)\n";
    print_result_summary(std::cout, output_dir, outcome.result);
    return 0;
}

}  // namespace ref::cli
