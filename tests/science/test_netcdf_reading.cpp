#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <netcdf.h>

#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/field.hpp"
#include "ref/science/netcdf_file.hpp"
#include "test_files.hpp"

using namespace ref::science;
using ref::datagen::TemporaryDirectory;

TEST_CASE("packed values and fill values and missing values are decoded") {
    const TemporaryDirectory dir;
    const auto path = (dir / "packed.nc").string();
    {
        ref::datagen::NcWriter out(path);
        const int x = out.dimension("x", 5);
        const int packed = out.variable("packed", NC_SHORT, {x},
                                        {{"scale_factor", 0.5}, {"add_offset", 100.0}, {"units", std::string("K")}});
        out.fill(packed, -999);
        out.attributes(packed, {{"missing_value", -1}});
        out.put(packed, std::vector<int>{0, 2, -999, -1, 10});
        const int nan_filled = out.variable("nan_filled", NC_DOUBLE, {x});
        out.fill(nan_filled, std::nan(""));
        out.put(nan_filled, std::vector<double>{1.0, std::nan(""), 3.0, 4.0, 5.0});
        out.attributes(NC_GLOBAL, {{"title", std::string("packed test")}, {"number", 3}});
        out.close();
    }
    const NetcdfFile file(path);
    const auto values = file.read("packed");
    REQUIRE(values.size() == 5);
    CHECK(values[0] == 100.0);
    CHECK(values[1] == 101.0);
    CHECK(std::isnan(values[2]));
    CHECK(std::isnan(values[3]));
    CHECK(values[4] == 105.0);
    const auto plain = file.read("nan_filled");
    CHECK(std::isnan(plain[1]));
    CHECK(plain[4] == 5.0);

    CHECK(file.dimensions("packed").at(0).name == "x");
    CHECK(file.dimensions("packed").at(0).size == 5);
    CHECK(file.string_attribute("packed", "units") == "K");
    CHECK_FALSE(file.string_attribute("packed", "long_name").has_value());
    CHECK(file.numeric_attribute("packed", "scale_factor") == 0.5);
    CHECK(file.string_attribute("", "title") == "packed test");
    CHECK(file.numeric_attribute("", "number") == 3.0);
    CHECK_THROWS_AS(file.string_attribute("", "number"), NetcdfError);
    CHECK_THROWS_AS(file.numeric_attribute("", "title"), NetcdfError);
    CHECK(file.has_variable("packed"));
    CHECK_FALSE(file.has_variable("absent"));
}

TEST_CASE("errors name the file and the variable and netCDF's reason") {
    const TemporaryDirectory dir;
    const auto path = (dir / "tas_Amon_x.nc").string();
    testing::TestFile spec;
    spec.time = {15.5};
    spec.data = std::vector<double>(6, 280.0);
    testing::write_test_file(path, spec);
    const NetcdfFile file(path);
    try {
        file.read("absent");
        FAIL("reading a missing variable must throw");
    } catch (const NetcdfError& error) {
        CHECK_THAT(error.what(), Catch::Contains(path) && Catch::Contains("variable 'absent'") &&
                                     Catch::Contains(nc_strerror(NC_ENOTVAR)));
    }
    CHECK_THROWS_WITH(NetcdfFile((dir / "missing.nc").string()),
                      Catch::Contains("missing.nc") && Catch::Contains("No such file"));
}

TEST_CASE("a file that is not netCDF gives a clear error and never a crash") {
    const TemporaryDirectory dir;
    const auto text = (dir / "notes.nc").string();
    std::ofstream(text) << "this is not a netCDF file\n";
    CHECK_THROWS_WITH(NetcdfFile(text), Catch::Contains(text) && Catch::Contains("cannot open as netCDF"));
    CHECK_THROWS_WITH(read_field({text}, "tas"), Catch::Contains(text));

    // A real file cut in half, as an interrupted download leaves it.
    const auto whole = (dir / "whole.nc").string();
    testing::TestFile spec;
    spec.time = testing::monthly_times(2000, 120, spec.time_units, "noleap");
    spec.data = testing::ramp(120, 6, 280.0, 0.1);
    testing::write_test_file(whole, spec);
    const auto size = std::filesystem::file_size(whole);
    const std::vector<std::pair<std::uintmax_t, bool>> cuts = {
        {size / 2, true}, {600, true}, {8, true}, {0, true}, {size - 100, false}};
    for (const auto& [keep, must_fail] : cuts) {
        const auto cut = (dir / ("tas_cut_" + std::to_string(keep) + ".nc")).string();
        std::filesystem::copy_file(whole, cut);
        std::filesystem::resize_file(cut, keep);
        INFO("kept " << keep << " of " << size << " bytes");
        try {
            const Field field = read_field({cut}, "tas");
            // Damage to unused trailing bytes may leave the file readable; the data must then be intact.
            CHECK_FALSE(must_fail);
            REQUIRE(field.data.size() == spec.data.size());
            CHECK(field.data.back() == Approx(spec.data.back()));
        } catch (const std::runtime_error& error) {
            CHECK_THAT(error.what(), Catch::Contains(cut));
        }
    }
}

TEST_CASE("damaged bytes inside a file give errors that name it") {
    const TemporaryDirectory dir;
    const auto whole = (dir / "whole.nc").string();
    testing::TestFile spec;
    spec.time = testing::monthly_times(2000, 120, spec.time_units, "noleap");
    spec.data = testing::ramp(120, 6, 280.0, 0.1);
    testing::write_test_file(whole, spec);
    const auto size = std::filesystem::file_size(whole);
    for (int percent = 5; percent < 100; percent += 10) {
        const auto damaged = (dir / ("tas_damaged_" + std::to_string(percent) + ".nc")).string();
        std::filesystem::copy_file(whole, damaged);
        {
            std::fstream io(damaged, std::ios::in | std::ios::out | std::ios::binary);
            io.seekp(static_cast<std::streamoff>(size * static_cast<unsigned>(percent) / 100));
            const std::string junk(64, '\xa5');
            io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
        INFO("damaged at " << percent << "%");
        try {
            const Field field = read_field({damaged}, "tas");
            CHECK(field.data.size() <= spec.data.size());
        } catch (const std::runtime_error& error) {
            CHECK_THAT(error.what(), Catch::Contains(damaged));
        }
    }
}
