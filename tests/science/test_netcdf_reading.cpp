#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>
#include <netcdf.h>
#include <zlib.h>

#include "hdf5_chunks.hpp"

#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/field.hpp"
#include "ref/science/netcdf_file.hpp"
#include "sample_data.hpp"
#include "test_files.hpp"

using namespace ref::science;
using ref::datagen::TemporaryDirectory;
using ref::science::detail::Hdf5Handle;
using ref::science::detail::read_chunks_directly;

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

// One chunked netCDF-4 variable and what reading it chunk by chunk must make of it.
struct ChunkedCase {
    std::string name;
    nc_type type = NC_DOUBLE;
    std::vector<std::size_t> shape;  // the first dimension is unlimited when `unlimited`
    bool unlimited = false;
    std::vector<std::size_t> chunks;
    int deflate_level = 0;
    bool shuffle = false;
    bool packed = false;  // scale_factor, add_offset and a _FillValue some values take
    bool decoded_here = true;
};

bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Deterministic values that fit `type`, some of them the fill value when packed.
std::vector<double> case_values(const ChunkedCase& c, std::size_t count) {
    std::vector<double> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        const double wave = std::sin(0.37 * static_cast<double>(i));
        switch (c.type) {
            case NC_FLOAT: values[i] = static_cast<float>(250.0 + 40.0 * wave); break;
            case NC_DOUBLE: values[i] = 250.0 + 40.0 * wave + 1e-9 * static_cast<double>(i); break;
            case NC_SHORT: values[i] = (c.packed && i % 13 == 5) ? -32767.0 : std::round(30000.0 * wave); break;
            case NC_UBYTE: values[i] = static_cast<double>((i * 37) % 256); break;
            default: values[i] = std::round(2.0e9 * wave); break;
        }
    }
    return values;
}

void write_chunked(const std::string& path, const ChunkedCase& c) {
    int nc = -1, var = -1;
    REQUIRE(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &nc) == NC_NOERR);
    std::vector<int> dims;
    for (std::size_t d = 0; d < c.shape.size(); ++d) {
        int dim = -1;
        const std::size_t length = (d == 0 && c.unlimited) ? NC_UNLIMITED : c.shape[d];
        REQUIRE(nc_def_dim(nc, ("d" + std::to_string(d)).c_str(), length, &dim) == NC_NOERR);
        dims.push_back(dim);
    }
    REQUIRE(nc_def_var(nc, "v", c.type, static_cast<int>(dims.size()), dims.data(), &var) == NC_NOERR);
    REQUIRE(nc_def_var_chunking(nc, var, NC_CHUNKED, c.chunks.data()) == NC_NOERR);
    if (c.deflate_level > 0 || c.shuffle) {
        REQUIRE(nc_def_var_deflate(nc, var, c.shuffle ? 1 : 0, c.deflate_level > 0 ? 1 : 0, c.deflate_level) == NC_NOERR);
    }
    if (c.packed) {
        const short fill = -32767;
        const double scale = 0.01, offset = 273.15;
        REQUIRE(nc_put_att_short(nc, var, "_FillValue", NC_SHORT, 1, &fill) == NC_NOERR);
        REQUIRE(nc_put_att_double(nc, var, "scale_factor", NC_DOUBLE, 1, &scale) == NC_NOERR);
        REQUIRE(nc_put_att_double(nc, var, "add_offset", NC_DOUBLE, 1, &offset) == NC_NOERR);
    }
    REQUIRE(nc_enddef(nc) == NC_NOERR);
    std::size_t count = 1;
    for (const std::size_t n : c.shape) count *= n;
    const std::vector<std::size_t> start(c.shape.size(), 0);
    REQUIRE(nc_put_vara_double(nc, var, start.data(), c.shape.data(), case_values(c, count).data()) == NC_NOERR);
    REQUIRE(nc_close(nc) == NC_NOERR);
}

// The variable as netCDF-C reads it, and as the chunk path reads it (nothing when it declines).
std::pair<std::vector<double>, std::optional<std::vector<double>>> read_both_ways(const std::string& path,
                                                                                 const std::string& name) {
    std::vector<double> reference;
    {
        int nc = -1, var = -1, ndims = 0;
        REQUIRE(nc_open(path.c_str(), NC_NOWRITE, &nc) == NC_NOERR);
        REQUIRE(nc_inq_varid(nc, name.c_str(), &var) == NC_NOERR);
        REQUIRE(nc_inq_varndims(nc, var, &ndims) == NC_NOERR);
        std::vector<int> dimids(static_cast<std::size_t>(ndims));
        REQUIRE(nc_inq_vardimid(nc, var, dimids.data()) == NC_NOERR);
        std::size_t count = 1;
        for (const int dim : dimids) {
            std::size_t length = 0;
            REQUIRE(nc_inq_dimlen(nc, dim, &length) == NC_NOERR);
            count *= length;
        }
        reference.resize(count);
        REQUIRE(nc_get_var_double(nc, var, reference.data()) == NC_NOERR);
        REQUIRE(nc_close(nc) == NC_NOERR);
    }
    const Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    REQUIRE(file.id >= 0);
    const Hdf5Handle dataset{H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), H5Dclose};
    REQUIRE(dataset.id >= 0);
    std::vector<double> direct(reference.size(), -1.0);
    if (!read_chunks_directly(dataset.id, direct, 1)) return {reference, std::nullopt};
    return {reference, direct};
}

void check_same(const std::vector<double>& expected, const std::vector<double>& actual) {
    REQUIRE(actual.size() == expected.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (!same_value(expected[i], actual[i])) {
            if (differing++ < 5) FAIL_CHECK("value " << i << ": " << actual[i] << " instead of " << expected[i]);
        }
    }
    CHECK(differing == 0);
}

// What NetcdfFile::read must return: netCDF-C's raw values with the fill value masked and the
// packing undone, as CF defines them.
std::vector<double> decoded(std::vector<double> raw, bool packed) {
    if (!packed) return raw;
    for (double& v : raw) v = v == -32767.0 ? NAN : v * 0.01 + 273.15;
    return raw;
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
        check_same(expected, file.read("thetao"));
        for (std::size_t level = 0; level < 2; ++level) {
            INFO("level " << level);
            std::vector<double> slice;
            for (std::size_t t = 0; t < 3; ++t) {
                const auto first = expected.begin() + static_cast<std::ptrdiff_t>((t * 2 + level) * 12);
                slice.insert(slice.end(), first, first + 12);
            }
            check_same(slice, file.read_level("thetao", 1, level));
        }
        // A block inside every dimension: times 1-2, level 1, lat 1-2, lon 1-3.
        std::vector<double> block;
        for (std::size_t t = 1; t < 3; ++t)
            for (std::size_t j = 1; j < 3; ++j)
                for (std::size_t i = 1; i < 4; ++i) block.push_back(expected[((t * 2 + 1) * 3 + j) * 4 + i]);
        check_same(block, file.read("thetao", {1, 1, 1, 1}, {2, 1, 2, 3}));
        // The first time step's values at every level, as one block of the time dimension.
        check_same(std::vector<double>(expected.begin(), expected.begin() + 24), file.read_level("thetao", 0, 0));
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
    check_same(slice, surface.data);
    CHECK(read_field({levels}, "thetao").spatial_shape == std::vector<std::size_t>{2, 3, 4});
}

TEST_CASE("chunked netCDF-4 variables read chunk by chunk equal netCDF-C's values") {
    const TemporaryDirectory dir;
    const std::vector<ChunkedCase> cases = {
        {"double_one_step", NC_DOUBLE, {100, 5, 7}, true, {1, 5, 7}},
        {"float_deflate_shuffle", NC_FLOAT, {100, 5, 7}, true, {1, 5, 7}, 1, true},
        {"float_edge_chunks", NC_FLOAT, {100, 5, 7}, true, {3, 2, 4}, 4, false},
        {"short_packed", NC_SHORT, {100, 3}, true, {7, 2}, 1, true, true},
        {"time_bnds", NC_DOUBLE, {100, 2}, true, {1, 2}},
        {"double_rows_last_chunk_partial", NC_DOUBLE, {100, 3}, true, {7, 3}},
        {"int_1d_fixed", NC_INT, {1000}, false, {30}, 2, true},
        {"ubyte_4d", NC_UBYTE, {10, 3, 4, 5}, true, {1, 2, 3, 2}, 1, true},
        {"double_shuffle_only", NC_DOUBLE, {50, 6}, false, {4, 6}, 0, true},
        {"short_4d_edges_fixed", NC_SHORT, {5, 7, 3, 9}, false, {2, 3, 2, 4}, 6, true, true},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const auto path = (dir / (c.name + ".nc")).string();
        write_chunked(path, c);
        const auto [reference, direct] = read_both_ways(path, "v");
        REQUIRE(direct.has_value() == c.decoded_here);
        check_same(reference, *direct);
        // Through NetcdfFile (the chunk path where there are many chunks, H5Dread otherwise).
        check_same(decoded(reference, c.packed), NetcdfFile(path).read("v"));
    }
}

TEST_CASE("chunked variables the chunk path does not decode fall back with the same values") {
    const TemporaryDirectory dir;
    const std::size_t shape[3] = {80, 4, 6}, chunks[3] = {1, 4, 6}, start[3] = {0, 0, 0};
    std::vector<double> values(80 * 4 * 6);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 200.0 + 0.5 * static_cast<double>(i % 97);

    // Each file holds "v" with one thing the chunk path leaves to HDF5.
    const std::vector<std::pair<std::string, std::function<int(int, int)>>> setups = {
        {"fletcher32", [](int nc, int var) { return nc_def_var_fletcher32(nc, var, NC_FLETCHER32); }},
        {"big_endian", [](int nc, int var) { return nc_def_var_endian(nc, var, NC_ENDIAN_BIG); }},
        {"szip", [](int nc, int var) { return nc_def_var_szip(nc, var, 32, 8); }},
        {"partly_written", [](int, int) { return NC_NOERR; }},
        {"contiguous", [](int nc, int var) { return nc_def_var_chunking(nc, var, NC_CONTIGUOUS, nullptr); }},
    };
    for (const auto& [name, setup] : setups) {
        INFO(name);
        const auto path = (dir / (name + ".nc")).string();
        int nc = -1, var = -1, dims[3] = {-1, -1, -1};
        REQUIRE(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &nc) == NC_NOERR);
        REQUIRE(nc_def_dim(nc, "time", 80, &dims[0]) == NC_NOERR);
        REQUIRE(nc_def_dim(nc, "lat", 4, &dims[1]) == NC_NOERR);
        REQUIRE(nc_def_dim(nc, "lon", 6, &dims[2]) == NC_NOERR);
        REQUIRE(nc_def_var(nc, "v", NC_DOUBLE, 3, dims, &var) == NC_NOERR);
        if (name != "contiguous") REQUIRE(nc_def_var_chunking(nc, var, NC_CHUNKED, chunks) == NC_NOERR);
        if (const int status = setup(nc, var); status != NC_NOERR) {
            // szip needs an HDF5 built with it.
            WARN(name << " not available here: " << nc_strerror(status));
            nc_close(nc);
            continue;
        }
        REQUIRE(nc_enddef(nc) == NC_NOERR);
        // The partly written file leaves the last 30 time steps' chunks unallocated: fill values.
        const std::size_t count[3] = {name == "partly_written" ? 50u : shape[0], shape[1], shape[2]};
        REQUIRE(nc_put_vara_double(nc, var, start, count, values.data()) == NC_NOERR);
        REQUIRE(nc_close(nc) == NC_NOERR);

        const auto [reference, direct] = read_both_ways(path, "v");
        CHECK_FALSE(direct.has_value());
        if (name == "partly_written") {
            CHECK(reference.back() == NC_FILL_DOUBLE);
        }
        check_same(reference, NetcdfFile(path).read("v"));
    }
}

TEST_CASE("the chunk path honours each chunk's filter mask") {
    // HDF5 stores a chunk unfiltered, with the filter's bit set, when an optional filter fails on
    // it; H5Dwrite_chunk writes such chunks on purpose.
    const TemporaryDirectory dir;
    const auto path = (dir / "masks.h5").string();
    constexpr std::size_t rows = 6, columns = 4, chunk_rows = 2;
    std::vector<double> values(rows * columns);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 1000.0 + 3.25 * static_cast<double>(i);
    {
        const Hdf5Handle file{H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
        REQUIRE(file.id >= 0);
        const hsize_t shape[2] = {rows, columns}, chunk[2] = {chunk_rows, columns};
        const Hdf5Handle space{H5Screate_simple(2, shape, nullptr), H5Sclose};
        const Hdf5Handle creation{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
        REQUIRE(H5Pset_chunk(creation.id, 2, chunk) >= 0);
        REQUIRE(H5Pset_shuffle(creation.id) >= 0);   // filter 0
        REQUIRE(H5Pset_deflate(creation.id, 1) >= 0);  // filter 1
        const Hdf5Handle dataset{
            H5Dcreate2(file.id, "v", H5T_IEEE_F64LE, space.id, H5P_DEFAULT, creation.id, H5P_DEFAULT), H5Dclose};
        REQUIRE(dataset.id >= 0);
        const std::size_t chunk_bytes = chunk_rows * columns * sizeof(double);
        // Chunk 0 fully filtered, chunk 1 with neither filter, chunk 2 shuffled but not deflated.
        const std::uint32_t masks[3] = {0b00, 0b11, 0b10};
        for (std::size_t c = 0; c < 3; ++c) {
            std::vector<unsigned char> bytes(chunk_bytes);
            std::memcpy(bytes.data(), values.data() + c * chunk_rows * columns, chunk_bytes);
            if ((masks[c] & 0b01) == 0) {
                std::vector<unsigned char> shuffled(chunk_bytes);
                const std::size_t count = chunk_bytes / sizeof(double);
                for (std::size_t i = 0; i < count; ++i) {
                    for (std::size_t b = 0; b < sizeof(double); ++b) shuffled[b * count + i] = bytes[i * sizeof(double) + b];
                }
                bytes = shuffled;
            }
            if ((masks[c] & 0b10) == 0) {
                uLongf length = compressBound(chunk_bytes);
                std::vector<unsigned char> packed(length);
                REQUIRE(compress2(packed.data(), &length, bytes.data(), chunk_bytes, 1) == Z_OK);
                packed.resize(length);
                bytes = packed;
            }
            const hsize_t offset[2] = {c * chunk_rows, 0};
            REQUIRE(H5Dwrite_chunk(dataset.id, H5P_DEFAULT, masks[c], offset, bytes.size(), bytes.data()) >= 0);
        }
    }
    const Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    const Hdf5Handle dataset{H5Dopen2(file.id, "v", H5P_DEFAULT), H5Dclose};
    REQUIRE(dataset.id >= 0);
    std::vector<double> through_hdf5(values.size());
    REQUIRE(H5Dread(dataset.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, through_hdf5.data()) >= 0);
    check_same(values, through_hdf5);
    std::vector<double> direct(values.size(), -1.0);
    REQUIRE(read_chunks_directly(dataset.id, direct, 1));
    check_same(values, direct);
    // Below the chunk count where it pays, the chunk path declines.
    CHECK_FALSE(read_chunks_directly(dataset.id, direct, 4));
}

TEST_CASE("real CMIP6 files (deflate and shuffle) read the same chunk by chunk and through netCDF-C") {
    namespace fs = std::filesystem;
    const fs::path root = ref::test::sample_data_dir() / "CMIP6";
    if (!fs::is_directory(root)) {
        ref::test::skip_test("sample data not found at " + root.string());
        return;
    }
    std::size_t checked = 0, decoded_here = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".nc") continue;
        const auto path = entry.path().string();
        const auto variable = entry.path().filename().string().substr(0, entry.path().filename().string().find('_'));
        INFO(path << " " << variable);
        for (const std::string& name : {variable, std::string("time_bnds"), std::string("lat")}) {
            if (!NetcdfFile(path).has_variable(name)) continue;
            const auto [reference, direct] = read_both_ways(path, name);
            if (direct) {
                ++decoded_here;
                check_same(reference, *direct);
            }
        }
        ++checked;
    }
    CHECK(checked > 0);
    CHECK(decoded_here > 0);
}

TEST_CASE("a damaged deflated chunk gives an error naming the file, never other values") {
    const TemporaryDirectory dir;
    const auto path = (dir / "damaged_chunk.nc").string();
    const ChunkedCase c{"damaged", NC_FLOAT, {100, 5, 7}, true, {1, 5, 7}, 1, true};
    write_chunked(path, c);
    haddr_t address = 0;
    hsize_t stored = 0;
    {
        const Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
        const Hdf5Handle dataset{H5Dopen2(file.id, "v", H5P_DEFAULT), H5Dclose};
        const hsize_t origin[3] = {40, 0, 0};
        unsigned mask = 0;
        REQUIRE(H5Dget_chunk_info_by_coord(dataset.id, origin, &mask, &address, &stored) >= 0);
        REQUIRE(stored > 8);
    }
    {
        // Overwrite the middle of the 41st chunk's deflate stream.
        std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(static_cast<std::streamoff>(address + stored / 2 - 4));
        const std::string junk(8, '\x5a');
        io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    const Hdf5Handle dataset{H5Dopen2(file.id, "v", H5P_DEFAULT), H5Dclose};
    std::vector<double> direct(100 * 5 * 7);
    CHECK_FALSE(read_chunks_directly(dataset.id, direct, 1));
    CHECK_THROWS_WITH(NetcdfFile(path).read("v"), Catch::Contains(path));
}
