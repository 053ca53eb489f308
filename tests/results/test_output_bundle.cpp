// Output bundles (cmec.md §5, §8, §10.2): types, provenance, filenames kept inside the output directory.
#include "results/output_bundle.hpp"

#include "cmec_examples.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using ref::results::BundleError;
using ref::results::OutputType;
using ref::results::read_output_bundle;
using ref::results::Vocabulary;

namespace {

const char* const kOutputDir = "/scratch/ref/exec-1";


json provenance() {
    return json::parse(R"({"environment": {}, "modeldata": [], "obsdata": {}, "log": "cmec_output.log"})");
}

// A bundle with one plot entry whose filename is `filename`.
json with_plot(const std::string& filename) {
    json b{{"provenance", provenance()}};
    b["plots"]["map"] = {{"filename", filename}, {"long_name", "Map"}, {"description", "A map"}};
    return b;
}

std::string error_of(const json& b, const std::string& output_dir = kOutputDir) {
    try {
        read_output_bundle(b, output_dir, Vocabulary::bundled());
    } catch (const BundleError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string filename_of(const std::string& filename, const std::string& output_dir = kOutputDir) {
    const auto content = read_output_bundle(with_plot(filename), output_dir, Vocabulary::bundled());
    REQUIRE(content.entries.size() == 1);
    return content.entries[0].filename;
}

}  // namespace

TEST_CASE("the worked output bundle yields one plot entry", "[results][output]") {
    const auto content = read_output_bundle(json::parse(ref::test::kOutputBundleExample), kOutputDir, Vocabulary::bundled());
    CHECK(content.index == "map");
    REQUIRE(content.entries.size() == 1);
    const auto& e = content.entries[0];
    CHECK(e.type == OutputType::Plot);
    CHECK(to_string(e.type) == "Plot");
    CHECK(e.short_name == "map");
    CHECK(e.filename == "plots/map.png");
    CHECK(e.long_name == "Bias map");
    CHECK(e.description == "Annual mean bias");
    CHECK(e.dimensions == std::map<std::string, std::string>{{"region", "global"}});
}

TEST_CASE("output types have their stored names", "[results][output]") {
    CHECK(to_string(OutputType::Plot) == "Plot");
    CHECK(to_string(OutputType::Data) == "Data");
    CHECK(to_string(OutputType::Html) == "HTML");
}

TEST_CASE("entries come as plots then data then html and metrics are not returned", "[results][output]") {
    json b{{"provenance", provenance()}};
    const json entry = {{"filename", "f"}, {"long_name", "l"}, {"description", "d"}};
    b["html"]["page"] = entry;
    b["data"]["b"] = entry;
    b["data"]["a"] = entry;
    b["plots"]["p"] = entry;
    b["metrics"]["m"] = entry;
    b["diagnostics"] = {{"anything", 1}};  // extra keys are allowed and not validated
    const auto content = read_output_bundle(b, kOutputDir, Vocabulary::bundled());
    CHECK_FALSE(content.index.has_value());
    REQUIRE(content.entries.size() == 4);
    CHECK(content.entries[0].short_name == "p");
    CHECK(content.entries[0].type == OutputType::Plot);
    CHECK(content.entries[1].short_name == "a");
    CHECK(content.entries[1].type == OutputType::Data);
    CHECK(content.entries[2].short_name == "b");
    CHECK(content.entries[3].short_name == "page");
    CHECK(content.entries[3].type == OutputType::Html);
}

TEST_CASE("filenames are normalised relative to the output directory", "[results][output]") {
    CHECK(filename_of("plots/map.png") == "plots/map.png");
    CHECK(filename_of("./plots//map.png") == "plots/map.png");
    CHECK(filename_of("plots/../map.png") == "map.png");
    CHECK(filename_of("/scratch/ref/exec-1/plots/map.png") == "plots/map.png");
    CHECK(filename_of("/scratch/ref/exec-1/plots/map.png", "/scratch/ref/exec-1/") == "plots/map.png");
    CHECK(filename_of("/scratch/ref/other/../exec-1/a.png") == "a.png");
    CHECK(filename_of("/scratch/ref/exec-1/a.png", "/scratch/ref/./exec-1") == "a.png");
}

TEST_CASE("a filename leaving the output directory is an error", "[results][output]") {
    CHECK(error_of(with_plot("../x.png")) == "plots/map: filename '../x.png' leaves the execution's output directory");
    CHECK(error_of(with_plot("plots/../../x.png")) ==
          "plots/map: filename 'plots/../../x.png' leaves the execution's output directory");
    CHECK(error_of(with_plot("..")) == "plots/map: filename '..' leaves the execution's output directory");
    CHECK(error_of(with_plot("/etc/passwd")) == "plots/map: filename '/etc/passwd' leaves the execution's output directory");
    // A sibling directory sharing the prefix is outside too.
    CHECK(error_of(with_plot("/scratch/ref/exec-10/x.png")) ==
          "plots/map: filename '/scratch/ref/exec-10/x.png' leaves the execution's output directory");
    CHECK(error_of(with_plot("/scratch/ref/exec-1/../x.png")) ==
          "plots/map: filename '/scratch/ref/exec-1/../x.png' leaves the execution's output directory");
}

TEST_CASE("a filename naming no file is an error", "[results][output]") {
    CHECK(error_of(with_plot("")) == "plots/map: filename '' does not name a file");
    CHECK(error_of(with_plot(".")) == "plots/map: filename '.' does not name a file");
    CHECK(error_of(with_plot("plots/")) == "plots/map: filename 'plots/' does not name a file");
    CHECK(error_of(with_plot("/scratch/ref/exec-1")) == "plots/map: filename '/scratch/ref/exec-1' does not name a file");
    CHECK(error_of(with_plot(std::string("a\0b", 3))) == "plots/map: filename contains a NUL character");
}

TEST_CASE("provenance is required with its four keys", "[results][output]") {
    CHECK(error_of(json::object()) == "output bundle: provenance is missing");
    CHECK(error_of(json{{"provenance", nullptr}}) == "output bundle: provenance must be an object, not null");
    for (const char* key : {"environment", "modeldata", "obsdata", "log"}) {
        json b{{"provenance", provenance()}};
        b["provenance"].erase(key);
        CHECK(error_of(b) == std::string("provenance: ") + key + " is missing");
    }
}

TEST_CASE("provenance values are strictly typed", "[results][output]") {
    auto with = [](const char* key, const json& value) {
        json b{{"provenance", provenance()}};
        b["provenance"][key] = value;
        return error_of(b);
    };
    CHECK(with("environment", json::array()) == "provenance: environment must be an object, not an array");
    CHECK(with("environment", {{"PATH", 3}}) == "provenance: environment/PATH must be a string or null, not a number");
    CHECK(with("environment", {{"PATH", nullptr}, {"HOME", "/root"}}) == "(accepted)");
    CHECK(with("modeldata", 1) == "provenance: modeldata must be a string, a list of strings or an object, not a number");
    CHECK(with("modeldata", json::array({"a.nc", 2})) == "provenance: modeldata[1] must be a string, not a number");
    CHECK(with("modeldata", "a.nc") == "(accepted)");
    CHECK(with("obsdata", nullptr) == "provenance: obsdata must be a string, a list of strings or an object, not null");
    CHECK(with("obsdata", json::array({"obs.nc"})) == "(accepted)");
    CHECK(with("log", 1) == "provenance: log must be a string, not a number");
    CHECK(with("extra", json::array()) == "(accepted)");
}

TEST_CASE("output entries are strictly typed", "[results][output]") {
    for (const char* key : {"filename", "long_name", "description"}) {
        json b = with_plot("a.png");
        b["plots"]["map"].erase(key);
        CHECK(error_of(b) == std::string("plots/map: ") + key + " is missing");
        b["plots"]["map"][key] = 7;
        CHECK(error_of(b) == std::string("plots/map: ") + key + " must be a string, not a number");
    }
    json b = with_plot("a.png");
    b["plots"]["map"]["dimensions"] = json::array();
    CHECK(error_of(b) == "plots/map: dimensions must be an object or null, not an array");
    b["plots"]["map"]["dimensions"] = {{"region", 1}};
    CHECK(error_of(b) == "plots/map: dimensions/region must be a string, not a number");
    b["plots"]["map"]["dimensions"] = nullptr;
    CHECK(error_of(b) == "(accepted)");
    b["plots"]["map"]["caption"] = 3;  // extra keys are allowed
    CHECK(error_of(b) == "(accepted)");
    b["plots"]["other"] = "x.png";
    CHECK(error_of(b) == "plots/other must be an object, not a string");
}

TEST_CASE("sections and index are strictly typed", "[results][output]") {
    json b{{"provenance", provenance()}, {"data", json::array()}};
    CHECK(error_of(b) == "output bundle: data must be an object or null, not an array");
    json c{{"provenance", provenance()}, {"index", 3}};
    CHECK(error_of(c) == "output bundle: index must be a string or null, not a number");
    CHECK(error_of(json::array()) == "the output bundle must be a JSON object, not an array");
}

TEST_CASE("metrics entries are validated but neither path- nor vocabulary-checked", "[results][output]") {
    json b{{"provenance", provenance()}};
    b["metrics"]["m"] = {{"filename", "../elsewhere.json"}, {"long_name", "l"}, {"description", "d"},
                         {"dimensions", {{"colour", "red"}}}};
    CHECK(error_of(b) == "(accepted)");
    b["metrics"]["m"].erase("long_name");
    CHECK(error_of(b) == "metrics/m: long_name is missing");
}

TEST_CASE("output entry dimensions must pass the vocabulary", "[results][output]") {
    json b = with_plot("a.png");
    b["plots"]["map"]["dimensions"] = {{"colour", "red"}};
    CHECK(error_of(b) == "plots/map: unknown dimension 'colour' (not in the controlled vocabulary)");
    b["plots"]["map"]["dimensions"] = {{"method", "pca"}};
    CHECK(error_of(b) == "plots/map: value 'pca' of dimension 'method' is not one of cbf, eof1, eof2");
}
