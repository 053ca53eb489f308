// `queue status | retry-dead`: the redis executor's task queues, per provider.
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "queue/redis_connection.hpp"
#include "queue/task_message.hpp"
#include "queue/task_queue.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <set>

namespace ref::cli {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

std::string seconds_text(int64_t ms) {
    char text[32];
    if (ms < 60'000) std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
    else if (ms < 3'600'000) std::snprintf(text, sizeof text, "%.1f min", static_cast<double>(ms) / 60'000.0);
    else std::snprintf(text, sizeof text, "%.1f h", static_cast<double>(ms) / 3'600'000.0);
    return text;
}

std::string execution_of(const std::string& payload) {
    try {
        return std::to_string(queue::TaskMessage::from_json(payload).execution_id);
    } catch (const queue::QueueError&) {
        return "(malformed)";
    }
}

struct Connection {
    explicit Connection(const config::Config& config)
        : redis(queue::parse_redis_url(config.redis_url), std::chrono::seconds(5)), tasks(redis, config.queue_prefix) {}
    queue::RedisConnection redis;
    queue::TaskQueue tasks;
};

po::options_description provider_option(const char* title) {
    po::options_description desc(title);
    desc.add_options()("provider", po::value<std::vector<std::string>>()->composing(),
                       "only this provider (repeatable; default: all)");
    return desc;
}

bool selected(const std::vector<std::string>& providers, const std::string& p) {
    return providers.empty() || std::find(providers.begin(), providers.end(), p) != providers.end();
}

}  // namespace

po::options_description queue_status_options() {
    po::options_description desc = provider_option("queue status options");
    desc.add_options()("format", po::value<std::string>()->default_value("table"), "table or json")(
        "dead-letters", po::value<std::size_t>()->default_value(5)->value_name("N"),
        "show the newest N dead letters of each provider with their reasons");
    return desc;
}

po::options_description queue_retry_dead_options() { return provider_option("queue retry-dead options"); }

int queue_status(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    const config::Config config = load_config(ctx);
    const auto providers = option_values(ctx, "provider");
    const std::size_t dead_shown = ctx.options["dead-letters"].as<std::size_t>();
    Connection c(config);
    const int64_t lease_ms = static_cast<int64_t>(config.task_lease_seconds * 1000);
    Table summary{{"provider", "waiting", "in flight", "dead letters", "workers"}, {}};
    Table in_flight{{"provider", "task", "worker", "age", "since renewed", "deliveries"}, {}};
    Table dead{{"provider", "task", "execution", "dead since", "deliveries", "reason"}, {}};
    json out = {{"queue", queue::parse_redis_url(config.redis_url).redacted()}, {"prefix", config.queue_prefix},
                {"providers", json::array()}};
    for (const auto& s : c.tasks.status()) {
        if (!selected(providers, s.provider)) continue;
        // A live worker asks for tasks every second or renews a lease every third of it.
        const int64_t workers = s.workers_seen_within(lease_ms);
        summary.rows.push_back({s.provider, std::to_string(s.waiting), std::to_string(s.in_flight), std::to_string(s.dead),
                                std::to_string(workers)});
        json p = {{"provider", s.provider}, {"waiting", s.waiting}, {"in_flight", s.in_flight}, {"dead", s.dead},
                  {"workers", workers}, {"in_flight_tasks", json::array()}, {"dead_letters", json::array()},
                  {"consumers", json::array()}};
        for (const auto& consumer : s.consumers)
            p["consumers"].push_back(
                {{"name", consumer.name}, {"pending", consumer.pending}, {"idle_ms", consumer.idle_ms}});
        for (const auto& t : s.in_flight_tasks) {
            in_flight.rows.push_back({s.provider, t.id, t.consumer, seconds_text(queue::task_age_ms(t.id)), seconds_text(t.idle_ms),
                                      std::to_string(t.deliveries)});
            p["in_flight_tasks"].push_back({{"task", t.id}, {"worker", t.consumer}, {"age_ms", queue::task_age_ms(t.id)},
                                            {"idle_ms", t.idle_ms}, {"deliveries", t.deliveries}});
        }
        if (s.dead > 0 && dead_shown > 0)
            for (const auto& d : c.tasks.dead_letters(s.provider, dead_shown)) {
                dead.rows.push_back({s.provider, d.task_id, execution_of(d.payload), d.at, std::to_string(d.delivered), d.reason});
                p["dead_letters"].push_back({{"task", d.task_id}, {"execution", execution_of(d.payload)}, {"at", d.at},
                                             {"delivered", d.delivered}, {"reason", d.reason}});
            }
        out["providers"].push_back(std::move(p));
    }
    if (format == "json") {
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    std::cout << "queue " << out["queue"].get<std::string>() << " (prefix " << config.queue_prefix << ")\n";
    if (summary.rows.empty()) {
        std::cout << "no task queues yet: nothing was queued with the redis executor\n";
        return 0;
    }
    summary.print(std::cout);
    if (!in_flight.rows.empty()) {
        std::cout << "\nin flight:\n";
        in_flight.print(std::cout);
    }
    if (!dead.rows.empty()) {
        std::cout << "\ndead letters (newest first; `ref-engine queue retry-dead` queues them again):\n";
        dead.print(std::cout);
    }
    return 0;
}

int queue_retry_dead(const CommandContext& ctx) {
    const config::Config config = load_config(ctx);
    const auto providers = option_values(ctx, "provider");
    Connection c(config);
    std::set<std::string> known;
    std::size_t total = 0;
    for (const auto& s : c.tasks.status()) {
        known.insert(s.provider);
        if (!selected(providers, s.provider) || s.dead == 0) continue;
        const std::size_t n = c.tasks.retry_dead(s.provider);
        total += n;
        std::cout << "provider " << s.provider << ": " << n << " dead letter" << (n == 1 ? "" : "s") << " queued again\n";
    }
    for (const auto& p : providers)
        if (!known.count(p)) spdlog::warn("provider '{}' has no task queue", p);
    if (total == 0) std::cout << "no dead letters to queue again\n";
    return 0;
}

}  // namespace ref::cli
