#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

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
        const int two_markers = out.variable("two_markers", NC_FLOAT, {x});
        out.fill(two_markers, 1e20);
        out.attributes(two_markers, {{"missing_value", -999.0}});
        out.put(two_markers, std::vector<double>{1e20, -999.0, 3.0, -998.0, 1e20});
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
    const auto two = file.read("two_markers");
    REQUIRE(two.size() == 5);
    CHECK(std::isnan(two[0]));
    CHECK(std::isnan(two[1]));
    CHECK(two[2] == 3.0);
    CHECK(two[3] == -998.0);
    CHECK(std::isnan(two[4]));

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

namespace {

// One variable t(time=4, x=3) of `type`, packed, with a fill value, in the given format and
// (for netCDF-4) chunked one time step at a time as CMOR writes it.
void write_layout(const std::string& path, int format, nc_type type, bool one_step_chunks) {
    int nc = -1, time = -1, x = -1, var = -1;
    REQUIRE(nc_create(path.c_str(), format | NC_CLOBBER, &nc) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "time", NC_UNLIMITED, &time) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "x", 3, &x) == NC_NOERR);
    const int dims[2] = {time, x};
    REQUIRE(nc_def_var(nc, "t", type, 2, dims, &var) == NC_NOERR);
    if (one_step_chunks) {
        const std::size_t chunks[2] = {1, 3};
        REQUIRE(nc_def_var_chunking(nc, var, NC_CHUNKED, chunks) == NC_NOERR);
    }
    const short fill = -32767;
    REQUIRE(nc_put_att_short(nc, var, "_FillValue", type, 1, &fill) == NC_NOERR);
    const double scale = 0.25, offset = 200.0;
    REQUIRE(nc_put_att_double(nc, var, "scale_factor", NC_DOUBLE, 1, &scale) == NC_NOERR);
    REQUIRE(nc_put_att_double(nc, var, "add_offset", NC_DOUBLE, 1, &offset) == NC_NOERR);
    REQUIRE(nc_enddef(nc) == NC_NOERR);
    const short values[12] = {0, 4, -8, 400, -32767, 12, 1, 2, 3, -32767, -32767, 100};
    const std::size_t start[2] = {0, 0}, count[2] = {4, 3};
    REQUIRE(nc_put_vara_short(nc, var, start, count, values) == NC_NOERR);
    REQUIRE(nc_close(nc) == NC_NOERR);
}

}  // namespace

TEST_CASE("a variable reads the same from netCDF-3, contiguous netCDF-4 and one-step chunks") {
    const TemporaryDirectory dir;
    // netCDF-4 files are read through HDF5 directly, netCDF-3 ones through netCDF-C.
    const std::vector<double> expected = {200.0, 201.0, 198.0, 300.0, NAN, 203.0, 200.25, 200.5, 200.75, NAN, NAN, 225.0};
    const std::vector<std::pair<std::string, int>> layouts = {
        {"classic.nc", 0}, {"netcdf4.nc", NC_NETCDF4}, {"chunked.nc", NC_NETCDF4}};
    for (const auto& [name, format] : layouts) {
        INFO(name);
        const auto path = (dir / name).string();
        write_layout(path, format, NC_SHORT, name == "chunked.nc");
        const auto values = NetcdfFile(path).read("t");
        REQUIRE(values.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            INFO("value " << i);
            if (std::isnan(expected[i])) {
                CHECK(std::isnan(values[i]));
            } else {
                CHECK(values[i] == expected[i]);
            }
        }
    }
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

namespace {

// thetao(time=3, depth=2, lat=3, lon=4) as float with a fill value, in the given format; chunked
// one time step (both levels) at a time when asked, as the WOA-23 files are.
std::vector<double> write_levels(const std::string& path, int format, bool chunked) {
    int nc = -1, dims[4] = {-1, -1, -1, -1}, var = -1;
    REQUIRE(nc_create(path.c_str(), format | NC_CLOBBER, &nc) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "time", NC_UNLIMITED, &dims[0]) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "depth", 2, &dims[1]) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "lat", 3, &dims[2]) == NC_NOERR);
    REQUIRE(nc_def_dim(nc, "lon", 4, &dims[3]) == NC_NOERR);
    REQUIRE(nc_def_var(nc, "thetao", NC_FLOAT, 4, dims, &var) == NC_NOERR);
    if (chunked) {
        const std::size_t chunks[4] = {1, 2, 3, 4};
        REQUIRE(nc_def_var_chunking(nc, var, NC_CHUNKED, chunks) == NC_NOERR);
    }
    const float fill = 1e20f;
    REQUIRE(nc_put_att_float(nc, var, "_FillValue", NC_FLOAT, 1, &fill) == NC_NOERR);
    REQUIRE(nc_put_att_float(nc, var, "missing_value", NC_FLOAT, 1, &fill) == NC_NOERR);  // as CMOR writes
    REQUIRE(nc_enddef(nc) == NC_NOERR);
    std::vector<float> values(3 * 2 * 3 * 4);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = i % 7 == 3 ? fill : 0.5f * static_cast<float>(i);
    const std::size_t start[4] = {0, 0, 0, 0}, count[4] = {3, 2, 3, 4};
    REQUIRE(nc_put_vara_float(nc, var, start, count, values.data()) == NC_NOERR);
    REQUIRE(nc_close(nc) == NC_NOERR);
    std::vector<double> expected(values.begin(), values.end());
    for (double& v : expected)
        if (v == static_cast<double>(fill)) v = NAN;
    return expected;
}

void check_same(const std::vector<double>& got, const std::vector<double>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("value " << i);
        if (std::isnan(expected[i])) {
            CHECK(std::isnan(got[i]));
        } else {
            CHECK(got[i] == expected[i]);
        }
    }
}

}  // namespace

TEST_CASE("a block or one level reads the same values as the whole variable, in every format") {
    const TemporaryDirectory dir;
    const std::vector<std::pair<std::string, int>> layouts = {
        {"classic.nc", 0}, {"netcdf4.nc", NC_NETCDF4}, {"chunked.nc", NC_NETCDF4}};
    for (const auto& [name, format] : layouts) {
        INFO(name);
        const auto path = (dir / name).string();
        const auto expected = write_levels(path, format, name == "chunked.nc");
        const NetcdfFile file(path);
        check_same(file.read("thetao"), expected);
        for (std::size_t level = 0; level < 2; ++level) {
            INFO("level " << level);
            std::vector<double> slice;
            for (std::size_t t = 0; t < 3; ++t) {
                const auto first = expected.begin() + static_cast<std::ptrdiff_t>((t * 2 + level) * 12);
                slice.insert(slice.end(), first, first + 12);
            }
            check_same(file.read_level("thetao", 1, level), slice);
        }
        // A block inside every dimension: times 1-2, level 1, lat 1-2, lon 1-3.
        std::vector<double> block;
        for (std::size_t t = 1; t < 3; ++t)
            for (std::size_t j = 1; j < 3; ++j)
                for (std::size_t i = 1; i < 4; ++i) block.push_back(expected[((t * 2 + 1) * 3 + j) * 4 + i]);
        check_same(file.read("thetao", {1, 1, 1, 1}, {2, 1, 2, 3}), block);
        // The first time step's values at every level, as one block of the time dimension.
        check_same(file.read_level("thetao", 0, 0), std::vector<double>(expected.begin(), expected.begin() + 24));
    }
}

TEST_CASE("a block beyond the variable's extent is an error naming the file, variable and dimension") {
    const TemporaryDirectory dir;
    for (const int format : {0, NC_NETCDF4}) {
        const auto path = (dir / (format == 0 ? "classic.nc" : "netcdf4.nc")).string();
        write_levels(path, format, false);
        const NetcdfFile file(path);
        CHECK_THROWS_WITH(file.read_level("thetao", 1, 2), Catch::Contains(path) && Catch::Contains("'thetao'") &&
                                                             Catch::Contains("'depth' has 2 values"));
        CHECK_THROWS_WITH(file.read("thetao", {0, 0, 2, 0}, {1, 1, 2, 4}),
                          Catch::Contains(path) && Catch::Contains("'lat' has 3 values"));
        CHECK_THROWS_WITH(file.read_level("thetao", 4, 0),
                          Catch::Contains(path) && Catch::Contains("no dimension number 4"));
        CHECK_THROWS_WITH(file.read("thetao", {0, 0}, {1, 1}), Catch::Contains(path) && Catch::Contains("4 dimensions"));
        CHECK_THROWS_AS(file.read_level("absent", 0, 0), NetcdfError);
    }
}

TEST_CASE("read_field keeps one level of a depth axis and drops that dimension") {
    const TemporaryDirectory dir;
    const auto path = dir / "thetao.nc";
    testing::TestFile spec;
    spec.variable = "thetao";
    spec.time = {15.5, 45.0};
    spec.data = testing::ramp(2, 6, 280.0, 1.0);
    testing::write_test_file(path, spec);
    // The test files are 2-D maps; a level of a dimension that is not there is refused.
    CHECK_THROWS_WITH(read_field({path.string()}, "thetao", FixedIndex{3, 0}),
                      Catch::Contains(path.string()) && Catch::Contains("no dimension number 3"));
    CHECK_THROWS_WITH(read_field({path.string()}, "thetao", FixedIndex{0, 0}), Catch::Contains("besides time"));

    const auto levels = (dir / "levels.nc").string();
    const auto expected = write_levels(levels, NC_NETCDF4, true);
    int nc = -1;
    REQUIRE(nc_open(levels.c_str(), NC_WRITE, &nc) == NC_NOERR);
    REQUIRE(nc_redef(nc) == NC_NOERR);
    int time_dim = -1, time = -1;
    REQUIRE(nc_inq_dimid(nc, "time", &time_dim) == NC_NOERR);
    REQUIRE(nc_def_var(nc, "time", NC_DOUBLE, 1, &time_dim, &time) == NC_NOERR);
    REQUIRE(nc_put_att_text(nc, time, "units", 21, "days since 2000-01-01") == NC_NOERR);
    REQUIRE(nc_enddef(nc) == NC_NOERR);
    const double stamps[3] = {15.5, 45.0, 74.5};
    REQUIRE(nc_put_var_double(nc, time, stamps) == NC_NOERR);
    REQUIRE(nc_close(nc) == NC_NOERR);
    const Field surface = read_field({levels}, "thetao", FixedIndex{1, 1});
    CHECK(surface.spatial_dims == std::vector<std::string>{"lat", "lon"});
    CHECK(surface.spatial_shape == std::vector<std::size_t>{3, 4});
    std::vector<double> slice;
    for (std::size_t t = 0; t < 3; ++t) {
        const auto first = expected.begin() + static_cast<std::ptrdiff_t>((t * 2 + 1) * 12);
        slice.insert(slice.end(), first, first + 12);
    }
    check_same(surface.data, slice);
    CHECK(read_field({levels}, "thetao").spatial_shape == std::vector<std::size_t>{2, 3, 4});
}
