#include "queue/task_queue.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace ref::queue {

namespace {

// Scripts keep multi-step changes atomic and safe to resend after a reconnect.

// Renew only a task this consumer still owns: XCLAIM with min-idle 0 would otherwise
// take it back from a worker that legitimately claimed it after our lease expired.
constexpr const char* renew_script = R"(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
)";

// Hands a task back at once (as if its lease had expired long ago) without counting the
// delivery that is given up: the worker is stopping, not failing.
constexpr const char* release_script = R"(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'RETRYCOUNT', ARGV[5], 'JUSTID')
return 1
)";

constexpr const char* ack_script = R"(
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return n
)";

// Written only if the task was still pending, so a resent command adds no second letter.
constexpr const char* dead_script = R"(
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if n == 1 then
  redis.call('XADD', KEYS[2], '*', 'payload', ARGV[3], 'reason', ARGV[4], 'delivered', ARGV[5],
             'at', ARGV[6], 'task_id', ARGV[2])
end
redis.call('XDEL', KEYS[1], ARGV[2])
return n
)";

constexpr const char* retry_script = R"(
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[1])
local moved = 0
for _, e in ipairs(entries) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'payload' then
      redis.call('XADD', KEYS[2], '*', 'task', f[i + 1])
      moved = moved + 1
    end
  end
  redis.call('XDEL', KEYS[1], e[1])
end
return {#entries, moved}
)";

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const RedisReply& element(const RedisReply& r, std::size_t i, const char* what) {
    if (!r.is_array() || r.elements.size() <= i) throw QueueError(std::string("unexpected Redis reply to ") + what);
    return r.elements[i];
}

void check_provider(const std::string& provider) {
    if (!valid_provider_name(provider)) throw QueueError("invalid provider name '" + provider.substr(0, 64) + "'");
}

}  // namespace

int64_t task_age_ms(const std::string& stream_id) {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    try {
        return std::max<int64_t>(0, now - std::stoll(stream_id.substr(0, stream_id.find('-'))));
    } catch (const std::exception&) {
        return 0;
    }
}

TaskQueue::TaskQueue(RedisConnection& redis, std::string prefix) : redis_(redis), prefix_(std::move(prefix)) {
    if (prefix_.empty() || prefix_.find_first_of("*?[]") != std::string::npos)
        throw QueueError("task queue prefix must be non-empty and free of glob characters");
}

std::string TaskQueue::tasks_key(const std::string& provider) const { return prefix_ + ":tasks:" + provider; }
std::string TaskQueue::dead_key(const std::string& provider) const { return prefix_ + ":dead:" + provider; }

void TaskQueue::ensure_group(const std::string& provider, bool force) {
    if (!force && groups_ready_.count(provider)) return;
    // Start at 0 so tasks added before the group existed are still delivered.
    RedisReply r = redis_.command({"XGROUP", "CREATE", tasks_key(provider), group, "0", "MKSTREAM"});
    if (r.is_error() && !r.is_error_code("BUSYGROUP"))
        throw QueueError("cannot create the consumer group of " + tasks_key(provider) + ": " + r.text);
    groups_ready_.insert(provider);
}

std::string TaskQueue::enqueue(const TaskMessage& m) {
    std::string json = m.to_json();  // validates, including the size limit
    ensure_group(m.provider);
    // Not idempotent: resent after a broken connection it may add the task twice. Workers
    // must tolerate duplicates anyway (at-least-once), so this is accepted.
    RedisReply r = redis_.checked({"XADD", tasks_key(m.provider), "*", "task", json});
    return r.text;
}

Delivery TaskQueue::make_delivery(const std::string& provider, const RedisReply& entry, int64_t times) const {
    Delivery d;
    d.provider = provider;
    d.stream_id = element(entry, 0, "a stream read").text;
    d.times_delivered = times;
    const RedisReply& fields = element(entry, 1, "a stream read");
    bool found = false;
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].text == "task") {
            d.raw = fields.elements[i + 1].text;
            found = true;
        }
    }
    if (!found) {
        d.problem = "stream entry has no 'task' field";
        return d;
    }
    try {
        TaskMessage m = TaskMessage::from_json(d.raw);
        if (m.provider != provider)
            d.problem = "task message names provider '" + m.provider + "' but came from the queue of '" + provider + "'";
        else
            d.message = std::move(m);
    } catch (const QueueError& e) {
        d.problem = e.what();
    }
    return d;
}

std::optional<Delivery> TaskQueue::reclaim(const std::string& provider, const std::string& consumer,
                                           std::chrono::milliseconds lease) {
    const std::string key = tasks_key(provider);
    std::string cursor = "0-0";
    // COUNT 1 scans at most 10 pending entries per call, so follow the cursor for a full pass.
    for (;;) {
        RedisReply r = redis_.checked(
            {"XAUTOCLAIM", key, group, consumer, std::to_string(lease.count()), cursor, "COUNT", "1"});
        const RedisReply& claimed = element(r, 1, "XAUTOCLAIM");
        if (!claimed.elements.empty()) {
            const RedisReply& entry = claimed.elements[0];
            const std::string id = element(entry, 0, "XAUTOCLAIM").text;
            // XAUTOCLAIM does not report the delivery counter (it incremented it); XPENDING does.
            RedisReply p = redis_.checked({"XPENDING", key, group, id, id, "1"});
            int64_t times = p.elements.empty() ? 1 : element(element(p, 0, "XPENDING"), 3, "XPENDING").integer;
            return make_delivery(provider, entry, times);
        }
        cursor = element(r, 0, "XAUTOCLAIM").text;
        if (cursor == "0-0") return std::nullopt;
    }
}

std::optional<Delivery> TaskQueue::next(const std::string& provider, const std::string& consumer,
                                        std::chrono::milliseconds lease, std::chrono::milliseconds block,
                                        int max_deliveries) {
    check_provider(provider);
    if (lease.count() <= 0) throw QueueError("task lease must be positive");
    if (consumer.empty()) throw QueueError("consumer name must not be empty");
    ensure_group(provider);
    for (int attempt = 0;; ++attempt) {
        try {
            // Claimed tasks first: otherwise a busy queue would starve the dead workers' tasks.
            if (auto d = reclaim(provider, consumer, lease)) {
                if (d->times_delivered > max_deliveries) {
                    // The counter includes this claim, which is not a delivery to run.
                    d->times_delivered -= 1;
                    d->problem = "delivered " +
                                 (d->times_delivered == 1 ? std::string("once") : std::to_string(d->times_delivered) + " times") +
                                 " without completing";
                }
                return d;
            }
            std::vector<std::string> cmd = {"XREADGROUP", "GROUP", group, consumer, "COUNT", "1"};
            if (block.count() > 0) {
                cmd.push_back("BLOCK");
                cmd.push_back(std::to_string(block.count()));
            }
            cmd.insert(cmd.end(), {"STREAMS", tasks_key(provider), ">"});
            RedisReply r = redis_.command(cmd);
            if (r.is_error_code("NOGROUP") && attempt == 0) {
                // The stream or group was removed behind our back (or Redis lost its data).
                ensure_group(provider, true);
                continue;
            }
            if (r.is_error()) throw QueueError("Redis command XREADGROUP failed: " + r.text);
            if (r.is_nil()) return std::nullopt;
            const RedisReply& entries = element(element(r, 0, "XREADGROUP"), 1, "XREADGROUP");
            if (entries.elements.empty()) return std::nullopt;
            return make_delivery(provider, entries.elements[0], 1);
        } catch (const QueueError& e) {
            // XAUTOCLAIM on a vanished group: recreate once, like XREADGROUP above.
            if (attempt == 0 && std::string(e.what()).find("NOGROUP") != std::string::npos) {
                ensure_group(provider, true);
                continue;
            }
            throw;
        }
    }
}

bool TaskQueue::renew(const Delivery& d, const std::string& consumer) {
    RedisReply r = redis_.checked(
        {"EVAL", renew_script, "1", tasks_key(d.provider), group, consumer, d.stream_id});
    return r.integer == 1;
}

bool TaskQueue::release(const Delivery& d, const std::string& consumer) {
    constexpr int64_t long_ago_ms = 10LL * 365 * 24 * 3600 * 1000;
    RedisReply r = redis_.checked({"EVAL", release_script, "1", tasks_key(d.provider), group, consumer, d.stream_id,
                                   std::to_string(long_ago_ms), std::to_string(std::max<int64_t>(0, d.times_delivered - 1))});
    return r.integer == 1;
}

void TaskQueue::ack(const Delivery& d) {
    redis_.checked({"EVAL", ack_script, "1", tasks_key(d.provider), group, d.stream_id});
}

bool TaskQueue::move_to_dead(const Delivery& d, const std::string& reason, int64_t delivered) {
    RedisReply r = redis_.checked({"EVAL", dead_script, "2", tasks_key(d.provider), dead_key(d.provider), group,
                                   d.stream_id, d.raw, reason, std::to_string(delivered), utc_now()});
    return r.integer == 1;
}

bool TaskQueue::dead_letter(const Delivery& d, const std::string& reason) {
    return move_to_dead(d, reason, d.times_delivered);
}

int64_t TaskQueue::outstanding(const std::string& provider) {
    check_provider(provider);
    return redis_.checked({"XLEN", tasks_key(provider)}).integer;
}

std::vector<TaskQueue::DeadLetter> TaskQueue::dead_letters(const std::string& provider, std::size_t count) {
    check_provider(provider);
    RedisReply r = redis_.checked({"XREVRANGE", dead_key(provider), "+", "-", "COUNT", std::to_string(count)});
    std::vector<DeadLetter> out;
    for (const auto& entry : r.elements) {
        DeadLetter d;
        d.id = element(entry, 0, "XREVRANGE").text;
        const RedisReply& fields = element(entry, 1, "XREVRANGE");
        for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
            const std::string& name = fields.elements[i].text;
            const std::string& value = fields.elements[i + 1].text;
            if (name == "payload") d.payload = value;
            else if (name == "reason") d.reason = value;
            else if (name == "at") d.at = value;
            else if (name == "task_id") d.task_id = value;
            else if (name == "delivered") d.delivered = std::strtoll(value.c_str(), nullptr, 10);
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<TaskQueue::ProviderStatus> TaskQueue::status() {
    const std::string pattern = prefix_ + ":tasks:*";
    std::set<std::string> keys;
    std::string cursor = "0";
    do {
        RedisReply r = redis_.checked({"SCAN", cursor, "MATCH", pattern, "COUNT", "100", "TYPE", "stream"});
        cursor = element(r, 0, "SCAN").text;
        for (const auto& k : element(r, 1, "SCAN").elements) keys.insert(k.text);  // SCAN may repeat keys
    } while (cursor != "0");

    std::vector<ProviderStatus> out;
    const std::size_t skip = pattern.size() - 1;
    for (const auto& key : keys) {
        ProviderStatus s;
        s.provider = key.substr(skip);
        const int64_t length = redis_.checked({"XLEN", key}).integer;
        RedisReply summary = redis_.command({"XPENDING", key, group});
        if (!summary.is_error()) {
            s.in_flight = element(summary, 0, "XPENDING").integer;
            if (s.in_flight > 0) {
                RedisReply list = redis_.checked({"XPENDING", key, group, "-", "+", "1000"});
                for (const auto& e : list.elements)
                    s.in_flight_tasks.push_back({element(e, 0, "XPENDING").text, element(e, 1, "XPENDING").text,
                                                 element(e, 2, "XPENDING").integer, element(e, 3, "XPENDING").integer});
            }
        }
        RedisReply consumers = redis_.command({"XINFO", "CONSUMERS", key, group});
        if (consumers.is_array()) {
            for (const auto& c : consumers.elements) {
                ProviderStatus::Consumer consumer;
                for (std::size_t i = 0; i + 1 < c.elements.size(); i += 2) {
                    const std::string& field = c.elements[i].text;
                    if (field == "name") consumer.name = c.elements[i + 1].text;
                    else if (field == "pending") consumer.pending = c.elements[i + 1].integer;
                    else if (field == "idle") consumer.idle_ms = c.elements[i + 1].integer;
                }
                s.consumers.push_back(std::move(consumer));
            }
        }
        // Done tasks are deleted from the stream, so what is left is pending or waiting.
        s.waiting = std::max<int64_t>(0, length - s.in_flight);
        s.dead = redis_.checked({"XLEN", dead_key(s.provider)}).integer;
        out.push_back(std::move(s));
    }
    return out;
}

std::size_t TaskQueue::retry_dead(const std::string& provider) {
    check_provider(provider);
    ensure_group(provider);
    std::size_t moved = 0;
    for (;;) {
        RedisReply r = redis_.checked({"EVAL", retry_script, "2", dead_key(provider), tasks_key(provider), "100"});
        moved += static_cast<std::size_t>(element(r, 1, "retry").integer);
        if (element(r, 0, "retry").integer == 0) return moved;
    }
}

}  // namespace ref::queue
