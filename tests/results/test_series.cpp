// Series files (cmec.md §6, §8, §10.3).
#include "results/hashing.hpp"
#include "results/series.hpp"

#include "cmec_examples.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using nlohmann::json;
using ref::results::BundleError;
using ref::results::read_series;
using ref::results::Vocabulary;

namespace {


json entry() {
    return json::parse(R"({"dimensions": {"region": "global"}, "index": [1, 2], "index_name": "month",
                            "values": [1.5, 2.5]})");
}

std::string error_of(const json& entry_or_doc) {
    const json doc = entry_or_doc.is_array() ? entry_or_doc : json::array({entry_or_doc});
    try {
        read_series(doc, Vocabulary::bundled());
    } catch (const BundleError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("the worked series file loads two entries", "[results][series]") {
    const auto series = read_series(json::parse(ref::test::kSeriesExample), Vocabulary::bundled());
    REQUIRE(series.size() == 2);
    const auto& ref = series[0];
    CHECK(ref.kind == "reference");
    CHECK(ref.dimensions == std::map<std::string, std::string>{
                                {"reference_source_id", "OBS-X"}, {"region", "global"}, {"variable_id", "tas"}});
    CHECK(ref.values == std::vector<double>{287.0, 287.2, 287.3});
    CHECK(ref.index == json::array({2000, 2001, 2002}));
    CHECK(ref.index_name == "year");
    CHECK(ref.attributes.is_null());

    const auto& model = series[1];
    CHECK(model.kind == "model");
    REQUIRE(model.values.size() == 3);
    CHECK(model.values[0] == 287.1);
    CHECK(std::isnan(model.values[1]));
    CHECK(model.values[2] == 287.4);
    CHECK(model.attributes == json{{"method", "area-weighted"}});
}

TEST_CASE("the worked series share one axis hash and the reference gets its id", "[results][series][hash]") {
    const auto series = read_series(json::parse(ref::test::kSeriesExample), Vocabulary::bundled());
    REQUIRE(series.size() == 2);
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps(["year",[2000,2001,2002]],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    const std::string axis = "15a6e1ad82785fbc2f12164141831fe67f3d3fbba6d2c7c6f9a19960c88c6008";
    CHECK(ref::results::index_axis_hash(series[0].index_name, series[0].index) == axis);
    CHECK(ref::results::index_axis_hash(series[1].index_name, series[1].index) == axis);
    // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps([[287.0,287.2,287.3],[2000,2001,2002],"OBS-X"],separators=(",",":"),ensure_ascii=False).encode()).hexdigest())'
    CHECK(ref::results::series_reference_id(series[0].values, series[0].index,
                                            series[0].dimensions.at("reference_source_id")) ==
          "1d5843d8db91e6bb24873bc20aea6d4c420f6b1128b084f0820dafe07ea6f85e");
}

TEST_CASE("a series file must be an array of objects", "[results][series]") {
    CHECK_THROWS_WITH(read_series(json::object(), Vocabulary::bundled()),
                      "the series file must be a JSON array of series entries, not an object");
    CHECK(read_series(json::array(), Vocabulary::bundled()).empty());
    CHECK(error_of(json::array({entry(), 3})) == "series[1]: must be an object, not a number");
}

TEST_CASE("required series keys must be present", "[results][series]") {
    json e = entry();
    e.erase("dimensions");
    CHECK(error_of(e) == "series[0]: dimensions is missing");
    for (const char* key : {"values", "index", "index_name"}) {
        json f = entry();
        f.erase(key);
        CHECK(error_of(f) == std::string("series[0] (region=global): ") + key + " is missing");
    }
}

TEST_CASE("series keys are typed without coercion", "[results][series]") {
    auto with = [](const char* key, const json& value) {
        json e = entry();
        e[key] = value;
        return error_of(e);
    };
    CHECK(with("dimensions", json::array()) == "series[0]: dimensions must be an object, not an array");
    CHECK(with("dimensions", {{"region", 1}}) == "series[0]: dimensions/region must be a string, not a number");
    CHECK(with("values", "1,2") == "series[0] (region=global): values must be an array, not a string");
    CHECK(with("values", json::array({1, "2"})) == "series[0] (region=global): values[1] must be a number or null, not a string");
    CHECK(with("values", json::array({true, 2})) == "series[0] (region=global): values[0] must be a number or null, not a boolean");
    CHECK(with("index", json::object()) == "series[0] (region=global): index must be an array, not an object");
    CHECK(with("index", json::array({1, nullptr})) ==
          "series[0] (region=global): index[1] must be a string or a number, not null");
    CHECK(with("index", json::array({false, 2})) ==
          "series[0] (region=global): index[0] must be a string or a number, not a boolean");
    CHECK(with("index_name", 5) == "series[0] (region=global): index_name must be a string, not a number");
    CHECK(with("kind", 1) == "series[0] (region=global): kind must be a string, not a number");
    CHECK(with("kind", "obs") == "series[0] (region=global): kind must be 'model' or 'reference', not 'obs'");
    for (const char* key : {"reference_id", "value_units", "value_long_name", "index_units", "calendar"}) {
        CHECK(with(key, 1) == std::string("series[0] (region=global): ") + key + " must be a string or null, not a number");
        CHECK(with(key, nullptr) == "(accepted)");
        CHECK(with(key, "x") == "(accepted)");
    }
    CHECK(with("unknown_key", json::array()) == "(accepted)");
}

TEST_CASE("index and values must have the same length", "[results][series]") {
    json e = entry();
    e["index"] = json::array({1, 2, 3});
    CHECK(error_of(e) == "series[0] (region=global): index has 3 entries but values has 2");
}

TEST_CASE("non-finite numbers are rejected in values and index", "[results][series]") {
    json e = entry();
    e["values"][1] = std::numeric_limits<double>::infinity();
    CHECK(error_of(e) == "series[0] (region=global): values[1] is not finite; write null for a missing value");
    json f = entry();
    f["index"][0] = std::numeric_limits<double>::quiet_NaN();
    CHECK(error_of(f) == "series[0] (region=global): index[0] is not finite");
}

TEST_CASE("mixed string and number index values are kept as written", "[results][series]") {
    json e = entry();
    e["index"] = json::array({"2000-01", 2.5});
    const auto series = read_series(json::array({e}), Vocabulary::bundled());
    REQUIRE(series.size() == 1);
    CHECK(series[0].index == json::array({"2000-01", 2.5}));
}

TEST_CASE("a kind inside dimensions is stripped into the kind field", "[results][series]") {
    json e = entry();
    e["dimensions"]["kind"] = "reference";
    auto series = read_series(json::array({e}), Vocabulary::bundled());
    REQUIRE(series.size() == 1);
    CHECK(series[0].kind == "reference");
    CHECK(series[0].dimensions == std::map<std::string, std::string>{{"region", "global"}});

    e["kind"] = "reference";  // both given and agreeing
    series = read_series(json::array({e}), Vocabulary::bundled());
    CHECK(series[0].kind == "reference");

    e["kind"] = "model";
    CHECK(error_of(e) == "series[0] (kind=reference, region=global): kind 'model' disagrees with dimensions/kind 'reference'");

    json f = entry();
    f["dimensions"]["kind"] = "obs";
    CHECK(error_of(f) == "series[0] (kind=obs, region=global): dimensions/kind must be 'model' or 'reference', not 'obs'");
}

TEST_CASE("series attributes map to strings numbers or null", "[results][series]") {
    json e = entry();
    e["attributes"] = {{"source", "file.nc"}, {"n", 3}, {"missing", nullptr}};
    e["attributes"]["scale"] = std::numeric_limits<double>::infinity();
    const auto series = read_series(json::array({e}), Vocabulary::bundled());
    REQUIRE(series.size() == 1);
    CHECK(series[0].attributes == json{{"source", "file.nc"}, {"n", 3}, {"missing", nullptr}, {"scale", nullptr}});

    e["attributes"] = {{"list", json::array({1})}};
    CHECK(error_of(e) == "series[0] (region=global): attributes/list must be a string, a number or null, not an array");
    e["attributes"] = "none";
    CHECK(error_of(e) == "series[0] (region=global): attributes must be an object or null, not a string");
}

TEST_CASE("series dimensions must pass the vocabulary", "[results][series]") {
    json e = entry();
    e["dimensions"]["colour"] = "red";
    CHECK(error_of(e) ==
          "series[0] (colour=red, region=global): unknown dimension 'colour' (not in the controlled vocabulary)");
    json f = entry();
    f["dimensions"]["mode"] = "ENSO";
    CHECK(error_of(f) == "series[0] (mode=ENSO, region=global): value 'ENSO' of dimension 'mode' is not one of NAM, NAO, "
                         "PNA, SAM, PDO, NPO, NPGO");
}

TEST_CASE("a bad entry rejects the whole file and is named by position", "[results][series]") {
    json bad = entry();
    bad["values"] = nullptr;
    CHECK(error_of(json::array({entry(), entry(), entry(), bad})) ==
          "series[3] (region=global): values must be an array, not null");
}
