// Engine overhead per execution: run a no-op diagnostic in its isolated child (spawn the
// runner, load the plugin, execute), then validate, copy and record its results in SQLite,
// N times. Side by side, interleaved so both see the same machine state, the baselines:
// spawning and reaping /bin/true (the floor of any process-per-execution design) and
// starting the program an execution runs in (ref-engine-child, which exits at once without
// arguments). Prints Markdown.
//   bench_execute ENGINE PLUGIN WORK_DIR [N]
#include "execute/runner.hpp"
#include "executions/dispatch.hpp"
#include "executions/result_handling.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double spawn_and_wait(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const auto start = Clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) throw std::runtime_error("spawn " + args[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&actions);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Stats {
    double median, p10, p90;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)]; };
    return {at(0.5), at(0.1), at(0.9)};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: bench_execute ENGINE PLUGIN WORK_DIR [N]\n";
        return 2;
    }
    const fs::path engine = fs::absolute(argv[1]), plugin = fs::absolute(argv[2]), work = fs::absolute(argv[3]);
    const int n = argc > 4 ? std::stoi(argv[4]) : 200;
    const fs::path child = engine.parent_path() / "ref-engine-child";
    fs::create_directories(work);
    fs::remove(work / "bench.db");
    auto db = ref::store::open_database(ref::store::parse_database_url("sqlite:///" + (work / "bench.db").string()));
    ref::store::migrate(*db);
    db->execute("INSERT INTO provider (slug, name, version) VALUES ('bench-noop', 'Execute benchmark', '1.0.0')");
    db->execute("INSERT INTO diagnostic (slug, name, provider_id) VALUES ('no-op', 'No-op', 1)");
    const ref::executions::ResultRoots roots{work / "scratch", work / "results"};

    std::vector<double> engine_ms, true_ms, version_ms;
    for (int i = 0; i < n; ++i) {
        const std::string key = "g" + std::to_string(i);
        db->execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) VALUES (1, ?, 1, TRUE, '{}')",
                    {key});
        const std::string fragment = "bench-noop/no-op/" + key + "/" + std::to_string(i + 1);
        db->execute("INSERT INTO execution (output_fragment, execution_group_id, dataset_hash, provider_version) "
                    "VALUES (?, ?, 'h', '1.0.0')",
                    {fragment, int64_t{i + 1}});

        true_ms.push_back(spawn_and_wait({"/bin/true"}));
        version_ms.push_back(spawn_and_wait({child.string()}));

        const auto start = Clock::now();
        ref::execute::RunRequest request;
        request.program = child;
        request.plugin_path = plugin;
        request.diagnostic_slug = "no-op";
        request.definition = {{"schema_version", 1},        {"diagnostic", "bench-noop/no-op"},
                              {"key", key},                 {"datasets", nlohmann::json::object()},
                              {"root_directory", roots.scratch.string()},
                              {"output_directory", (roots.scratch / fragment).string()}};
        const auto outcome = ref::execute::run_isolated(request);
        const auto handled = ref::executions::handle_result(*db, i + 1, fragment, outcome, roots);
        engine_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (!handled.successful) {
            std::cerr << "bench: execution " << i + 1 << " failed: " << handled.reason << '\n';
            return 1;
        }
    }
    // Throughput of the executors over the same no-op executions: the synchronous one, and
    // the local pool with one worker per CPU, each recording into SQLite as runs finish.
    std::vector<std::pair<std::string, double>> throughput;
    for (const auto kind : {ref::execute::ExecutorKind::Synchronous, ref::execute::ExecutorKind::Local}) {
        ref::executions::DispatchSettings settings;
        settings.executor = kind;
        settings.roots = roots;
        settings.program = child;
        ref::executions::Dispatcher dispatcher(*db, settings, {});
        const auto start = Clock::now();
        for (int i = 0; i < n; ++i) {
            ref::executions::ExecutionJob job;
            job.execution_id = i + 1;
            job.provider = "bench-noop";
            job.diagnostic = "no-op";
            job.key = "g" + std::to_string(i);
            job.fragment = "bench-noop/no-op/" + job.key + "/" + std::to_string(i + 1);
            job.plugin_path = plugin;
            job.definition = {{"schema_version", 1}, {"diagnostic", "bench-noop/no-op"}, {"key", job.key},
                              {"datasets", nlohmann::json::object()}, {"root_directory", roots.scratch.string()},
                              {"output_directory", (roots.scratch / job.fragment).string()}};
            dispatcher.submit(std::move(job));
        }
        dispatcher.wait();
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (dispatcher.failed() != 0) {
            std::cerr << "bench: " << dispatcher.failed() << " executions failed with the " << dispatcher.executor_name()
                      << " executor\n";
            return 1;
        }
        throughput.emplace_back(std::string(dispatcher.executor_name()), static_cast<double>(n) / seconds);
    }

    const auto stored = db->query("SELECT COUNT(*) FROM metric_value");
    if (std::get<int64_t>(stored.rows.at(0).at(0)) != n) {
        std::cerr << "bench: expected " << n << " metric values in the database\n";
        return 1;
    }
    const Stats e = stats(engine_ms), t = stats(true_ms), v = stats(version_ms);
    std::printf("| measurement (%d runs, interleaved) | median | p10 | p90 |\n|---|---|---|---|\n", n);
    std::printf("| no-op execution: spawn, load plugin, run, validate, copy, record (SQLite) | %.2f ms | %.2f ms | %.2f ms |\n",
                e.median, e.p10, e.p90);
    std::printf("| baseline: spawn and reap `/bin/true` | %.2f ms | %.2f ms | %.2f ms |\n", t.median, t.p10, t.p90);
    std::printf("| baseline: spawn and reap `ref-engine-child` (exits at once) | %.2f ms | %.2f ms | %.2f ms |\n", v.median, v.p10,
                v.p90);
    std::printf("\nratio no-op execution / `/bin/true`: %.1f; / `ref-engine-child` start: %.1f\n", e.median / t.median,
                e.median / v.median);
    std::printf("\n| executor (%d no-op executions, recorded in SQLite) | executions/s |\n|---|---|\n", n);
    for (const auto& [name, rate] : throughput) std::printf("| %s | %.0f |\n", name.c_str(), rate);
    std::printf("\nratio local / synchronous: %.2f (%zu workers)\n", throughput[1].second / throughput[0].second,
                ref::execute::default_max_workers());
    return 0;
}
