// Reference data: obs4MIPs, obs4REF and PMP climatologies (§3.4) and ESMValTool's own layout (§3.5).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::solver::SourceType;

namespace {

const fs::path kObsDir = "obs4REF/ARCCSS/LORA-1-1/mon/mrro/gn/20250516";
const std::string kObsName = "mrro_mon_LORA-1-1_REF_gn_198001-201212.nc";

FileSpec obs_spec(const std::string& activity) {
    FileSpec spec;
    spec.globals = obs_globals(activity);
    spec.variable = "mrro";
    spec.variable_attributes = {{"long_name", std::string("Total Runoff")}, {"units", std::string("kg m-2 s-1")}};
    spec.calendar = std::string("gregorian");
    spec.time_units = std::string("days since 1980-01-01");
    spec.times = {15.5, 12038.5};
    return spec;
}

FileMetadata esmvaltool(const fs::path& root, const fs::path& relative) {
    return make_adapter(SourceType::EsmvaltoolReference)->parse(touch(root / relative), Parser::Complete);
}

std::string esmvaltool_invalid(const fs::path& root, const fs::path& relative) {
    return invalid_reason(*make_adapter(SourceType::EsmvaltoolReference), touch(root / relative));
}

}  // namespace

TEST_CASE("reference adapters name their types and tables") {
    const std::vector<std::tuple<SourceType, std::string, std::string>> expected = {
        {SourceType::Obs4mips, "obs4MIPs", "obs4mips_dataset"},
        {SourceType::Obs4ref, "obs4REF", "obs4ref_dataset"},
        {SourceType::PmpClimatology, "PMPClimatology", "pmp_climatology_dataset"},
        {SourceType::EsmvaltoolReference, "ESMValToolReference", "esmvaltool_reference_dataset"}};
    for (const auto& [type, dataset_type, table] : expected) {
        const auto adapter = make_adapter(type);
        CHECK(adapter->source_type() == type);
        CHECK(adapter->dataset_type() == dataset_type);
        CHECK(adapter->table() == table);
        CHECK_FALSE(adapter->supports_drs());
        CHECK(invalid_reason(*adapter, "/nowhere/x.nc", Parser::Drs) == "the drs parser is only for cmip6 and cmip7");
    }
    CHECK(make_adapter(SourceType::Obs4ref)->identity_columns() ==
          std::vector<std::string>{"activity_id", "institution_id", "source_id", "frequency", "variable_id",
                                   "nominal_resolution", "grid_label"});
    CHECK(make_adapter(SourceType::EsmvaltoolReference)->identity_columns() ==
          std::vector<std::string>{"project", "source_id", "frequency", "variable_id"});
}

TEST_CASE("obs4mips adapter reads the generated file") {
    const auto adapter = make_adapter(SourceType::Obs4mips);
    const auto& generated = generated_tree().dataset("ts-obs").files.front();
    const auto record = adapter->parse(generated.path, Parser::Complete);
    check_facets_match_table(record, *adapter);
    CHECK(record.instance_id == "obs4MIPs.obs4MIPs.REF-SYN.HadISST-1-1.mon.ts.1000km.gn.v20240101");
    CHECK(record.version == "v20240101");
    CHECK(record.finalised);
    CHECK(record.start_time == generated.start_time);
    CHECK(record.end_time == generated.end_time);
    CHECK(text(record, "nominal_resolution") == "1000 km");
    CHECK(text(record, "source_version_number") == "1.1");
    CHECK(text(record, "long_name") == "Surface Temperature");
    CHECK(text(record, "units") == "K");
    CHECK(text(record, "realm") == "ocean");
    CHECK(integer(record, "vertical_levels") == 1);
    // The same file is a PMP climatology with the obs4MIPs prefix (§2.2), in its own table.
    const auto pmp = make_adapter(SourceType::PmpClimatology);
    const auto as_pmp = pmp->parse(generated.path, Parser::Complete);
    check_facets_match_table(as_pmp, *pmp);
    CHECK(as_pmp.instance_id == record.instance_id);
}

TEST_CASE("obs4ref adapter prepends v to the version folder and uses its own prefix") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Obs4ref);
    auto spec = obs_spec("obs4REF");
    spec.vertical = std::make_pair(std::string("depth"), std::size_t{3});
    const auto path = write_file(dir / kObsDir / kObsName, spec);
    const auto record = adapter->parse(path, Parser::Complete);
    check_facets_match_table(record, *adapter);
    CHECK(record.version == "v20250516");
    CHECK(record.instance_id == "obs4REF.obs4REF.ARCCSS.LORA-1-1.mon.mrro.50km.gn.v20250516");
    CHECK(record.start_time == "1980-01-16 12:00:00");
    CHECK(record.end_time == "2012-12-16 12:00:00");
    CHECK(integer(record, "vertical_levels") == 3);
    CHECK(text(record, "units") == "kg m-2 s-1");

    // The other obs activity is accepted by either adapter (the REF only warns).
    const auto as_obs4mips = make_adapter(SourceType::Obs4mips)->parse(path, Parser::Complete);
    CHECK(as_obs4mips.instance_id == "obs4MIPs.obs4REF.ARCCSS.LORA-1-1.mon.mrro.50km.gn.v20250516");
    spec.globals = obs_globals("obs4MIPs");
    const auto obs4mips_file = write_file(dir / "v2" / kObsName, spec);
    CHECK(adapter->parse(obs4mips_file, Parser::Complete).instance_id ==
          "obs4REF.obs4MIPs.ARCCSS.LORA-1-1.mon.mrro.50km.gn.v2");
}

TEST_CASE("obs adapters reject other activities and missing attributes") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::Obs4mips);
    const auto path = dir / kObsDir / kObsName;
    CHECK(invalid_reason(*adapter, write_file(path, obs_spec("CMIP"))) ==
          "not an obs4MIPs or obs4REF file: activity_id is 'CMIP'");
    auto spec = obs_spec("obs4MIPs");
    remove_attribute(spec.globals, "activity_id");
    CHECK(invalid_reason(*adapter, write_file(path, spec)) == "not an obs4MIPs or obs4REF file: activity_id is missing");

    spec = obs_spec("obs4MIPs");
    remove_attribute(spec.globals, "source_version_number");
    remove_attribute(spec.globals, "grid");
    CHECK(invalid_reason(*make_adapter(SourceType::PmpClimatology), write_file(path, spec)) ==
          "missing required global attributes: grid, source_version_number");

    // Empty strings are accepted; a generated CMIP6 file is not obs data.
    spec = obs_spec("obs4MIPs");
    set_attribute(spec.globals, "product", std::string(""));
    CHECK(text(adapter->parse(write_file(path, spec), Parser::Complete), "product").empty());
    const auto& cmip6 = generated_tree().dataset("tas-historical").files.front().path;
    CHECK_THAT(invalid_reason(*adapter, cmip6), Catch::Contains("activity_id is 'CMIP'"));
    CHECK_THAT(invalid_reason(*adapter, write_text(path, "garbage")), Catch::Contains("cannot open as netCDF"));
}

TEST_CASE("obs adapters check times in the standard calendar") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::PmpClimatology);
    auto spec = obs_spec("obs4MIPs");
    spec.calendar = std::string("360_day");
    spec.times = {15.0, 59.0};  // 1980-01-16 and 1980-02-30
    const auto record = adapter->parse(write_file(dir / kObsDir / kObsName, spec), Parser::Complete);
    CHECK(record.start_time == "1980-01-16 00:00:00");
    CHECK_FALSE(record.end_time);
    // Units are NOT NULL in these tables, but parsing still succeeds without them (registration fails later).
    spec.variable_attributes = {};
    CHECK(is_null(adapter->parse(write_file(dir / kObsDir / kObsName, spec), Parser::Complete).facets.at("units")));
}

TEST_CASE("esmvaltool reference adapter reads OBS paths") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto adapter = make_adapter(SourceType::EsmvaltoolReference);
    const auto record = esmvaltool(dir.path(), "ESMValTool/OBS/Tier2/CERES-EBAF/OBS_CERES-EBAF_sat_Ed4.2_Amon_rlut_200003-202311.nc");
    check_facets_match_table(record, *adapter);
    CHECK(record.instance_id == "esmvaltool-reference.OBS.CERES-EBAF.mon.rlut.Ed4.2");
    CHECK(record.version == "Ed4.2");
    CHECK(version_key(record.version) == -1);
    CHECK(record.finalised);
    CHECK(text(record, "project") == "OBS");
    CHECK(text(record, "data_type") == "sat");
    CHECK(integer(record, "tier") == 2);
    CHECK(is_null(record.facets.at("long_name")));
    CHECK(is_null(record.facets.at("units")));
    CHECK(record.start_time == "2000-03-01 00:00:00");
    CHECK(record.end_time == "2023-11-30 00:00:00");

    // OBS6 lives under OBS; extra folders are allowed; no time range without a 7th token.
    const auto obs6 = esmvaltool(dir.path(), "OBS/Tier3/ERA5/extra/OBS6_ERA5_reanaly_v1_Omon_tos.nc");
    CHECK(obs6.instance_id == "esmvaltool-reference.OBS6.ERA5.mon.tos.v1");
    CHECK(integer(obs6, "tier") == 3);
    CHECK_FALSE(obs6.start_time);
    // Frequencies pass through; tables reduce to them.
    CHECK(text(esmvaltool(dir.path(), "OBS/Tier2/X/OBS_X_sat_1_day_pr.nc"), "frequency") == "day");
    CHECK(text(esmvaltool(dir.path(), "OBS/Tier2/X/OBS_X_sat_1_E1hrClimMon_pr.nc"), "frequency") == "1hrCM");
    CHECK(text(esmvaltool(dir.path(), "OBS/Tier2/X/OBS_X_sat_1_6hrPlevPt_pr.nc"), "frequency") == "6hrPt");
    CHECK(text(esmvaltool(dir.path(), "OBS/Tier2/X/OBS_X_sat_1_Oclim_pr.nc"), "frequency") == "monC");
    CHECK(text(esmvaltool(dir.path(), "OBS/Tier2/X/OBS_X_sat_1_yrPt_pr.nc"), "frequency") == "yrPt");
}

TEST_CASE("esmvaltool reference adapter reads native6 and obs4MIPs paths") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto native6 = esmvaltool(dir.path(), "native6/Tier3/ERA5/v1/Amon/tas/era5_2m_temperature_1990.nc");
    CHECK(native6.instance_id == "esmvaltool-reference.native6.ERA5.mon.tas.v1");
    CHECK(integer(native6, "tier") == 3);
    CHECK(is_null(native6.facets.at("data_type")));
    CHECK_FALSE(native6.start_time);
    CHECK(esmvaltool(dir.path(), "native6/Tier3/ERA5/v1/day/pr/raw.nc").instance_id ==
          "esmvaltool-reference.native6.ERA5.day.pr.v1");

    const auto obs = esmvaltool(dir.path(), "obs4MIPs/GPCP-V2.3/v20180519/pr_GPCP-SG_L3_v2.3_197901-201710.nc");
    CHECK(obs.instance_id == "esmvaltool-reference.obs4MIPs.GPCP-V2.3.mon.pr.v20180519");
    CHECK(is_null(obs.facets.at("tier")));
    CHECK(obs.start_time == "1979-01-01 00:00:00");
    CHECK(obs.end_time == "2017-10-30 00:00:00");
    CHECK(version_key(obs.version) == 20180519);
}

TEST_CASE("esmvaltool reference adapter uses the rightmost anchor that fits") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    // A data root inside a folder named obs4MIPs, and a dataset named native6.
    const auto record = esmvaltool(dir.path(), "obs4MIPs/data/OBS/Tier2/native6/OBS_native6_sat_v2_Amon_ts.nc");
    CHECK(record.instance_id == "esmvaltool-reference.OBS.native6.mon.ts.v2");
    // The rightmost anchor does not fit (native6 needs exactly 7 parts), an earlier one does.
    const auto earlier = esmvaltool(dir.path(), "OBS/Tier1/DS/native6/OBS_DS_sat_v3_Amon_ts.nc");
    CHECK(earlier.instance_id == "esmvaltool-reference.OBS.DS.mon.ts.v3");
}

TEST_CASE("esmvaltool reference adapter rejects paths that fit no layout") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    CHECK_THAT(esmvaltool_invalid(dir.path(), "data/CERES/OBS_CERES_sat_1_Amon_rlut.nc"),
               Catch::Contains("not under an ESMValTool reference project folder"));
    CHECK_THAT(esmvaltool_invalid(dir.path(), "OBS/CERES/x/OBS_CERES_sat_1_Amon_rlut.nc"),  // no tier
               Catch::Contains("does not fit"));
    CHECK_THAT(esmvaltool_invalid(dir.path(), "obs4MIPs/Tier1/v1/pr_x.nc"), Catch::Contains("does not fit"));
    CHECK_THAT(esmvaltool_invalid(dir.path(), "native6/Tier3/ERA5/v1/Amon/tas/extra/raw.nc"), Catch::Contains("does not fit"));
    CHECK_THAT(esmvaltool_invalid(dir.path(), "OBS/Tier2/CERES/OBS_CERES_sat_1_Amon.nc"),
               Catch::Contains("at least 6"));
    CHECK(esmvaltool_invalid(dir.path(), "OBS/Tier2/CERES/OBS_CERES_sat_1_Xmon_rlut.nc") ==
          "unknown MIP table or frequency 'Xmon'");
    CHECK(esmvaltool_invalid(dir.path(), "native6/Tier3/ERA5/v1/monthly/tas/raw.nc") ==
          "unknown MIP table or frequency 'monthly'");
    CHECK_THAT(esmvaltool_invalid(dir.path(), "obs4MIPs/GPCP/v1/_pr.nc"), Catch::Contains("no variable"));
}

TEST_CASE("every generated file parses with the adapter of its type") {
    std::map<std::string, std::unique_ptr<Adapter>> adapters;
    for (const auto type : ref::solver::all_source_types()) {
        auto adapter = make_adapter(type);
        const auto name = adapter->dataset_type();
        adapters.emplace(name, std::move(adapter));
    }
    std::size_t parsed = 0;
    for (const auto& dataset : generated_tree().datasets) {
        auto files = dataset.files;
        if (dataset.area) files.push_back(*dataset.area);
        for (const auto& generated : files) {
            INFO(generated.project << " " << generated.path);
            REQUIRE(adapters.count(generated.project) == 1);
            const auto& adapter = *adapters.at(generated.project);
            const auto record = adapter.parse(generated.path, Parser::Complete);
            check_facets_match_table(record, adapter);
            CHECK(record.instance_id == generated.instance_id);
            // ESMValTool times are estimates from the file name, the others the file's own.
            if (generated.project != "ESMValToolReference") CHECK(record.start_time.value_or("") == generated.start_time);
            ++parsed;
        }
    }
    CHECK(parsed >= 9);
}
