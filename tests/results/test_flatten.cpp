// Flattening the worked example of a metric bundle into scalar values.
#include "results/metric_bundle.hpp"

#include "cmec_examples.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using nlohmann::json;

TEST_CASE("the worked example flattens into four scalar values in file order", "[results]") {
    const json bundle = json::parse(ref::test::kMetricBundleExample);
    const auto values = ref::results::flatten_metric_bundle(bundle);
    REQUIRE(values.size() == 4);
    CHECK(values[0].dimensions.at("region") == "Tropics");
    CHECK(values[0].value == -0.25);
    CHECK(std::isnan(values[1].value));
    CHECK(values[2].attributes == json{{"units", "K"}});
    CHECK(values[3].kind == "model");
}
