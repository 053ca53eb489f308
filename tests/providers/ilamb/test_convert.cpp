// Conversion of ilamb3's native outputs into CMEC bundles.
#include "ilamb_test_support.hpp"
#include "skip.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace ilamb_test;
namespace ilamb = ref::ilamb;

namespace {

const std::vector<std::pair<std::string, std::string>> selectors = {
    {"experiment_id", "historical"}, {"source_id", "ACCESS-ESM1-5"}, {"member_id", "r1i1p1f1"}, {"grid_label", "gn"}};

// Equal JSON, numbers compared with a relative tolerance: the fixture's bundle was written by
// Python, whose shortest float representation differs from the CSV text in the last digit
// (0.13445039063170006 in the CSV, 0.1344503906317 in the bundle).
void check_json_close(const json& actual, const json& expected, const std::string& where = "$") {
    INFO(where);
    if (expected.is_number() && actual.is_number()) {
        CHECK(actual.get<double>() == Approx(expected.get<double>()).epsilon(1e-12));
        return;
    }
    REQUIRE(actual.type_name() == std::string(expected.type_name()));
    if (expected.is_object()) {
        std::vector<std::string> a, e;
        for (const auto& [k, v] : actual.items()) a.push_back(k);
        for (const auto& [k, v] : expected.items()) e.push_back(k);
        REQUIRE(a == e);
        for (const auto& [k, v] : expected.items()) check_json_close(actual[k], v, where + "." + k);
    } else if (expected.is_array()) {
        REQUIRE(actual.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            check_json_close(actual[i], expected[i], where + "[" + std::to_string(i) + "]");
    } else {
        CHECK(actual == expected);
    }
}

const char* const synthetic_csv =
    "source,region,analysis,name,type,units,value\n"
    "Reference,global,Bias,Period Mean [kg m-2 s-1],scalar,kg m-2 s-1,2.9e-08\n"
    "ACCESS-ESM1-5,global,Bias,Period Mean [kg m-2 s-1],scalar,kg m-2 s-1,3.5e-08\n"
    "ACCESS-ESM1-5,global,Bias,Bias [kg m-2 s-1],scalar,kg m-2 s-1,8.2e-09\n"
    "ACCESS-ESM1-5,global,Bias,Bias Score [1],score,1,0.47\n"
    "ACCESS-ESM1-5,tropical,RMSE,RMSE Score [1],score,1,0.35\n"
    "ACCESS-ESM1-5,tropical,Relationship pr,Relationship Score pr [1],score,1,0.4758796\n"
    "ACCESS-ESM1-5,tropical,RMSE,RMSE [kg m-2 s-1],scalar,kg m-2 s-1,NaN\n"
    "\"ACCESS-ESM1-5\",\"global\",\"Spatial Distribution\",\"Correlation [1]\",scalar,1,0.87\n"
    "ACCESS-ESM1-5,global,Bias,Bias Score [1],score,1,0.99\n";

}  // namespace

TEST_CASE("the gpp-FLUXNET2015 fixture converts to the REF's bundles", "[ilamb][convert][fixture]") {
    const fs::path dir = fs::path(REF_FIXTURES_DIR) / "tool-outputs/ilamb/gpp-fluxnet2015/cmip6_historical/aafdf958";
    if (!fs::is_directory(dir)) {
        ref::test::skip_test("the ILAMB fixture " + dir.string() + " is not available");
        return;
    }
    TempDir tmp;
    // Native outputs only: the fixture folder also holds the bundles we compare with.
    const fs::path out = tmp.path() / "out";
    fs::create_directories(out);
    for (const auto& item : fs::directory_iterator(dir))
        if (item.path().extension() == ".csv" || item.path().extension() == ".html")
            fs::copy_file(item.path(), out / item.path().filename());

    const auto scalars = ilamb::read_scalars(out);
    REQUIRE(scalars.size() == 22);

    // That REF release laid the metric bundle out as region/model/metric/statistic with the
    // execution group key as the metric: reproduced exactly by the legacy layout.
    const json expected_metric = read_json(dir / "diagnostic.json");
    check_json_close(ilamb::build_legacy_metric_bundle(scalars, "cmip6_historical"), expected_metric);

    // Its output bundle was the bare template (no plots were kept, no data or html entries).
    const json expected_output = read_json(dir / "output.json");
    CHECK(ilamb::output_bundle_template() == expected_output);

    // The current layout (spec section 6) holds the same model values.
    const json bundle = ilamb::build_metric_bundle(scalars, selectors, "FLUXNET2015");
    const json& by_region = bundle["RESULTS"]["model"]["FLUXNET2015"]["historical"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"];
    std::size_t compared = 0;
    for (const auto& [region, models] : expected_metric["RESULTS"].items()) {
        for (const auto& [statistic, value] : models["ACCESS-ESM1-5-r1i1p1f1-gn"]["cmip6_historical"].items()) {
            const std::string name = statistic.substr(0, statistic.rfind(" ["));
            bool found = false;
            for (const auto& [metric, statistics] : by_region[region].items()) {
                if (statistics.contains(name)) {
                    CHECK(statistics[name].get<double>() == Approx(value.get<double>()).epsilon(1e-12));
                    found = true;
                }
            }
            INFO(region << " " << statistic);
            CHECK(found);
            ++compared;
        }
    }
    CHECK(compared == 20);
    CHECK(bundle["DIMENSIONS"]["statistic"]["Phase Shift"] == json({{"type", "scalar"}, {"units", "month"}}));

    // The current output bundle lists the page and the scalar file.
    const json output = ilamb::build_output_bundle(out, selectors, "FLUXNET2015");
    CHECK(output["index"] == "index.html");
    CHECK(output["html"]["index.html"]["long_name"] == "Results page");
    CHECK(output["data"].contains("ACCESS-ESM1-5-r1i1p1f1-gn.csv"));
    CHECK(ilamb::build_series(out, selectors, "FLUXNET2015") == json::array());
}

TEST_CASE("scalar CSV files become the metric bundle of the spec", "[ilamb][convert]") {
    TempDir tmp;
    write_file(tmp.path() / "ACCESS-ESM1-5.csv", synthetic_csv);
    const auto scalars = ilamb::read_scalars(tmp.path());
    // The duplicate (source, region, analysis, name) row is dropped, the first one kept.
    REQUIRE(scalars.size() == 8);
    CHECK(std::isnan(scalars[6].value));

    const json bundle = ilamb::build_metric_bundle(scalars, selectors, "WECANN");
    const json expected = json::parse(R"({
      "DIMENSIONS": {
        "json_structure": ["kind", "reference_source_id", "experiment_id", "source_id", "member_id", "grid_label",
                           "region", "metric", "statistic"],
        "kind": {"model": {}},
        "reference_source_id": {"WECANN": {}},
        "experiment_id": {"historical": {}},
        "source_id": {"ACCESS-ESM1-5": {}},
        "member_id": {"r1i1p1f1": {}},
        "grid_label": {"gn": {}},
        "region": {
          "global": {"LongName": "Global - Land", "Description": "Global - Land", "Generator": "GlobalLand.nc"},
          "tropical": {"LongName": "Tropical climates", "Description": "Tropical climates", "Generator": "Koppen_coarse.nc"}
        },
        "metric": {"Bias": {}, "RMSE": {}, "Relationship pr": {}, "Spatial Distribution": {}},
        "statistic": {
          "Period Mean": {"type": "scalar", "units": "kg m-2 s-1"},
          "Bias": {"type": "scalar", "units": "kg m-2 s-1"},
          "Bias Score": {"type": "score", "units": "1"},
          "RMSE Score": {"type": "score", "units": "1"},
          "Relationship Score pr": {"type": "score", "units": "1"},
          "Correlation": {"type": "scalar", "units": "1"}
        }
      },
      "RESULTS": {"model": {"WECANN": {"historical": {"ACCESS-ESM1-5": {"r1i1p1f1": {"gn": {
        "global": {
          "Bias": {"Period Mean": 3.5e-08, "Bias": 8.2e-09, "Bias Score": 0.47},
          "Spatial Distribution": {"Correlation": 0.87}
        },
        "tropical": {
          "RMSE": {"RMSE Score": 0.35},
          "Relationship pr": {"Relationship Score pr": 0.4758796}
        }
      }}}}}}},
      "PROVENANCE": null, "DISCLAIMER": null, "NOTES": null
    })");
    CHECK(bundle == expected);
}

TEST_CASE("ocean scalars use region None with the reference extents", "[ilamb][convert]") {
    TempDir tmp;
    write_file(tmp.path() / "CanESM5.csv",
               "source,region,analysis,name,type,units,value\n"
               "CanESM5,None,Bias,Bias [degC],scalar,degC,-0.113536\n"
               "Reference,None,Bias,Period Mean [degC],scalar,degC,18.2\n");
    const json bundle = ilamb::build_metric_bundle(ilamb::read_scalars(tmp.path()), selectors, "WOA2023");
    CHECK(bundle["DIMENSIONS"]["region"] ==
          json::parse(R"({"None": {"LongName": "None", "Description": "Reference data extents", "Generator": "N/A"}})"));
    CHECK(bundle["RESULTS"]["model"]["WOA2023"]["historical"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"]["None"]["Bias"]["Bias"] ==
          -0.113536);
}

TEST_CASE("malformed scalar files are diagnostic errors naming the file", "[ilamb][convert]") {
    TempDir tmp;
    write_file(tmp.path() / "a.csv", "source,region,name,value\nx,y,z,1\n");
    CHECK_THROWS_WITH(ilamb::read_scalars(tmp.path()), Catch::Contains("a.csv") && Catch::Contains("'analysis'"));
    write_file(tmp.path() / "a.csv", "source,region,analysis,name,type,units,value\nx,y,z\n");
    CHECK_THROWS_AS(ilamb::read_scalars(tmp.path()), ref::plugin::DiagnosticError);
    write_file(tmp.path() / "a.csv", "");
    CHECK_THROWS_AS(ilamb::read_scalars(tmp.path()), ref::plugin::DiagnosticError);
}

TEST_CASE("plots are described with ilamb3's captions and dimensions", "[ilamb][convert]") {
    auto d = ilamb::describe_plot("ACCESS-ESM1-5_global_bias");
    CHECK(d.known);
    CHECK(d.caption == "The bias for ACCESS-ESM1-5 over the Global - Land region.");
    CHECK(d.statistic == "Bias");
    d = ilamb::describe_plot("Reference_tropical_tmax");
    CHECK(d.caption == "The maxmimum month for the reference data over the Tropical climates region.");
    CHECK(d.statistic == "Maximum month");
    d = ilamb::describe_plot("ACCESS-ESM1-5_global_distribution-pr");
    CHECK(d.caption == "The distribution of pr for ACCESS-ESM1-5 over the Global - Land region.");
    CHECK(d.statistic == "Distribution|pr");
    d = ilamb::describe_plot("None_None_taylor");
    CHECK(d.caption == "The Taylor diagram");
    d = ilamb::describe_plot("CanESM5_None_amoc");
    CHECK_FALSE(d.known);
    CHECK(d.caption.empty());

    TempDir tmp;
    for (const char* name : {"ACCESS-ESM1-5_global_bias.png", "Reference_global_mean.png", "None_None_allamoc.png",
                             "ACCESS-ESM1-5.csv", "Reference.nc", "index.html", "ilamb.log"})
        write_file(tmp.path() / name, "x");
    const json output = ilamb::build_output_bundle(tmp.path(), selectors, "WECANN");
    CHECK(output["plots"]["ACCESS-ESM1-5_global_bias.png"] == json::parse(R"({
      "filename": "ACCESS-ESM1-5_global_bias.png", "description": "",
      "long_name": "The bias for ACCESS-ESM1-5 over the Global - Land region.",
      "dimensions": {"experiment_id": "historical", "source_id": "ACCESS-ESM1-5", "member_id": "r1i1p1f1",
                     "grid_label": "gn", "reference_source_id": "WECANN", "region": "global", "statistic": "Bias"}})"));
    CHECK(output["plots"]["Reference_global_mean.png"]["dimensions"] ==
          json::parse(R"({"kind": "reference", "reference_source_id": "WECANN", "region": "global",
                          "statistic": "Period Mean"})"));
    CHECK(output["plots"]["None_None_allamoc.png"]["dimensions"] == json({{"region", "None"}}));
    CHECK(output["plots"]["None_None_allamoc.png"]["long_name"] == "");
    CHECK(output["data"] == json::parse(R"({
      "ACCESS-ESM1-5.csv": {"filename": "ACCESS-ESM1-5.csv", "long_name": "ACCESS-ESM1-5.csv",
                            "description": "Scalar and time-series data produced by ILAMB."},
      "Reference.nc": {"filename": "Reference.nc", "long_name": "Reference.nc",
                       "description": "Scalar and time-series data produced by ILAMB."}})"));
    CHECK(output["html"]["index.html"]["dimensions"]["reference_source_id"] == "WECANN");
    CHECK(output["index"] == "index.html");
    CHECK(output["provenance"]["log"] == "cmec_output.log");
}

TEST_CASE("units are normalised to CF symbols, positive exponents first", "[ilamb][convert]") {
    CHECK(ilamb::normalise_units("kg / meter ** 2 / second") == "kg m-2 s-1");
    CHECK(ilamb::normalise_units("gram / day / meter ** 2") == "g d-1 m-2");
    CHECK(ilamb::normalise_units("kg m-2 s-1") == "kg m-2 s-1");
    CHECK(ilamb::normalise_units("g m-2 d-1") == "g d-1 m-2");
    CHECK(ilamb::normalise_units("dimensionless") == "1");
    CHECK(ilamb::normalise_units("1") == "1");
    CHECK(ilamb::normalise_units("Sv") == "Sv");
    CHECK(ilamb::normalise_units("degC") == "degC");
}

TEST_CASE("intermediate netCDF files become series", "[ilamb][convert]") {
    TempDir tmp;
    const std::vector<double> days{14, 45, 73};
    write_series_netcdf(tmp.path() / "Reference.nc", days,
                        {{"trace_global", "time", {1, 2, 3}, "kg / meter ** 2 / second", "gross primary production"}});
    write_series_netcdf(tmp.path() / "ACCESS-ESM1-5.nc", days,
                        {{"trace_tropical", "time", {4, 5, 6}, "kg m-2 s-1", ""},
                         {"cycle_global", "month", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "kg m-2 s-1", ""},
                         {"amoc", "time", {7, 8, 9}, "Sv", ""}});
    const json series = ilamb::build_series(tmp.path(), selectors, "WECANN");
    REQUIRE(series.size() == 4);
    const json* reference = nullptr;
    const json* cycle = nullptr;
    const json* amoc = nullptr;
    for (const auto& s : series) {
        if (s.value("kind", "model") == "reference") reference = &s;
        if (s["dimensions"]["metric"] == "cycle") cycle = &s;
        if (s["dimensions"]["metric"] == "amoc") amoc = &s;
    }
    REQUIRE(reference);
    CHECK((*reference)["dimensions"] == json({{"reference_source_id", "WECANN"}, {"metric", "trace"}, {"region", "global"}}));
    CHECK((*reference)["index"] == json({"2007-01-15T00:00:00", "2007-02-15T00:00:00", "2007-03-15T00:00:00"}));
    CHECK((*reference)["index_name"] == "time");
    CHECK((*reference)["calendar"] == "noleap");
    CHECK((*reference)["value_units"] == "kg m-2 s-1");
    CHECK((*reference)["value_long_name"] == "gross primary production");
    CHECK((*reference)["attributes"]["units"] == "kg / meter ** 2 / second");
    CHECK((*reference)["attributes"]["calendar"] == "noleap");
    CHECK((*reference)["values"] == json({1.0, 2.0, 3.0}));
    REQUIRE(cycle);
    CHECK((*cycle)["index_name"] == "month");
    CHECK((*cycle)["index"] == json({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    CHECK((*cycle)["dimensions"] == json({{"experiment_id", "historical"}, {"source_id", "ACCESS-ESM1-5"},
                                          {"member_id", "r1i1p1f1"}, {"grid_label", "gn"},
                                          {"reference_source_id", "WECANN"}, {"metric", "cycle"}, {"region", "global"}}));
    CHECK_FALSE(cycle->contains("kind"));
    REQUIRE(amoc);
    CHECK((*amoc)["dimensions"]["region"] == "None");
}
