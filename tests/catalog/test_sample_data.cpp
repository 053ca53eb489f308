// The real CMIP6 sample data (ref-sample-data v0.4.1), when present.
#include "support.hpp"

#include "skip.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::solver::SourceType;

namespace {

const fs::path kSampleData = REF_SAMPLE_DATA_DIR;

// The sample files, or nothing (after skipping the test) when the data is absent.
std::vector<fs::path> sample_files() {
    if (!fs::is_directory(kSampleData / "CMIP6")) {
        ref::test::skip_test("no sample data at " + kSampleData.string());
        return {};
    }
    std::vector<Problem> problems;
    const auto files = discover_files({kSampleData}, problems);
    CHECK(problems.empty());
    return {files.begin(), files.end()};
}

std::vector<FileMetadata> parse_all(const std::vector<fs::path>& files, Parser parser) {
    const auto adapter = make_adapter(SourceType::Cmip6);
    std::vector<FileMetadata> records;
    for (const auto& file : files) {
        INFO(file);
        REQUIRE_NOTHROW(records.push_back(adapter->parse(file, parser)));
        check_facets_match_table(records.back(), *adapter);
    }
    return records;
}

}  // namespace

TEST_CASE("sample data parses into 33 cmip6 datasets") {
    const auto files = sample_files();
    if (files.empty()) return;
    REQUIRE(files.size() == 34);
    const auto adapter = make_adapter(SourceType::Cmip6);
    std::vector<Problem> problems;
    const auto datasets = group_into_datasets(parse_all(files, Parser::Complete), *adapter, problems);
    CHECK(problems.empty());
    REQUIRE(datasets.size() == 33);

    const std::string picontrol_tas = "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.piControl.r1i1p1f1.Amon.tas.gn.v20210316";
    for (const auto& dataset : datasets) {
        INFO(dataset.instance_id);
        CHECK(dataset.files.size() == (dataset.instance_id == picontrol_tas ? 2u : 1u));
        for (const auto& f : dataset.files) {
            CHECK(f.finalised);
            CHECK(f.version.size() == 9);  // vYYYYMMDD from the folders
            CHECK(text(f, "member_id") == text(f, "variant_label"));
            CHECK(text(f, "source_id") == "ACCESS-ESM1-5");
            CHECK(integer(f, "vertical_levels") == 1);
            if (text(f, "frequency") == "fx") {
                CHECK_FALSE(f.start_time);
            } else {
                CHECK(f.start_time);
                CHECK(f.end_time);
            }
        }
    }
}

TEST_CASE("sample tas file has the time range of its contents") {
    const auto files = sample_files();
    if (files.empty()) return;
    const auto adapter = make_adapter(SourceType::Cmip6);
    const fs::path path = kSampleData /
                          "CMIP6/CMIP/CSIRO/ACCESS-ESM1-5/abrupt-4xCO2/r1i1p1f1/Amon/tas/gn/v20191115/"
                          "tas_Amon_ACCESS-ESM1-5_abrupt-4xCO2_r1i1p1f1_gn_010101-012512.nc";
    const auto complete = adapter->parse(path, Parser::Complete);
    CHECK(complete.instance_id == "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.abrupt-4xCO2.r1i1p1f1.Amon.tas.gn.v20191115");
    CHECK(complete.start_time == "0101-01-16 12:00:00");
    CHECK(complete.end_time == "0125-12-16 12:00:00");
    CHECK(text(complete, "calendar") == "proleptic_gregorian");
    CHECK(text(complete, "time_units") == "days since 0101-01-01");
    CHECK(text(complete, "nominal_resolution") == "250 km");
    CHECK(text(complete, "parent_experiment_id") == "piControl");
    CHECK(text(complete, "units") == "K");
    CHECK(real(complete, "branch_time_in_child") == 0.0);

    const auto drs = adapter->parse(path, Parser::Drs);
    CHECK(drs.start_time == "0101-01-01 00:00:00");
    CHECK(drs.end_time == "0125-12-30 00:00:00");
}

TEST_CASE("sample data drs parser agrees with the complete parser on identity") {
    const auto files = sample_files();
    if (files.empty()) return;
    const auto adapter = make_adapter(SourceType::Cmip6);
    const auto complete = parse_all(files, Parser::Complete);
    const auto drs = parse_all(files, Parser::Drs);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < files.size(); ++i) {
        INFO(files[i]);
        CHECK(drs[i].instance_id == complete[i].instance_id);
        CHECK(drs[i].version == complete[i].version);
        CHECK_FALSE(drs[i].finalised);
        for (const auto& column : adapter->identity_columns()) CHECK(drs[i].facets.at(column) == complete[i].facets.at(column));
        for (const char* column : {"frequency", "variant_label", "version", "instance_id"}) {
            CHECK(drs[i].facets.at(column) == complete[i].facets.at(column));
        }
        ids.insert(drs[i].instance_id);
    }
    CHECK(ids.size() == 33);
    std::vector<Problem> problems;
    CHECK(group_into_datasets(drs, *adapter, problems).size() == 33);
    CHECK(problems.empty());
}
