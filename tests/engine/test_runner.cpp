// Isolated runs: the engine survives whatever the plugin does, and says which failure it was.
#include "execute/runner.hpp"
#include "ref/plugin.h"
#include "skip.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

execute::RunOutcome run(const std::string& plugin, const std::string& diagnostic, const fs::path& output_dir,
                        double timeout = 30, std::vector<std::string>* logs = nullptr, double grace = 1,
                        const fs::path& program = test::engine_program()) {
    execute::RunRequest request;
    request.plugin_path = test::test_plugin(plugin);
    request.diagnostic_slug = diagnostic;
    request.program = program;
    request.timeout_seconds = timeout;
    request.cancel_grace_seconds = grace;
    request.definition = {{"schema_version", 1},
                          {"diagnostic", "x/" + diagnostic},
                          {"output_directory", output_dir.string()},
                          {"datasets",
                           {{"cmip6", {{"slug_column", "instance_id"},
                                       {"selector", json::array({json::array({"source_id", "M"})})},
                                       {"rows", json::array({{{"path", "/data/a.nc"}}, {{"path", "/data/b.nc"}}})}}}}}};
    if (logs) request.on_log = [logs](int, const std::string& m) { logs->push_back(m); };
    return execute::run_isolated(request);
}

}  // namespace

TEST_CASE("a C99 plugin runs in the child and its bundle is found", "[runner]") {
    test::TempDir tmp;
    std::vector<std::string> logs;
    const auto out = run("c99_provider", "count-files", tmp.path() / "out", 30, &logs);
    INFO(out.message);
    REQUIRE(out.succeeded());
    CHECK(out.result["metric_bundle"] == "diagnostic.json");
    std::ifstream in(tmp.path() / "out" / "diagnostic.json");
    const json bundle = json::parse(in);
    CHECK(bundle["RESULTS"]["global"]["file_count"] == 2);
    CHECK(std::find(logs.begin(), logs.end(), "counting files in plain C") != logs.end());
    CHECK(fs::file_size(tmp.path() / "out" / "out.log") > 0);
    CHECK(out.usage.wall_seconds > 0);
}

TEST_CASE("an exception in the diagnostic is a diagnostic error carrying its message", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "throws", tmp.path() / "out");
    CHECK(out.outcome == execute::Outcome::DiagnosticError);
    CHECK(out.kind == execute::FailureKind::PluginReported);
    CHECK(out.plugin_status == REF_STATUS_DIAGNOSTIC_FAILED);
    CHECK_THAT(out.message, Catch::Contains("the input has no 'tas' variable"));
    CHECK_FALSE(out.retryable());
    std::ifstream log(tmp.path() / "out" / "out.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Catch::Contains("the input has no 'tas' variable"));
}

TEST_CASE("running out of memory inside the plugin is a retryable system error", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "out-of-memory", tmp.path() / "out");
    CHECK(out.outcome == execute::Outcome::SystemError);
    CHECK(out.plugin_status == REF_STATUS_SYSTEM_ERROR);
    CHECK_THAT(out.message, Catch::Contains("out of memory"));
    CHECK(out.retryable());
}

TEST_CASE("a segfault is a system error naming the signal", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "segfaults", tmp.path() / "out");
    CHECK(out.outcome == execute::Outcome::SystemError);
    CHECK(out.kind == execute::FailureKind::Signal);
    CHECK(out.signal == SIGSEGV);
    CHECK_THAT(out.message, Catch::Contains("SIGSEGV"));
}

TEST_CASE("an abort is a system error naming SIGABRT", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "aborts", tmp.path() / "out");
    CHECK(out.kind == execute::FailureKind::Signal);
    CHECK_THAT(out.message, Catch::Contains("SIGABRT"));
}

TEST_CASE("a hang is stopped at the time limit and reported as a time-out", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "hangs", tmp.path() / "out", 1.0);
    CHECK(out.outcome == execute::Outcome::SystemError);
    CHECK(out.kind == execute::FailureKind::TimedOut);
    CHECK_THAT(out.message, Catch::Contains("timed out"));
    CHECK(out.usage.wall_seconds >= 1.0);
    CHECK(out.usage.wall_seconds < 10.0);  // SIGTERM was ignored; SIGKILL came after the grace period
}

TEST_CASE("a plugin that honours cancellation stops at the time limit too", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "hangs-politely", tmp.path() / "out", 1.0, nullptr, 10.0);
    CHECK(out.kind == execute::FailureKind::TimedOut);
    CHECK(out.usage.wall_seconds < 5.0);  // it stopped on its own, long before the SIGKILL at 11 s
}

TEST_CASE("a child that exits without a result is a system error", "[runner]") {
    test::TempDir tmp;
    const auto out = run("misbehaving_provider", "exits", tmp.path() / "out");
    CHECK(out.kind == execute::FailureKind::NonZeroExit);
    CHECK_THAT(out.message, Catch::Contains("code 7"));
}

TEST_CASE("success without a metric bundle or with a garbage one is an unusable result", "[runner]") {
    test::TempDir tmp;
    auto missing = run("misbehaving_provider", "bad-result", tmp.path() / "a");
    CHECK(missing.outcome == execute::Outcome::DiagnosticError);
    CHECK(missing.kind == execute::FailureKind::BadResult);
    CHECK_THAT(missing.message, Catch::Contains("'diagnostic.json' was not written"));
    auto garbage = run("misbehaving_provider", "garbage-bundle", tmp.path() / "b");
    CHECK(garbage.kind == execute::FailureKind::BadResult);
    CHECK_THAT(garbage.message, Catch::Contains("not valid JSON"));
}

TEST_CASE("the output directory is made afresh for every run", "[runner]") {
    test::TempDir tmp;
    fs::create_directories(tmp.path() / "out");
    std::ofstream(tmp.path() / "out" / "stale.txt") << "from an earlier run";
    std::ofstream(tmp.path() / "out" / "out.log") << "the earlier run's log";
    const auto out = run("misbehaving_provider", "behaves", tmp.path() / "out");
    REQUIRE(out.succeeded());
    CHECK_FALSE(fs::exists(tmp.path() / "out" / "stale.txt"));
}

TEST_CASE("a non-empty folder that holds no earlier run is never deleted", "[runner]") {
    test::TempDir tmp;
    fs::create_directories(tmp.path() / "thesis");
    std::ofstream(tmp.path() / "thesis" / "chapter1.tex") << "precious";
    CHECK_THROWS_WITH(run("misbehaving_provider", "behaves", tmp.path() / "thesis"), Catch::Contains("refusing to replace it"));
    CHECK(fs::exists(tmp.path() / "thesis" / "chapter1.tex"));
}

TEST_CASE("a relative output directory is refused before anything runs", "[runner]") {
    CHECK_THROWS_WITH(run("misbehaving_provider", "behaves", "relative/dir"), Catch::Contains("absolute"));
}

TEST_CASE("a memory limit turns a runaway allocation into a retryable out-of-memory failure", "[runner]") {
#ifdef REF_SANITIZED
    test::skip_test("AddressSanitizer needs more address space than any limit leaves");
    return;
#endif
    test::TempDir tmp;
    execute::RunRequest request;
    request.plugin_path = test::test_plugin("misbehaving_provider");
    request.diagnostic_slug = "allocates";
    request.program = test::engine_program();
    request.memory_limit_mb = 512;
    request.definition = {{"schema_version", 1}, {"diagnostic", "misbehaving/allocates"},
                          {"output_directory", (tmp.path() / "out").string()}, {"datasets", json::object()}};
    const auto out = execute::run_isolated(request);
    CHECK(out.outcome == execute::Outcome::SystemError);
    CHECK(out.plugin_status == REF_STATUS_SYSTEM_ERROR);
    CHECK_THAT(out.message, Catch::Contains("out of memory"));
}

TEST_CASE("a single run waits in no queue and leaves the signal handlers as it found them", "[runner]") {
    test::TempDir tmp;
    struct sigaction before {}, after {};
    ::sigaction(SIGINT, nullptr, &before);
    const auto out = run("misbehaving_provider", "behaves", tmp.path() / "out");
    ::sigaction(SIGINT, nullptr, &after);
    REQUIRE(out.succeeded());
    CHECK(out.usage.queue_seconds < 0.1);
    CHECK(out.usage.cpu_seconds >= 0);
    CHECK(out.usage.max_rss_kib > 0);
    CHECK(after.sa_handler == before.sa_handler);
}

TEST_CASE("ref-engine-child beside ref-engine hosts runs by default and crashes are still classified", "[runner]") {
    const fs::path child = test::engine_program().parent_path() / "ref-engine-child";
    REQUIRE(fs::is_regular_file(child));
    // The test program sits beside it too, so its default is the lean child.
    CHECK(execute::default_child_program().filename() == "ref-engine-child");
    test::TempDir tmp;
    std::vector<std::string> logs;
    const auto good = run("c99_provider", "count-files", tmp.path() / "good", 30, &logs, 1, child);
    INFO(good.message);
    CHECK(good.succeeded());
    CHECK(std::find(logs.begin(), logs.end(), "counting files in plain C") != logs.end());
    const auto crash = run("misbehaving_provider", "segfaults", tmp.path() / "crash", 30, nullptr, 1, child);
    CHECK(crash.kind == execute::FailureKind::Signal);
    CHECK(crash.signal == SIGSEGV);
    const auto refused = run("misbehaving_provider", "throws", tmp.path() / "throws", 30, nullptr, 1, child);
    CHECK(refused.outcome == execute::Outcome::DiagnosticError);
    CHECK_THAT(refused.message, Catch::Contains("the input has no 'tas' variable"));
}
