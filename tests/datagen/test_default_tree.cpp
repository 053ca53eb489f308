// The default tree read back with the ref_science readers reproduces the closed-form answers.

#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "ref/datagen/default_tree.hpp"
#include "ref/datagen/definition.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/annual_series.hpp"
#include "ref/science/netcdf_file.hpp"

using namespace ref::datagen;
using ref::science::NetcdfFile;

namespace {

struct Generated {
    TemporaryDirectory dir{"ref-datagen"};
    GeneratedTree tree = generate_default_tree(dir.path());
};

const GeneratedTree& tree() {
    static const Generated generated;
    return generated.tree;
}

void check_series(const GeneratedDataset& d, const ref::science::AnnualSeries& series) {
    REQUIRE(series.years == d.years());
    REQUIRE(series.values.size() == series.years.size());
    for (std::size_t i = 0; i < series.years.size(); ++i) {
        INFO(d.name << " year " << series.years[i]);
        CHECK(series.values[i] == Approx(expected_annual_global_mean(d.field, series.years[i])).epsilon(1e-6));
    }
}

ref::science::AnnualSeries global_mean(const GeneratedDataset& d) {
    return ref::science::annual_global_mean(d.paths(), d.field.variable_id, d.area ? d.area->path.string() : "",
                                            d.area ? d.area->variable_id : "");
}

// The CMIP6 and obs4MIPs files (the other source types are checked in test_other_sources.cpp).
std::vector<GeneratedFile> all_files() {
    std::vector<GeneratedFile> files;
    for (const auto& d : tree().datasets) {
        for (const auto& f : d.files) {
            if (f.project == "CMIP6" || f.project == "obs4MIPs") files.push_back(f);
        }
        if (d.area && d.area->project == "CMIP6") files.push_back(*d.area);
    }
    return files;
}

}  // namespace

TEST_CASE("historical tas split over two files gives the known annual means") {
    const auto& d = tree().dataset("tas-historical");
    REQUIRE(d.files.size() == 2);
    const auto series = global_mean(d);
    check_series(d, series);
    CHECK(series.units == "K");
    CHECK(series.calendar == "noleap");
    CHECK(series.long_name == "Near-Surface Air Temperature");
    CHECK(series.standard_name == "air_temperature");
}

TEST_CASE("piControl tas with overlapping files gives exactly 10 years") {
    const auto& d = tree().dataset("tas-picontrol");
    REQUIRE(d.files.size() == 2);
    const auto series = global_mean(d);
    CHECK(series.years.size() == 10);
    CHECK(series.years.front() == 101);
    check_series(d, series);
}

TEST_CASE("rsut and ocean tos and obs4MIPs ts give the known annual means") {
    for (const std::string name : {"rsut-historical", "tos-historical", "ts-obs"}) {
        INFO(name);
        check_series(tree().dataset(name), global_mean(tree().dataset(name)));
    }
    // The SST-bias path: spatial means first, then annual means, then kelvin to degC.
    const auto& obs = tree().dataset("ts-obs");
    auto series = ref::science::annual_mean_of_global_means(
        obs.paths(), "ts", ref::science::cos_lat_weights(obs.paths().front(), "ts"));
    check_series(obs, series);
    ref::science::convert_to_celsius(series);
    CHECK(series.units == "degC");
    CHECK(series.values.front() == Approx(291.5 - 273.15).epsilon(1e-6));
    CHECK(series.calendar == "gregorian");

    const auto& tos = tree().dataset("tos-historical");
    check_series(tos, ref::science::annual_mean_of_global_means(
                          tos.paths(), "tos", ref::science::read_area_weights(tos.area->path, "areacello")));
}

TEST_CASE("every file carries the CMIP6 or obs4MIPs global attributes") {
    const std::vector<std::string> cmip6 = {
        "Conventions", "activity_id", "institution_id", "source_id", "experiment_id", "member_id", "variant_label",
        "table_id", "variable_id", "grid_label", "frequency", "realm", "mip_era", "product", "source_type",
        "sub_experiment_id", "variant_info", "further_info_url", "tracking_id", "creation_date",
        "parent_experiment_id", "parent_source_id", "parent_variant_label", "parent_activity_id",
        "branch_time_in_parent", "nominal_resolution", "license", "institution", "source", "grid", "experiment",
        "title", "data_specs_version"};
    const std::vector<std::string> obs = {"activity_id", "source_id", "institution_id", "variable_id", "frequency",
                                          "grid_label", "source_type", "realm", "product", "variant_label",
                                          "tracking_id", "Conventions"};
    for (const auto& f : all_files()) {
        INFO(f.path);
        const NetcdfFile file(f.path);
        const auto names = file.attribute_names("");
        const std::set<std::string> present(names.begin(), names.end());
        for (const auto& name : f.project == "CMIP6" ? cmip6 : obs) {
            INFO(name);
            CHECK(present.count(name) == 1);
        }
        CHECK(present.count("version") == 0);
        CHECK(file.string_attribute("", "tracking_id").value().rfind("hdl:21.14100/", 0) == 0);
        if (f.project == "CMIP6") {
            CHECK(file.string_attribute("", "Conventions") == "CF-1.7 CMIP-6.2");
            CHECK(file.string_attribute("", "mip_era") == "CMIP6");
            CHECK(file.string_attribute("", "product") == "model-output");
            CHECK(file.string_attribute("", "sub_experiment_id") == "none");
            CHECK(file.string_attribute("", "data_specs_version") == "01.00.33");
        } else {
            CHECK(file.string_attribute("", "activity_id") == "obs4MIPs");
            CHECK(file.string_attribute("", "product") == "observations");
            CHECK(file.string_attribute("", "source_type") == "satellite_retrieval");
            CHECK(file.string_attribute("", "frequency") == "mon");
        }
    }
}

TEST_CASE("DRS paths agree with the files' global attributes") {
    for (const auto& f : all_files()) {
        INFO(f.path);
        const NetcdfFile file(f.path);
        const auto attr = [&](const char* name) { return file.string_attribute("", name).value(); };
        const auto relative = std::filesystem::relative(f.path, tree().root);
        std::filesystem::path expected;
        if (f.project == "CMIP6") {
            const std::string stem = attr("variable_id") + "_" + attr("table_id") + "_" + attr("source_id") + "_" +
                                     attr("experiment_id") + "_" + attr("member_id") + "_" + attr("grid_label");
            const auto name = relative.filename().string();
            CHECK((name == stem + ".nc" || (name.rfind(stem + "_", 0) == 0 && name.size() == stem.size() + 17)));
            expected = std::filesystem::path("CMIP6") / attr("activity_id") / attr("institution_id") /
                       attr("source_id") / attr("experiment_id") / attr("member_id") / attr("table_id") /
                       attr("variable_id") / attr("grid_label") / f.version / name;
            CHECK(attr("member_id") == attr("variant_label"));
        } else {
            const auto name = relative.filename().string();
            CHECK(name.rfind(attr("variable_id") + "_mon_" + attr("source_id") + "_PCMDI_" + attr("grid_label") + "_", 0) == 0);
            expected = std::filesystem::path("obs4MIPs") / attr("institution_id") / attr("source_id") / "mon" /
                       attr("variable_id") / attr("grid_label") / f.version / name;
        }
        CHECK(relative == expected);
        CHECK(f.version.size() == 9);
        CHECK(f.version[0] == 'v');
    }
}

TEST_CASE("the execution definitions list every file with the expected schema") {
    REQUIRE(tree().definitions.size() == 3);
    std::ifstream in(tree().definitions.front());
    const auto definition = nlohmann::json::parse(in);
    CHECK(definition["schema_version"] == 1);
    CHECK(definition["diagnostic"] == "example/global-mean-timeseries");
    CHECK(definition["key"] == "cmip6_historical_REFSYN-1-0_r1i1p1f1_tas");
    CHECK(definition["output_directory"] == "");
    const auto& cmip6 = definition["datasets"]["cmip6"];
    CHECK(cmip6["slug_column"] == "instance_id");
    CHECK(cmip6["selector"] == nlohmann::json::parse(
                                   R"([["experiment_id","historical"],["source_id","REFSYN-1-0"],)"
                                   R"(["variable_id","tas"],["variant_label","r1i1p1f1"]])"));
    const auto& rows = cmip6["rows"];
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["instance_id"] == "CMIP6.CMIP.REF-SYN.REFSYN-1-0.historical.r1i1p1f1.Amon.tas.gn.v20240101");
    CHECK(rows[0]["start_time"] == "2000-01-16 12:00:00");
    CHECK(rows[0]["end_time"] == "2004-12-16 12:00:00");
    CHECK(rows[1]["start_time"] == "2005-01-16 12:00:00");
    CHECK(rows[0]["calendar"] == "noleap");
    CHECK(rows[0]["frequency"] == "mon");
    CHECK(rows[2]["variable_id"] == "areacella");
    CHECK(rows[2]["table_id"] == "fx");
    CHECK(rows[2]["start_time"].is_null());
    for (const auto& row : rows) {
        CHECK(std::filesystem::path(row["path"].get<std::string>()).is_absolute());
        CHECK(std::filesystem::exists(row["path"].get<std::string>()));
    }

    std::ifstream in_pi(tree().definitions.at(1));
    const auto picontrol = nlohmann::json::parse(in_pi);
    CHECK(picontrol["key"] == "cmip6_piControl_REFSYN-1-0_r1i1p1f1_tas");
    CHECK(picontrol["datasets"]["cmip6"]["rows"].size() == 3);

    std::ifstream in_sst(tree().definitions.at(2));
    const auto sst = nlohmann::json::parse(in_sst);
    CHECK(sst["diagnostic"] == "example/global-sst-bias");
    CHECK(sst["datasets"]["cmip6"]["rows"].size() == 2);  // tos and areacello
    CHECK(sst["datasets"]["cmip6"]["rows"][1]["variable_id"] == "areacello");
    CHECK(sst["datasets"]["obs4mips"]["rows"].size() == 1);
    CHECK(sst["datasets"]["obs4mips"]["selector"].dump().find("HadISST-1-1") != std::string::npos);
}

TEST_CASE("definitions can be built for any list of generated files") {
    const auto& d = tree().dataset("ts-obs");
    const auto definition = make_execution_definition("example/sst-bias", "obs_ts", d.files, "/scratch");
    CHECK(definition["root_directory"] == "/scratch");
    CHECK(definition["datasets"]["obs4mips"]["rows"].size() == 1);
    CHECK(definition["datasets"]["obs4mips"]["rows"][0]["instance_id"] == "obs4MIPs.obs4MIPs.REF-SYN.HadISST-1-1.mon.ts.1000km.gn.v20240101");
    CHECK(definition["datasets"]["obs4mips"]["rows"][0]["calendar"] == "gregorian");
    CHECK_THROWS(definition_key(d.files));
}

TEST_CASE("the expected-values file and the tree size") {
    std::ifstream in(tree().expected_values);
    const auto expected = nlohmann::json::parse(in);
    CHECK(expected["tas-picontrol"]["years"].size() == 10);
    CHECK(expected["tas-historical"]["annual_global_mean"][0].get<double>() == Approx(287.0));
    for (const auto* name : {"tas-cmip7", "ts-obs4ref", "pr-pmp-climatology", "rsut-esmvaltool-obs", "tas-esmvaltool-obs6",
                             "tas-esmvaltool-native6", "pr-esmvaltool-obs4mips"}) {
        INFO(name);
        REQUIRE(expected.contains(name));
        const auto& d = tree().dataset(name);
        CHECK(expected[name]["instance_id"] == d.files.front().instance_id);
        CHECK(expected[name]["years"].size() == d.years().size());
        CHECK(expected[name]["annual_global_mean"][0].get<double>() ==
              Approx(expected_annual_global_mean(d.field, d.first_year)));
    }
    CHECK(expected["tas-cmip7"]["weights"] == tree().dataset("tas-cmip7").area->path.string());
    CHECK(expected["ts-obs4ref"]["weights"] == "cos(lat)");
    CHECK(expected["pr-pmp-climatology"]["annual_global_mean"][0].get<double>() == Approx(3.0e-5));
    std::uintmax_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tree().root)) {
        if (entry.is_regular_file()) total += entry.file_size();
        CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
    }
    CHECK(total < 5u * 1024u * 1024u);
}
