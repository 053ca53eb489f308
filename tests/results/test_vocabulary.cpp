// The bundled controlled vocabulary (cmec.md §4.4) and its checks.
#include "results/vocabulary.hpp"

#include <catch2/catch.hpp>

using ref::results::Vocabulary;
using Strings = std::vector<std::string>;

TEST_CASE("the bundled vocabulary lists the dimensions of cmec.md 4.4 in order", "[results][vocabulary]") {
    Strings names;
    for (const auto& d : Vocabulary::bundled().dimensions()) names.push_back(d.name);
    CHECK(names == Strings{"kind", "mip_id", "source_id", "reference_source_id", "experiment_id", "variable_id",
                           "reference_variable_id", "grid_label", "member_id", "variant_label", "table_id",
                           "global_warming_level", "level", "metric", "region", "season", "mode", "method",
                           "statistic"});
}

TEST_CASE("the bundled dimensions carry the flags and values of the table", "[results][vocabulary]") {
    const auto& cv = Vocabulary::bundled();
    struct Row {
        const char* name;
        const char* long_name;
        bool allow_extra, required;
        Strings values;
    };
    const std::vector<Row> rows{
        {"kind", "Kind", false, false, {"model", "reference"}},
        {"source_id", "Source ID", true, false, {}},
        {"global_warming_level", "Global Warming Level", true, false, {}},
        {"metric", "Metric", true, true, {}},
        {"region", "Region", true, true, {"global", "NHEX", "SHEX", "Tropics"}},
        {"season", "Season", true, true, {"ann", "djf", "mam", "jja", "son"}},
        {"mode", "Mode of variability", false, false, {"NAM", "NAO", "PNA", "SAM", "PDO", "NPO", "NPGO"}},
        {"method", "EOF Method", false, false, {"cbf", "eof1", "eof2"}},
        {"statistic", "Statistic", true, true, {"rmse", "overall score", "bias"}},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        const auto* d = cv.find(row.name);
        REQUIRE(d != nullptr);
        CHECK(d->long_name == row.long_name);
        CHECK(d->allow_extra_values == row.allow_extra);
        CHECK(d->required == row.required);
        CHECK(d->values == row.values);
    }
    CHECK(cv.find("colour") == nullptr);
    CHECK(cv.find("") == nullptr);
}

TEST_CASE("vocabulary check accepts known names and allowed values", "[results][vocabulary]") {
    const auto& cv = Vocabulary::bundled();
    CHECK_FALSE(cv.check({}).has_value());
    CHECK_FALSE(cv.check({{"source_id", "ANY-MODEL"}, {"region", "Arctic"}, {"mode", "NAM"}}).has_value());
    CHECK_FALSE(cv.check({{"kind", "reference"}, {"statistic", "some new statistic"}}).has_value());
}

TEST_CASE("vocabulary check names an unknown dimension", "[results][vocabulary]") {
    CHECK(Vocabulary::bundled().check({{"colour", "red"}}) ==
          "unknown dimension 'colour' (not in the controlled vocabulary)");
}

TEST_CASE("vocabulary check lists the values of a closed dimension", "[results][vocabulary]") {
    const auto& cv = Vocabulary::bundled();
    CHECK(cv.check({{"mode", "XYZ"}}) == "value 'XYZ' of dimension 'mode' is not one of NAM, NAO, PNA, SAM, PDO, NPO, NPGO");
    CHECK(cv.check({{"kind", "obs"}}) == "value 'obs' of dimension 'kind' is not one of model, reference");
    CHECK(cv.check({{"method", "EOF1"}}) == "value 'EOF1' of dimension 'method' is not one of cbf, eof1, eof2");
}

TEST_CASE("vocabulary check reports the first problem in name order", "[results][vocabulary]") {
    const auto& cv = Vocabulary::bundled();
    CHECK(cv.check({{"mode", "XYZ"}, {"zzz", "1"}}) ==
          "value 'XYZ' of dimension 'mode' is not one of NAM, NAO, PNA, SAM, PDO, NPO, NPGO");
    CHECK(cv.check({{"mode", "NAM"}, {"zzz", "1"}}) == "unknown dimension 'zzz' (not in the controlled vocabulary)");
    CHECK(cv.check({{"aaa", "1"}, {"mode", "XYZ"}}) == "unknown dimension 'aaa' (not in the controlled vocabulary)");
}

TEST_CASE("a custom vocabulary is checked by its own dimensions", "[results][vocabulary]") {
    const Vocabulary cv({{"colour", "Colour", "", false, false, {"red", "blue"}}});
    CHECK_FALSE(cv.check({{"colour", "red"}}).has_value());
    CHECK(cv.check({{"colour", "green"}}) == "value 'green' of dimension 'colour' is not one of red, blue");
    CHECK(cv.check({{"kind", "model"}}) == "unknown dimension 'kind' (not in the controlled vocabulary)");
}
