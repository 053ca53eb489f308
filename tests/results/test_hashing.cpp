// Python-compatible JSON text and the content hashes of database.md §3.4. Every expected
// string below was printed by python3 (commands in the comments).
#include "results/hashing.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using nlohmann::json;
using ref::results::index_axis_hash;
using ref::results::python_float_repr;
using ref::results::python_json_text;
using ref::results::series_reference_id;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

// python3 -c 'import json; [print(json.dumps(x)) for x in [1.0, 0.1, 1e-05, ...]]'
TEST_CASE("floats are written as Python's repr", "[results][hash]") {
    const std::vector<std::pair<double, std::string>> table{
        {1.0, "1.0"},
        {0.1, "0.1"},
        {1e-05, "1e-05"},
        {1e16, "1e+16"},
        {123456789012345680.0, "1.2345678901234568e+17"},
        {1.5e-7, "1.5e-07"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {5e-324, "5e-324"},
        {1e+300, "1e+300"},
        {0.0001, "0.0001"},
        {9999999999999998.0, "9999999999999998.0"},
        {1e15, "1000000000000000.0"},
        {287.2, "287.2"},
        {-1234.5678, "-1234.5678"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {2.5e-5, "2.5e-05"},
        {123456.0, "123456.0"},
        {0.3, "0.3"},
        {2.0 / 3.0, "0.6666666666666666"},
        {kNaN, "NaN"},
        {kInf, "Infinity"},
        {-kInf, "-Infinity"},
    };
    for (const auto& [value, expected] : table) {
        INFO(expected);
        CHECK(python_float_repr(value) == expected);
        CHECK(python_json_text(json(value)) == expected);
    }
}

TEST_CASE("JSON integers stay integers and floats keep their point", "[results][hash]") {
    // python3 -c 'import json; print(json.dumps([2000, -3, 287.0, True, None, 18446744073709551615], separators=(",",":")))'
    const json mixed = json::array({2000, -3, 287.0, true, nullptr, std::numeric_limits<std::uint64_t>::max()});
    CHECK(python_json_text(mixed) == "[2000,-3,287.0,true,null,18446744073709551615]");
    CHECK(python_json_text(json::parse("[1, 1.0, 1e2]")) == "[1,1.0,100.0]");
}

TEST_CASE("strings are escaped as json.dumps does without ensure_ascii", "[results][hash]") {
    // python3 -c 'import json; print(json.dumps(["t\u00e9mps \"q\" \\ \n\r\t\b\f\x01\x1f\x7f \u2013"], separators=(",",":"), ensure_ascii=False))'
    const std::string raw = "t\u00e9mps \"q\" \\ \n\r\t\b\f\x01\x1f\x7f \u2013";
    CHECK(python_json_text(json::array({raw})) ==
          "[\"t\u00e9mps \\\"q\\\" \\\\ \\n\\r\\t\\b\\f\\u0001\\u001f\x7f \u2013\"]");
    CHECK(python_json_text(json{{"b", 1}, {"a", "x"}}) == "{\"a\":\"x\",\"b\":1}");
}

TEST_CASE("index axis hashes match Python", "[results][hash]") {
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps(["year",[2000,2001,2002]],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(index_axis_hash("year", json::array({2000, 2001, 2002})) ==
          "15a6e1ad82785fbc2f12164141831fe67f3d3fbba6d2c7c6f9a19960c88c6008");
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([None,["2000-01","2000-02"]],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(index_axis_hash(std::nullopt, json::array({"2000-01", "2000-02"})) ==
          "a13d1a30d36ff069b0f17767ea86f47b5c733ce14fb785f5d3cd6bb3e529e7c2");
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps(["t\u00e9mps \"q\" \\ \n\r\t\b\f\x01\x1f\x7f \u2013",[1.5,"a",3]],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(index_axis_hash("t\u00e9mps \"q\" \\ \n\r\t\b\f\x01\x1f\x7f \u2013", json::array({1.5, "a", 3})) ==
          "bab607cdd1cda778a26a2044caa95399587eb0cb20590d38956c54bdff8ab067");
    // An integer index and the same index as floats are different axes.
    CHECK(index_axis_hash("year", json::array({2000.0, 2001.0, 2002.0})) !=
          index_axis_hash("year", json::array({2000, 2001, 2002})));
}

TEST_CASE("reference ids match Python including NaN and null", "[results][hash]") {
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([[287.0,287.2,287.3],[2000,2001,2002],"OBS-X"],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(series_reference_id({287.0, 287.2, 287.3}, json::array({2000, 2001, 2002}), "OBS-X") ==
          "1d5843d8db91e6bb24873bc20aea6d4c420f6b1128b084f0820dafe07ea6f85e");
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([[287.1,float("nan"),287.4],[2000,2001,2002],None],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(series_reference_id({287.1, kNaN, 287.4}, json::array({2000, 2001, 2002}), std::nullopt) ==
          "86330881a94509c9814a7b5d9797da97714e71c37e793ee7ced950d1d7bc550d");
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([[1.0,float("inf"),-float("inf"),-0.0,1e-05],None,"HadISST"],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(series_reference_id({1.0, kInf, -kInf, -0.0, 1e-05}, nullptr, "HadISST") ==
          "18d9d4f1a05c1c8d6005f94256834baf70ffd30d43ae60fcea75a68438bc23ae");
}
