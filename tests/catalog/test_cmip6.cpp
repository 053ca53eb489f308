// The CMIP6 adapter: complete and drs parsers (datasets.md §3.2, §4).
#include "support.hpp"

#include <catch2/catch.hpp>
#include <netcdf.h>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::solver::SourceType;

namespace {

const fs::path kDir = "CMIP6/CMIP/INST/MODEL-1/historical/r1i1p1f1/Amon/tas/gn/v20200101";

FileMetadata parse_drs_name(const fs::path& root, const std::string& name, const fs::path& dir = kDir) {
    return make_adapter(SourceType::Cmip6)->parse(touch(root / dir / name), Parser::Drs);
}

}  // namespace

TEST_CASE("cmip6 adapter names its type and table") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    CHECK(adapter->source_type() == SourceType::Cmip6);
    CHECK(adapter->dataset_type() == "CMIP6");
    CHECK(adapter->table() == "cmip6_dataset");
    CHECK(adapter->supports_drs());
    CHECK(adapter->identity_columns() == std::vector<std::string>{"activity_id", "institution_id", "source_id",
                                                                  "experiment_id", "member_id", "table_id",
                                                                  "variable_id", "grid_label"});
}

TEST_CASE("cmip6 complete parser reads the generated files") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto& tas = generated_tree().dataset("tas-historical");
    for (const auto& generated : tas.files) {
        const auto record = adapter->parse(generated.path, Parser::Complete);
        check_facets_match_table(record, *adapter);
        CHECK(record.path == generated.path.string());
        CHECK(record.instance_id == generated.instance_id);
        CHECK(record.version == "v20240101");
        CHECK(record.finalised);
        CHECK_FALSE(record.tracking_id);
        CHECK(record.start_time == generated.start_time);
        CHECK(record.end_time == generated.end_time);
        CHECK(text(record, "member_id") == "r1i1p1f1");
        CHECK(text(record, "variant_label") == "r1i1p1f1");
        CHECK(text(record, "frequency") == "mon");
        CHECK(text(record, "calendar") == "noleap");
        CHECK(text(record, "time_units") == "days since 1850-01-01");
        CHECK(text(record, "standard_name") == "air_temperature");
        CHECK(text(record, "long_name") == "Near-Surface Air Temperature");
        CHECK(text(record, "units") == "K");
        CHECK(text(record, "experiment") == "all-forcing simulation of the recent past");
        CHECK(text(record, "parent_time_units") == "days since 0101-01-01");
        CHECK(integer(record, "vertical_levels") == 1);
        CHECK(real(record, "branch_time_in_child") == 0.0);
    }
    CHECK(tas.files.front().start_time == "2000-01-16 12:00:00");

    // A fixed field has no time axis: no times, no units, no calendar.
    const auto area = adapter->parse(tas.area->path, Parser::Complete);
    check_facets_match_table(area, *adapter);
    CHECK(area.instance_id == tas.area->instance_id);
    CHECK_FALSE(area.start_time);
    CHECK_FALSE(area.end_time);
    CHECK(is_null(area.facets.at("time_units")));
    CHECK(is_null(area.facets.at("calendar")));
    CHECK(text(area, "frequency") == "fx");
}

TEST_CASE("cmip6 drs parser gives the complete parser's identity for the generated files") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    for (const auto& dataset : generated_tree().datasets) {
        for (const auto& generated : dataset.files) {
            if (generated.project != "CMIP6") continue;
            const auto drs = adapter->parse(generated.path, Parser::Drs);
            const auto complete = adapter->parse(generated.path, Parser::Complete);
            INFO(generated.path);
            check_facets_match_table(drs, *adapter);
            CHECK(drs.instance_id == complete.instance_id);
            CHECK(drs.version == complete.version);
            CHECK_FALSE(drs.finalised);
            for (const auto& column : adapter->identity_columns()) CHECK(drs.facets.at(column) == complete.facets.at(column));
            CHECK(drs.facets.at("frequency") == complete.facets.at("frequency"));
            CHECK(drs.facets.at("variant_label") == complete.facets.at("variant_label"));
            // Only the complete parser knows these (§3.2).
            for (const char* column : {"branch_method", "branch_time_in_child", "experiment", "grid", "long_name", "units",
                                       "realm", "time_units", "calendar", "vertical_levels", "nominal_resolution"}) {
                CHECK(is_null(drs.facets.at(column)));
            }
        }
    }
}

TEST_CASE("cmip6 drs parser estimates the time range from the file name") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto range = [&](const std::string& token) {
        const auto record = parse_drs_name(dir.path(), "tas_Amon_MODEL-1_historical_r1i1p1f1_gn_" + token + ".nc");
        return std::make_pair(record.start_time, record.end_time);
    };
    using Range = std::pair<std::optional<std::string>, std::optional<std::string>>;
    CHECK(range("010101-012512") == Range{"0101-01-01 00:00:00", "0125-12-30 00:00:00"});
    CHECK(range("185001-201412") == Range{"1850-01-01 00:00:00", "2014-12-30 00:00:00"});
    CHECK(range("1850-2014") == Range{"1850-01-01 00:00:00", "2014-12-30 00:00:00"});
    CHECK(range("18500101-18501231") == Range{"1850-01-01 00:00:00", "1850-12-31 00:00:00"});
    CHECK(range("185001010030-185012311800") == Range{"1850-01-01 00:00:00", "1850-12-31 00:00:00"});
    // The day-30 estimate does not exist in February of the standard calendar.
    CHECK(range("200001-200002") == Range{"2000-01-01 00:00:00", std::nullopt});
    CHECK(range("20000101-20000230") == Range{"2000-01-01 00:00:00", std::nullopt});
    CHECK(range("200013-200101") == Range{std::nullopt, "2001-01-30 00:00:00"});
    // Malformed tokens give no estimate but the file is still usable.
    CHECK(range("20000101-200001") == Range{});
    CHECK(range("2000011-2000012") == Range{});
    CHECK(range("abcdef-ghijkl") == Range{});
    CHECK(range("200001") == Range{});

    const auto fixed = parse_drs_name(dir.path(), "tas_Amon_MODEL-1_historical_r1i1p1f1_gn.nc");
    CHECK_FALSE(fixed.start_time);
    CHECK_FALSE(fixed.end_time);
    CHECK(fixed.instance_id == "CMIP6.CMIP.INST.MODEL-1.historical.r1i1p1f1.Amon.tas.gn.v20200101");
}

TEST_CASE("cmip6 drs parser infers the frequency from the table") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto frequency = [&](const std::string& table) -> std::optional<std::string> {
        const fs::path folder = "CMIP6/CMIP/INST/MODEL-1/historical/r1i1p1f1/" + table + "/tas/gn/v1";
        const auto record = parse_drs_name(dir.path(), "tas_" + table + "_MODEL-1_historical_r1i1p1f1_gn.nc", folder);
        CHECK(text(record, "table_id") == table);
        if (is_null(record.facets.at("frequency"))) return std::nullopt;
        return text(record, "frequency");
    };
    CHECK(frequency("Amon") == "mon");
    CHECK(frequency("SImon") == "mon");
    CHECK(frequency("EmonZ") == "mon");
    CHECK(frequency("Ofx") == "fx");
    CHECK(frequency("AERfx") == "fx");
    CHECK(frequency("Oday") == "day");
    CHECK(frequency("IyrGre") == "yr");
    CHECK(frequency("CF3hr") == "3hr");
    CHECK(frequency("6hrPlevPt") == "6hr");
    CHECK(frequency("1hr") == "1hr");
    CHECK(frequency("Oclim") == "monC");
    CHECK(frequency("OmonC") == "monC");
    CHECK(frequency("Emon3d") == std::nullopt);
}

TEST_CASE("cmip6 drs parser reads activity institution grid and version from the folders") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    // The folder grid wins over the file name's; the longest v<digits> folder is the version.
    const fs::path folder = "v1/CMIP6/ScenarioMIP/CSIRO/ACCESS-ESM1-5/ssp126/r1i1p1f1/Amon/tas/gr1/v20210318";
    const auto record = parse_drs_name(dir.path(), "tas_Amon_ACCESS-ESM1-5_ssp126_r1i1p1f1_gn_201501-202512.nc", folder);
    CHECK(text(record, "activity_id") == "ScenarioMIP");
    CHECK(text(record, "institution_id") == "CSIRO");
    CHECK(text(record, "grid_label") == "gr1");
    CHECK(record.version == "v20210318");
    CHECK(record.instance_id == "CMIP6.ScenarioMIP.CSIRO.ACCESS-ESM1-5.ssp126.r1i1p1f1.Amon.tas.gr1.v20210318");

    // No version folder at all: v0.
    const auto unversioned = parse_drs_name(dir.path(), "tas_Amon_MODEL-1_historical_r1i1p1f1_gn.nc",
                                            "CMIP6/CMIP/INST/MODEL-1/historical/r1i1p1f1/Amon/tas/gn/latest");
    CHECK(unversioned.version == "v0");
    CHECK(version_key(unversioned.version) == 0);
}

TEST_CASE("cmip6 drs parser drops the sub-experiment from member ids") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const fs::path folder = "CMIP6/DCPP/INST/MODEL-1/dcppA-hindcast/s1960-r1i1p1f1/Amon/tas/gn/v20200101";
    const auto record = parse_drs_name(dir.path(), "tas_Amon_MODEL-1_dcppA-hindcast_s1960-r1i1p1f1_gn_196011-197012.nc",
                                       folder);
    CHECK(text(record, "member_id") == "r1i1p1f1");
    CHECK(text(record, "variant_label") == "r1i1p1f1");
    CHECK(record.instance_id == "CMIP6.DCPP.INST.MODEL-1.dcppA-hindcast.r1i1p1f1.Amon.tas.gn.v20200101");

    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto bad = touch(dir / "CMIP6/DCPP/INST/MODEL-1/x/sX-r1i1p1f1/Amon/tas/gn/v1/tas_Amon_MODEL-1_x_sX-r1i1p1f1_gn.nc");
    CHECK_THAT(invalid_reason(*adapter, bad, Parser::Drs), Catch::Contains("sub-experiment member 'sX-r1i1p1f1'"));
}

TEST_CASE("cmip6 drs parser rejects names and folders it cannot read") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    CHECK_THAT(invalid_reason(*adapter, touch(dir / kDir / "tas_Amon_MODEL-1_historical.nc"), Parser::Drs),
               Catch::Contains("expected 6 or 7") && Catch::Contains("found 4"));
    CHECK_THAT(invalid_reason(*adapter, touch(dir / kDir / "tas_Amon_MODEL-1_historical_r1i1p1f1_gn_1850-1900_x.nc"),
                              Parser::Drs),
               Catch::Contains("found 8"));
    // The source folder must have activity and institution above it, the variable folder a grid below it.
    CHECK_THAT(invalid_reason(*adapter, touch(dir / "CMIP/INST/OTHER/tas/gn/tas_Amon_MODEL-1_historical_r1i1p1f1_gn.nc"),
                              Parser::Drs),
               Catch::Contains("<activity>/<institution>/MODEL-1/"));
    CHECK_THAT(invalid_reason(*adapter, touch(dir / "CMIP/INST/MODEL-1/gn/tas_Amon_MODEL-1_historical_r1i1p1f1_gn.nc"),
                              Parser::Drs),
               Catch::Contains("tas/<grid>"));
}

TEST_CASE("cmip6 complete parser cleans branch times") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto branch = [&](const ref::datagen::AttributeValue& value) -> std::optional<double> {
        FileSpec spec;
        spec.globals = cmip6_globals();
        set_attribute(spec.globals, "branch_time_in_child", value);
        const auto record = adapter->parse(write_file(dir / kDir / "tas_Amon_MODEL-1_historical_r1i1p1f1_gn.nc", spec),
                                           Parser::Complete);
        check_facets_match_table(record, *adapter);
        CHECK(real(record, "branch_time_in_parent") == 36500.0);
        if (is_null(record.facets.at("branch_time_in_child"))) return std::nullopt;
        return real(record, "branch_time_in_child");
    };
    CHECK(branch(std::string("123D")) == 123.0);  // EC-Earth3
    CHECK(branch(std::string("D1.5e2D")) == 150.0);
    CHECK(branch(std::string(" 42 ")) == 42.0);
    CHECK(branch(std::string("0.0")) == 0.0);
    CHECK(branch(12.25) == 12.25);
    CHECK(branch(7) == 7.0);
    CHECK(branch(std::string("123d")) == std::nullopt);
    CHECK(branch(std::string("unknown")) == std::nullopt);
    CHECK(branch(std::string("")) == std::nullopt);
    CHECK(branch(std::string("nan")) == std::nullopt);
}

TEST_CASE("cmip6 complete parser reads vertical levels times and variable attributes") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    FileSpec spec;
    spec.globals = cmip6_globals();
    set_attribute(spec.globals, "variable_id", std::string("ta"));
    spec.variable = "ta";
    spec.vertical = std::make_pair(std::string("plev"), std::size_t{19});
    spec.times = {0.25, 59.0, 720.0};
    spec.calendar = std::string("360_day");
    spec.time_units = std::string("days since 1850-01-01 00:00:00");
    const auto path = write_file(dir / "CMIP6/CMIP/INST/MODEL-1/historical/r1i1p1f1/Amon/ta/gn/v20200101/"
                                       "ta_Amon_MODEL-1_historical_r1i1p1f1_gn_185001-185201.nc",
                                 spec);
    const auto record = adapter->parse(path, Parser::Complete);
    check_facets_match_table(record, *adapter);
    CHECK(integer(record, "vertical_levels") == 19);
    CHECK(record.start_time == "1850-01-01 06:00:00");
    CHECK(record.end_time == "1852-01-01 00:00:00");
    CHECK(text(record, "calendar") == "360_day");
    CHECK(text(record, "time_units") == "days since 1850-01-01 00:00:00");
    CHECK(text(record, "units") == "K");

    // 360-day times keep their 30 February: the row's own calendar checks them.
    spec.times = {59.0};
    const auto february = adapter->parse(write_file(path, spec), Parser::Complete);
    CHECK(february.start_time == "1850-02-30 00:00:00");

    // A time variable without a calendar is standard; without units, no times are decoded.
    spec.calendar.reset();
    CHECK(text(adapter->parse(write_file(path, spec), Parser::Complete), "calendar") == "standard");
    spec.time_units.reset();
    const auto no_units = adapter->parse(write_file(path, spec), Parser::Complete);
    CHECK_FALSE(no_units.start_time);
    CHECK(is_null(no_units.facets.at("time_units")));
    CHECK(text(no_units, "calendar") == "standard");

    // An empty time axis decodes to nothing.
    spec.time_units = std::string("days since 1850-01-01");
    spec.times.clear();
    CHECK_FALSE(adapter->parse(write_file(path, spec), Parser::Complete).start_time);

    // Missing variable attributes and a variable that is not in the file are NULL.
    spec.times = {1.0};
    spec.variable_attributes = {{"units", std::string("K")}};
    const auto sparse = adapter->parse(write_file(path, spec), Parser::Complete);
    CHECK(is_null(sparse.facets.at("standard_name")));
    CHECK(text(sparse, "units") == "K");
    set_attribute(spec.globals, "variable_id", std::string("hus"));
    CHECK(is_null(adapter->parse(write_file(path, spec), Parser::Complete).facets.at("units")));
}

TEST_CASE("cmip6 vertical levels come from a dimension that a variable uses, coordinate or not") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto path = dir / kDir / "tas_Amon_MODEL-1_historical_r1i1p1f1_gn_200001-200002.nc";
    const auto write = [&](bool lev_used) {
        fs::create_directories(path.parent_path());
        ref::datagen::NcWriter out(path.string());
        out.attributes(NC_GLOBAL, cmip6_globals());
        const int time = out.dimension("time", 2, true);
        const int time_var = out.variable("time", NC_DOUBLE, {time}, {{"units", std::string("days since 2000-01-01")}});
        const int lev = out.dimension("lev", 5);    // first in the search order
        const int plev = out.dimension("plev", 3);  // without a coordinate variable
        const std::vector<int> dims = lev_used ? std::vector<int>{time, lev, plev} : std::vector<int>{time, plev};
        const int data = out.variable("tas", NC_FLOAT, dims);
        out.put(time_var, std::vector<double>{15.5, 45.0});
        out.put(data, std::vector<float>(lev_used ? 30 : 6, 1.0f));
        out.close();
        return path;
    };
    CHECK(integer(adapter->parse(write(false), Parser::Complete), "vertical_levels") == 3);  // no variable uses lev
    CHECK(integer(adapter->parse(write(true), Parser::Complete), "vertical_levels") == 5);
}

TEST_CASE("cmip6 times are the first and last values after fill values and packing") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto path = dir / kDir / "tas_Amon_MODEL-1_historical_r1i1p1f1_gn_200001-200002.nc";
    const auto write = [&](std::optional<double> fill) {
        fs::create_directories(path.parent_path());
        ref::datagen::NcWriter out(path.string());
        out.attributes(NC_GLOBAL, cmip6_globals());
        const int time = out.dimension("time", 3, true);
        const int time_var = out.variable("time", NC_INT, {time},
                                          {{"units", std::string("days since 2000-01-01")}, {"scale_factor", 0.5}, {"add_offset", 10.0}});
        if (fill) out.fill(time_var, *fill);
        const int data = out.variable("tas", NC_FLOAT, {time});
        out.put(time_var, std::vector<int>{0, 10, 20});
        out.put(data, std::vector<float>(3, 1.0f));
        out.close();
        return path;
    };
    const auto packed = adapter->parse(write(std::nullopt), Parser::Complete);
    CHECK(packed.start_time == "2000-01-11 00:00:00");  // 10 + 0.5 * 0 days
    CHECK(packed.end_time == "2000-01-21 00:00:00");    // 10 + 0.5 * 20 days
    const auto filled = adapter->parse(write(20.0), Parser::Complete);  // the last raw value is the fill value
    CHECK_FALSE(filled.start_time);
    CHECK_FALSE(filled.end_time);
}

TEST_CASE("cmip6 complete parser leaves missing attributes NULL but needs the identity") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto path = dir / kDir / "tas_Amon_MODEL-1_historical_r1i1p1f1_gn_200001-200002.nc";
    FileSpec spec;
    spec.globals = cmip6_globals();
    for (const char* name : {"experiment", "frequency", "realm", "branch_time_in_parent", "parent_variant_label"}) {
        remove_attribute(spec.globals, name);
    }
    const auto record = adapter->parse(write_file(path, spec), Parser::Complete);
    check_facets_match_table(record, *adapter);
    CHECK(record.instance_id == "CMIP6.CMIP.INST.MODEL-1.historical.r1i1p1f1.Amon.tas.gn.v20200101");
    for (const char* name : {"experiment", "frequency", "realm", "branch_time_in_parent", "parent_variant_label"}) {
        CHECK(is_null(record.facets.at(name)));
    }

    // member_id is variant_label; without it (and the source) there is no instance id.
    remove_attribute(spec.globals, "variant_label");
    remove_attribute(spec.globals, "source_id");
    CHECK(invalid_reason(*adapter, write_file(path, spec)) == "no instance id: missing source_id, member_id");
}

TEST_CASE("cmip6 complete parser turns unreadable files into invalid files") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto folder = dir / kDir;
    CHECK_THAT(invalid_reason(*adapter, folder / "absent.nc"), Catch::Contains("cannot open as netCDF"));
    CHECK_THAT(invalid_reason(*adapter, write_text(folder / "text.nc", "not netCDF at all\n")),
               Catch::Contains("cannot open as netCDF"));
    CHECK_THAT(invalid_reason(*adapter, touch(folder / "empty.nc")), Catch::Contains("cannot open as netCDF"));
    // The reason does not repeat the path: the caller adds it.
    CHECK_THAT(invalid_reason(*adapter, touch(folder / "empty.nc")), !Catch::Contains("empty.nc"));

    // A truncated copy of a real file.
    const auto& source = generated_tree().dataset("rsut-historical").files.front().path;
    const auto size = fs::file_size(source);
    for (const auto keep : {std::uintmax_t{600}, size / 2, size - 10}) {
        const auto truncated = folder / ("truncated-" + std::to_string(keep) + ".nc");
        fs::copy_file(source, truncated, fs::copy_options::overwrite_existing);
        fs::resize_file(truncated, keep);
        INFO("kept " << keep << " of " << size << " bytes");
        CHECK_FALSE(invalid_reason(*adapter, truncated).empty());
    }

    // Time metadata that cannot be decoded.
    FileSpec spec;
    spec.globals = cmip6_globals();
    spec.calendar = std::string("lunar");
    CHECK_THAT(invalid_reason(*adapter, write_file(folder / "calendar.nc", spec)), Catch::Contains("calendar 'lunar'"));
    spec.calendar = std::string("standard");
    spec.time_units = std::string("fortnights since 2000-01-01");
    CHECK_THAT(invalid_reason(*adapter, write_file(folder / "units.nc", spec)), Catch::Contains("fortnights"));
}

TEST_CASE("cmip6 records carry the instance id built from their facets") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto& generated = generated_tree().dataset("tos-historical").files.front();
    auto record = adapter->parse(generated.path, Parser::Complete);
    CHECK(instance_id_of(*adapter, record.facets) == generated.instance_id);
    record.facets["grid_label"] = std::monostate{};
    CHECK(instance_id_of(*adapter, record.facets).empty());
}
