// The CMIP7 adapter: complete and drs parsers (datasets.md §3.3).
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::solver::SourceType;

namespace {

// MIP-DRS7: <drs_specs>/<mip_era>/<activity>/<institution>/<source>/<experiment>/<variant>/<region>/<frequency>/
//           <variable>/<branding_suffix>/<grid>/<version>
const fs::path kDir = "MIP-DRS7/CMIP7/CMIP/INST/MODEL/historical/r1i1p1f1/glb/mon/tas/tavg-h2m-hxy-u/gn/v20250622";
const std::string kName = "tas_tavg-h2m-hxy-u_mon_glb_gn_MODEL_historical_r1i1p1f1";
const std::string kInstanceId = "CMIP7.CMIP.INST.MODEL.historical.r1i1p1f1.glb.mon.tas.tavg-h2m-hxy-u.gn.v20250622";

}  // namespace

TEST_CASE("cmip7 adapter names its type and table") {
    const auto adapter = make_adapter(SourceType::Cmip7);
    CHECK(adapter->dataset_type() == "CMIP7");
    CHECK(adapter->table() == "cmip7_dataset");
    CHECK(adapter->supports_drs());
    CHECK(adapter->identity_columns() == std::vector<std::string>{"activity_id", "institution_id", "source_id",
                                                                  "experiment_id", "variant_label", "region",
                                                                  "frequency", "variable_id", "branding_suffix",
                                                                  "grid_label"});
}

TEST_CASE("cmip7 complete parser reads the mandatory and optional attributes") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip7);
    FileSpec spec;
    spec.globals = cmip7_globals();
    spec.calendar = std::string("noleap");
    spec.times = {15.5, 365.0 + 349.5};
    const auto record = adapter->parse(write_file(dir / kDir / (kName + "_200001-200112.nc"), spec), Parser::Complete);
    check_facets_match_table(record, *adapter);
    CHECK(record.instance_id == kInstanceId);
    CHECK(record.version == "v20250622");
    CHECK(record.finalised);
    CHECK(record.tracking_id == "hdl:21.14107/00000000-0000-4000-8000-000000000001");
    CHECK(record.start_time == "2000-01-16 12:00:00");
    CHECK(record.end_time == "2001-12-16 12:00:00");
    CHECK(text(record, "mip_era") == "CMIP7");
    CHECK(text(record, "license_id") == "CC-BY-4.0");
    CHECK(text(record, "external_variables") == "areacella");
    CHECK(text(record, "parent_mip_era") == "CMIP7");
    CHECK(text(record, "calendar") == "noleap");
    CHECK(text(record, "time_units") == "days since 2000-01-01");
    CHECK(text(record, "standard_name") == "air_temperature");
    CHECK(real(record, "branch_time_in_child") == 0.0);  // "0.0D" cleaned
    CHECK(is_null(record.facets.at("branch_time_in_parent")));
    CHECK(is_null(record.facets.at("parent_source_id")));
    CHECK(record.facets.count("branded_variable") == 0);  // derived on load, never stored
}

TEST_CASE("cmip7 complete parser names missing or empty mandatory attributes") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip7);
    const auto path = dir / kDir / (kName + ".nc");
    FileSpec spec;
    spec.globals = cmip7_globals();
    remove_attribute(spec.globals, "region");
    CHECK(invalid_reason(*adapter, write_file(path, spec)) == "missing or empty mandatory global attributes: region");

    spec.globals = cmip7_globals();
    set_attribute(spec.globals, "license_id", std::string(""));
    remove_attribute(spec.globals, "tracking_id");
    remove_attribute(spec.globals, "branded_variable");
    CHECK(invalid_reason(*adapter, write_file(path, spec)) ==
          "missing or empty mandatory global attributes: branded_variable, license_id, tracking_id");

    // Optional attributes may be absent.
    spec.globals = cmip7_globals();
    for (const char* name : {"branch_time_in_child", "parent_activity_id", "external_variables"}) {
        remove_attribute(spec.globals, name);
    }
    spec.with_time = false;
    const auto record = adapter->parse(write_file(path, spec), Parser::Complete);
    CHECK(record.instance_id == kInstanceId);
    CHECK(is_null(record.facets.at("external_variables")));
    CHECK(is_null(record.facets.at("calendar")));
    CHECK_FALSE(record.start_time);

    CHECK_THAT(invalid_reason(*adapter, write_text(path, "CDF\x01 but not really")), Catch::Contains("cannot open as netCDF"));
}

TEST_CASE("cmip7 drs parser reads names with and without a time range") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip7);
    const auto record = adapter->parse(touch(dir / kDir / (kName + "_185001-185002.nc")), Parser::Drs);
    check_facets_match_table(record, *adapter);
    CHECK(record.instance_id == kInstanceId);
    CHECK_FALSE(record.finalised);
    CHECK_FALSE(record.tracking_id);
    CHECK(text(record, "mip_era") == "CMIP7");
    CHECK(text(record, "activity_id") == "CMIP");
    CHECK(text(record, "institution_id") == "INST");
    CHECK(text(record, "branding_suffix") == "tavg-h2m-hxy-u");
    CHECK(text(record, "region") == "glb");
    CHECK(record.start_time == "1850-01-01 00:00:00");
    CHECK_FALSE(record.end_time);  // 1850-02-30 does not exist in the standard calendar
    for (const char* column : {"realm", "license_id", "units", "calendar", "branch_time_in_child"}) {
        CHECK(is_null(record.facets.at(column)));
    }

    const auto fixed = adapter->parse(touch(dir / kDir / (kName + ".nc")), Parser::Drs);
    CHECK(fixed.instance_id == kInstanceId);
    CHECK_FALSE(fixed.start_time);

    const auto daily = adapter->parse(touch(dir / kDir / (kName + "_18500101-18501231.nc")), Parser::Drs);
    CHECK(daily.end_time == "1850-12-31 00:00:00");
}

TEST_CASE("cmip7 drs parser rejects other names") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Cmip7);
    CHECK_THAT(invalid_reason(*adapter, touch(dir / kDir / "tas_Amon_MODEL_historical_r1i1p1f1_gn_185001-185012.nc"),
                              Parser::Drs),
               Catch::Contains("expected 8 or 9") && Catch::Contains("found 7"));
    CHECK_THAT(invalid_reason(*adapter, touch(dir / "MODEL" / (kName + ".nc")), Parser::Drs),
               Catch::Contains("<activity>/<institution>/MODEL/"));
}
