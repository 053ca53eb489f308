// One synchronous connection to Redis (hiredis 0.14, RESP2 only) that survives a server
// restart: a broken connection is re-opened with backoff up to a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

struct redisContext;

namespace ref::queue {

// What went wrong, never with a password in it.
struct QueueError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string username;  // Redis 6 ACL user; empty means AUTH with the password alone
    std::string password;
    // The URL with any password replaced by "***": the only form that is ever printed.
    std::string redacted() const;
};

// redis://[[user]:password@]host[:port][/db]; throws QueueError saying what is wrong.
RedisUrl parse_redis_url(const std::string& url);

// A reply converted out of hiredis memory: nil, integer, string, status, error or array.
struct RedisReply {
    enum class Kind { Nil, Integer, String, Status, Error, Array };
    Kind kind = Kind::Nil;
    int64_t integer = 0;
    std::string text;                   // String, Status and Error
    std::vector<RedisReply> elements;   // Array

    bool is_nil() const { return kind == Kind::Nil; }
    bool is_error() const { return kind == Kind::Error; }
    bool is_array() const { return kind == Kind::Array; }
    // Error replies start with a code word (NOGROUP, BUSYGROUP, LOADING, ...).
    bool is_error_code(const std::string& code) const;
};

class RedisConnection {
public:
    // Connects now, retrying with backoff for at most `reconnect_for`.
    explicit RedisConnection(RedisUrl url, std::chrono::milliseconds reconnect_for = std::chrono::seconds(30));
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Runs one command. When the connection broke, reconnects and sends it once more:
    // callers only send commands that are idempotent or whose repetition is harmless
    // (at-least-once delivery). Error replies are returned, not thrown; an unreachable
    // server throws QueueError.
    RedisReply command(const std::vector<std::string>& args);
    // Like command(), but an error reply throws QueueError naming the command.
    RedisReply checked(const std::vector<std::string>& args);

    const RedisUrl& url() const { return url_; }
    // How often the connection was re-opened after breaking (for tests and logs).
    int reconnects() const { return reconnects_; }

private:
    void connect();
    void drop();

    RedisUrl url_;
    std::chrono::milliseconds reconnect_for_;
    redisContext* ctx_ = nullptr;
    int reconnects_ = 0;
};

}  // namespace ref::queue
