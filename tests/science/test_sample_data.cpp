// Checks against real (decimated) ACCESS-ESM1-5 CMIP6 output when it is available.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "ref/science/annual_series.hpp"
#include "sample_data.hpp"

namespace {

namespace fs = std::filesystem;

using ref::test::access_sample_present;
const fs::path access_model = ref::test::access_esm_model;
fs::path sample_dir() { return ref::test::sample_data_dir(); }

double mean(std::vector<double>::const_iterator first, std::vector<double>::const_iterator last) {
    return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
}

}  // namespace

TEST_CASE("ACCESS-ESM1-5 abrupt-4xCO2 tas warms over 25 years (skipped without sample data)") {
    if (!access_sample_present()) return;
    const fs::path run = sample_dir() / access_model / "abrupt-4xCO2/r1i1p1f1";
    const auto series = ref::science::annual_global_mean(
        {(run / "Amon/tas/gn/v20191115/tas_Amon_ACCESS-ESM1-5_abrupt-4xCO2_r1i1p1f1_gn_010101-012512.nc").string()}, "tas",
        (run / "fx/areacella/gn/v20191115/areacella_fx_ACCESS-ESM1-5_abrupt-4xCO2_r1i1p1f1_gn.nc").string(), "areacella");
    REQUIRE(series.years.size() == 25);
    CHECK(series.years.front() == 101);
    CHECK(series.years.back() == 125);
    CHECK(series.units == "K");
    for (const double v : series.values) {
        CHECK(v > 280.0);
        CHECK(v < 300.0);
    }
    CHECK(mean(series.values.end() - 5, series.values.end()) > mean(series.values.begin(), series.values.begin() + 5));
}

TEST_CASE("ACCESS-ESM1-5 piControl overlapping tas files give 80 years (skipped without sample data)") {
    if (!access_sample_present()) return;
    const fs::path run = sample_dir() / access_model / "piControl/r1i1p1f1";
    const fs::path tas = run / "Amon/tas/gn/v20210316";
    const auto series = ref::science::annual_global_mean(
        {(tas / "tas_Amon_ACCESS-ESM1-5_piControl_r1i1p1f1_gn_010101-012512.nc").string(),
         (tas / "tas_Amon_ACCESS-ESM1-5_piControl_r1i1p1f1_gn_010101-018012.nc").string()},
        "tas", (run / "fx/areacella/gn/v20210316/areacella_fx_ACCESS-ESM1-5_piControl_r1i1p1f1_gn.nc").string(),
        "areacella");
    REQUIRE(series.years.size() == 80);
    CHECK(series.years.front() == 101);
    CHECK(series.years.back() == 180);
    for (const double v : series.values) {
        CHECK(v > 280.0);
        CHECK(v < 300.0);
    }
}
