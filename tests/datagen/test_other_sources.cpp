// CMIP7, obs4REF, PMP climatology and ESMValTool reference files of the default tree, and the
// bad files: paths and attributes checked against the REF's ingest rules (datasets spec §2-§3),
// values against the closed-form answers.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "ref/datagen/default_tree.hpp"
#include "ref/datagen/definition.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/science/annual_series.hpp"
#include "ref/science/cf_time.hpp"
#include "ref/science/netcdf_file.hpp"

using namespace ref::datagen;
using ref::science::NetcdfFile;
namespace fs = std::filesystem;

namespace {

struct Generated {
    TemporaryDirectory dir{"ref-datagen-sources"};
    GeneratedTree tree = generate_default_tree(dir.path());
};

const GeneratedTree& tree() {
    static const Generated generated;
    return generated.tree;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at - start));
        if (at == std::string::npos) return parts;
        start = at + 1;
    }
}

std::set<std::string> global_attributes(const NetcdfFile& file) {
    const auto names = file.attribute_names("");
    return {names.begin(), names.end()};
}

// §2.3 for CMIP6/CMIP7: the longest directory component matching ^v\d+$.
std::string path_version(const fs::path& path) {
    static const std::regex version("^v[0-9]+$");
    std::string best;
    for (const auto& part : path.parent_path()) {
        const auto text = part.string();
        if (std::regex_match(text, version) && text.size() > best.size()) best = text;
    }
    return best.empty() ? "v0" : best;
}

// §2.3 for obs-style types: the parent folder's name, with "v" prepended when missing.
std::string parent_version(const fs::path& path) {
    const auto name = path.parent_path().filename().string();
    return name.rfind('v', 0) == 0 ? name : "v" + name;
}

std::string remove_spaces(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    return text;
}

void check_series(const GeneratedDataset& d) {
    const auto series = ref::science::annual_global_mean(d.paths(), d.field.variable_id,
                                                         d.area ? d.area->path.string() : "",
                                                         d.area ? d.area->variable_id : "");
    REQUIRE(series.years == d.years());
    for (std::size_t i = 0; i < series.years.size(); ++i) {
        INFO(d.name << " year " << series.years[i]);
        CHECK(series.values[i] == Approx(expected_annual_global_mean(d.field, series.years[i])).epsilon(1e-6));
    }
    CHECK(series.units == d.field.units);
}

// What the ESMValTool reference adapter (§3.5) reads from a path.
struct EsmvaltoolFacets {
    std::string project, source_id, variable_id, frequency, version, data_type, time_range;
    int tier = 0;
};

std::optional<EsmvaltoolFacets> parse_esmvaltool_path(const fs::path& path) {
    std::vector<std::string> parts;
    for (const auto& p : path) parts.push_back(p.string());
    static const std::regex tier("^Tier([0-9]+)$");
    const auto frequency_of = [](const std::string& mip) -> std::string {
        if (mip == "Amon" || mip == "Omon" || mip == "Lmon" || mip == "mon") return "mon";
        throw std::invalid_argument("test parser: unexpected MIP table " + mip);
    };
    for (std::size_t a = parts.size(); a-- > 0;) {
        const auto rest = parts.size() - a;
        std::smatch match;
        const auto stem = fs::path(parts.back()).stem().string();
        const auto tokens = split(stem, '_');
        if (parts[a] == "OBS" && rest >= 4 && std::regex_match(parts[a + 1], match, tier) && tokens.size() >= 6) {
            EsmvaltoolFacets f{tokens[0], parts[a + 2], tokens[5], frequency_of(tokens[4]), tokens[3], tokens[2],
                               tokens.size() > 6 ? tokens.back() : "", std::stoi(match[1].str())};
            return f;
        }
        if (parts[a] == "native6" && rest == 7 && std::regex_match(parts[a + 1], match, tier)) {
            return EsmvaltoolFacets{"native6", parts[a + 2], parts[a + 5], frequency_of(parts[a + 4]), parts[a + 3], "",
                                    "", std::stoi(match[1].str())};
        }
        if (parts[a] == "obs4MIPs" && rest == 4 && !std::regex_match(parts[a + 1], tier)) {
            return EsmvaltoolFacets{"obs4MIPs", parts[a + 1], tokens[0], "mon", parts[a + 2], "",
                                    tokens.size() > 1 ? tokens.back() : "", 0};
        }
    }
    return std::nullopt;
}

// The §3.1 discovery: *.nc files in folders at most 10 levels below the root (a folder 10
// levels down is listed, the folders in it are not entered).
std::set<fs::path> discover(const fs::path& root) {
    std::set<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        // An entry's level below the root is depth() + 1: folders deeper than 10 are not entered.
        if (it->is_directory() && it.depth() + 1 > 10) it.disable_recursion_pending();
        if (it->is_regular_file() && it->path().extension() == ".nc") found.insert(it->path());
    }
    return found;
}

}  // namespace

TEST_CASE("CMIP7 files follow MIP-DRS7 and carry the mandatory attributes") {
    const std::vector<std::string> mandatory = {
        "variable_id", "activity_id", "institution_id", "source_id", "experiment_id", "variant_label",
        "grid_label", "frequency", "region", "branding_suffix", "branded_variable", "mip_era", "realm",
        "nominal_resolution", "license_id", "tracking_id"};
    const std::vector<std::string> optional = {
        "branch_time_in_child", "branch_time_in_parent", "parent_activity_id", "parent_experiment_id",
        "parent_mip_era", "parent_source_id", "parent_time_units", "parent_variant_label"};
    const auto files = tree().files_of("CMIP7");
    REQUIRE(files.size() == 3);
    for (const auto& f : files) {
        INFO(f.path);
        const NetcdfFile file(f.path);
        const auto present = global_attributes(file);
        const auto attr = [&](const std::string& name) { return file.string_attribute("", name).value_or(""); };
        for (const auto& name : mandatory) {
            INFO(name);
            CHECK(!attr(name).empty());
        }
        for (const auto& name : optional) {
            INFO(name);
            CHECK(present.count(name) == 1);
        }
        CHECK(file.numeric_attribute("", "branch_time_in_parent").value() == Approx(54750.0));
        CHECK(attr("mip_era") == "CMIP7");
        CHECK(attr("branded_variable") == attr("variable_id") + "_" + attr("branding_suffix"));
        CHECK(attr("tracking_id") == f.tracking_id);
        CHECK(attr("tracking_id").rfind("hdl:21.14107/", 0) == 0);
        CHECK(attr("drs_specs") == "MIP-DRS7");

        // The file name: 9 parts, or 8 without a time range for fixed fields.
        const auto parts = split(f.path.stem().string(), '_');
        REQUIRE(parts.size() == (f.is_fixed() ? 8u : 9u));
        CHECK(parts[0] == attr("variable_id"));
        CHECK(parts[1] == attr("branding_suffix"));
        CHECK(parts[2] == attr("frequency"));
        CHECK(parts[3] == attr("region"));
        CHECK(parts[4] == attr("grid_label"));
        CHECK(parts[5] == attr("source_id"));
        CHECK(parts[6] == attr("experiment_id"));
        CHECK(parts[7] == attr("variant_label"));
        if (!f.is_fixed()) CHECK(std::regex_match(parts[8], std::regex("^[0-9]{6}-[0-9]{6}$")));

        // The directory template, with activity and institution right before /<source_id>/.
        const auto relative = fs::relative(f.path, tree().root);
        const fs::path expected = fs::path("MIP-DRS7") / "CMIP7" / attr("activity_id") / attr("institution_id") /
                                  attr("source_id") / attr("experiment_id") / attr("variant_label") / attr("region") /
                                  attr("frequency") / attr("variable_id") / attr("branding_suffix") /
                                  attr("grid_label") / path_version(f.path) / f.path.filename();
        CHECK(relative == expected);
        CHECK(path_version(f.path) == f.version);
        CHECK(f.instance_id == "CMIP7." + attr("activity_id") + "." + attr("institution_id") + "." + attr("source_id") +
                                   "." + attr("experiment_id") + "." + attr("variant_label") + "." + attr("region") +
                                   "." + attr("frequency") + "." + attr("variable_id") + "." +
                                   attr("branding_suffix") + "." + attr("grid_label") + "." + path_version(f.path));
        CHECK(f.branded_variable() == attr("branded_variable"));
        for (const char* name : {"standard_name", "long_name", "units"}) {
            CHECK(file.string_attribute(attr("variable_id"), name).has_value());
        }
        if (f.is_fixed()) {
            CHECK(attr("branding_suffix") == "ti-u-hxy-u");
            CHECK(f.variable_id == "areacella");
            CHECK(!file.has_variable("time"));
        } else {
            CHECK(attr("branding_suffix") == "tavg-h2m-hxy-u");
            CHECK(file.string_attribute("time", "calendar") == "noleap");
            CHECK(attr("external_variables") == "areacella");
        }
    }
}

TEST_CASE("CMIP7 tas with its CMIP7 areacella gives the known annual means") {
    const auto& d = tree().dataset("tas-cmip7");
    REQUIRE(d.files.size() == 2);
    REQUIRE(d.area.has_value());
    CHECK(d.area->project == "CMIP7");
    CHECK(d.files.front().start_time == "2000-01-16 12:00:00");
    CHECK(d.files.back().end_time == "2004-12-16 12:00:00");
    check_series(d);
}

TEST_CASE("obs4MIPs and obs4REF and PMP files carry the 13 attributes the obs parser requires") {
    const std::vector<std::string> required = {
        "activity_id", "frequency", "grid", "grid_label", "institution_id", "nominal_resolution", "product",
        "realm", "source_id", "source_type", "source_version_number", "variable_id", "variant_label"};
    std::vector<GeneratedFile> files = tree().files_of("obs4MIPs");
    for (const auto* type : {"obs4ref", "pmp-climatology"}) {
        const auto more = tree().files_of(type);
        REQUIRE(more.size() == 1);
        files.insert(files.end(), more.begin(), more.end());
    }
    REQUIRE(files.size() == 3);
    for (const auto& f : files) {
        INFO(f.path);
        const NetcdfFile file(f.path);
        const auto present = global_attributes(file);
        for (const auto& name : required) {
            INFO(name);
            CHECK(present.count(name) == 1);
        }
        const auto attr = [&](const std::string& name) { return file.string_attribute("", name).value_or(""); };
        CHECK(attr("activity_id") == (f.project == "obs4REF" ? "obs4REF" : "obs4MIPs"));
        CHECK(attr("nominal_resolution").find(' ') != std::string::npos);
        CHECK(attr("nominal_resolution") == f.nominal_resolution);
        CHECK(file.string_attribute(attr("variable_id"), "long_name").has_value());
        CHECK(file.string_attribute(attr("variable_id"), "units").has_value());
        if (f.project == "obs4MIPs") continue;  // its instance id predates the ingest rules
        CHECK(parent_version(f.path) == f.version);
        const std::string prefix = f.project == "obs4REF" ? "obs4REF" : "obs4MIPs";
        CHECK(f.instance_id == prefix + "." + attr("activity_id") + "." + attr("institution_id") + "." +
                                   attr("source_id") + "." + attr("frequency") + "." + attr("variable_id") + "." +
                                   remove_spaces(attr("nominal_resolution")) + "." + attr("grid_label") + "." +
                                   parent_version(f.path));
    }
}

TEST_CASE("obs4REF uses its own layout with a version folder without v") {
    const auto f = tree().files_of("obs4REF").at(0);
    const auto relative = fs::relative(f.path, tree().root);
    CHECK(relative == fs::path("obs4REF/REF-SYN/ERA-5/mon/ts/gn/20250415/ts_mon_ERA-5_REF_gn_200001-200412.nc"));
    CHECK(f.version == "v20250415");
    CHECK(f.instance_id == "obs4REF.obs4REF.REF-SYN.ERA-5.mon.ts.1000km.gn.v20250415");
    check_series(tree().dataset("ts-obs4ref"));
}

TEST_CASE("the PMP climatology has 12 monthly steps with climatology bounds") {
    const auto& d = tree().dataset("pr-pmp-climatology");
    const auto& f = d.files.at(0);
    CHECK(f.project == "PMPClimatology");
    CHECK(fs::relative(f.path, tree().root) ==
          fs::path("PMP_obs4MIPsClims/pr/gn/v20250101/pr_mon_GPCP-2-3_PCMDI_gn_200001-200412_AC_v20250101.nc"));
    CHECK(f.instance_id == "obs4MIPs.obs4MIPs.REF-SYN.GPCP-2-3.mon.pr.1000km.gn.v20250101");
    CHECK(f.start_time == "2000-01-16 12:00:00");
    CHECK(f.end_time == "2000-12-16 12:00:00");
    const NetcdfFile file(f.path);
    CHECK(file.string_attribute("time", "climatology") == "climatology_bnds");
    CHECK(!file.string_attribute("time", "bounds").has_value());
    const auto time = file.read("time");
    REQUIRE(time.size() == 12);
    const auto bounds = file.read("climatology_bnds");
    REQUIRE(bounds.size() == 24);
    const ref::science::CfTime cf(file.string_attribute("time", "units").value(),
                                  file.string_attribute("time", "calendar").value());
    CHECK(ref::science::format_datetime(cf.decode(bounds.front())) == "2000-01-01 00:00:00");
    CHECK(ref::science::format_datetime(cf.decode(bounds.back())) == "2005-01-01 00:00:00");
    CHECK(file.string_attribute("pr", "cell_methods").value().find("over years") != std::string::npos);
    CHECK(d.field.trend == 0.0);
    check_series(d);
}

TEST_CASE("ESMValTool reference paths give the facets of their project layout") {
    const auto files = tree().files_of("esmvaltool-reference");
    REQUIRE(files.size() == 5);
    std::set<std::string> projects;
    for (const auto& f : files) {
        INFO(f.path);
        const auto parsed = parse_esmvaltool_path(fs::relative(f.path, tree().root));
        REQUIRE(parsed.has_value());
        CHECK(parsed->project == f.esmvaltool_project);
        CHECK(parsed->source_id == f.source_id);
        CHECK(parsed->variable_id == f.variable_id);
        CHECK(parsed->frequency == f.frequency);
        CHECK(parsed->version == f.version);
        CHECK(parsed->data_type == f.data_type);
        CHECK(parsed->tier == f.tier);
        CHECK(f.instance_id == "esmvaltool-reference." + parsed->project + "." + parsed->source_id + "." +
                                   parsed->frequency + "." + parsed->variable_id + "." + parsed->version);
        if (parsed->project != "native6") {
            CHECK(parsed->time_range == f.start_time.substr(0, 4) + f.start_time.substr(5, 2) + "-" +
                                            f.end_time.substr(0, 4) + f.end_time.substr(5, 2));
        }
        const NetcdfFile file(f.path);
        CHECK(file.has_variable(f.variable_id));
        CHECK(file.string_attribute(f.variable_id, "units").has_value());
        projects.insert(parsed->project);
    }
    CHECK(projects == std::set<std::string>{"OBS", "OBS6", "native6", "obs4MIPs"});
    const auto relative = [](const GeneratedFile& f) { return fs::relative(f.path, tree().root).string(); };
    CHECK(relative(tree().dataset("tas-esmvaltool-native6").files.at(0)) ==
          "ESMValTool/native6/Tier3/ERA5/v1/mon/tas/era5_monthly_tas_2000.nc");
    CHECK(relative(tree().dataset("pr-esmvaltool-obs4mips").files.at(0)) ==
          "ESMValTool/obs4MIPs/GPCP-SG/v2.3/pr_GPCP-SG_L3_v2.3_200001-200012.nc");
    CHECK(relative(tree().dataset("rsut-esmvaltool-obs").files.at(1)) ==
          "ESMValTool/OBS/Tier2/CERES-EBAF/OBS_CERES-EBAF_sat_Ed4.2_Amon_rsut_200101-200112.nc");
    // The root-level obs4MIPs tree is too deep to be mistaken for ESMValTool obs4MIPs data.
    CHECK(!parse_esmvaltool_path(fs::relative(tree().files_of("obs4mips").at(0).path, tree().root)).has_value());
}

TEST_CASE("ESMValTool reference files give the known annual means") {
    for (const std::string name :
         {"rsut-esmvaltool-obs", "tas-esmvaltool-obs6", "tas-esmvaltool-native6", "pr-esmvaltool-obs4mips"}) {
        INFO(name);
        check_series(tree().dataset(name));
    }
    const NetcdfFile native6(tree().dataset("tas-esmvaltool-native6").files.at(0).path);
    CHECK(native6.string_attribute("time", "units") == "hours since 1900-01-01 00:00:00");
}

TEST_CASE("files_of and directory_of cover each source type exactly") {
    const std::vector<std::pair<std::string, std::size_t>> counts = {
        {"CMIP6", 9}, {"CMIP7", 3}, {"obs4MIPs", 1}, {"obs4REF", 1}, {"PMPClimatology", 1}, {"ESMValToolReference", 5}};
    std::size_t total = 0;
    for (const auto& [project, count] : counts) {
        INFO(project);
        const auto files = tree().files_of(project);
        CHECK(files.size() == count);
        total += files.size();
        std::set<fs::path> paths;
        for (const auto& f : files) {
            CHECK(f.project == project);
            paths.insert(f.path);
        }
        CHECK(paths.size() == files.size());
        CHECK(tree().files_of(files.front().source_type()).size() == count);
        // Discovery from the type's folder finds exactly its files.
        CHECK(discover(tree().directory_of(project)) == paths);
    }
    CHECK(tree().files().size() == total);
    // The CMIP7 layout is too deep for the discovery from the CMIP7 folder itself.
    CHECK(discover(tree().root / "MIP-DRS7" / "CMIP7").empty());
    CHECK(discover(tree().root).size() < total);
    CHECK(tree().files_of("pmp-climatology").size() == 1);
    CHECK(tree().files_of("esmvaltoolreference").size() == 5);
    CHECK_THROWS_AS(tree().files_of("cmip5"), std::invalid_argument);
    CHECK_THROWS_AS(tree().directory_of("bogus"), std::invalid_argument);
}

TEST_CASE("definitions group the other source types under their own names") {
    const auto& tas7 = tree().dataset("tas-cmip7");
    std::vector<GeneratedFile> files = tas7.files;
    files.push_back(*tas7.area);
    for (const auto* name : {"ts-obs4ref", "pr-pmp-climatology", "rsut-esmvaltool-obs"}) {
        const auto& d = tree().dataset(name);
        files.insert(files.end(), d.files.begin(), d.files.end());
    }
    const auto definition = make_execution_definition("example/any", "key", files);
    const auto& datasets = definition["datasets"];
    CHECK(datasets.size() == 4);
    const auto& cmip7 = datasets["cmip7"];
    REQUIRE(cmip7["rows"].size() == 3);
    CHECK(cmip7["rows"][0]["instance_id"] == tas7.files.front().instance_id);
    CHECK(cmip7["rows"][0]["branded_variable"] == "tas_tavg-h2m-hxy-u");
    CHECK(cmip7["rows"][0]["tracking_id"] == tas7.files.front().tracking_id);
    CHECK(cmip7["rows"][2]["variable_id"] == "areacella");
    CHECK(cmip7["rows"][2]["start_time"].is_null());
    CHECK(cmip7["selector"].dump().find("tavg-h2m-hxy-u") != std::string::npos);
    CHECK(datasets["obs4ref"]["rows"][0]["version"] == "v20250415");
    CHECK(datasets["obs4ref"]["rows"][0]["nominal_resolution"] == "1000 km");
    CHECK(datasets["pmp-climatology"]["rows"].size() == 1);
    const auto& esmvaltool = datasets["esmvaltool-reference"]["rows"];
    REQUIRE(esmvaltool.size() == 2);
    CHECK(esmvaltool[0]["project"] == "OBS");
    CHECK(esmvaltool[0]["tier"] == 2);
    CHECK(esmvaltool[0]["data_type"] == "sat");
    CHECK(esmvaltool[0]["activity_id"].is_null());
}

TEST_CASE("bad files sit in valid paths and are broken in the promised way") {
    TemporaryDirectory dir{"ref-datagen-bad"};
    const auto generated = generate_default_tree(dir.path());
    const auto bad = write_bad_files(dir.path());
    REQUIRE(bad.size() == 5);
    std::set<fs::path> tree_paths;
    for (const auto& f : generated.files()) tree_paths.insert(f.path);
    std::map<std::string, BadFile> by_name;
    for (const auto& b : bad) {
        INFO(b.name << " " << b.path);
        CHECK(fs::exists(b.path));
        CHECK(b.path.is_absolute());
        CHECK(tree_paths.count(b.path) == 0);
        CHECK(!b.problem.empty());
        by_name[b.name] = b;
    }
    // Every tree file is still intact.
    for (const auto& f : generated.files()) CHECK_NOTHROW(NetcdfFile(f.path));

    const auto cmip6_name_ok = [](const fs::path& p) {
        const auto parts = split(p.stem().string(), '_');
        return parts.size() == 7 && p.parent_path().parent_path().filename() == parts[5] && path_version(p) == "v20240101";
    };
    const auto& truncated = by_name.at("cmip6-truncated");
    CHECK(cmip6_name_ok(truncated.path));
    CHECK_THROWS(NetcdfFile(truncated.path));
    const auto& text = by_name.at("cmip6-not-netcdf");
    CHECK(cmip6_name_ok(text.path));
    CHECK_THROWS(NetcdfFile(text.path));

    const auto& missing = by_name.at("cmip6-missing-attributes");
    CHECK(cmip6_name_ok(missing.path));
    {
        const NetcdfFile file(missing.path);
        const auto present = global_attributes(file);
        CHECK(present.count("variable_id") == 0);
        CHECK(present.count("source_id") == 0);
        CHECK(present.count("experiment_id") == 1);
        CHECK(file.has_variable("tas"));
    }
    const auto& activity = by_name.at("obs4mips-wrong-activity");
    CHECK(activity.project == "obs4MIPs");
    CHECK(fs::relative(activity.path, dir.path()).begin()->string() == "obs4MIPs");
    CHECK(NetcdfFile(activity.path).string_attribute("", "activity_id") == "CMIP");

    const auto& tracking = by_name.at("cmip7-missing-tracking-id");
    CHECK(tracking.project == "CMIP7");
    CHECK(split(tracking.path.stem().string(), '_').size() == 9);
    {
        const NetcdfFile file(tracking.path);
        const auto present = global_attributes(file);
        CHECK(present.count("tracking_id") == 0);
        for (const char* name : {"variable_id", "branded_variable", "license_id", "mip_era", "region"}) {
            CHECK(present.count(name) == 1);
        }
    }
    // Their folders are found by the same discovery as the tree's, next to the good files.
    CHECK(discover(generated.directory_of("CMIP7")).count(tracking.path) == 1);
    CHECK(discover(generated.directory_of("CMIP6")).count(text.path) == 1);
}
