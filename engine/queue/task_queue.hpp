// A task queue on Redis Streams: one stream per provider, one consumer group "workers".
// Delivery is at least once: a task stays pending until a worker acks it after storing
// its result; a worker that stops renewing its lease loses the task to the next worker
// asking; a task delivered too often goes to a dead-letter stream instead of looping.
// Keys: <prefix>:tasks:<provider> and <prefix>:dead:<provider>.
#pragma once

#include "queue/redis_connection.hpp"
#include "queue/task_message.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ref::queue {

struct Delivery {
    std::string stream_id;
    std::string provider;
    int64_t times_delivered = 0;  // 1 on first delivery; Redis' counter for this entry
    std::optional<TaskMessage> message;  // set when the payload is valid
    std::string raw;                     // the payload as stored
    // Why the task must not run: its payload is invalid, or it was delivered max_deliveries
    // times already (message still set). The caller records that, then dead-letters it.
    std::string problem;
};

// How long ago the task with this stream id was queued (a stream id starts with the
// milliseconds of its XADD); 0 for an id of another form.
int64_t task_age_ms(const std::string& stream_id);

class TaskQueue {
public:
    static constexpr const char* group = "workers";

    explicit TaskQueue(RedisConnection& redis, std::string prefix = "ref");

    // Appends the task to its provider's stream; returns the stream id.
    std::string enqueue(const TaskMessage& m);

    // The next task for `consumer`: first one whose lease expired (idle for `lease`:
    // its worker stopped renewing), else a new one, waiting up to `block` (0: no wait).
    // A task already handed out max_deliveries times comes back with `problem` set: the
    // caller records the failure first and then dead-letters it, so neither is lost.
    std::optional<Delivery> next(const std::string& provider, const std::string& consumer,
                                 std::chrono::milliseconds lease, std::chrono::milliseconds block,
                                 int max_deliveries = 3);

    // Resets the task's idle time while it is worked on. False when `consumer` no longer
    // holds it (its lease expired and another worker took it, or it is done): stop working.
    bool renew(const Delivery& d, const std::string& consumer);

    // Gives the task back for the next worker to take at once, not counting this delivery
    // (a worker stopping on SIGTERM). False when `consumer` no longer held it.
    bool release(const Delivery& d, const std::string& consumer);

    // The task is done for good (results stored): removes it from the pending list and stream.
    void ack(const Delivery& d);

    // Moves the task to the dead-letter stream with `reason` and acks it. False when it was
    // no longer pending (someone else finished or dead-lettered it), so nothing was written.
    bool dead_letter(const Delivery& d, const std::string& reason);

    // Tasks of `provider` not yet done: waiting plus in flight (done tasks leave the stream).
    int64_t outstanding(const std::string& provider);

    struct ProviderStatus {
        struct InFlight {
            std::string id, consumer;
            int64_t idle_ms = 0, deliveries = 0;
        };
        std::string provider;
        int64_t waiting = 0, in_flight = 0, dead = 0;
        std::vector<InFlight> in_flight_tasks;  // at most 1000
        // Every worker that ever read this queue; idle is the time since it last asked for a
        // task or renewed a lease, so a live worker's is under its lease.
        struct Consumer {
            std::string name;
            int64_t pending = 0, idle_ms = 0;
        };
        std::vector<Consumer> consumers;
        int64_t workers_seen_within(int64_t ms) const {
            return std::count_if(consumers.begin(), consumers.end(), [ms](const Consumer& c) { return c.idle_ms <= ms; });
        }
    };
    // One entry per provider stream under the prefix, sorted by provider.
    std::vector<ProviderStatus> status();

    struct DeadLetter {
        std::string id, task_id, payload, reason, at;
        int64_t delivered = 0;
    };
    // The newest `count` dead letters of `provider`, newest first.
    std::vector<DeadLetter> dead_letters(const std::string& provider, std::size_t count);

    // Moves every dead letter of `provider` back onto its task stream as a new task
    // (fresh delivery count); returns how many.
    std::size_t retry_dead(const std::string& provider);

    std::string tasks_key(const std::string& provider) const;
    std::string dead_key(const std::string& provider) const;

private:
    void ensure_group(const std::string& provider, bool force = false);
    std::optional<Delivery> reclaim(const std::string& provider, const std::string& consumer,
                                    std::chrono::milliseconds lease);
    Delivery make_delivery(const std::string& provider, const RedisReply& entry, int64_t times_delivered) const;
    bool move_to_dead(const Delivery& d, const std::string& reason, int64_t delivered);

    RedisConnection& redis_;
    std::string prefix_;
    std::set<std::string> groups_ready_;
};

}  // namespace ref::queue
