// `solve`: which executions the declared diagnostics need, from the ingested catalog; creates
// them and runs them (or, with --dry-run, only shows them).
#include "catalog/solver_catalog.hpp"
#include "cli/commands.hpp"
#include "cli/result_summary.hpp"
#include "execute/runner.hpp"
#include "executions/record.hpp"
#include "executions/solve.hpp"
#include "solver/ignore_list.hpp"

#include <spdlog/spdlog.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <chrono>
#include <cmath>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

po::options_description solve_options() {
    po::options_description desc("solve options");
    desc.add_options()
        ("dry-run", po::bool_switch(), "only show what would run: nothing is written or executed")
        ("no-execute", po::bool_switch(), "create the executions but run nothing")
        ("provider", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only providers whose slug contains TEXT (repeatable)")
        ("diagnostic", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only diagnostics whose slug contains TEXT (repeatable)")
        ("exclude-diagnostic", po::value<std::vector<std::string>>()->composing()->value_name("SLUG"),
         "leave out a diagnostic: its slug or provider/slug (repeatable)")
        ("dataset-filter", po::value<std::vector<std::string>>()->composing()->value_name("FACET=VALUE"),
         "only datasets with this facet value, in every catalog that has the facet; one facet's values are "
         "OR-ed, different facets AND-ed (repeatable)")
        ("limit", po::value<int64_t>()->value_name("N"), "stop after N new executions")
        ("rerun-failed", po::bool_switch(), "also rerun groups whose last execution failed")
        ("one-per-provider", po::bool_switch(), "at most one new execution per provider")
        ("one-per-diagnostic", po::bool_switch(), "at most one new execution per diagnostic")
        ("timeout", po::value<double>()->value_name("SECONDS"), "time limit of each execution (default: executor.timeout)")
        ("format", po::value<std::string>()->default_value("table"), "table or json");
    return desc;
}

namespace {

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::vector<std::string> strings(const CommandContext& ctx, const char* name) {
    return ctx.options.count(name) ? ctx.options[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// FACET=VALUE entries; repeated facets collect their values.
std::vector<std::pair<std::string, std::vector<std::string>>> dataset_filters(const std::vector<std::string>& entries) {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& entry : entries) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos) throw UsageError("--dataset-filter '" + entry + "' is not FACET=VALUE");
        const std::string facet = trim(entry.substr(0, eq)), value = trim(entry.substr(eq + 1));
        if (facet.empty() || value.empty()) throw UsageError("--dataset-filter '" + entry + "' needs a facet and a value");
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == facet; });
        if (it == out.end()) out.push_back({facet, {value}});
        else it->second.push_back(value);
    }
    return out;
}

json planned_json(const executions::PlannedExecution& e) {
    json datasets = json::object();
    for (const auto& [type, ids] : e.instance_ids) datasets[type] = ids;
    return {{"provider", e.provider},
            {"diagnostic", e.diagnostic},
            {"key", e.key},
            {"dataset_hash", e.dataset_hash},
            {"reason", executions::to_string(e.reason)},
            {"execution_group_id", e.group_id ? json(*e.group_id) : json(nullptr)},
            {"execution_id", e.execution_id ? json(*e.execution_id) : json(nullptr)},
            {"output_fragment", e.output_fragment.empty() ? json(nullptr) : json(e.output_fragment)},
            {"datasets", datasets}};
}

}  // namespace

int solve(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    const config::Config config = load_config(ctx);

    executions::SolveOptions options;
    options.dry_run = ctx.options["dry-run"].as<bool>();
    options.execute = !ctx.options["no-execute"].as<bool>();
    options.rerun_failed = ctx.options["rerun-failed"].as<bool>();
    options.one_per_provider = ctx.options["one-per-provider"].as<bool>();
    options.one_per_diagnostic = ctx.options["one-per-diagnostic"].as<bool>();
    if (ctx.options.count("limit")) {
        options.limit = ctx.options["limit"].as<int64_t>();
        if (*options.limit < 0) throw UsageError("--limit must be 0 or more");
    }
    options.filters.providers = strings(ctx, "provider");
    options.filters.diagnostics = strings(ctx, "diagnostic");
    options.filters.exclude_diagnostics = strings(ctx, "exclude-diagnostic");
    options.filters.datasets = dataset_filters(strings(ctx, "dataset-filter"));
    const double timeout = ctx.options.count("timeout") ? ctx.options["timeout"].as<double>() : config.execution_timeout_seconds;
    if (!(timeout > 0)) throw UsageError("--timeout must be a positive number of seconds");
    options.scratch_root = fs::absolute(config.scratch_root);
    const auto started = std::chrono::steady_clock::now();
    options.on_info = [started](const std::string& m) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        spdlog::info("[{:.1f} s] {}", static_cast<double>(ms.count()) / 1000.0, m);
    };

    const host::PluginRegistry registry = discover_plugins(config);
    for (const auto& problem : registry.problems()) spdlog::warn("{}: {}", problem.path.string(), problem.reason);
    // Providers in configured order ([providers] enabled), else in discovery order.
    std::vector<const host::PluginLibrary*> providers;
    if (config.enabled_providers.empty()) {
        for (const auto& plugin : registry.plugins()) providers.push_back(plugin.get());
    } else {
        for (const auto& slug : config.enabled_providers) {
            if (const auto* plugin = registry.find_provider(slug)) providers.push_back(plugin);
            else spdlog::warn("provider '{}' is enabled in the configuration but no loaded plugin provides it", slug);
        }
    }
    std::vector<executions::DiagnosticToSolve> diagnostics;
    std::map<std::string, const host::PluginLibrary*> plugin_of;
    for (const auto* plugin : providers) {
        const auto& p = plugin->declaration();
        plugin_of[p.slug] = plugin;
        for (const auto& d : p.diagnostics)
            diagnostics.push_back({p.slug, p.name, p.version, d.slug, d.name, d.version, d.data_requirements});
    }
    if (config.ignore_datasets_file) {
        std::vector<std::string> warnings;
        options.ignored = solver::load_ignore_list(*config.ignore_datasets_file, warnings);
        for (const auto& w : warnings) spdlog::warn("{}", w);
        for (const auto& entry : options.ignored) {
            const bool known = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const auto& d) {
                return d.provider_slug == entry.provider && d.diagnostic_slug == entry.diagnostic;
            });
            if (!known)
                spdlog::warn("{}: no loaded diagnostic {}/{}; its entries are unused", config.ignore_datasets_file->string(),
                             entry.provider, entry.diagnostic);
        }
    }
    if (providers.empty()) {
        spdlog::error("no provider plugins are loaded (searched: {} location(s)); see `ref-engine providers list` and "
                      "the plugins.paths setting",
                      config.plugin_paths.size());
        return 1;
    }
    if (!options.filters.providers.empty()) {
        bool any = false;
        std::string available;
        for (const auto& [slug, plugin] : plugin_of) {
            available += (available.empty() ? "" : ", ") + slug;
            for (const auto& f : options.filters.providers) {
                std::string lower = f;
                for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                any = any || slug.find(lower) != std::string::npos;
            }
        }
        if (!any) {
            spdlog::error("no provider matches --provider; available providers: {}", available);
            return 1;
        }
    }

    auto db = open_store(config);
    catalog::DatabaseCatalogSource::Options source_options;
    source_options.dataset_filter = options.filters.datasets;
    source_options.on_info = options.on_info;
    source_options.on_debug = [](const std::string& m) { spdlog::debug("{}", m); };
    source_options.jobs = config::effective_jobs(config.n_jobs);
    catalog::DatabaseCatalogSource source(*db, source_options);

    std::size_t failed = 0, succeeded = 0;
    const auto submit = [&](const executions::PlannedExecution& e) {
        const auto* plugin = plugin_of.at(e.provider);
        execute::RunRequest request;
        request.plugin_path = plugin->path();
        request.diagnostic_slug = e.diagnostic;
        request.definition = e.definition;
        request.timeout_seconds = timeout;
        request.memory_limit_mb = config.memory_limit_mb;
        const std::string full = e.provider + "/" + e.diagnostic;
        request.on_log = [&](int level, const std::string& message) {
            if (level >= REF_LOG_WARNING) spdlog::warn("{}: {}", full, message);
            else spdlog::debug("{}: {}", full, message);
        };
        spdlog::info("running {} [{}] (execution {})", full, e.key, *e.execution_id);
        execute::RunOutcome outcome;
        try {
            outcome = execute::run_isolated(request);
        } catch (const std::exception& ex) {
            outcome.outcome = execute::Outcome::SystemError;
            outcome.kind = execute::FailureKind::LaunchFailed;
            outcome.message = ex.what();
        }
        executions::ExecutionOutcome recorded;
        recorded.successful = outcome.succeeded();
        recorded.retryable = outcome.retryable();
        recorded.wall_seconds = outcome.usage.wall_seconds;
        recorded.cpu_seconds = outcome.usage.cpu_seconds;
        if (outcome.usage.max_rss_kib > 0) recorded.peak_memory_bytes = int64_t{outcome.usage.max_rss_kib} * 1024;
        if (config.memory_limit_mb) recorded.memory_limit_bytes = static_cast<int64_t>(config.memory_limit_mb) << 20;
        if (outcome.succeeded() && outcome.result.contains("metric_bundle") && outcome.result["metric_bundle"].is_string())
            recorded.metric_bundle = outcome.result["metric_bundle"].get<std::string>();
        executions::record_outcome(*db, *e.execution_id, recorded);
        if (outcome.succeeded()) {
            ++succeeded;
            if (format == "table") {
                std::cout << "execution " << *e.execution_id << "  " << full << "  " << e.key << ": succeeded in "
                          << std::fixed << std::setprecision(2) << outcome.usage.wall_seconds
                          << std::defaultfloat << " s\n";
                print_result_summary(std::cout, options.scratch_root / e.output_fragment, outcome.result);
                std::cout.flush();
            }
        } else {
            if (format == "table")
                std::cout << "execution " << *e.execution_id << "  " << full << "  " << e.key << ": FAILED ("
                          << execute::to_string(outcome.kind) << ")\n" << std::flush;
            ++failed;
            spdlog::error("{} [{}]: {} ({}{}): {}; log: {}", full, e.key, execute::to_string(outcome.outcome),
                          execute::to_string(outcome.kind), outcome.retryable() ? ", will be retried" : "", outcome.message,
                          (options.scratch_root / e.output_fragment / "out.log").string());
        }
    };

    executions::SolveReport report;
    try {
        report = executions::solve(*db, source, diagnostics, options, submit);
    } catch (const solver::SolveError& e) {
        spdlog::error("solve stopped: {}", e.what());
        return 1;
    }
    for (const auto& p : source.problems()) spdlog::warn("finalising {}: {}", p.path, p.reason);

    if (format == "json") {
        json out = {{"dry_run", options.dry_run}, {"executions", json::array()}};
        for (const auto& e : report.executions) out["executions"].push_back(planned_json(e));
        out["summary"] = {{"candidates", report.candidates},
                          {"new_executions", report.executions.size()},
                          {"up_to_date", report.skipped_up_to_date},
                          {"in_progress", report.skipped_in_progress},
                          {"skipped_one_per", report.skipped_one_of},
                          {"stale_reaped", report.stale_reaped},
                          {"limit_reached", report.limit_reached},
                          {"succeeded", succeeded},
                          {"failed", failed}};
        std::cout << out.dump(2) << '\n';
    } else {
        // Real runs were reported as they finished; a dry run lists its plan.
        for (const auto& e : report.executions) {
            if (!options.dry_run && options.execute) break;
            std::size_t datasets = 0;
            for (const auto& [type, ids] : e.instance_ids) datasets += ids.size();
            std::cout << (options.dry_run ? "would run  " : "execution ")
                      << (e.execution_id ? std::to_string(*e.execution_id) + "  " : std::string()) << e.provider << "/"
                      << e.diagnostic << "  " << e.key << "  (" << executions::to_string(e.reason) << ", " << datasets
                      << " dataset" << (datasets == 1 ? "" : "s") << ")\n";
        }
        std::cout << report.candidates << " candidate execution" << (report.candidates == 1 ? "" : "s") << ": "
                  << report.executions.size() << (options.dry_run ? " would run" : " new") << ", "
                  << report.skipped_up_to_date << " up to date, " << report.skipped_in_progress << " in progress";
        if (report.skipped_one_of) std::cout << ", " << report.skipped_one_of << " held back by --one-per-*";
        if (report.limit_reached) std::cout << " (stopped at --limit " << *options.limit << ")";
        std::cout << '\n';
        if (!options.dry_run && options.execute && !report.executions.empty())
            std::cout << succeeded << " succeeded, " << failed << " failed\n";
    }
    return failed ? 1 : 0;
}

}  // namespace ref::cli
