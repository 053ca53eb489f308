#include <catch2/catch.hpp>

#include <cmath>

#include "ref/datagen/temp_dir.hpp"
#include "ref/science/field.hpp"
#include "test_files.hpp"

using namespace ref::science;
using namespace ref::science::testing;
using ref::datagen::TemporaryDirectory;

namespace {

// Monthly file of `months` months from January of first_year; each month's cells hold
// 100*year + month so any duplicated or misplaced month is visible.
TestFile monthly(int first_year, int months, const std::string& units = "days since 2000-01-01",
                 const std::string& calendar = "noleap") {
    TestFile f;
    f.time_units = units;
    f.calendar = calendar;
    f.time = monthly_times(first_year, months, units, calendar);
    for (int k = 0; k < months; ++k) {
        f.data.insert(f.data.end(), 6, 100.0 * (first_year + k / 12) + (k % 12 + 1));
    }
    return f;
}

}  // namespace

TEST_CASE("overlapping files merge without double counting") {
    const TemporaryDirectory dir;
    const auto short_file = (dir / "tas_010101-010512.nc").string();
    const auto long_file = (dir / "tas_010101-011012.nc").string();
    write_test_file(short_file, monthly(101, 60, "days since 0101-01-01"));
    write_test_file(long_file, monthly(101, 120, "days since 0101-01-01"));
    for (const auto& order : {std::vector<std::string>{short_file, long_file}, std::vector<std::string>{long_file, short_file}}) {
        const Field field = read_field(order, "tas");
        REQUIRE(field.step_count() == 120);
        for (std::size_t t = 1; t < field.step_count(); ++t) CHECK(field.time[t] > field.time[t - 1]);
        CHECK(field.dates.front() == DateTime{101, 1, 16, 12, 0, 0});
        CHECK(field.dates.back().year == 110);
        CHECK(field.dates.back().month == 12);
        for (std::size_t t = 0; t < field.step_count(); ++t) {
            CHECK(field.step(t)[0] == 100.0 * field.dates[t].year + field.dates[t].month);
        }
    }
}

TEST_CASE("contiguous files in other units are converted to the first file's axis") {
    const TemporaryDirectory dir;
    const auto first = (dir / "a.nc").string();
    const auto second = (dir / "b.nc").string();
    write_test_file(first, monthly(2000, 12, "days since 2000-01-01"));
    write_test_file(second, monthly(2001, 12, "hours since 1850-01-01 00:00:00"));
    const Field field = read_field({second, first}, "tas");
    REQUIRE(field.step_count() == 24);
    CHECK(field.time_units == "hours since 1850-01-01 00:00:00");
    CHECK(field.dates[12] == DateTime{2001, 1, 16, 12, 0, 0});
    CHECK(field.spatial_dims == std::vector<std::string>{"lat", "lon"});
    CHECK(field.spatial_shape == std::vector<std::size_t>{2, 3});
    CHECK(field.units == "K");
    CHECK(field.calendar == "noleap");
}

TEST_CASE("overlapping files with different values are an error naming both") {
    const TemporaryDirectory dir;
    const auto a = (dir / "tas_v1.nc").string();
    const auto b = (dir / "tas_v2.nc").string();
    write_test_file(a, monthly(2000, 24));
    TestFile changed = monthly(2001, 12);
    changed.data[1] += 0.5;
    write_test_file(b, changed);
    CHECK_THROWS_WITH(read_field({a, b}, "tas"),
                      Catch::Contains("tas_v1.nc") && Catch::Contains("tas_v2.nc") && Catch::Contains("2001-01-16"));
}

TEST_CASE("missing cells in one overlapping file are filled from the other") {
    const TemporaryDirectory dir;
    TestFile gappy = monthly(2000, 12);
    gappy.data[0] = std::nan("");
    write_test_file(dir / "a.nc", gappy);
    write_test_file(dir / "b.nc", monthly(2000, 12));
    const Field field = read_field({(dir / "a.nc").string(), (dir / "b.nc").string()}, "tas");
    REQUIRE(field.step_count() == 12);
    CHECK(field.data[0] == 200001.0);
}

TEST_CASE("calendars and shapes and units must agree across files") {
    const TemporaryDirectory dir;
    const auto base = (dir / "base.nc").string();
    write_test_file(base, monthly(2000, 12));

    const auto other_calendar = (dir / "calendar.nc").string();
    write_test_file(other_calendar, monthly(2001, 12, "days since 2000-01-01", "360_day"));
    CHECK_THROWS_WITH(read_field({base, other_calendar}, "tas"),
                      Catch::Contains("base.nc") && Catch::Contains("calendar.nc") && Catch::Contains("calendar"));

    TestFile wide = monthly(2001, 12);
    wide.nlon = 4;
    wide.data = ramp(12, 8, 1.0, 0.0);
    const auto other_shape = (dir / "shape.nc").string();
    write_test_file(other_shape, wide);
    CHECK_THROWS_WITH(read_field({base, other_shape}, "tas"), Catch::Contains("2x3") && Catch::Contains("2x4"));

    TestFile celsius = monthly(2001, 12);
    celsius.units = "degC";
    const auto other_units = (dir / "units.nc").string();
    write_test_file(other_units, celsius);
    CHECK_THROWS_WITH(read_field({base, other_units}, "tas"), Catch::Contains("degC"));

    // "gregorian" and "standard" are one calendar; a missing attribute means standard.
    TestFile no_calendar = monthly(2000, 12, "days since 2000-01-01", "standard");
    no_calendar.calendar.reset();
    write_test_file(dir / "none.nc", no_calendar);
    write_test_file(dir / "gregorian.nc", monthly(2001, 12, "days since 2000-01-01", "gregorian"));
    const Field mixed = read_field({(dir / "none.nc").string(), (dir / "gregorian.nc").string()}, "tas");
    CHECK(mixed.step_count() == 24);
    CHECK(mixed.calendar == "standard");
}

TEST_CASE("a variable without a leading time dimension is rejected") {
    const TemporaryDirectory dir;
    write_test_file(dir / "a.nc", monthly(2000, 12));
    CHECK_THROWS_WITH(read_field({(dir / "a.nc").string()}, "lat"), Catch::Contains("'time'"));
    CHECK_THROWS(read_field({}, "tas"));
}
