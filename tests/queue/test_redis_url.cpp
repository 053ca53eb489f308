#include "queue/redis_connection.hpp"

#include <catch2/catch.hpp>

using ref::queue::parse_redis_url;
using ref::queue::QueueError;

TEST_CASE("redis URL: host port and database") {
    auto u = parse_redis_url("redis://cache.example.org:6380/3");
    CHECK(u.host == "cache.example.org");
    CHECK(u.port == 6380);
    CHECK(u.db == 3);
    CHECK(u.password.empty());
    CHECK(u.redacted() == "redis://cache.example.org:6380/3");

    auto d = parse_redis_url("redis://localhost");
    CHECK(d.host == "localhost");
    CHECK(d.port == 6379);
    CHECK(d.db == 0);

    auto v6 = parse_redis_url("redis://[::1]:7000/1");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 7000);
    CHECK(v6.redacted() == "redis://[::1]:7000/1");
}

TEST_CASE("redis URL: password is kept but never printed") {
    auto u = parse_redis_url("redis://:s3cret@10.0.0.5:6379/2");
    CHECK(u.password == "s3cret");
    CHECK(u.username.empty());
    CHECK(u.redacted() == "redis://:***@10.0.0.5:6379/2");

    auto acl = parse_redis_url("redis://worker:p%w@host");
    CHECK(acl.username == "worker");
    CHECK(acl.password == "p%w");
    CHECK(acl.redacted() == "redis://worker:***@host:6379/0");
}

TEST_CASE("redis URL: errors say what is wrong without the password") {
    auto message = [](const std::string& url) {
        try {
            parse_redis_url(url);
        } catch (const QueueError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message("postgresql://:pw@host/db"), Catch::Contains("must look like redis://"));
    CHECK_THAT(message("rediss://host"), Catch::Contains("TLS"));
    CHECK_THAT(message("redis://:pw@host:notaport/0"), Catch::Contains("port 'notaport' is not a number"));
    CHECK_THAT(message("redis://:pw@host:70000"), Catch::Contains("from 1 to 65535"));
    CHECK_THAT(message("redis://host:"), Catch::Contains("empty port"));
    CHECK_THAT(message("redis://:pw@/0"), Catch::Contains("no host"));
    CHECK_THAT(message("redis://host/x"), Catch::Contains("database number 'x'"));
    CHECK_THAT(message("redis://host/0?timeout=1"), Catch::Contains("query strings"));
    for (const char* bad : {"postgresql://:pw@host/db", "redis://:pw@host:notaport/0", "redis://:pw@/0"})
        CHECK(message(bad).find("pw") == std::string::npos);
}
