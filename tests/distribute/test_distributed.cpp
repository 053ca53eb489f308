// The redis executor end to end, with real servers and real processes: `ref-engine solve`
// queues, several `ref-engine worker` processes run and record, and the faults of a
// deployment (a worker killed mid-execution, Redis or PostgreSQL restarting, a malformed
// message, two solves at once) lose nothing and duplicate nothing.
#include "../store/scratch_database.hpp"
#include "skip.hpp"
#include "queue/redis_connection.hpp"
#include "queue/task_message.hpp"
#include "results/metric_bundle.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace ref;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string first_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string file_text(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

// A server of the test's own (tests/services/*.sh), for a case that stops or restarts it.
class OwnServer {
public:
    OwnServer(const std::string& script, const std::string& name, int port)
        : script_(std::string(REF_TEST_SERVICES_DIR) + "/" + script),
          state_(fs::path(REF_TEST_SERVICE_STATE) / ("distribute-" + name)) {
        const auto r = test::run_command("bash " + script_ + " start " + state_.string() + " " + std::to_string(port));
        if (r.exit_code == 0) url_ = first_line(state_ / "url");
        else problem_ = r.err;
    }
    ~OwnServer() { test::run_command("bash " + script_ + " stop " + state_.string()); }
    OwnServer(const OwnServer&) = delete;
    OwnServer& operator=(const OwnServer&) = delete;

    const std::string& url() const { return url_; }
    const std::string& problem() const { return problem_; }
    int command(const std::string& verb) const {
        return test::run_command("bash " + script_ + " " + verb + " " + state_.string()).exit_code;
    }

private:
    std::string script_;
    fs::path state_;
    std::string url_, problem_;
};

// A `ref-engine` process in the background (a worker, or a solve that waits), logging to a file.
class Process {
public:
    Process(const std::string& command, fs::path log) : log_(std::move(log)) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~Process() {
        if (running()) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    bool running() {
        if (exited_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return !exited_;
    }
    void signal(int sig) { ::kill(pid_, sig); }
    // The exit code, or nullopt when it is still running after `within`.
    std::optional<int> wait(std::chrono::seconds within) {
        eventually([this] { return !running(); }, within);
        return exited_ ? std::optional<int>(exit_code_) : std::nullopt;
    }
    std::string log() const { return file_text(log_); }

private:
    pid_t pid_ = -1;
    fs::path log_;
    bool exited_ = false;
    int exit_code_ = -1;
};

bool truthy(const store::Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
    if (auto* s = std::get_if<std::string>(&v)) return *s == "t" || *s == "true" || *s == "1";
    return false;
}

struct ExecutionRow {
    int64_t id = 0, group = 0;
    std::optional<bool> successful;
    std::string reason, fragment, path;
    int64_t values = 0;
};

// One deployment: a database, a Redis server, the engine's configuration and its workers.
class Stack {
public:
    Stack(const fs::path& folder, std::string database_url, std::string redis_url, int lease_seconds = 2,
          int max_deliveries = 3)
        : folder_(folder), database_url_(std::move(database_url)) {
        std::random_device rd;
        prefix_ = "test" + std::to_string(rd());
        plugins_ = test::plugin_folder(folder_ / "plugins", {"misbehaving_provider"});
        std::ofstream config(folder_ / "ref.toml");
        config << "[paths]\nscratch = \"" << (folder_ / "scratch").string() << "\"\nresults = \""
               << (folder_ / "results").string() << "\"\nlog = \"" << (folder_ / "log").string()
               << "\"\n\n[executor]\nexecutor = \"redis\"\nredis_url = \"" << redis_url << "\"\nqueue_prefix = \""
               << prefix_ << "\"\ntask_lease = " << lease_seconds << ".0\nmax_deliveries = " << max_deliveries << '\n';
        redis_url_ = std::move(redis_url);
    }

    std::string environment(const std::string& extra = "") const {
        return "REF_DATABASE_URL='" + database_url_ + "' REF_CONFIGURATION='" + folder_.string() +
               "' REF_PLUGIN_CACHE=off REF_PLUGINS='" + plugins_.string() + ":" + REF_PLUGIN_OUTPUT_DIR + "/example.so" + "' " + extra +
               " ";
    }
    test::CommandResult run(const std::string& args) const {
        return test::run_command(environment() + test::engine_program().string() + " " + args);
    }
    std::unique_ptr<Process> start(const std::string& args, const std::string& extra_env = "") {
        const fs::path log = folder_ / ("process-" + std::to_string(++processes_) + ".log");
        return std::make_unique<Process>("env " + environment(extra_env) + test::engine_program().string() + " " + args, log);
    }
    template <class Tree>
    void ingest(const Tree& tree) const {
        for (const char* type : {"cmip6", "obs4mips"}) {
            const auto r = run(std::string("datasets ingest --source-type ") + type + " " + tree.directory_of(type).string());
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
        }
    }

    // Each execution with its recorded values, by id (the database may be restarting: empty then).
    std::vector<ExecutionRow> executions(const std::string& diagnostic = "") const {
        std::vector<ExecutionRow> out;
        try {
            auto db = store::open_database(store::parse_database_url(database_url_));
            const auto rows = db->query(
                "SELECT e.id, e.execution_group_id, e.successful, e.failure_reason, e.output_fragment, e.path, "
                "(SELECT COUNT(*) FROM metric_value v WHERE v.execution_id = e.id AND v.type = 'SCALAR') FROM execution e "
                "JOIN execution_group g ON g.id = e.execution_group_id JOIN diagnostic d ON d.id = g.diagnostic_id "
                "WHERE ? = '' OR d.slug = ? ORDER BY e.id",
                {diagnostic, diagnostic});
            for (const auto& r : rows.rows) {
                ExecutionRow e;
                e.id = std::get<int64_t>(r[0]);
                e.group = std::get<int64_t>(r[1]);
                if (!std::holds_alternative<std::monostate>(r[2])) e.successful = truthy(r[2]);
                if (auto* s = std::get_if<std::string>(&r[3])) e.reason = *s;
                if (auto* s = std::get_if<std::string>(&r[4])) e.fragment = *s;
                if (auto* s = std::get_if<std::string>(&r[5])) e.path = *s;
                e.values = std::get<int64_t>(r[6]);
                out.push_back(e);
            }
        } catch (const store::DatabaseError&) {
            out.clear();
        }
        return out;
    }
    bool all_recorded(const std::string& diagnostic, std::size_t at_least = 1) const {
        const auto rows = executions(diagnostic);
        return rows.size() >= at_least &&
               std::all_of(rows.begin(), rows.end(), [](const auto& e) { return e.successful.has_value(); });
    }
    // The values the execution's metric bundle holds, as the results store has it.
    std::size_t bundle_values(const ExecutionRow& e) const {
        std::ifstream in(folder_ / "results" / e.fragment / e.path);
        return results::flatten_metric_bundle(json::parse(in)).size();
    }

    json queue_status() const {
        const auto r = run("queue status --format json");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out);
    }
    json provider_status(const std::string& provider) const {
        const json doc = queue_status();
        for (const auto& p : doc.at("providers"))
            if (p.at("provider") == provider) return p;
        return json::object({{"waiting", 0}, {"in_flight", 0}, {"dead", 0}, {"dead_letters", json::array()}});
    }

    const std::string& prefix() const { return prefix_; }
    const std::string& redis_url() const { return redis_url_; }
    const fs::path& plugins() const { return plugins_; }
    const fs::path& folder() const { return folder_; }

private:
    fs::path folder_, plugins_;
    std::string database_url_, redis_url_, prefix_;
    int processes_ = 0;
};

std::string shared_redis_url() { return first_line(REF_TEST_REDIS_URL_FILE); }

// The usual start of a case: a PostgreSQL scratch database, generated data ingested, and the
// queues on the shared Redis test server.
struct Deployment {
    test::ScratchDatabase pg{store::Dialect::Postgres};
    test::TempDir data;
    std::optional<datagen::GeneratedTree> tree;
    std::optional<Stack> stack;
    // False, after saying why, when the test servers are not running.
    bool start(int lease_seconds = 2, int max_deliveries = 3) {
        if (!pg.available() || shared_redis_url().empty()) {
            test::skip_test("the PostgreSQL and Redis test servers are not running; run the tests through ctest");
            return false;
        }
        tree = datagen::generate_default_tree(data.path());
        stack.emplace(pg.folder(), pg.url().url, shared_redis_url(), lease_seconds, max_deliveries);
        stack->ingest(*tree);
        return true;
    }
};

// Whether any process still runs the test's own plugin (a child left behind by a killed worker).
bool plugin_still_running(const fs::path& plugin_dir) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string cmdline = file_text(entry.path() / "cmdline");
        if (cmdline.find(plugin_dir.string()) != std::string::npos && cmdline.find("__execute-child") != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("redis executor: solve queues every execution and two workers record them all", "[distribute]") {
    Deployment deployment;
    if (!deployment.start()) return;
    Stack& stack = *deployment.stack;

    auto a = stack.start("worker --provider example --concurrency 1");
    auto b = stack.start("worker --provider example --concurrency 1");
    const auto solved = stack.run("solve --provider example");
    INFO(solved.out << solved.err << "\nworker a:\n" << a->log() << "\nworker b:\n" << b->log());
    REQUIRE(solved.exit_code == 0);
    CHECK_THAT(solved.err, Catch::Contains("redis executor"));

    const auto rows = stack.executions();
    REQUIRE(rows.size() == 4);
    CHECK_THAT(solved.out, Catch::Contains("4 succeeded, 0 failed"));
    for (const auto& e : rows) {
        INFO("execution " << e.id);
        CHECK(e.successful == std::optional<bool>(true));
        CHECK(e.values > 0);
        CHECK(static_cast<std::size_t>(e.values) == stack.bundle_values(e));
    }

    // The same data through the local executor on SQLite gives the same values.
    test::ScratchDatabase lite(store::Dialect::Sqlite);
    Stack local(lite.folder(), lite.url().url, shared_redis_url());
    local.ingest(*deployment.tree);
    const auto local_solve = local.run("solve --provider example --executor local");
    REQUIRE(local_solve.exit_code == 0);
    const auto local_rows = local.executions();
    REQUIRE(local_rows.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(rows[i].values == local_rows[i].values);

    const json status = stack.provider_status("example");
    CHECK(status.at("waiting") == 0);
    CHECK(status.at("in_flight") == 0);
    CHECK(status.at("dead") == 0);

    // A second solve has nothing to queue.
    const auto again = stack.run("solve --provider example");
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("0 new"));

    // SIGTERM stops a worker cleanly.
    a->signal(SIGTERM);
    b->signal(SIGTERM);
    CHECK(a->wait(30s) == std::optional<int>(0));
    CHECK(b->wait(30s) == std::optional<int>(0));
    CHECK_THAT(a->log(), Catch::Contains("stopped:"));
}

TEST_CASE("redis executor: a worker killed mid-execution loses nothing and its task completes once", "[distribute]") {
    Deployment deployment;
    if (!deployment.start(2)) return;
    Stack& stack = *deployment.stack;

    const auto queued = stack.run("solve --no-wait --provider misbehaving --diagnostic sleeps");
    INFO(queued.out << queued.err);
    REQUIRE(queued.exit_code == 0);
    CHECK_THAT(queued.err, Catch::Contains("queued"));
    const std::size_t expected = stack.executions("sleeps").size();
    REQUIRE(expected >= 1);
    CHECK(stack.provider_status("misbehaving").at("waiting") == static_cast<int64_t>(expected));

    auto doomed = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=5000");
    REQUIRE(eventually([&] { return doomed->log().find("running ") != std::string::npos; }, 30s));
    std::this_thread::sleep_for(500ms);
    doomed->signal(SIGKILL);
    REQUIRE(doomed->wait(10s).has_value());
    // Its execution's child died with it rather than racing the redelivery.
    CHECK(eventually([&] { return !plugin_still_running(stack.plugins()); }, 5s));
    const json in_flight = stack.provider_status("misbehaving");
    CHECK(in_flight.at("in_flight") == 1);

    auto rescuer = stack.start("worker --provider misbehaving --concurrency 2 --exit-when-idle", "MISBEHAVING_SLEEP_MS=200");
    const auto code = rescuer->wait(90s);
    INFO("doomed worker:\n" << doomed->log() << "\nrescuer:\n" << rescuer->log());
    REQUIRE(code == std::optional<int>(0));
    CHECK_THAT(rescuer->log(), Catch::Contains("(delivery 2)"));

    const auto rows = stack.executions("sleeps");
    REQUIRE(rows.size() == expected);
    for (const auto& e : rows) {
        INFO("execution " << e.id);
        CHECK(e.successful == std::optional<bool>(true));
        CHECK(e.values == 1);
        CHECK(static_cast<std::size_t>(e.values) == stack.bundle_values(e));  // exactly one set
    }
    const json status = stack.provider_status("misbehaving");
    CHECK(status.at("waiting") == 0);
    CHECK(status.at("in_flight") == 0);
    CHECK(status.at("dead") == 0);
}

TEST_CASE("redis executor: poison and malformed tasks are dead-lettered with their reasons and can be retried", "[distribute]") {
    Deployment deployment;
    if (!deployment.start(1, 1)) return;
    Stack& stack = *deployment.stack;

    const auto queued = stack.run("solve --no-wait --provider misbehaving --diagnostic sleeps --limit 1");
    INFO(queued.out << queued.err);
    REQUIRE(queued.exit_code == 0);
    const auto created = stack.executions("sleeps");
    REQUIRE(created.size() == 1);

    // Two messages no worker can use, next to the real task.
    queue::RedisConnection redis(queue::parse_redis_url(stack.redis_url()));
    const std::string key = stack.prefix() + ":tasks:misbehaving";
    redis.checked({"XADD", key, "*", "task", "{\"version\": 1, \"execution_id\": "});
    queue::TaskMessage orphan;
    orphan.execution_id = 987654321;
    orphan.provider = "misbehaving";
    orphan.diagnostic = "sleeps";
    orphan.key = "no-such-group";
    redis.checked({"XADD", key, "*", "task", orphan.to_json()});

    // The real task's first worker dies; with max_deliveries = 1 it is not run again.
    auto doomed = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=5000");
    REQUIRE(eventually([&] { return doomed->log().find("running ") != std::string::npos; }, 30s));
    doomed->signal(SIGKILL);
    REQUIRE(doomed->wait(10s).has_value());

    auto next = stack.start("worker --provider misbehaving --exit-when-idle", "MISBEHAVING_SLEEP_MS=100");
    const auto code = next->wait(60s);
    INFO("doomed worker:\n" << doomed->log() << "\nnext worker:\n" << next->log());
    REQUIRE(code == std::optional<int>(0));  // it went on past every bad task

    const auto failed = stack.executions("sleeps");
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].successful == std::optional<bool>(false));
    CHECK_THAT(failed[0].reason, Catch::Contains("dead-lettered: delivered once without completing"));

    const json status = stack.provider_status("misbehaving");
    CHECK(status.at("waiting") == 0);
    CHECK(status.at("in_flight") == 0);
    REQUIRE(status.at("dead") == 3);
    std::string reasons;
    for (const auto& d : status.at("dead_letters")) reasons += d.at("reason").get<std::string>() + "\n";
    CHECK_THAT(reasons, Catch::Contains("not valid JSON"));
    CHECK_THAT(reasons, Catch::Contains("execution 987654321 is not in the database"));
    CHECK_THAT(reasons, Catch::Contains("delivered once without completing"));
    const auto shown = stack.run("queue status");
    CHECK_THAT(shown.out, Catch::Contains("dead letters"));

    // Queued again, the real task now runs to the end; the unusable ones come back dead.
    const auto retried = stack.run("queue retry-dead --provider misbehaving");
    INFO(retried.out << retried.err);
    REQUIRE(retried.exit_code == 0);
    CHECK_THAT(retried.out, Catch::Contains("3 dead letters queued again"));
    auto last = stack.start("worker --provider misbehaving --exit-when-idle", "MISBEHAVING_SLEEP_MS=100");
    REQUIRE(last->wait(60s) == std::optional<int>(0));
    const auto done = stack.executions("sleeps");
    REQUIRE(done.size() == 1);
    CHECK(done[0].successful == std::optional<bool>(true));
    CHECK(done[0].reason.empty());
    CHECK(static_cast<std::size_t>(done[0].values) == stack.bundle_values(done[0]));
    CHECK(stack.provider_status("misbehaving").at("dead") == 2);
}

TEST_CASE("redis executor: Redis restarting during a solve loses no queued task", "[distribute]") {
    test::ScratchDatabase pg(store::Dialect::Postgres);
    if (!pg.available()) {
        test::skip_test("the PostgreSQL test server is not running; run the tests through ctest");
        return;
    }
    OwnServer redis("redis.sh", "redis", REF_TEST_DISTRIBUTE_REDIS_PORT);
    INFO(redis.problem());
    REQUIRE_FALSE(redis.url().empty());
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    Stack stack(pg.folder(), pg.url().url, redis.url());
    stack.ingest(tree);

    auto worker = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=700");
    auto solve = stack.start("solve --provider misbehaving --diagnostic sleeps --diagnostic behaves");
    // Once the first result is in, Redis goes down and comes back from its append-only file.
    REQUIRE(eventually([&] {
        const auto rows = stack.executions();
        return std::any_of(rows.begin(), rows.end(), [](const auto& e) { return e.successful.has_value(); });
    }, 60s));
    const auto before = stack.executions();
    REQUIRE(redis.command("restart") == 0);

    const auto code = solve->wait(120s);
    INFO("solve:\n" << solve->log() << "\nworker:\n" << worker->log());
    REQUIRE(code == std::optional<int>(0));
    const auto rows = stack.executions();
    CHECK(rows.size() == before.size());
    CHECK(rows.size() >= 2);
    for (const auto& e : rows) {
        INFO("execution " << e.id);
        CHECK(e.successful == std::optional<bool>(true));
        CHECK(static_cast<std::size_t>(e.values) == stack.bundle_values(e));
    }
    CHECK(worker->running());  // it reconnected and carried on
    const json status = stack.provider_status("misbehaving");
    CHECK(status.at("waiting") == 0);
    CHECK(status.at("in_flight") == 0);
    worker->signal(SIGTERM);
    CHECK(worker->wait(30s) == std::optional<int>(0));
}

TEST_CASE("redis executor: workers retry their writes while PostgreSQL restarts", "[distribute]") {
    OwnServer postgres("postgres.sh", "postgres", REF_TEST_DISTRIBUTE_PG_PORT);
    INFO(postgres.problem());
    REQUIRE_FALSE(postgres.url().empty());
    if (shared_redis_url().empty()) {
        test::skip_test("the Redis test server is not running; run the tests through ctest");
        return;
    }
    test::TempDir folder;
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    Stack stack(folder.path(), postgres.url(), shared_redis_url());
    stack.ingest(tree);

    const auto queued = stack.run("solve --no-wait --provider misbehaving --diagnostic sleeps --diagnostic behaves");
    INFO(queued.out << queued.err);
    REQUIRE(queued.exit_code == 0);
    const std::size_t expected = stack.executions().size();
    REQUIRE(expected >= 2);

    auto a = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=1500");
    auto b = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=1500");
    REQUIRE(eventually([&] { return a->log().find("running ") != std::string::npos; }, 30s));
    REQUIRE(postgres.command("pause") == 0);
    // A result is ready while the database is away: its worker keeps it and retries.
    const bool retried = eventually([&] {
        return (a->log() + b->log()).find("cannot record") != std::string::npos;
    }, 30s);
    std::this_thread::sleep_for(1s);
    REQUIRE(postgres.command("resume") == 0);
    INFO("worker a:\n" << a->log() << "\nworker b:\n" << b->log());
    CHECK(retried);

    REQUIRE(eventually([&] { return stack.all_recorded("", expected); }, 90s));
    const auto rows = stack.executions();
    REQUIRE(rows.size() == expected);
    for (const auto& e : rows) {
        INFO("execution " << e.id);
        CHECK(e.successful == std::optional<bool>(true));
        CHECK(static_cast<std::size_t>(e.values) == stack.bundle_values(e));  // none missing, none twice
    }
    CHECK(eventually([&] { return stack.provider_status("misbehaving").at("in_flight") == 0; }, 30s));
    CHECK(stack.provider_status("misbehaving").at("waiting") == 0);
}

TEST_CASE("redis executor: two solves at once create and queue each execution once", "[distribute]") {
    Deployment deployment;
    if (!deployment.start()) return;
    Stack& stack = *deployment.stack;

    auto first = stack.start("solve --no-wait");
    auto second = stack.start("solve --no-wait");
    const auto a = first->wait(60s), b = second->wait(60s);
    INFO(first->log() << "\n" << second->log());
    REQUIRE(a == std::optional<int>(0));
    REQUIRE(b == std::optional<int>(0));

    const auto rows = stack.executions();
    REQUIRE(!rows.empty());
    std::set<int64_t> groups;
    for (const auto& e : rows) CHECK(groups.insert(e.group).second);  // one execution per group
    int64_t queued = 0;
    const json status = stack.queue_status();
    INFO(status.dump());
    for (const auto& p : status.at("providers")) queued += p.at("waiting").get<int64_t>();
    CHECK(queued == static_cast<int64_t>(rows.size()));  // and one task per execution
}

TEST_CASE("redis executor: a waiting solve warns when no worker runs and ends when its executions are deleted", "[distribute]") {
    Deployment deployment;
    if (!deployment.start()) return;
    Stack& stack = *deployment.stack;

    auto solve = stack.start("solve --provider example --diagnostic global-sst-bias");
    REQUIRE(eventually([&] { return solve->log().find("no worker is taking") != std::string::npos; }, 40s));
    CHECK_THAT(solve->log(), Catch::Contains("start `ref-engine worker --provider example`"));
    CHECK(solve->running());
    const auto deleted = stack.run("executions delete-groups --provider example --force");
    INFO(deleted.out << deleted.err);
    REQUIRE(deleted.exit_code == 0);
    const auto code = solve->wait(40s);
    INFO(solve->log());
    REQUIRE(code == std::optional<int>(1));  // its execution failed: it is gone
    CHECK_THAT(solve->log(), Catch::Contains("deleted while it was queued"));
}

TEST_CASE("redis executor: a worker stopped with SIGTERM hands its task back at once", "[distribute]") {
    Deployment deployment;
    if (!deployment.start(/*lease_seconds=*/60)) return;
    Stack& stack = *deployment.stack;
    const auto queued = stack.run("solve --no-wait --provider misbehaving --diagnostic sleeps");
    INFO(queued.out << queued.err);
    REQUIRE(queued.exit_code == 0);

    auto stopping = stack.start("worker --provider misbehaving --concurrency 1", "MISBEHAVING_SLEEP_MS=30000");
    REQUIRE(eventually([&] { return stopping->log().find("running ") != std::string::npos; }, 30s));
    stopping->signal(SIGTERM);
    const auto stopped = stopping->wait(30s);
    INFO("stopping worker:\n" << stopping->log());
    REQUIRE(stopped == std::optional<int>(0));
    CHECK_THAT(stopping->log(), Catch::Contains("1 handed back"));

    // Well within the 60 s lease, the next worker has it, as a first delivery.
    auto next = stack.start("worker --provider misbehaving --exit-when-idle", "MISBEHAVING_SLEEP_MS=100");
    const auto finished = next->wait(20s);
    INFO("next worker:\n" << next->log());
    REQUIRE(finished == std::optional<int>(0));
    CHECK_THAT(next->log(), !Catch::Contains("(delivery 2)"));
    const auto rows = stack.executions("sleeps");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].successful == std::optional<bool>(true));
    CHECK(rows[0].values == 1);
}
