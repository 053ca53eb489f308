// The process pool and the executors: many isolated runs at once from one thread, each with
// its own limits and classification; stopping, interrupting and reporting.
#include "execute/executor.hpp"
#include "execute/pool.hpp"
#include "ref/plugin.h"
#include "skip.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// A job for the misbehaving test plugin; `extra` goes into the definition (sleep_ms, log_lines).
execute::Job job(int64_t id, const std::string& diagnostic, const fs::path& output_dir, const json& extra = json::object(),
                 double timeout = 30, double grace = 1) {
    execute::Job j;
    j.id = id;
    j.request.plugin_path = test::test_plugin("misbehaving_provider");
    j.request.diagnostic_slug = diagnostic;
    j.request.program = test::engine_program();
    j.request.timeout_seconds = timeout;
    j.request.cancel_grace_seconds = grace;
    j.request.definition = {{"schema_version", 1},
                            {"diagnostic", "misbehaving/" + diagnostic},
                            {"output_directory", output_dir.string()},
                            {"datasets", json::object()}};
    j.request.definition.update(extra);
    return j;
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Records outcomes and how many jobs the callbacks saw running at once.
struct Recorder {
    std::map<int64_t, execute::RunOutcome> outcomes;
    std::vector<int64_t> started, finished;
    int running = 0, most_running = 0;

    execute::ProcessPool::FinishedCallback on_finished() {
        return [this](const execute::Job& j, execute::RunOutcome o) {
            --running;
            finished.push_back(j.id);
            outcomes[j.id] = std::move(o);
        };
    }
    execute::ProcessPool::StartedCallback on_started() {
        return [this](const execute::Job& j) {
            started.push_back(j.id);
            most_running = std::max(most_running, ++running);
        };
    }
};

std::atomic<int> g_test_handler_calls{0};
extern "C" void test_sigint_handler(int) { g_test_handler_calls.fetch_add(1); }

}  // namespace

TEST_CASE("a pool of two runs four sleeping jobs in about half the serial time", "[executor]") {
    test::TempDir tmp;
    Recorder rec;
    execute::ProcessPool pool(2, rec.on_finished(), rec.on_started());
    for (int64_t id = 1; id <= 4; ++id)
        pool.submit(job(id, "sleeps", tmp.path() / ("out" + std::to_string(id)), {{"sleep_ms", 700}}));
    CHECK(pool.queued() == 4);
    CHECK(pool.running() == 0);
    const auto start = Clock::now();
    pool.drain();
    const double wall = since(start);

    REQUIRE(rec.outcomes.size() == 4);
    double serial = 0;
    for (const auto& [id, out] : rec.outcomes) {
        INFO("job " << id << ": " << out.message);
        CHECK(out.succeeded());
        CHECK(out.usage.wall_seconds >= 0.7);
        CHECK(fs::exists(tmp.path() / ("out" + std::to_string(id)) / "diagnostic.json"));
        serial += out.usage.wall_seconds;
    }
    std::printf("pool of 2: 4 sleeping jobs (700 ms) in %.2f s; their walls sum to %.2f s (ratio %.2f)\n", wall, serial,
                wall / serial);
    CHECK(wall < 0.8 * serial);
    CHECK(rec.most_running == 2);
    CHECK(pool.finished() == 4);
    CHECK(pool.submitted() == 4);
    CHECK(pool.running() == 0);
    CHECK(pool.queued() == 0);
    CHECK_FALSE(pool.stopped());
}

TEST_CASE("a job that waited for a slot has queue seconds and one that did not has almost none", "[executor]") {
    test::TempDir tmp;
    Recorder rec;
    execute::ProcessPool pool(1, rec.on_finished(), rec.on_started());
    pool.submit(job(1, "sleeps", tmp.path() / "a", {{"sleep_ms", 400}}));
    pool.submit(job(2, "sleeps", tmp.path() / "b", {{"sleep_ms", 10}}));
    pool.drain();
    REQUIRE(rec.outcomes.size() == 2);
    CHECK(rec.outcomes[1].succeeded());
    CHECK(rec.outcomes[2].succeeded());
    CHECK(rec.outcomes[1].usage.queue_seconds < 0.2);
    CHECK(rec.outcomes[2].usage.queue_seconds >= 0.4);
    CHECK(rec.outcomes[2].usage.queue_seconds >= rec.outcomes[1].usage.wall_seconds - 0.05);
    CHECK(rec.started == std::vector<int64_t>{1, 2});
    CHECK(rec.most_running == 1);
}

TEST_CASE("crash and throw and hang and success in one pool are each classified correctly", "[executor]") {
    test::TempDir tmp;
    Recorder rec;
    execute::ProcessPool pool(3, rec.on_finished(), rec.on_started());
    pool.submit(job(1, "segfaults", tmp.path() / "segfaults"));
    pool.submit(job(2, "throws", tmp.path() / "throws"));
    pool.submit(job(3, "hangs", tmp.path() / "hangs", json::object(), 1.0, 0.5));
    pool.submit(job(4, "behaves", tmp.path() / "behaves"));
    pool.submit(job(5, "exits", tmp.path() / "exits"));
    pool.submit(job(6, "bad-result", tmp.path() / "bad-result"));
    const auto start = Clock::now();
    pool.drain();
    CHECK(since(start) < 10);
    REQUIRE(rec.outcomes.size() == 6);

    const auto& crashed = rec.outcomes[1];
    CHECK(crashed.kind == execute::FailureKind::Signal);
    CHECK(crashed.signal == SIGSEGV);
    CHECK(crashed.retryable());

    const auto& threw = rec.outcomes[2];
    CHECK(threw.outcome == execute::Outcome::DiagnosticError);
    CHECK(threw.kind == execute::FailureKind::PluginReported);
    CHECK_THAT(threw.message, Catch::Contains("the input has no 'tas' variable"));

    const auto& hung = rec.outcomes[3];
    CHECK(hung.outcome == execute::Outcome::SystemError);
    CHECK(hung.kind == execute::FailureKind::TimedOut);
    CHECK(hung.usage.wall_seconds >= 1.0);
    CHECK(hung.usage.wall_seconds < 5.0);

    const auto& good = rec.outcomes[4];
    INFO(good.message);
    CHECK(good.succeeded());
    CHECK(good.result["metric_bundle"] == "diagnostic.json");

    CHECK(rec.outcomes[5].kind == execute::FailureKind::NonZeroExit);
    CHECK(rec.outcomes[6].kind == execute::FailureKind::BadResult);
    CHECK(rec.most_running <= 3);
    for (const char* name : {"segfaults", "throws", "hangs", "behaves", "exits", "bad-result"})
        CHECK(fs::file_size(tmp.path() / name / "out.log") > 0);  // each child's own log
}

TEST_CASE("the time limit and the memory limit still apply per job in a pool", "[executor]") {
    test::TempDir tmp;
    Recorder rec;
    execute::ProcessPool pool(3, rec.on_finished(), rec.on_started());
    pool.submit(job(1, "hangs-politely", tmp.path() / "polite", json::object(), 0.5, 10));
    pool.submit(job(2, "sleeps", tmp.path() / "slow-enough", {{"sleep_ms", 200}}, 5));
#ifndef REF_SANITIZED  // AddressSanitizer needs more address space than any limit leaves
    auto hungry = job(3, "allocates", tmp.path() / "hungry");
    hungry.request.memory_limit_mb = 512;
    pool.submit(std::move(hungry));
#endif
    pool.drain();
    CHECK(rec.outcomes[1].kind == execute::FailureKind::TimedOut);
    CHECK(rec.outcomes[1].usage.wall_seconds < 5);  // it honoured the SIGTERM long before the SIGKILL
    CHECK(rec.outcomes[2].succeeded());
#ifndef REF_SANITIZED
    CHECK(rec.outcomes[3].outcome == execute::Outcome::SystemError);
    CHECK(rec.outcomes[3].plugin_status == REF_STATUS_SYSTEM_ERROR);
    CHECK_THAT(rec.outcomes[3].message, Catch::Contains("out of memory"));
#endif
}

TEST_CASE("stop_all cancels queued jobs and stops running ones as interrupted", "[executor]") {
    test::TempDir tmp;
    Recorder rec;
    execute::ProcessPool pool(1, rec.on_finished(), rec.on_started());
    pool.submit(job(1, "hangs", tmp.path() / "a", json::object(), 60, 0.5));  // ignores SIGTERM: needs the SIGKILL
    pool.submit(job(2, "hangs", tmp.path() / "b"));
    pool.submit(job(3, "behaves", tmp.path() / "c"));
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (rec.started.empty() && Clock::now() < deadline) pool.step(std::chrono::milliseconds(50));
    REQUIRE(rec.started == std::vector<int64_t>{1});
    CHECK(pool.running() == 1);
    CHECK(pool.queued() == 2);

    const auto start = Clock::now();
    pool.stop_all("the test stops everything");
    CHECK(since(start) < 5);
    CHECK(pool.running() == 0);
    CHECK(pool.queued() == 0);
    CHECK(pool.stopped());
    CHECK(pool.stop_reason() == "the test stops everything");
    CHECK(pool.interrupt_signal() == 0);
    REQUIRE(rec.outcomes.size() == 3);
    for (const auto& [id, out] : rec.outcomes) {
        INFO("job " << id << ": " << out.message);
        CHECK(out.kind == execute::FailureKind::Interrupted);
        CHECK(out.retryable());
        CHECK_THAT(out.message, Catch::Contains("the test stops everything"));
    }
    CHECK_THAT(rec.outcomes[1].message, Catch::Contains("the run was stopped"));
    CHECK_THAT(rec.outcomes[2].message, Catch::Contains("cancelled before it started"));
    CHECK_THAT(rec.outcomes[3].message, Catch::Contains("cancelled before it started"));
    CHECK(rec.outcomes[1].usage.wall_seconds > 0);
    CHECK(rec.outcomes[2].usage.wall_seconds == 0);
    CHECK_FALSE(fs::exists(tmp.path() / "b"));  // never started, so its directory was never made

    // A stopped pool runs nothing more.
    pool.submit(job(4, "behaves", tmp.path() / "d"));
    pool.drain();
    CHECK(rec.outcomes[4].kind == execute::FailureKind::Interrupted);
    CHECK(rec.started == std::vector<int64_t>{1});
    CHECK(pool.finished() == 4);
}

TEST_CASE("a refused output directory or a missing program fails that job only", "[executor]") {
    test::TempDir tmp;
    fs::create_directories(tmp.path() / "thesis");
    std::ofstream(tmp.path() / "thesis" / "chapter1.tex") << "precious";
    Recorder rec;
    execute::ProcessPool pool(2, rec.on_finished(), rec.on_started());
    pool.submit(job(1, "behaves", tmp.path() / "thesis"));
    pool.submit(job(2, "behaves", "relative/dir"));
    auto lost = job(3, "behaves", tmp.path() / "lost");
    lost.request.program = tmp.path() / "no-such-ref-engine";
    pool.submit(std::move(lost));
    pool.submit(job(4, "behaves", tmp.path() / "good"));
    REQUIRE_NOTHROW(pool.drain());
    REQUIRE(rec.outcomes.size() == 4);
    CHECK(rec.outcomes[1].kind == execute::FailureKind::LaunchFailed);
    CHECK(rec.outcomes[1].outcome == execute::Outcome::SystemError);
    CHECK_THAT(rec.outcomes[1].message, Catch::Contains("refusing to replace it"));
    CHECK(fs::exists(tmp.path() / "thesis" / "chapter1.tex"));
    CHECK(rec.outcomes[2].kind == execute::FailureKind::LaunchFailed);
    CHECK_THAT(rec.outcomes[2].message, Catch::Contains("absolute"));
    CHECK(rec.outcomes[3].kind == execute::FailureKind::LaunchFailed);
    CHECK_THAT(rec.outcomes[3].message, Catch::Contains("could not start"));
    CHECK(rec.outcomes[4].succeeded());
    // Jobs refused before fork were never started.
    CHECK(std::count(rec.started.begin(), rec.started.end(), 1) == 0);
    CHECK(std::count(rec.started.begin(), rec.started.end(), 2) == 0);
}

TEST_CASE("a slow on_finished does not block chatty children that fill their pipes", "[executor]") {
    test::TempDir tmp;
    std::map<int64_t, int> lines;
    std::map<int64_t, execute::RunOutcome> outcomes;
    execute::ProcessPool pool(2, [&](const execute::Job& j, execute::RunOutcome o) {
        outcomes[j.id] = std::move(o);
        // A slow database while the other children write about 1 MB of log each (many pipefuls).
        if (j.id == 1) std::this_thread::sleep_for(std::chrono::milliseconds(600));
    });
    pool.submit(job(1, "behaves", tmp.path() / "out1"));
    for (int64_t id = 2; id <= 3; ++id) {
        auto j = job(id, "chatty", tmp.path() / ("out" + std::to_string(id)), {{"log_lines", 2000}}, 20);
        j.request.on_log = [&lines, id](int, const std::string& message) {
            if (message.rfind("line ", 0) == 0) ++lines[id];
        };
        pool.submit(std::move(j));
    }
    pool.drain();
    REQUIRE(outcomes.size() == 3);
    for (int64_t id = 1; id <= 3; ++id) {
        INFO("job " << id << ": " << outcomes[id].message);
        CHECK(outcomes[id].succeeded());
    }
    CHECK(lines[2] == 2000);
    CHECK(lines[3] == 2000);
}

TEST_CASE("SIGTERM while a pool drains stops the children and restores the old handler", "[executor]") {
    test::TempDir tmp;
    struct sigaction before {}, after {};
    ::sigaction(SIGTERM, nullptr, &before);
    std::map<int64_t, execute::RunOutcome> outcomes;
    std::atomic<bool> started{false};
    execute::ProcessPool pool(
        1, [&](const execute::Job& j, execute::RunOutcome o) { outcomes[j.id] = std::move(o); },
        [&](const execute::Job&) { started = true; });
    pool.submit(job(1, "hangs-politely", tmp.path() / "a", json::object(), 60, 5));
    std::thread service_manager([&started] {
        const auto give_up = Clock::now() + std::chrono::seconds(20);
        while (!started && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::raise(SIGTERM);
    });
    pool.drain();
    service_manager.join();
    ::sigaction(SIGTERM, nullptr, &after);
    CHECK(after.sa_handler == before.sa_handler);
    CHECK(pool.interrupt_signal() == SIGTERM);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[1].kind == execute::FailureKind::Interrupted);
    CHECK_THAT(outcomes[1].message, Catch::Contains("SIGTERM"));
    CHECK(outcomes[1].usage.wall_seconds < 5);
}

TEST_CASE("an on_finished callback may submit more work", "[executor]") {
    test::TempDir tmp;
    std::vector<int64_t> finished;
    execute::ProcessPool* self = nullptr;
    execute::ProcessPool pool(1, [&](const execute::Job& j, execute::RunOutcome o) {
        CHECK(o.succeeded());
        finished.push_back(j.id);
        if (j.id < 3) self->submit(job(j.id + 1, "behaves", tmp.path() / ("out" + std::to_string(j.id + 1))));
    });
    self = &pool;
    pool.submit(job(1, "behaves", tmp.path() / "out1"));
    pool.drain();
    CHECK(finished == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("executor kinds are parsed by name", "[executor]") {
    CHECK(execute::parse_executor_kind("synchronous") == execute::ExecutorKind::Synchronous);
    CHECK(execute::parse_executor_kind("sync") == execute::ExecutorKind::Synchronous);
    CHECK(execute::parse_executor_kind("local") == execute::ExecutorKind::Local);
    CHECK(execute::to_string(execute::ExecutorKind::Local) == "local");
    CHECK(execute::to_string(execute::ExecutorKind::Synchronous) == "synchronous");
    CHECK_THROWS_WITH(execute::parse_executor_kind("celery"), Catch::Contains("synchronous") && Catch::Contains("local") &&
                                                                 Catch::Contains("celery"));
    CHECK(execute::default_max_workers() >= 1);
    CHECK_THROWS_AS(execute::ProcessPool(0), std::invalid_argument);
}

TEST_CASE("the synchronous executor runs each job inside submit in submit order", "[executor]") {
    test::TempDir tmp;
    std::vector<int64_t> order;
    std::map<int64_t, execute::RunOutcome> outcomes;
    auto executor = execute::make_executor(execute::ExecutorKind::Synchronous, 8,
                                           [&](const execute::Job& j, const execute::RunOutcome& o) {
                                               order.push_back(j.id);
                                               outcomes[j.id] = o;
                                           });
    CHECK(executor->name() == "synchronous");
    CHECK(executor->exclusive());
    executor->submit(job(1, "sleeps", tmp.path() / "a", {{"sleep_ms", 200}}));
    CHECK(order == std::vector<int64_t>{1});  // finished before submit returned
    executor->submit(job(2, "throws", tmp.path() / "b"));
    executor->submit(job(3, "behaves", tmp.path() / "c"));
    CHECK(order == std::vector<int64_t>{1, 2, 3});
    std::vector<execute::ExecutorProgress> reports;
    executor->wait([&](const execute::ExecutorProgress& p) { reports.push_back(p); });
    REQUIRE_FALSE(reports.empty());
    CHECK(reports.back().finished == 3);
    CHECK(reports.back().submitted == 3);
    CHECK(outcomes[1].succeeded());
    CHECK(outcomes[2].kind == execute::FailureKind::PluginReported);
    CHECK(outcomes[3].succeeded());
    for (const auto& [id, out] : outcomes) CHECK(out.usage.queue_seconds < 0.1);
}

TEST_CASE("the local executor starts work in submit and reports progress while waiting", "[executor]") {
    test::TempDir tmp;
    std::map<int64_t, execute::RunOutcome> outcomes;
    int started = 0;
    auto executor = execute::make_executor(
        execute::ExecutorKind::Local, 2,
        [&](const execute::Job& j, const execute::RunOutcome& o) { outcomes[j.id] = o; },
        [&](const execute::Job&) { ++started; });
    CHECK(executor->name() == "local");
    CHECK_FALSE(executor->exclusive());
    const auto start = Clock::now();
    for (int64_t id = 1; id <= 3; ++id)
        executor->submit(job(id, "sleeps", tmp.path() / ("out" + std::to_string(id)), {{"sleep_ms", 600}}));
    CHECK(since(start) < 0.5);  // submit does not wait for the runs
    CHECK(started == 2);        // but two of them are already running
    CHECK(outcomes.empty());
    std::vector<execute::ExecutorProgress> reports;
    executor->wait([&](const execute::ExecutorProgress& p) { reports.push_back(p); });
    REQUIRE(outcomes.size() == 3);
    for (const auto& [id, out] : outcomes) CHECK(out.succeeded());
    REQUIRE(reports.size() >= 3);  // one per finish at least
    CHECK(reports.back().finished == 3);
    CHECK(reports.back().running == 0);
    CHECK(reports.back().queued == 0);
    CHECK(std::is_sorted(reports.begin(), reports.end(),
                         [](const auto& a, const auto& b) { return a.finished < b.finished; }));
    CHECK(outcomes[3].usage.queue_seconds > 0.3);
    CHECK_FALSE(executor->stopped());
}

TEST_CASE("SIGINT while the local executor waits stops every child and restores the old handler", "[executor]") {
    test::TempDir tmp;
    struct sigaction mine {}, before {};
    mine.sa_handler = test_sigint_handler;
    sigemptyset(&mine.sa_mask);
    ::sigaction(SIGINT, &mine, &before);
    g_test_handler_calls = 0;

    std::map<int64_t, execute::RunOutcome> outcomes;
    std::atomic<int> started{0};
    auto executor = execute::make_executor(
        execute::ExecutorKind::Local, 2,
        [&](const execute::Job& j, const execute::RunOutcome& o) { outcomes[j.id] = o; },
        [&](const execute::Job&) { ++started; });
    executor->submit(job(1, "hangs-politely", tmp.path() / "a", json::object(), 60, 5));
    executor->submit(job(2, "hangs", tmp.path() / "b", json::object(), 60, 0.5));  // needs the SIGKILL
    executor->submit(job(3, "behaves", tmp.path() / "c"));                         // still queued
    // Ctrl-C from another thread once both children run (raise() signals the calling thread).
    std::thread user([&started] {
        const auto give_up = Clock::now() + std::chrono::seconds(20);
        while (started < 2 && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::raise(SIGINT);
    });
    const auto start = Clock::now();
    executor->wait({});
    const double waited = since(start);
    user.join();

    struct sigaction after {};
    ::sigaction(SIGINT, nullptr, &after);
    CHECK(after.sa_handler == test_sigint_handler);  // the pool's guard is gone again
    CHECK(g_test_handler_calls == 0);                // and it, not the old handler, took the signal
    ::sigaction(SIGINT, &before, nullptr);

    CHECK(waited < 10);
    CHECK(executor->stopped());
    CHECK(executor->interrupt_signal() == SIGINT);
    REQUIRE(outcomes.size() == 3);
    for (const auto& [id, out] : outcomes) {
        INFO("job " << id << ": " << out.message);
        CHECK(out.kind == execute::FailureKind::Interrupted);
        CHECK_THAT(out.message, Catch::Contains("SIGINT"));
    }
    CHECK_THAT(outcomes[3].message, Catch::Contains("cancelled before it started"));
    CHECK(outcomes[1].usage.wall_seconds < 5);  // honoured the SIGTERM rather than waiting out its 5 s grace

    // Nothing runs after the interrupt.
    executor->submit(job(4, "behaves", tmp.path() / "d"));
    executor->wait({});
    CHECK(outcomes[4].kind == execute::FailureKind::Interrupted);
    CHECK(started == 2);
}
