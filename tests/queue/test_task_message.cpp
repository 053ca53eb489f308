#include "queue/redis_connection.hpp"
#include "queue/task_message.hpp"

#include <catch2/catch.hpp>

using ref::queue::QueueError;
using ref::queue::TaskMessage;

namespace {

TaskMessage sample() {
    TaskMessage m;
    m.execution_id = 42;
    m.provider = "esmvaltool";
    m.diagnostic = "climate-at-global-warming-levels";
    m.key = "cmip6_ssp585_tas_ACCESS-ESM1-5";
    m.fragment = "esmvaltool/gwl/cmip6_ssp585_tas";
    m.attempt_token = "a1b2";
    return m;
}

std::string error_of(std::string_view text) {
    try {
        TaskMessage::from_json(text);
    } catch (const QueueError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("task message: round trip") {
    TaskMessage m = sample();
    std::string json = m.to_json();
    CHECK(json.size() < 300);
    CHECK(TaskMessage::from_json(json) == m);

    m.attempt_token.clear();
    m.fragment.clear();
    CHECK(TaskMessage::from_json(m.to_json()) == m);
    // attempt_token may be left out; unknown extra fields are ignored.
    CHECK(TaskMessage::from_json(R"({"version":1,"execution_id":7,"provider":"pmp","diagnostic":"d","key":"k",)"
                                 R"("fragment":"f","extra":[1,2]})")
              .execution_id == 7);
}

TEST_CASE("task message: size limit") {
    TaskMessage m = sample();
    m.fragment = std::string(2100, 'x');
    CHECK_THROWS_WITH(m.to_json(), Catch::Contains("more than the 2048 allowed"));
    std::string big = R"({"version":1,"pad":")" + std::string(2100, ' ') + "\"}";
    CHECK_THAT(error_of(big), Catch::Contains("bytes, more than the 2048 allowed"));
}

TEST_CASE("task message: version and field validation") {
    CHECK_THAT(error_of("not json"), Catch::Contains("not valid JSON"));
    CHECK_THAT(error_of("[1]"), Catch::Contains("not a JSON object"));
    CHECK_THAT(error_of(R"({"execution_id":1})"), Catch::Contains("missing field 'version'"));
    CHECK_THAT(error_of(R"({"version":"1"})"), Catch::Contains("'version' must be an integer"));
    CHECK_THAT(error_of(R"({"version":2,"execution_id":1})"), Catch::Contains("unsupported version 2"));
    CHECK_THAT(error_of(R"({"version":1,"provider":"p"})"), Catch::Contains("missing field 'execution_id'"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":"5"})"), Catch::Contains("'execution_id' must be an integer"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1.5})"), Catch::Contains("'execution_id' must be an integer"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":0,"provider":"p","diagnostic":"d","key":"k","fragment":""})"),
               Catch::Contains("positive"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"diagnostic":"d","key":"k","fragment":""})"),
               Catch::Contains("missing field 'provider'"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":3,"diagnostic":"d","key":"k","fragment":""})"),
               Catch::Contains("'provider' must be a string"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":"a:b","diagnostic":"d","key":"k","fragment":""})"),
               Catch::Contains("provider must be"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":"p","diagnostic":"","key":"k","fragment":""})"),
               Catch::Contains("diagnostic must not be empty"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":"p","diagnostic":"d","fragment":""})"),
               Catch::Contains("missing field 'key'"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":"p","diagnostic":"d","key":"k"})"),
               Catch::Contains("missing field 'fragment'"));
    CHECK_THAT(error_of(R"({"version":1,"execution_id":1,"provider":"p","diagnostic":"d","key":"k","fragment":"",)"
                        R"("attempt_token":false})"),
               Catch::Contains("'attempt_token' must be a string"));

    TaskMessage m = sample();
    m.version = 2;
    CHECK_THROWS_WITH(m.to_json(), Catch::Contains("cannot write version 2"));
}
