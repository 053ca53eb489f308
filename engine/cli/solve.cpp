// `solve`: which executions the declared diagnostics need, from the ingested catalog; creates
// them and runs them (or, with --dry-run, only shows them).
#include "catalog/solver_catalog.hpp"
#include "cli/commands.hpp"
#include "cli/result_summary.hpp"
#include "execute/executor.hpp"
#include "executions/dispatch.hpp"
#include "executions/solve.hpp"
#include "solver/ignore_list.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

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
        ("timeout", po::value<double>()->value_name("SECONDS"),
         "time limit of each execution (default: executor.timeout, or the provider's own)")
        ("no-wait", po::bool_switch(), "start the executions in a background process and return at once (redis executor: "
         "queue them for the workers and return)")
        ("executor", po::value<std::string>()->value_name("KIND"),
         "local (a process pool, the default), synchronous (one at a time) or redis (queued for "
         "`ref-engine worker` processes); default: executor.executor")
        ("max-workers", po::value<std::size_t>()->value_name("N"),
         "executions at once with the local executor (default: executor.max_workers, else one per CPU)")
        ("format", po::value<std::string>()->default_value("table"), "table or json");
    return desc;
}

namespace {

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
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

struct Interrupted {};

void report_finished(const executions::ExecutionJob& job, const execute::RunOutcome& outcome,
                     const executions::HandledResult& handled, const executions::ResultRoots& roots, bool table) {
    const std::string full = job.provider + "/" + job.diagnostic;
    for (const auto& w : handled.warnings) spdlog::warn("{} [{}]: {}", full, job.key, w);
    if (handled.successful) {
        if (!table) return;
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f", outcome.usage.wall_seconds);
        std::cout << "execution " << job.execution_id << "  " << full << "  " << job.key << ": succeeded in " << seconds
                  << " s ("
                  << handled.scalars << " metric value" << (handled.scalars == 1 ? "" : "s") << ", " << handled.series
                  << " series, " << handled.outputs << " output" << (handled.outputs == 1 ? "" : "s") << ")\n";
        print_result_summary(std::cout, roots.results / job.fragment, outcome.result);
        std::cout.flush();
        return;
    }
    if (table)
        std::cout << "execution " << job.execution_id << "  " << full << "  " << job.key << ": FAILED ("
                  << (handled.retryable ? "will be retried" : "not retried") << "): " << handled.reason << '\n'
                  << std::flush;
    spdlog::error("{} [{}]: {}{}; log: {}", full, job.key, handled.reason, handled.retryable ? " (will be retried)" : "",
                  (roots.results / job.fragment / "out.log").string());
}

// "[3/10] 2 running, 5 queued" redrawn in place on a terminal; nothing otherwise (each
// finished execution is reported on its own line anyway).
class ProgressLine {
public:
    ProgressLine() : tty_(::isatty(STDERR_FILENO) == 1) {}
    void show(const execute::ExecutorProgress& p) {
        if (!tty_) return;
        std::fprintf(stderr, "\r\033[K[%zu/%zu done] %zu running, %zu queued", p.finished, p.submitted, p.running, p.queued);
        std::fflush(stderr);
        shown_ = true;
    }
    void clear() {
        if (shown_) std::fprintf(stderr, "\r\033[K");
    }

private:
    bool tty_, shown_ = false;
};

std::string stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

// --no-wait: the executions go to a batch file that a detached `ref-engine __run-batch`
// runs and records; it outlives this process and logs to a file of its own.
void start_in_background(const config::Config& config, const CommandContext& ctx, executions::DispatchSettings settings,
                         std::vector<executions::ExecutionJob> jobs) {
    const std::string name = "solve-" + stamp() + "-" + std::to_string(::getpid());
    const fs::path batch_file = settings.roots.scratch / ".batches" / (name + ".json");
    const fs::path log_file = fs::absolute(config.log_root) / (name + ".log");
    executions::Batch batch{config.database_url, std::move(settings), std::move(jobs)};
    const std::size_t count = batch.jobs.size();
    executions::write_batch(batch_file, batch);
    fs::create_directories(log_file.parent_path());
    std::vector<std::string> args{"/proc/self/exe", "--log-level", config.log_level};
    if (ctx.overrides.config_file) args.insert(args.end(), {"--config", ctx.overrides.config_file->string()});
    args.insert(args.end(), {"__run-batch", batch_file.string()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open " + log_file.string());
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        // Its own session: a closed terminal or Ctrl-C in this shell leaves it running.
        ::setsid();
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    ::close(log_fd);
    ::close(null_fd);
    spdlog::info("{} execution(s) run in the background (process {}); log: {}", count, pid, log_file.string());
    std::cout << count << " execution" << (count == 1 ? "" : "s") << " started in the background (process " << pid
              << "); follow them with `ref-engine executions list-groups` or in " << log_file.string() << '\n';
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
    options.filters.providers = option_values(ctx, "provider");
    options.filters.diagnostics = option_values(ctx, "diagnostic");
    options.filters.exclude_diagnostics = option_values(ctx, "exclude-diagnostic");
    options.filters.datasets = dataset_filters(option_values(ctx, "dataset-filter"));
    std::optional<double> timeout;
    if (ctx.options.count("timeout")) {
        timeout = ctx.options["timeout"].as<double>();
        if (!(*timeout > 0)) throw UsageError("--timeout must be a positive number of seconds");
    }
    const bool no_wait = ctx.options["no-wait"].as<bool>();
    std::string executor_kind = config.executor;
    if (ctx.options.count("executor")) {
        try {
            executor_kind = config::normalise_executor(ctx.options["executor"].as<std::string>());
        } catch (const config::ConfigError& e) {
            throw UsageError(std::string("--executor: ") + e.what());
        }
    }
    std::size_t max_workers = config.max_workers;
    if (ctx.options.count("max-workers")) {
        max_workers = ctx.options["max-workers"].as<std::size_t>();
        if (max_workers == 0) throw UsageError("--max-workers must be 1 or more");
    }
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

    // Executions run while planning goes on (local executor), or in a background process; the
    // redis executor queues them for the workers either way (--no-wait only skips the wait).
    executions::DispatchSettings settings;
    settings.executor = execute::parse_executor_kind(executor_kind);
    const bool queued = settings.executor == execute::ExecutorKind::Redis;
    const bool run_now = !options.dry_run && options.execute && (!no_wait || queued);
    options.store_definitions = queued;
    settings.queue.redis_url = config.redis_url;
    settings.queue.prefix = config.queue_prefix;
    settings.queue.database_url = config.database_url;
    settings.queue.lease = std::chrono::milliseconds(static_cast<int64_t>(config.task_lease_seconds * 1000));
    settings.queue.on_warning = [](const std::string& m) { spdlog::warn("{}", m); };
    settings.max_workers = max_workers;
    settings.roots = {options.scratch_root, fs::absolute(config.results_root)};
    settings.allow_extra_keys = executions::allow_extra_keys_from_environment();
    settings.on_log = [](const executions::ExecutionJob& job, int level, const std::string& message) {
        if (level >= REF_LOG_WARNING) spdlog::warn("{}/{} [{}]: {}", job.provider, job.diagnostic, job.key, message);
        else spdlog::debug("{}/{} [{}]: {}", job.provider, job.diagnostic, job.key, message);
    };
    std::vector<executions::ExecutionJob> background;
    std::unique_ptr<executions::Dispatcher> dispatcher;
    const bool table = format == "table";
    if (run_now)
        dispatcher = std::make_unique<executions::Dispatcher>(
            *db, settings, [&](const executions::ExecutionJob& job, const execute::RunOutcome& outcome,
                               const executions::HandledResult& handled) {
                report_finished(job, outcome, handled, settings.roots, table);
            });
    const auto submit = [&](const executions::PlannedExecution& e) {
        const auto* plugin = plugin_of.at(e.provider);
        executions::ExecutionJob job;
        job.execution_id = *e.execution_id;
        job.provider = e.provider;
        job.diagnostic = e.diagnostic;
        job.key = e.key;
        job.fragment = e.output_fragment;
        job.plugin_path = plugin->path();
        job.definition = e.definition;
        job.timeout_seconds = timeout ? *timeout : config::timeout_for(config, e.provider);
        job.memory_limit_mb = config::memory_limit_mb_for(config, e.provider);
        job.provider_settings = config::provider_settings_json(config, e.provider);
        if (!dispatcher) {
            background.push_back(std::move(job));
            return;
        }
        spdlog::info("submitting {}/{} [{}] (execution {})", e.provider, e.diagnostic, e.key, *e.execution_id);
        dispatcher->submit(std::move(job));
        if (dispatcher->stopped()) throw Interrupted{};
    };

    executions::SolveReport report;
    int status = 0;
    try {
        report = executions::solve(*db, source, diagnostics, options, submit);
    } catch (const solver::SolveError& e) {
        spdlog::error("solve stopped: {}", e.what());
        status = 1;
    } catch (const Interrupted&) {
        spdlog::error("interrupted: no more executions are created; those started were stopped and will be retried");
        status = dispatcher->interrupt_signal() ? 128 + dispatcher->interrupt_signal() : 1;
    }
    if (dispatcher && queued && no_wait) {
        if (!report.executions.empty())
            spdlog::info("queued {} execution(s) for the workers; `ref-engine queue status` shows them",
                         report.executions.size());
    } else if (dispatcher) {
        if (!report.executions.empty())
            spdlog::info("waiting for {} execution(s) ({} executor)", report.executions.size(), dispatcher->executor_name());
        ProgressLine progress;
        dispatcher->wait([&](const execute::ExecutorProgress& p) { progress.show(p); });
        progress.clear();
        if (dispatcher->stopped() && status == 0) {
            if (queued)
                spdlog::error("interrupted: stopped waiting; {} execution(s) stay queued and the workers record them",
                              dispatcher->left_queued());
            else
                spdlog::error("interrupted: the running executions were stopped and will be retried by the next solve");
            status = dispatcher->interrupt_signal() ? 128 + dispatcher->interrupt_signal() : 1;
        }
    }
    if (!background.empty()) start_in_background(config, ctx, settings, std::move(background));
    const std::size_t succeeded = dispatcher ? dispatcher->succeeded() : 0;
    const std::size_t failed = dispatcher ? dispatcher->failed() : 0;
    if (status != 0) return status;
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
            if (run_now && !(queued && no_wait)) break;
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
        if (run_now && !(queued && no_wait) && !report.executions.empty())
            std::cout << succeeded << " succeeded, " << failed << " failed\n";
    }
    return failed ? 1 : 0;
}

}  // namespace ref::cli
