// Reading JSON files with messages naming the file, the place and the NaN/Infinity hint.
#include "results/json_file.hpp"
#include "results/metric_bundle.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <stdlib.h>

namespace fs = std::filesystem;
using ref::results::BundleError;
using ref::results::read_json_file;

namespace {

// A fresh directory removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ref-results-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return path / name;
    }
};

std::string error_of(const fs::path& file) {
    try {
        (void)read_json_file(file, "metric bundle");
    } catch (const BundleError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("a valid JSON file is parsed", "[results][json]") {
    TempDir dir;
    const auto doc = read_json_file(dir.write("ok.json", R"({"a": [1, null]})"), "metric bundle");
    CHECK(doc == nlohmann::json::parse(R"({"a": [1, null]})"));
}

TEST_CASE("bare NaN and Infinity get a hint to write null", "[results][json]") {
    TempDir dir;
    const auto nan = dir.write("nan.json", "{\n  \"a\": NaN}");
    CHECK(error_of(nan) == "metric bundle '" + nan.string() +
                               "' is not valid JSON: parse error at line 2, column 8: syntax error while parsing value - "
                               "invalid literal; last read: '\"a\": N' (bare NaN/Infinity are not JSON; write null for a "
                               "missing value)");
    const std::string hint = "(bare NaN/Infinity are not JSON; write null for a missing value)";
    CHECK(error_of(dir.write("inf.json", "[1, Infinity]")).find(hint) != std::string::npos);
    CHECK(error_of(dir.write("neg.json", "[1, -Infinity]")).find(hint) != std::string::npos);
}

TEST_CASE("other parse errors name line and column without the hint", "[results][json]") {
    TempDir dir;
    const auto bad = dir.write("bad.json", "{\"a\": 1,}");
    const std::string message = error_of(bad);
    CHECK(message.rfind("metric bundle '" + bad.string() + "' is not valid JSON: parse error at line 1, column 9", 0) == 0);
    CHECK(message.find("bare NaN") == std::string::npos);
    CHECK(error_of(dir.write("nan-lower.json", "[nan]")).find("bare NaN") == std::string::npos);
    CHECK(error_of(dir.write("empty.json", "")).find("is not valid JSON: parse error at line 1, column 1") !=
          std::string::npos);
}

TEST_CASE("a number beyond double range is named", "[results][json]") {
    TempDir dir;
    const auto big = dir.write("big.json", "[1e999]");
    CHECK(error_of(big) == "metric bundle '" + big.string() +
                               "' cannot be used: number overflow parsing '1e999' (beyond the range of a double)");
}

TEST_CASE("a missing file cannot be read", "[results][json]") {
    TempDir dir;
    const auto missing = dir.path / "missing.json";
    CHECK(error_of(missing) == "metric bundle '" + missing.string() + "' cannot be read: No such file or directory");
}
