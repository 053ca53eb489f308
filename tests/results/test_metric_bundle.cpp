// Validating and flattening metric bundles (cmec.md §2, §3, §8, §10.1).
#include "results/metric_bundle.hpp"

#include "cmec_examples.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using nlohmann::json;
using ref::results::BundleError;
using ref::results::read_metric_bundle;
using ref::results::Vocabulary;

namespace {


json bundle(const std::string& dimensions, const std::string& results) {
    return json::parse(R"({"DIMENSIONS": )" + dimensions + R"(, "RESULTS": )" + results + "}");
}

// The two-level bundle most error cases start from.
const char* const kTwoDims = R"({"json_structure": ["region", "statistic"],
                                  "region": {"global": {}, "Tropics": {}}, "statistic": {"bias": {}, "rmse": {}}})";

std::string error_of(const json& b, bool allow_extra_keys = true) {
    try {
        read_metric_bundle(b, Vocabulary::bundled(), allow_extra_keys);
    } catch (const BundleError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("the worked metric bundle validates and flattens into four rows", "[results][metric]") {
    const auto content = read_metric_bundle(json::parse(ref::test::kMetricBundleExample), Vocabulary::bundled());
    CHECK(content.warnings.empty());
    REQUIRE(content.values.size() == 4);
    using Dims = std::map<std::string, std::string>;
    CHECK(content.values[0].dimensions == Dims{{"source_id", "MODEL-A"}, {"region", "Tropics"}, {"statistic", "bias"}});
    CHECK(content.values[0].value == -0.25);
    CHECK(content.values[0].attributes.is_null());
    CHECK(content.values[1].dimensions == Dims{{"source_id", "MODEL-A"}, {"region", "Tropics"}, {"statistic", "rmse"}});
    CHECK(std::isnan(content.values[1].value));
    CHECK(content.values[1].attributes.is_null());
    CHECK(content.values[2].dimensions == Dims{{"source_id", "MODEL-A"}, {"region", "global"}, {"statistic", "bias"}});
    CHECK(content.values[2].value == 0.5);
    CHECK(content.values[2].attributes == json{{"units", "K"}});
    CHECK(content.values[3].dimensions == Dims{{"source_id", "MODEL-A"}, {"region", "global"}, {"statistic", "rmse"}});
    CHECK(content.values[3].value == 1.25);
    CHECK(content.values[3].attributes == json{{"units", "K"}});
    for (const auto& v : content.values) CHECK(v.kind == "model");
}

TEST_CASE("a kind dimension is lifted into the kind field", "[results][metric]") {
    const auto content = read_metric_bundle(
        bundle(R"({"json_structure": ["kind", "statistic"], "kind": {"model": {}, "reference": {}},
                   "statistic": {"bias": {}, "rmse": {}}})",
               R"({"model": {"bias": 1.5}, "reference": {"rmse": 2}})"),
        Vocabulary::bundled());
    REQUIRE(content.values.size() == 2);
    CHECK(content.values[0].kind == "model");
    CHECK(content.values[0].dimensions == std::map<std::string, std::string>{{"statistic", "bias"}});
    CHECK(content.values[1].kind == "reference");
    CHECK(content.values[1].dimensions == std::map<std::string, std::string>{{"statistic", "rmse"}});
    CHECK(content.values[1].value == 2.0);  // integer leaves become doubles
}

TEST_CASE("a kind other than model or reference is an error", "[results][metric]") {
    const json b = bundle(R"({"json_structure": ["kind", "statistic"], "kind": {"model": {}, "obs": {}},
                             "statistic": {"bias": {}}})",
                          R"({"model": {"bias": 1}, "obs": {"bias": 2}})");
    CHECK(error_of(b) == "RESULTS/obs/bias: kind must be 'model' or 'reference', not 'obs'");
}

TEST_CASE("a bundle without values is valid only with empty RESULTS", "[results][metric]") {
    const json empty_template = json::parse(
        R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}, "PROVENANCE": null, "DISCLAIMER": null, "NOTES": null})");
    const auto content = read_metric_bundle(empty_template, Vocabulary::bundled());
    CHECK(content.values.empty());
    CHECK(content.warnings.empty());
    CHECK(error_of(bundle(R"({"json_structure": []})", R"({"x": {}})")) ==
          "RESULTS must be {} when json_structure is empty");
}

TEST_CASE("the top-level keys of a metric bundle are checked", "[results][metric]") {
    CHECK(error_of(json::array()) == "the metric bundle must be a JSON object, not an array");
    CHECK(error_of(json::parse(R"({"RESULTS": {}})")) == "DIMENSIONS is missing");
    CHECK(error_of(json::parse(R"({"DIMENSIONS": {"json_structure": []}})")) == "RESULTS is missing");
    CHECK(error_of(json::parse(R"({"DIMENSIONS": [], "RESULTS": {}})")) == "DIMENSIONS must be an object, not an array");
    CHECK(error_of(json::parse(R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": null})")) ==
          "RESULTS must be an object, not null");
    CHECK(error_of(json::parse(R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}, "PROVENANCE": "me"})")) ==
          "PROVENANCE must be an object or null, not a string");
    CHECK(error_of(json::parse(R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}, "NOTES": [1]})")) ==
          "NOTES must be an object or null, not an array");
    // Extra top-level keys are allowed (§2.1).
    CHECK(error_of(json::parse(R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}, "EXTRA": 1})")) ==
          "(accepted)");
}

TEST_CASE("json_structure must list exactly the declared dimensions once each", "[results][metric]") {
    CHECK(error_of(bundle(R"({"region": {}})", "{}")) == "DIMENSIONS/json_structure is missing");
    CHECK(error_of(bundle(R"({"json_structure": "region", "region": {}})", "{}")) ==
          "DIMENSIONS/json_structure must be an array of dimension names, not a string");
    CHECK(error_of(bundle(R"({"json_structure": ["region", 3], "region": {}})", "{}")) ==
          "DIMENSIONS/json_structure[1] must be a string, not a number");
    CHECK(error_of(bundle(R"({"json_structure": ["region", "season"], "region": {}})", "{}")) ==
          "DIMENSIONS/json_structure lists 'season', which DIMENSIONS does not declare");
    CHECK(error_of(bundle(R"({"json_structure": ["region"], "region": {}, "model": {}})", "{}")) ==
          "DIMENSIONS declares 'model', which json_structure does not list");
    CHECK(error_of(bundle(R"({"json_structure": ["region", "region"], "region": {}})", "{}")) ==
          "DIMENSIONS/json_structure lists 'region' twice");
    CHECK(error_of(bundle(R"({"json_structure": ["region"], "region": ["global"]})", "{}")) ==
          "DIMENSIONS/region must be an object mapping each value to its metadata, not an array");
    CHECK(error_of(bundle(R"({"json_structure": ["attributes"], "attributes": {}})", "{}")) ==
          "DIMENSIONS/json_structure: 'attributes' is reserved and cannot name a dimension");
    CHECK(error_of(bundle(R"({"json_structure": ["region"], "region": {"attributes": {}}})", "{}")) ==
          "DIMENSIONS/region: 'attributes' is reserved and cannot be a value");
}

TEST_CASE("non-innermost levels must hold exactly the declared values", "[results][metric]") {
    CHECK(error_of(bundle(kTwoDims, R"({"global": {"bias": 1}})")) ==
          "RESULTS: the keys of dimension 'region' must be exactly its declared values (missing: Tropics)");
    CHECK(error_of(bundle(kTwoDims, R"({"global": {}, "Tropics": {}, "Arctic": {}})")) ==
          "RESULTS: the keys of dimension 'region' must be exactly its declared values (undeclared: Arctic)");
    CHECK(error_of(bundle(kTwoDims, R"({"global": {}, "Arctic": {}})")) ==
          "RESULTS: the keys of dimension 'region' must be exactly its declared values (missing: Tropics; "
          "undeclared: Arctic)");
    // attributes is not a dimension value and is ignored at outer levels.
    CHECK(error_of(bundle(kTwoDims, R"({"attributes": [1, 2], "global": {}, "Tropics": {}})")) == "(accepted)");
}

TEST_CASE("a missing intermediate key deep in RESULTS is named by its path", "[results][metric]") {
    const json b = json::parse(ref::test::kMetricBundleExample);
    json broken = b;
    broken["DIMENSIONS"]["source_id"]["MODEL-B"] = json::object();
    broken["RESULTS"]["MODEL-B"] = {{"global", {{"bias", 1}}}};
    CHECK(error_of(broken) ==
          "RESULTS/MODEL-B: the keys of dimension 'region' must be exactly its declared values (missing: Tropics)");
}

TEST_CASE("non-innermost values must be objects", "[results][metric]") {
    CHECK(error_of(bundle(kTwoDims, R"({"global": 1.5, "Tropics": {}})")) ==
          "RESULTS/global: expected an object keyed by dimension 'statistic', not a number");
    CHECK(error_of(bundle(kTwoDims, R"({"global": null, "Tropics": {}})")) ==
          "RESULTS/global: expected an object keyed by dimension 'statistic', not null");
}

TEST_CASE("leaves must be numbers or null", "[results][metric]") {
    CHECK(error_of(bundle(kTwoDims, R"({"global": {"bias": "1.5"}, "Tropics": {}})")) ==
          "RESULTS/global/bias: leaves must be numbers or null, not a string");
    CHECK(error_of(bundle(kTwoDims, R"({"global": {"bias": true}, "Tropics": {}})")) ==
          "RESULTS/global/bias: leaves must be numbers or null, not a boolean");
    CHECK(error_of(bundle(kTwoDims, R"({"global": {"bias": {"x": 1}}, "Tropics": {}})")) ==
          "RESULTS/global/bias: leaves must be numbers or null, not an object");
    CHECK(error_of(bundle(kTwoDims, R"({"global": {"bias": [1]}, "Tropics": {}})")) ==
          "RESULTS/global/bias: leaves must be numbers or null, not an array");
}

TEST_CASE("a single dimension with number leaves is rejected", "[results][metric]") {
    const std::string dims = R"({"json_structure": ["statistic"], "statistic": {"bias": {}}})";
    CHECK(error_of(bundle(dims, R"({"bias": 1.0})")) ==
          "RESULTS/bias: a bundle with a single dimension cannot hold values (the top level of RESULTS must map keys "
          "to objects)");
    CHECK(error_of(bundle(dims, R"({"bias": null})")).rfind("RESULTS/bias: a bundle with a single dimension", 0) == 0);
    CHECK(read_metric_bundle(bundle(dims, "{}"), Vocabulary::bundled()).values.empty());
}

TEST_CASE("a non-finite leaf is an error asking for null", "[results][metric]") {
    json b = json::parse(ref::test::kMetricBundleExample);
    b["RESULTS"]["MODEL-A"]["global"]["bias"] = std::numeric_limits<double>::infinity();
    CHECK(error_of(b) == "RESULTS/MODEL-A/global/bias: value is not finite; write null for a missing value");
    b["RESULTS"]["MODEL-A"]["global"]["bias"] = std::numeric_limits<double>::quiet_NaN();
    CHECK(error_of(b) == "RESULTS/MODEL-A/global/bias: value is not finite; write null for a missing value");
}

TEST_CASE("innermost attributes must map to strings or numbers", "[results][metric]") {
    auto with_attributes = [](const std::string& attributes) {
        return bundle(kTwoDims, R"({"global": {"attributes": )" + attributes + R"(, "bias": 1.0}, "Tropics": {}})");
    };
    CHECK(error_of(with_attributes(R"({"units": null})")) ==
          "RESULTS/global/attributes/units must be a string or a number, not null");
    CHECK(error_of(with_attributes(R"({"units": ["K"]})")) ==
          "RESULTS/global/attributes/units must be a string or a number, not an array");
    CHECK(error_of(with_attributes(R"({"units": {"a": "K"}})")) ==
          "RESULTS/global/attributes/units must be a string or a number, not an object");
    CHECK(error_of(with_attributes(R"({"units": true})")) ==
          "RESULTS/global/attributes/units must be a string or a number, not a boolean");
    CHECK(error_of(with_attributes(R"(["K"])")) == "RESULTS/global/attributes must be an object or null, not an array");

    const auto null_attributes = read_metric_bundle(with_attributes("null"), Vocabulary::bundled());
    REQUIRE(null_attributes.values.size() == 1);
    CHECK(null_attributes.values[0].attributes.is_null());

    const auto mixed = read_metric_bundle(with_attributes(R"({"units": "K", "n": 12, "w": 0.5})"), Vocabulary::bundled());
    REQUIRE(mixed.values.size() == 1);
    CHECK(mixed.values[0].attributes == json{{"units", "K"}, {"n", 12}, {"w", 0.5}});
}

TEST_CASE("non-finite numbers in attributes become null", "[results][metric]") {
    json b = bundle(kTwoDims, R"({"global": {"attributes": {"units": "K"}, "bias": 1.0}, "Tropics": {}})");
    b["RESULTS"]["global"]["attributes"]["scale"] = std::numeric_limits<double>::infinity();
    const auto content = read_metric_bundle(b, Vocabulary::bundled());
    REQUIRE(content.values.size() == 1);
    CHECK(content.values[0].attributes["scale"].is_null());
    CHECK(content.values[0].attributes["units"] == "K");
}

TEST_CASE("undeclared innermost keys are warnings and kept", "[results][metric]") {
    // Two levels: upstream keeps these; three levels: upstream drops them. We keep both.
    const auto two = read_metric_bundle(bundle(kTwoDims, R"({"global": {"bias": 1, "mae": 2}, "Tropics": {}})"),
                                        Vocabulary::bundled());
    REQUIRE(two.values.size() == 2);
    CHECK(two.values[1].dimensions.at("statistic") == "mae");
    CHECK(two.values[1].value == 2.0);
    REQUIRE(two.warnings.size() == 1);
    CHECK(two.warnings[0] == "RESULTS/global: 'mae' is not a declared value of dimension 'statistic'");

    json three = json::parse(ref::test::kMetricBundleExample);
    three["RESULTS"]["MODEL-A"]["global"]["mae"] = 0.75;
    const auto deep = read_metric_bundle(three, Vocabulary::bundled());
    REQUIRE(deep.values.size() == 5);
    // Tropics/bias, Tropics/rmse, global/bias, global/mae, global/rmse
    CHECK(deep.values[3].dimensions.at("statistic") == "mae");
    CHECK(deep.values[3].attributes == json{{"units", "K"}});
    REQUIRE(deep.warnings.size() == 1);
    CHECK(deep.warnings[0] == "RESULTS/MODEL-A/global: 'mae' is not a declared value of dimension 'statistic'");
}

TEST_CASE("undeclared innermost keys are errors when extra keys are not allowed", "[results][metric]") {
    const json b = bundle(kTwoDims, R"({"global": {"bias": 1, "mae": 2}, "Tropics": {}})");
    CHECK(error_of(b, false) ==
          "RESULTS/global: 'mae' is not a declared value of dimension 'statistic' (ALLOW_EXTRA_KEYS is false)");
    // Declared keys alone are fine either way.
    CHECK(error_of(json::parse(ref::test::kMetricBundleExample), false) == "(accepted)");
}

TEST_CASE("missing innermost values are fine", "[results][metric]") {
    const auto content = read_metric_bundle(bundle(kTwoDims, R"({"global": {"rmse": 3}, "Tropics": {}})"),
                                            Vocabulary::bundled());
    REQUIRE(content.values.size() == 1);
    CHECK(content.values[0].dimensions == std::map<std::string, std::string>{{"region", "global"}, {"statistic", "rmse"}});
    CHECK(content.warnings.empty());
}

TEST_CASE("scalar dimensions must pass the vocabulary", "[results][metric]") {
    CHECK(error_of(bundle(R"({"json_structure": ["colour", "statistic"], "colour": {"red": {}}, "statistic": {"bias": {}}})",
                          R"({"red": {"bias": 1}})")) ==
          "RESULTS/red/bias: unknown dimension 'colour' (not in the controlled vocabulary)");
    CHECK(error_of(bundle(R"({"json_structure": ["mode", "statistic"], "mode": {"XYZ": {}}, "statistic": {"bias": {}}})",
                          R"({"XYZ": {"bias": 1}})")) ==
          "RESULTS/XYZ/bias: value 'XYZ' of dimension 'mode' is not one of NAM, NAO, PNA, SAM, PDO, NPO, NPGO");
    // A custom vocabulary without kind rejects a kind dimension.
    const Vocabulary small({{"statistic", "Statistic", "", true, false, {}}});
    const json with_kind = bundle(R"({"json_structure": ["kind", "statistic"], "kind": {"model": {}}, "statistic": {"bias": {}}})",
                                  R"({"model": {"bias": 1}})");
    CHECK_THROWS_WITH(read_metric_bundle(with_kind, small),
                      "RESULTS/model/bias: unknown dimension 'kind' (not in the controlled vocabulary)");
}

TEST_CASE("flatten_metric_bundle still flattens without vocabulary checks", "[results][metric]") {
    const auto values = ref::results::flatten_metric_bundle(
        bundle(R"({"json_structure": ["colour", "statistic"], "colour": {"red": {}}, "statistic": {"bias": {}}})",
               R"({"red": {"bias": 1, "extra": null}})"));
    REQUIRE(values.size() == 2);
    CHECK(values[0].dimensions.at("colour") == "red");
    CHECK(std::isnan(values[1].value));
}
