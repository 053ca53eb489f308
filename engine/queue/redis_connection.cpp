#include "queue/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <thread>

namespace ref::queue {

namespace {

int parse_number(std::string_view text, int lo, int hi, const std::string& what, const RedisUrl& url) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi)
        throw QueueError("Redis URL " + url.redacted() + ": " + what + " '" + std::string(text) + "' is not a number from " +
                         std::to_string(lo) + " to " + std::to_string(hi));
    return value;
}

RedisReply convert(const redisReply* r) {
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_INTEGER: out.kind = RedisReply::Kind::Integer; out.integer = r->integer; break;
    case REDIS_REPLY_STRING: out.kind = RedisReply::Kind::String; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.kind = RedisReply::Kind::Status; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.kind = RedisReply::Kind::Error; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_ARRAY:
        out.kind = RedisReply::Kind::Array;
        out.elements.reserve(r->elements);
        for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
        break;
    default: break;  // nil
    }
    return out;
}

// nullptr when the connection broke (ctx->err says why).
redisReply* run(redisContext* ctx, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    return static_cast<redisReply*>(redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
}

}  // namespace

std::string RedisUrl::redacted() const {
    std::string out = "redis://";
    if (!username.empty() || !password.empty()) out += username + (password.empty() ? "" : ":***") + "@";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return out + ":" + std::to_string(port) + "/" + std::to_string(db);
}

RedisUrl parse_redis_url(const std::string& url) {
    RedisUrl out;
    const std::string scheme = "redis://";
    if (url.rfind("rediss://", 0) == 0) throw QueueError("Redis URL: TLS (rediss://) is not supported; use redis://");
    if (url.rfind(scheme, 0) != 0) {
        // Never echo the text: it may hold a password.
        throw QueueError("Redis URL must look like redis://[:password@]host[:port][/db]");
    }
    std::string rest = url.substr(scheme.size());
    if (rest.find_first_of("?#") != std::string::npos)
        throw QueueError("Redis URL: query strings and fragments are not supported");
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        std::string userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = userinfo.find(':');
        if (colon == std::string::npos) {
            out.password = userinfo;  // redis://secret@host: a bare word is the password, as redis-py reads it
        } else {
            out.username = userinfo.substr(0, colon);
            out.password = userinfo.substr(colon + 1);
        }
    }
    std::string hostport = rest, db;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        hostport = rest.substr(0, slash);
        db = rest.substr(slash + 1);
    }
    std::string port;
    if (!hostport.empty() && hostport[0] == '[') {
        auto close = hostport.find(']');
        if (close == std::string::npos) throw QueueError("Redis URL " + out.redacted() + ": unclosed '[' in the host");
        out.host = hostport.substr(1, close - 1);
        std::string after = hostport.substr(close + 1);
        if (!after.empty() && after[0] != ':')
            throw QueueError("Redis URL " + out.redacted() + ": unexpected text after the host");
        if (!after.empty()) port = after.substr(1);
        if (after == ":") throw QueueError("Redis URL " + out.redacted() + ": empty port");
    } else {
        auto colon = hostport.find(':');
        out.host = hostport.substr(0, colon);
        if (colon != std::string::npos) {
            port = hostport.substr(colon + 1);
            if (port.empty()) throw QueueError("Redis URL " + out.redacted() + ": empty port");
        }
    }
    if (out.host.empty()) throw QueueError("Redis URL names no host: " + out.redacted());
    if (!port.empty()) out.port = parse_number(port, 1, 65535, "port", out);
    if (!db.empty()) out.db = parse_number(db, 0, 1 << 20, "database number", out);
    return out;
}

bool RedisReply::is_error_code(const std::string& code) const {
    return kind == Kind::Error && text.rfind(code, 0) == 0 && (text.size() == code.size() || text[code.size()] == ' ');
}

RedisConnection::RedisConnection(RedisUrl url, std::chrono::milliseconds reconnect_for)
    : url_(std::move(url)), reconnect_for_(reconnect_for) {
    connect();
}

RedisConnection::~RedisConnection() { drop(); }

void RedisConnection::drop() {
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
}

void RedisConnection::connect() {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + reconnect_for_;
    auto backoff = std::chrono::milliseconds(50);
    std::string why;
    for (;;) {
        drop();
        timeval tv{2, 0};
        ctx_ = redisConnectWithTimeout(url_.host.c_str(), url_.port, tv);
        if (!ctx_) {
            why = "out of memory";
        } else if (ctx_->err) {
            why = ctx_->errstr;
        } else {
            redisEnableKeepAlive(ctx_);
            // AUTH and SELECT are part of the connection state, so they are repeated on every
            // reconnect; PING last, because a restarting server answers LOADING until its AOF is read.
            std::vector<std::vector<std::string>> setup;
            if (!url_.password.empty())
                setup.push_back(url_.username.empty() ? std::vector<std::string>{"AUTH", url_.password}
                                                      : std::vector<std::string>{"AUTH", url_.username, url_.password});
            if (url_.db != 0) setup.push_back({"SELECT", std::to_string(url_.db)});
            setup.push_back({"PING"});
            bool ok = true;
            for (const auto& cmd : setup) {
                redisReply* r = run(ctx_, cmd);
                if (!r) {
                    why = ctx_->errstr;
                    ok = false;
                    break;
                }
                RedisReply reply = convert(r);
                freeReplyObject(r);
                if (reply.is_error()) {
                    // Wrong password or database number will not get better by waiting.
                    if (!reply.is_error_code("LOADING") && !reply.is_error_code("BUSY")) {
                        drop();
                        throw QueueError("Redis at " + url_.redacted() + " refused " + cmd[0] + ": " + reply.text);
                    }
                    why = reply.text;
                    ok = false;
                    break;
                }
            }
            if (ok) return;
        }
        drop();
        if (clock::now() + backoff > deadline)
            throw QueueError("cannot connect to Redis at " + url_.redacted() + " (gave up after " +
                             std::to_string(reconnect_for_.count()) + " ms): " + why);
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

RedisReply RedisConnection::command(const std::vector<std::string>& args) {
    if (args.empty()) throw QueueError("empty Redis command");
    for (int attempt = 0;; ++attempt) {
        if (!ctx_) {
            connect();
            if (attempt > 0) ++reconnects_;
        }
        redisReply* r = run(ctx_, args);
        if (r) {
            RedisReply reply = convert(r);
            freeReplyObject(r);
            return reply;
        }
        std::string why = ctx_->errstr;
        drop();  // a hiredis context with err set cannot be used again
        if (attempt >= 1)
            throw QueueError("Redis command " + args[0] + " failed at " + url_.redacted() + ": " + why);
    }
}

RedisReply RedisConnection::checked(const std::vector<std::string>& args) {
    RedisReply reply = command(args);
    if (reply.is_error()) throw QueueError("Redis command " + args.at(0) + " failed: " + reply.text);
    return reply;
}

}  // namespace ref::queue
