#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include "ref/datagen/temp_dir.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/field.hpp"
#include "ref/science/netcdf_file.hpp"
#include "ref/science/netcdf_output.hpp"
#include "ref/science/plot.hpp"

using namespace ref::science;
using ref::datagen::TemporaryDirectory;
using nlohmann::json;

namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool only_final_files(const std::filesystem::path& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().find(".tmp-") != std::string::npos) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("annual series round-trip through a CF netCDF file") {
    const TemporaryDirectory dir;
    AnnualSeries series;
    series.variable = "tas";
    series.years = {101, 102, 103};
    series.values = {287.5, std::nan(""), 288.25};
    series.units = "K";
    series.calendar = "proleptic_gregorian";
    series.long_name = "Near-Surface Air Temperature";
    series.standard_name = "air_temperature";
    const auto path = (dir / "out" / "tas_annual.nc").string();
    write_annual_series_netcdf(path, series, "tas");
    CHECK(only_final_files(dir / "out"));

    const NetcdfFile file(path);
    CHECK(file.string_attribute("", "Conventions") == "CF-1.7");
    CHECK(file.string_attribute("time", "units") == "days since 0101-01-01");
    CHECK(file.string_attribute("time", "calendar") == "proleptic_gregorian");
    CHECK(file.string_attribute("tas", "long_name") == "Near-Surface Air Temperature");
    CHECK(file.read("time") == std::vector<double>{0.0, 365.0, 730.0});
    const Field field = read_field({path}, "tas");
    CHECK(field.dates[2] == DateTime{103, 1, 1, 0, 0, 0});
    CHECK(field.data[0] == 287.5);
    CHECK(std::isnan(field.data[1]));
    CHECK(field.units == "K");

    CHECK_THROWS_WITH(write_annual_series_netcdf((dir / "empty.nc").string(), AnnualSeries{}, "tas"),
                      Catch::Contains("empty.nc"));
    CHECK_FALSE(std::filesystem::exists(dir / "empty.nc"));
}

TEST_CASE("line plots are written as PNG files") {
    const TemporaryDirectory dir;
    LinePlot plot;
    plot.title = "Global mean near-surface air temperature";
    plot.x_label = "Year";
    plot.y_label = "tas anomaly [K]";
    plot.zero_line = true;
    LineSeries model{"REFSYN-1-0 historical r1i1p1f1", {}, {}};
    LineSeries other{"reference", {}, {}};
    for (int year = 2000; year < 2030; ++year) {
        model.x.push_back(year);
        model.y.push_back(year == 2012 ? std::nan("") : 0.4 * std::sin(year * 0.7) + 0.02 * (year - 2000));
        other.x.push_back(year);
        other.y.push_back(-0.2 + 0.015 * (year - 2000));
    }
    plot.series = {model, other};
    const auto path = dir / "plot.png";
    write_line_plot(path.string(), plot);
    const std::string png = slurp(path);
    REQUIRE(png.size() > 1000);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(only_final_files(dir.path()));
    // Keep a copy for viewing when REF_KEEP_PLOT names a destination.
    if (const char* keep = std::getenv("REF_KEEP_PLOT")) std::filesystem::copy_file(path, keep, std::filesystem::copy_options::overwrite_existing);

    // Degenerate inputs still give a picture.
    write_line_plot((dir / "empty.png").string(), LinePlot{"empty", "x", "y", {}, false});
    write_line_plot((dir / "flat.png").string(), LinePlot{"flat", "x", "y", {{"one", {1.0}, {5.0}}}, false});
    CHECK(slurp(dir / "flat.png").substr(1, 3) == "PNG");
    CHECK_THROWS(write_line_plot((dir / "bad.png").string(), LinePlot{"bad", "x", "y", {{"s", {1.0, 2.0}, {1.0}}}, false}));
}

TEST_CASE("tick spacing is 1 or 2 or 5 times a power of ten") {
    const Ticks years = nice_ticks(2000, 2029, 8);
    CHECK(years.step == 5.0);
    CHECK(years.values.front() == 2000.0);
    CHECK(years.values.back() == 2025.0);
    const Ticks small = nice_ticks(-0.23, 0.61, 4);
    CHECK(small.step == Approx(0.2));
    CHECK(tick_label(0.4, small.step) == "0.4");
    CHECK(tick_label(2005, 5.0) == "2005");
    CHECK(tick_label(0.0, 0.05) == "0.00");
}

TEST_CASE("metric bundles declare the dimension values found in RESULTS") {
    const json results = {{"global", {{"rmse", 1.5}, {"bias", -0.2}, {"attributes", {{"note", "x"}}}}}};
    const json bundle = cmec::make_metric_bundle({"region", "metric"}, results);
    CHECK(bundle["DIMENSIONS"]["json_structure"] == json::array({"region", "metric"}));
    CHECK(bundle["DIMENSIONS"]["region"] == json{{"global", json::object()}});
    CHECK(bundle["DIMENSIONS"]["metric"].size() == 2);
    CHECK(bundle["PROVENANCE"].is_null());
    CHECK(bundle["DISCLAIMER"].is_null());
    CHECK(bundle["NOTES"].is_null());
    CHECK_NOTHROW(cmec::validate_metric_bundle(bundle));

    json broken = bundle;
    broken["RESULTS"]["tropics"] = {{"rmse", 1.0}};
    CHECK_THROWS_WITH(cmec::validate_metric_bundle(broken), Catch::Contains("tropics"));
}

TEST_CASE("prepending dimensions wraps RESULTS in new outer levels") {
    const json bundle = cmec::make_metric_bundle({"region", "metric"}, {{"global", {{"rmse", 1.5}}}});
    const json out = cmec::prepend_dimensions(
        bundle, {{"source_id", "REFSYN-1-0"}, {"experiment_id", "historical"}, {"member_id", "r1i1p1f1"}});
    CHECK(out["DIMENSIONS"]["json_structure"] ==
          json::array({"source_id", "experiment_id", "member_id", "region", "metric"}));
    CHECK(out["DIMENSIONS"]["source_id"] == json{{"REFSYN-1-0", json::object()}});
    CHECK(out["RESULTS"]["REFSYN-1-0"]["historical"]["r1i1p1f1"]["global"]["rmse"] == 1.5);
    CHECK_NOTHROW(cmec::validate_metric_bundle(out));
    CHECK(bundle["RESULTS"].contains("global"));  // the input is left unchanged

    CHECK_THROWS_AS(cmec::prepend_dimensions(out, {{"region", "tropics"}}), std::invalid_argument);
    CHECK_THROWS_WITH(cmec::prepend_dimensions(bundle, {{"model", "a"}, {"model", "b"}}), Catch::Contains("model"));
}

TEST_CASE("output bundles and series files and atomic JSON") {
    json output = cmec::make_output_bundle();
    CHECK(output["index"] == "index.html");
    CHECK(output["provenance"]["log"] == "out.log");
    CHECK(output["provenance"]["modeldata"] == json::array());
    CHECK(output["metrics"].is_null());
    cmec::add_output_data(output, "annual_mean", "tas_annual.nc", "Annual mean tas", "Area-weighted annual means");
    cmec::add_output_plot(output, "timeseries", "tas.png", "tas time series", "Annual global means");
    CHECK(output["data"]["annual_mean"]["filename"] == "tas_annual.nc");
    CHECK(output["data"]["annual_mean"]["dimensions"].is_null());
    CHECK(output["plots"]["timeseries"]["long_name"] == "tas time series");

    const TemporaryDirectory dir;
    cmec::SeriesValue series;
    series.dimensions = {{"source_id", "REFSYN-1-0"}, {"statistic", "global mean"}};
    series.values = {287.0, std::nan(""), 287.06};
    series.index = {2000, 2001, 2002};
    series.value_units = "K";
    cmec::write_series_file(dir / "series.json", {series});
    const json read = json::parse(slurp(dir / "series.json"));
    REQUIRE(read.is_array());
    CHECK(read[0]["index"] == json::array({2000, 2001, 2002}));
    CHECK(read[0]["index"][0].is_number_integer());
    CHECK(read[0]["index_name"] == "year");
    CHECK(read[0]["values"][1].is_null());
    CHECK(read[0]["value_units"] == "K");
    CHECK(read[0]["dimensions"]["statistic"] == "global mean");
    CHECK(read[0]["attributes"] == json::object());

    cmec::write_json_atomically(dir / "nested" / "bundle.json", {{"a", {1.0, INFINITY}}, {"b", "text"}});
    const std::string text = slurp(dir / "nested" / "bundle.json");
    CHECK(text.find("\n  \"a\": [\n") != std::string::npos);
    CHECK(json::parse(text)["a"][1].is_null());
    CHECK(only_final_files(dir / "nested"));
}
