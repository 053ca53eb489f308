// The header reader of the complete parsers: netCDF-4 files read through the HDF5 C API give
// what netCDF-C gives, field by field; other files and unusual layouts go to netCDF-C.
#include "catalog/detail.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <netcdf.h>

#include <fstream>
#include <functional>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::catalog::detail::NetcdfHeader;

namespace {

// Writes a file with netCDF-C directly, failing the test on any error.
class Writer {
public:
    Writer(const fs::path& path, int mode) {
        fs::create_directories(path.parent_path());
        check(nc_create(path.c_str(), mode | NC_CLOBBER, &ncid_));
    }
    ~Writer() {
        if (ncid_ >= 0) nc_close(ncid_);
    }
    static void check(int status) { REQUIRE(std::string(nc_strerror(status)) == nc_strerror(NC_NOERR)); }
    int id() const { return ncid_; }
    int dimension(const char* name, std::size_t length) {
        int id = -1;
        check(nc_def_dim(ncid_, name, length, &id));
        return id;
    }
    int variable(const char* name, nc_type type, const std::vector<int>& dims) {
        int id = -1;
        check(nc_def_var(ncid_, name, type, static_cast<int>(dims.size()), dims.data(), &id));
        return id;
    }
    void text(int variable, const char* name, const std::string& value) {
        check(nc_put_att_text(ncid_, variable, name, value.size(), value.c_str()));
    }
    void close() {
        check(nc_close(ncid_));
        ncid_ = -1;
    }

private:
    int ncid_ = -1;
};

const std::vector<std::string> kAttributeNames = {
    "activity_id", "source_id", "variable_id", "empty_text", "strings", "one_string", "double_value", "float_value",
    "int_value", "short_values", "int64_value", "ubyte_values", "branch_time_in_child", "absent", "_FillValue",
    "standard_name", "long_name", "units", "missing_value", "calendar", "axis"};

// Every field NetcdfHeader gives, read through the default path and through netCDF-C alone.
void check_same_through_both(const fs::path& path, const std::vector<std::string>& variables, bool expect_hdf5_only) {
    INFO(path.string());
    const NetcdfHeader fast(path.string());
    const NetcdfHeader reference(path.string(), NetcdfHeader::Reader::netcdf);
    CHECK_FALSE(reference.reads_through_hdf5());
    for (const auto& name : kAttributeNames) {
        INFO("global " << name);
        CHECK(fast.global(name) == reference.global(name));
        for (const auto& variable : variables) {
            INFO("variable " << variable);
            CHECK(fast.attribute(variable, name) == reference.attribute(variable, name));
        }
    }
    CHECK(fast.vertical_levels() == reference.vertical_levels());
    const auto fast_time = fast.time();
    const auto reference_time = reference.time();
    CHECK(fast_time.start == reference_time.start);
    CHECK(fast_time.end == reference_time.end);
    CHECK(fast_time.units == reference_time.units);
    CHECK(fast_time.calendar == reference_time.calendar);
    CHECK(fast.reads_through_hdf5() == expect_hdf5_only);
}

// A CMIP-like file: attributes of every type, an unlimited time in a non-standard calendar,
// a pressure coordinate and a compressed data variable.
fs::path write_full_file(const fs::path& path, int mode, const std::string& calendar) {
    Writer out(path, mode);
    const int global = NC_GLOBAL;
    out.text(global, "activity_id", "CMIP");
    out.text(global, "source_id", "MODEL-1");
    out.text(global, "variable_id", "ta");
    out.text(global, "empty_text", "");
    const bool netcdf4 = (mode & NC_NETCDF4) != 0;
    if (netcdf4) {
        const char* strings[] = {"first of two", "second"};
        Writer::check(nc_put_att_string(out.id(), global, "strings", 2, strings));
        const char* one[] = {"only one"};
        Writer::check(nc_put_att_string(out.id(), global, "one_string", 1, one));
        const long long big = 1234567890123LL;
        Writer::check(nc_put_att_longlong(out.id(), global, "int64_value", NC_INT64, 1, &big));
        const unsigned char bytes[] = {1, 200, 255};
        Writer::check(nc_put_att_uchar(out.id(), global, "ubyte_values", NC_UBYTE, 3, bytes));
    }
    const double d = 36524.75;
    Writer::check(nc_put_att_double(out.id(), global, "double_value", NC_DOUBLE, 1, &d));
    const float f = 0.1f;
    Writer::check(nc_put_att_float(out.id(), global, "float_value", NC_FLOAT, 1, &f));
    const int i = -7;
    Writer::check(nc_put_att_int(out.id(), global, "int_value", NC_INT, 1, &i));
    const short shorts[] = {1, -2, 3};
    Writer::check(nc_put_att_short(out.id(), global, "short_values", NC_SHORT, 3, shorts));
    const double branch = 0.0;
    Writer::check(nc_put_att_double(out.id(), global, "branch_time_in_child", NC_DOUBLE, 1, &branch));

    const int time_dim = out.dimension("time", NC_UNLIMITED);
    const int plev_dim = out.dimension("plev", 4);
    const int lat_dim = out.dimension("lat", 3);
    const int time = out.variable("time", NC_DOUBLE, {time_dim});
    out.text(time, "units", "days since 2001-01-01");
    out.text(time, "calendar", calendar);
    out.text(time, "axis", "T");
    const int plev = out.variable("plev", NC_DOUBLE, {plev_dim});
    out.text(plev, "units", "Pa");
    const int lat = out.variable("lat", NC_DOUBLE, {lat_dim});
    const int ta = out.variable("ta", NC_FLOAT, {time_dim, plev_dim, lat_dim});
    if (netcdf4) Writer::check(nc_def_var_deflate(out.id(), ta, 1, 1, 1));
    const float fill = 1.0e20f;
    Writer::check(nc_put_att_float(out.id(), ta, "_FillValue", NC_FLOAT, 1, &fill));
    Writer::check(nc_put_att_float(out.id(), ta, "missing_value", NC_FLOAT, 1, &fill));
    out.text(ta, "standard_name", "air_temperature");
    out.text(ta, "long_name", "Air Temperature");
    out.text(ta, "units", "K");
    Writer::check(nc_enddef(out.id()));

    // 36 records 30 days apart, written one at a time like CMOR.
    for (std::size_t month = 0; month < 36; ++month) {
        const double value = 15.5 + 30.0 * static_cast<double>(month);
        Writer::check(nc_put_var1_double(out.id(), time, &month, &value));
        const std::size_t start[] = {month, 0, 0}, count[] = {1, 4, 3};
        const std::vector<float> values(12, 250.0f);
        Writer::check(nc_put_vara_float(out.id(), ta, start, count, values.data()));
    }
    const std::vector<double> levels = {100000, 85000, 50000, 25000};
    Writer::check(nc_put_var_double(out.id(), plev, levels.data()));
    const std::vector<double> lats = {-60, 0, 60};
    Writer::check(nc_put_var_double(out.id(), lat, lats.data()));
    out.close();
    return path;
}

}  // namespace

TEST_CASE("netCDF-4 headers read through HDF5 give netCDF-C's values for every field") {
    ref::datagen::TemporaryDirectory dir("ref-header");
    for (const std::string calendar : {"noleap", "360_day", "proleptic_gregorian", "all_leap"}) {
        const auto path = write_full_file(dir / ("full-" + calendar + ".nc"), NC_NETCDF4, calendar);
        check_same_through_both(path, {"ta", "time", "plev", "absent_variable"}, true);
    }
    // And the values themselves, as netCDF-C and the spec give them.
    const NetcdfHeader header((dir / "full-360_day.nc").string());
    CHECK(header.global("strings") == "first of two");
    CHECK(header.global("one_string") == "only one");
    CHECK(header.global("empty_text") == "");
    CHECK(header.global("int64_value") == "1234567890123");
    CHECK(header.global("ubyte_values") == "1 200 255");
    CHECK(header.global("short_values") == "1 -2 3");
    CHECK(header.global("double_value") == "36524.75");
    CHECK(header.global("float_value") == "0.10000000149011612");
    CHECK(header.global("absent") == std::nullopt);
    CHECK(header.attribute("ta", "long_name") == "Air Temperature");
    CHECK(header.attribute("absent_variable", "units") == std::nullopt);
    CHECK(header.vertical_levels() == 4);
    const auto time = header.time();
    CHECK(time.calendar == "360_day");
    CHECK(time.units == "days since 2001-01-01");
    CHECK(time.start == "2001-01-16 12:00:00");
    CHECK(time.end == "2003-12-16 12:00:00");  // day 1065.5 of 360-day years
    CHECK(header.reads_through_hdf5());
}

TEST_CASE("the generated CMIP6 and obs files read the same through HDF5 and netCDF-C") {
    std::size_t compared = 0;
    for (const auto& file : generated_tree().files()) {
        const NetcdfHeader probe(file.path.string());
        const auto variable = probe.global("variable_id");
        std::vector<std::string> variables = {"time"};
        if (variable) variables.push_back(*variable);
        check_same_through_both(file.path, variables, true);
        ++compared;
    }
    CHECK(compared > 10);
}

TEST_CASE("attributes netCDF-C hides or computes are left to it") {
    ref::datagen::TemporaryDirectory dir("ref-header");
    const auto path = write_full_file(dir / "full.nc", NC_NETCDF4, "noleap");
    for (const char* name : {"_NCProperties", "_IsNetcdf4", "NAME", "CLASS", "DIMENSION_LIST"}) {
        INFO(name);
        const NetcdfHeader fast(path.string());
        const NetcdfHeader reference(path.string(), NetcdfHeader::Reader::netcdf);
        CHECK(fast.global(name) == reference.global(name));
        CHECK(fast.attribute("plev", name) == reference.attribute("plev", name));
        CHECK(fast.attribute("ta", name) == reference.attribute("ta", name));
        CHECK_FALSE(fast.reads_through_hdf5());
    }
    CHECK(NetcdfHeader(path.string()).global("_NCProperties").value_or("").starts_with("version="));
    CHECK_FALSE(NetcdfHeader(path.string()).attribute("ta", "DIMENSION_LIST"));
}

TEST_CASE("packed and filled time values read through HDF5 as through netCDF-C") {
    ref::datagen::TemporaryDirectory dir("ref-header");
    const auto write = [&](const std::string& name, std::optional<int> fill) {
        const auto path = dir / name;
        Writer out(path, NC_NETCDF4);
        const int time_dim = out.dimension("time", NC_UNLIMITED);
        const int time = out.variable("time", NC_INT, {time_dim});
        out.text(time, "units", "hours since 2000-01-01 00:00:00");
        const double scale = 0.5, offset = 6.0;
        Writer::check(nc_put_att_double(out.id(), time, "scale_factor", NC_DOUBLE, 1, &scale));
        Writer::check(nc_put_att_double(out.id(), time, "add_offset", NC_DOUBLE, 1, &offset));
        if (fill) Writer::check(nc_put_att_int(out.id(), time, "_FillValue", NC_INT, 1, &*fill));
        const std::vector<int> values = {0, 10, 20};
        const std::size_t start = 0, count = 3;
        Writer::check(nc_put_vara_int(out.id(), time, &start, &count, values.data()));
        out.close();
        return path;
    };
    const auto packed = write("packed.nc", std::nullopt);
    check_same_through_both(packed, {"time"}, true);
    const auto time = NetcdfHeader(packed.string()).time();
    CHECK(time.start == "2000-01-01 06:00:00");
    CHECK(time.end == "2000-01-01 16:00:00");
    CHECK(time.calendar == "standard");

    const auto filled = write("filled.nc", 20);  // the last raw value is the fill value
    check_same_through_both(filled, {"time"}, true);
    CHECK_FALSE(NetcdfHeader(filled.string()).time().end);
}

TEST_CASE("layouts the HDF5 reader leaves to netCDF-C give netCDF-C's answers") {
    ref::datagen::TemporaryDirectory dir("ref-header");

    SECTION("a vertical dimension without a coordinate variable") {
        const auto path = dir / "bare-dimension.nc";
        Writer out(path, NC_NETCDF4);
        const int plev = out.dimension("plev", 3);
        const int lat = out.dimension("lat", 2);
        out.variable("ta", NC_FLOAT, {plev, lat});
        out.close();
        const NetcdfHeader header(path.string());
        CHECK(header.vertical_levels() == 3);
        CHECK_FALSE(header.reads_through_hdf5());
        check_same_through_both(path, {"ta"}, false);
    }
    SECTION("a data variable longer than the time coordinate along the unlimited dimension") {
        const auto path = dir / "short-time.nc";
        Writer out(path, NC_NETCDF4);
        const int time_dim = out.dimension("time", NC_UNLIMITED);
        const int time = out.variable("time", NC_DOUBLE, {time_dim});
        out.text(time, "units", "days since 2000-01-01");
        const double fill = -1.0;
        Writer::check(nc_put_att_double(out.id(), time, "_FillValue", NC_DOUBLE, 1, &fill));
        const int tas = out.variable("tas", NC_FLOAT, {time_dim});
        const std::size_t start = 0, two = 2, three = 3;
        const std::vector<double> times = {1.0, 2.0};
        Writer::check(nc_put_vara_double(out.id(), time, &start, &two, times.data()));
        const std::vector<float> values = {1.0f, 2.0f, 3.0f};
        Writer::check(nc_put_vara_float(out.id(), tas, &start, &three, values.data()));
        out.close();
        const NetcdfHeader header(path.string());
        CHECK_FALSE(header.time().end);  // netCDF-C reads the fill value past the coordinate's end
        CHECK_FALSE(header.reads_through_hdf5());
        check_same_through_both(path, {"time", "tas"}, false);
    }
    SECTION("a text time") {
        const auto path = dir / "text-time.nc";
        Writer out(path, NC_NETCDF4);
        const int time_dim = out.dimension("time", 2);
        const int time = out.variable("time", NC_CHAR, {time_dim});
        out.text(time, "units", "days since 2000-01-01");
        out.close();
        std::string fast_error, reference_error;
        try {
            NetcdfHeader(path.string()).time();
        } catch (const std::exception& e) {
            fast_error = e.what();
        }
        try {
            NetcdfHeader(path.string(), NetcdfHeader::Reader::netcdf).time();
        } catch (const std::exception& e) {
            reference_error = e.what();
        }
        CHECK_THAT(fast_error, Catch::StartsWith(path.string() + ": variable 'time'"));
        CHECK(fast_error == reference_error);
    }
    SECTION("a netCDF-3 file") {
        const auto classic = write_full_file(dir / "classic.nc", 0, "noleap");
        const auto offset64 = write_full_file(dir / "offset64.nc", NC_64BIT_OFFSET, "noleap");
        for (const auto& path : {classic, offset64}) {
            check_same_through_both(path, {"ta", "time"}, false);
            const NetcdfHeader header(path.string());
            CHECK(header.time().end == "2003-12-02 12:00:00");  // day 1065.5 of 365-day years
            CHECK(header.vertical_levels() == 4);
            CHECK_FALSE(header.reads_through_hdf5());
        }
    }
}

TEST_CASE("truncated and corrupt netCDF-4 files give netCDF-C's error naming the file") {
    ref::datagen::TemporaryDirectory dir("ref-header");
    const auto source = write_full_file(dir / "source.nc", NC_NETCDF4, "noleap");
    const auto size = fs::file_size(source);
    const auto error = [](const fs::path& path, NetcdfHeader::Reader reader) {
        try {
            const NetcdfHeader header(path.string(), reader);
            header.global("activity_id");
            header.attribute("ta", "units");
            header.vertical_levels();
            header.time();
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    const auto check_error = [&](const fs::path& path) {
        INFO(path.string());
        const std::string fast = error(path, NetcdfHeader::Reader::fastest);
        CHECK_THAT(fast, Catch::StartsWith(path.string() + ": cannot open as netCDF"));
        CHECK(fast == error(path, NetcdfHeader::Reader::netcdf));
    };
    for (const auto keep : {std::uintmax_t{8}, std::uintmax_t{600}, size / 2, size - 10}) {
        const auto truncated = dir / ("truncated-" + std::to_string(keep) + ".nc");
        fs::copy_file(source, truncated, fs::copy_options::overwrite_existing);
        fs::resize_file(truncated, keep);
        check_error(truncated);
    }
    // The HDF5 signature followed by garbage.
    const auto garbage = dir / "garbage.nc";
    {
        std::ofstream out(garbage, std::ios::binary);
        out << "\x89HDF\r\n\x1a\n" << std::string(4096, 'x');
    }
    check_error(garbage);
    // A superblock whose root group address points at garbage.
    const auto corrupt = dir / "corrupt-root.nc";
    fs::copy_file(source, corrupt, fs::copy_options::overwrite_existing);
    {
        std::fstream out(corrupt, std::ios::binary | std::ios::in | std::ios::out);
        out.seekp(48);
        out << std::string(128, '\xff');
    }
    check_error(corrupt);
}
