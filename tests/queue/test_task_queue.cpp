// Against the Redis server the ctest fixture starts (tests/services/redis.sh); each test
// works under its own random key prefix and deletes its keys afterwards.
#include "queue/task_queue.hpp"
#include "skip.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <thread>

using namespace std::chrono_literals;
using namespace ref::queue;

namespace {

std::string read_url(const std::string& file) {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    return url;
}

std::string random_prefix() {
    std::random_device rd;
    return "reftest" + std::to_string(rd()) + std::to_string(rd());
}

class ScratchQueue {
public:
    explicit ScratchQueue(const std::string& url_file = REF_TEST_REDIS_URL_FILE) : prefix_(random_prefix()) {
        const std::string url = read_url(url_file);
        if (url.empty()) return;
        redis_ = std::make_unique<RedisConnection>(parse_redis_url(url), 20s);
        queue_ = std::make_unique<TaskQueue>(*redis_, prefix_);
    }
    ~ScratchQueue() {
        if (!redis_) return;
        try {
            std::string cursor = "0";
            do {
                RedisReply r = redis_->checked({"SCAN", cursor, "MATCH", prefix_ + ":*", "COUNT", "100"});
                cursor = r.elements.at(0).text;
                for (const auto& k : r.elements.at(1).elements) redis_->command({"DEL", k.text});
            } while (cursor != "0");
        } catch (const std::exception& e) {
            WARN("cleaning test keys failed: " << e.what());
        }
    }
    ScratchQueue(const ScratchQueue&) = delete;
    ScratchQueue& operator=(const ScratchQueue&) = delete;

    bool available() const { return queue_ != nullptr; }
    TaskQueue& queue() { return *queue_; }
    RedisConnection& redis() { return *redis_; }
    const std::string& prefix() const { return prefix_; }

private:
    std::string prefix_;
    std::unique_ptr<RedisConnection> redis_;
    std::unique_ptr<TaskQueue> queue_;
};

#define REQUIRE_REDIS(scratch)                                                                              \
    if (!(scratch).available()) {                                                                           \
        ref::test::skip_test(std::string("no Redis test server (") + REF_TEST_REDIS_URL_FILE +              \
                             " is missing); run the tests through ctest");                                  \
        return;                                                                                             \
    }

TaskMessage task(int64_t id, const std::string& provider = "example") {
    TaskMessage m;
    m.execution_id = id;
    m.provider = provider;
    m.diagnostic = "global-mean";
    m.key = "key-" + std::to_string(id);
    m.fragment = provider + "/global-mean/key-" + std::to_string(id);
    return m;
}

const TaskQueue::ProviderStatus* find(const std::vector<TaskQueue::ProviderStatus>& all, const std::string& provider) {
    for (const auto& s : all)
        if (s.provider == provider) return &s;
    return nullptr;
}

constexpr auto lease = 300ms;

}  // namespace

TEST_CASE("queue: enqueue next and ack in order") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    for (int64_t id = 1; id <= 3; ++id) CHECK_FALSE(q.enqueue(task(id)).empty());

    auto a = q.next("example", "worker-a", lease, 0ms);
    auto b = q.next("example", "worker-b", lease, 0ms);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(a->message);
    REQUIRE(b->message);
    CHECK(a->problem.empty());
    CHECK(a->message->execution_id == 1);
    CHECK(b->message->execution_id == 2);
    CHECK(a->times_delivered == 1);
    CHECK(a->message->provider == "example");

    // A task being worked on is given to nobody else.
    auto c = q.next("example", "worker-c", lease, 0ms);
    REQUIRE(c);
    CHECK(c->message->execution_id == 3);
    CHECK_FALSE(q.next("example", "worker-c", lease, 50ms));

    q.ack(*a);
    q.ack(*b);
    q.ack(*c);
    q.ack(*c);  // acking twice is harmless
    auto st = q.status();
    REQUIRE(find(st, "example"));
    CHECK(find(st, "example")->waiting == 0);
    CHECK(find(st, "example")->in_flight == 0);
    // Done tasks are gone, so they cannot come back after the lease either.
    std::this_thread::sleep_for(lease + 50ms);
    CHECK_FALSE(q.next("example", "worker-d", lease, 0ms));
}

TEST_CASE("queue: a blocked next wakes for a new task") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    ScratchQueue producer_side;  // a second connection, as a producer would have
    TaskQueue producer(producer_side.redis(), s.prefix());
    s.queue().next("example", "worker-a", lease, 0ms);  // creates the group
    std::thread t([&] {
        std::this_thread::sleep_for(100ms);
        producer.enqueue(task(9));
    });
    auto start = std::chrono::steady_clock::now();
    auto d = s.queue().next("example", "worker-a", lease, 5000ms);
    t.join();
    REQUIRE(d);
    CHECK(d->message->execution_id == 9);
    CHECK(std::chrono::steady_clock::now() - start < 4s);
}

TEST_CASE("queue: a task whose worker stops renewing goes to another worker") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    q.enqueue(task(1));
    auto first = q.next("example", "worker-a", lease, 0ms);
    REQUIRE(first);
    CHECK_FALSE(q.next("example", "worker-b", lease, 0ms));  // still leased

    std::this_thread::sleep_for(lease + 100ms);  // worker-a died
    auto again = q.next("example", "worker-b", lease, 0ms);
    REQUIRE(again);
    CHECK(again->stream_id == first->stream_id);
    CHECK(again->times_delivered == 2);
    REQUIRE(again->message);
    CHECK(again->message->execution_id == 1);

    // The old worker has lost it: renewing says so and does not take it back.
    CHECK_FALSE(q.renew(*first, "worker-a"));
    CHECK(q.renew(*again, "worker-b"));
    auto st = q.status();
    REQUIRE(find(st, "example"));
    REQUIRE(find(st, "example")->in_flight_tasks.size() == 1);
    CHECK(find(st, "example")->in_flight_tasks[0].consumer == "worker-b");
    q.ack(*again);
}

TEST_CASE("queue: renewing keeps a long task from being claimed") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    q.enqueue(task(1));
    auto d = q.next("example", "worker-a", lease, 0ms);
    REQUIRE(d);
    for (int i = 0; i < 6; ++i) {  // 600 ms of work, twice the lease
        std::this_thread::sleep_for(100ms);
        REQUIRE(q.renew(*d, "worker-a"));
        CHECK_FALSE(q.next("example", "worker-b", lease, 0ms));
    }
    auto st = q.status();
    REQUIRE(find(st, "example"));
    REQUIRE(find(st, "example")->in_flight_tasks.size() == 1);
    CHECK(find(st, "example")->in_flight_tasks[0].deliveries == 1);  // renewing does not count as delivery
    q.ack(*d);
    CHECK_FALSE(q.renew(*d, "worker-a"));  // done: nothing to renew
}

TEST_CASE("queue: a poison task is dead-lettered after max deliveries") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    q.enqueue(task(13));
    q.enqueue(task(14));
    const int max_deliveries = 2;
    auto d1 = q.next("example", "worker-a", 100ms, 0ms, max_deliveries);
    REQUIRE(d1);
    CHECK(d1->message->execution_id == 13);
    std::this_thread::sleep_for(150ms);  // worker-a crashed (OOM, say)
    auto d2 = q.next("example", "worker-b", 100ms, 0ms, max_deliveries);
    REQUIRE(d2);
    CHECK(d2->stream_id == d1->stream_id);
    CHECK(d2->times_delivered == 2);
    std::this_thread::sleep_for(150ms);  // and worker-b too
    // Not to be run a third time: it comes back with its problem, for the worker to record
    // the failed execution and then dead-letter it; the next task comes after.
    auto d3 = q.next("example", "worker-c", 100ms, 0ms, max_deliveries);
    REQUIRE(d3);
    CHECK(d3->stream_id == d1->stream_id);
    REQUIRE(d3->message);
    CHECK(d3->message->execution_id == 13);
    CHECK(d3->problem == "delivered 2 times without completing");
    CHECK(d3->times_delivered == 2);
    REQUIRE(q.dead_letter(*d3, d3->problem));
    auto d4 = q.next("example", "worker-c", 100ms, 0ms, max_deliveries);
    REQUIRE(d4);
    CHECK(d4->message->execution_id == 14);
    CHECK(d4->problem.empty());
    q.ack(*d4);

    RedisReply dead = s.redis().checked({"XRANGE", q.dead_key("example"), "-", "+"});
    REQUIRE(dead.elements.size() == 1);
    const auto& fields = dead.elements[0].elements.at(1).elements;
    std::map<std::string, std::string> f;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) f[fields[i].text] = fields[i + 1].text;
    CHECK(f["reason"] == "delivered 2 times without completing");
    CHECK(f["delivered"] == "2");
    CHECK(f["task_id"] == d1->stream_id);
    CHECK(TaskMessage::from_json(f["payload"]).execution_id == 13);
    CHECK_FALSE(f["at"].empty());

    auto st = q.status();
    REQUIRE(find(st, "example"));
    CHECK(find(st, "example")->dead == 1);
    CHECK(find(st, "example")->in_flight == 0);
    CHECK(find(st, "example")->waiting == 0);
}

TEST_CASE("queue: a malformed payload is delivered with its problem") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    CHECK_FALSE(q.next("example", "worker-a", lease, 0ms));  // creates the stream and group
    const std::string key = q.tasks_key("example");
    s.redis().checked({"XADD", key, "*", "task", "{not json"});
    s.redis().checked({"XADD", key, "*", "task", R"({"version":9,"execution_id":1})"});
    s.redis().checked({"XADD", key, "*", "task", std::string(3000, 'x')});
    s.redis().checked({"XADD", key, "*", "other", "field"});
    s.redis().checked({"XADD", key, "*", "task", task(5, "pmp").to_json()});

    std::vector<std::string> problems;
    while (auto d = q.next("example", "worker-a", lease, 0ms)) {
        CHECK_FALSE(d->message);
        problems.push_back(d->problem);
        CHECK(q.dead_letter(*d, d->problem));
        CHECK_FALSE(q.dead_letter(*d, d->problem));  // a second letter is not written
    }
    REQUIRE(problems.size() == 5);
    CHECK_THAT(problems[0], Catch::Contains("not valid JSON"));
    CHECK_THAT(problems[1], Catch::Contains("unsupported version 9"));
    CHECK_THAT(problems[2], Catch::Contains("more than the 2048 allowed"));
    CHECK_THAT(problems[3], Catch::Contains("no 'task' field"));
    CHECK_THAT(problems[4], Catch::Contains("names provider 'pmp'"));

    RedisReply dead = s.redis().checked({"XRANGE", q.dead_key("example"), "-", "+"});
    REQUIRE(dead.elements.size() == 5);
    const auto& first = dead.elements[0].elements.at(1).elements;
    CHECK(first.at(1).text == "{not json");
    CHECK_THAT(first.at(3).text, Catch::Contains("not valid JSON"));
}

TEST_CASE("queue: status counts waiting in flight and dead per provider") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    CHECK(q.status().empty());
    for (int64_t id = 1; id <= 4; ++id) q.enqueue(task(id, "example"));
    q.enqueue(task(10, "pmp"));
    auto a = q.next("example", "worker-a", lease, 0ms);
    auto b = q.next("example", "worker-b", lease, 0ms);
    REQUIRE(a);
    REQUIRE(b);
    q.dead_letter(*b, "diagnostic failed for good");
    std::this_thread::sleep_for(50ms);

    auto st = q.status();
    REQUIRE(st.size() == 2);
    CHECK(st[0].provider == "example");
    CHECK(st[1].provider == "pmp");
    CHECK(st[0].waiting == 2);
    CHECK(st[0].in_flight == 1);
    CHECK(st[0].dead == 1);
    REQUIRE(st[0].in_flight_tasks.size() == 1);
    CHECK(st[0].in_flight_tasks[0].id == a->stream_id);
    CHECK(st[0].in_flight_tasks[0].consumer == "worker-a");
    CHECK(st[0].in_flight_tasks[0].idle_ms >= 40);
    CHECK(st[0].in_flight_tasks[0].deliveries == 1);
    CHECK(st[1].waiting == 1);
    CHECK(st[1].in_flight == 0);
    CHECK(st[1].dead == 0);
}

TEST_CASE("queue: retry_dead puts dead letters back with a fresh count") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    q.enqueue(task(1));
    q.enqueue(task(2));
    for (int i = 0; i < 2; ++i) {
        auto d = q.next("example", "worker-a", lease, 0ms);
        REQUIRE(d);
        q.dead_letter(*d, "storage was full");
    }
    CHECK(q.status().at(0).dead == 2);
    CHECK(q.retry_dead("example") == 2);
    CHECK(q.retry_dead("example") == 0);
    auto st = q.status();
    CHECK(st.at(0).dead == 0);
    CHECK(st.at(0).waiting == 2);
    auto d = q.next("example", "worker-b", lease, 0ms);
    REQUIRE(d);
    CHECK(d->message->execution_id == 1);
    CHECK(d->times_delivered == 1);
    q.ack(*d);
}

TEST_CASE("queue: tasks survive a Redis restart and the connection comes back") {
    // A server of its own: restarting the shared one would disturb tests running alongside.
    const std::string script = REF_TEST_REDIS_SCRIPT, state = REF_TEST_REDIS_FAULT_STATE;
    const std::string start = "bash '" + script + "' start '" + state + "' " + std::to_string(REF_TEST_REDIS_FAULT_PORT);
    if (read_url(REF_TEST_REDIS_URL_FILE).empty() || std::system((start + " > /dev/null").c_str()) != 0) {
        ref::test::skip_test("cannot start a Redis server of its own (" + start + "); run the tests through ctest");
        return;
    }
    struct StopServer {
        std::string command;
        ~StopServer() { [[maybe_unused]] int rc = std::system(command.c_str()); }
    } stop{"bash '" + script + "' stop '" + state + "'"};

    ScratchQueue s(state + "/url");
    REQUIRE(s.available());
    auto& q = s.queue();
    for (int64_t id = 1; id <= 3; ++id) q.enqueue(task(id));
    auto a = q.next("example", "worker-a", lease, 0ms);
    REQUIRE(a);

    REQUIRE(std::system(("bash '" + script + "' restart '" + state + "'").c_str()) == 0);

    auto st = q.status();  // the first command after the restart reconnects
    CHECK(s.redis().reconnects() >= 1);
    REQUIRE(st.size() == 1);
    CHECK(st[0].waiting == 2);
    CHECK(st[0].in_flight == 1);
    REQUIRE(st[0].in_flight_tasks.size() == 1);
    CHECK(st[0].in_flight_tasks[0].consumer == "worker-a");
    CHECK(q.renew(*a, "worker-a"));
    auto b = q.next("example", "worker-b", lease, 0ms);
    REQUIRE(b);
    CHECK(b->message->execution_id == 2);
    q.ack(*a);
    q.ack(*b);
    CHECK(q.status().at(0).waiting == 1);
}

TEST_CASE("queue: an unreachable server is reported with the redacted URL") {
    RedisUrl url = parse_redis_url("redis://:hunter2@127.0.0.1:1/0");
    try {
        RedisConnection c(url, 200ms);
        FAIL("connected to port 1");
    } catch (const QueueError& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot connect to Redis at redis://:***@127.0.0.1:1/0"));
        CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    }
}

TEST_CASE("queue: a released task goes to the next worker at once without counting the delivery") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    q.enqueue(task(21));
    CHECK(q.outstanding("example") == 1);
    auto held = q.next("example", "stopping-worker", 60s, 0ms);
    REQUIRE(held);
    CHECK_FALSE(q.release(*held, "someone-else"));  // only its holder can hand it back
    CHECK_FALSE(q.next("example", "other-worker", 60s, 0ms));  // still leased for a minute
    REQUIRE(q.release(*held, "stopping-worker"));
    auto taken = q.next("example", "other-worker", 60s, 0ms);
    REQUIRE(taken);
    CHECK(taken->stream_id == held->stream_id);
    CHECK(taken->times_delivered == 1);  // the interrupted delivery does not count
    CHECK(taken->problem.empty());
    CHECK(q.outstanding("example") == 1);
    q.ack(*taken);
    CHECK(q.outstanding("example") == 0);
}

TEST_CASE("queue: dead letters are listed newest first with their reasons") {
    ScratchQueue s;
    REQUIRE_REDIS(s);
    auto& q = s.queue();
    for (int id : {31, 32}) {
        q.enqueue(task(id));
        auto d = q.next("example", "w", 60s, 0ms);
        REQUIRE(d);
        REQUIRE(q.dead_letter(*d, "reason " + std::to_string(id)));
    }
    const auto letters = q.dead_letters("example", 10);
    REQUIRE(letters.size() == 2);
    CHECK(letters[0].reason == "reason 32");
    CHECK(letters[1].reason == "reason 31");
    CHECK(TaskMessage::from_json(letters[0].payload).execution_id == 32);
    CHECK(letters[0].delivered == 1);
    CHECK_FALSE(letters[0].task_id.empty());
    CHECK_FALSE(letters[0].at.empty());
    CHECK(q.dead_letters("example", 1).size() == 1);
    CHECK(q.outstanding("example") == 0);
}

TEST_CASE("queue: a task's age comes from its stream id") {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const int64_t age = task_age_ms(std::to_string(now - 5000) + "-0");
    CHECK(age >= 5000);
    CHECK(age < 65000);
    CHECK(task_age_ms(std::to_string(now + 60000) + "-3") == 0);  // a clock ahead is no negative age
    CHECK(task_age_ms("not-an-id") == 0);
}
