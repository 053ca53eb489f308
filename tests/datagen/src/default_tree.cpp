#include "ref/datagen/default_tree.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "ref/datagen/definition.hpp"
#include "ref/science/cmec.hpp"

namespace ref::datagen {
namespace {

FieldSpec tas_field(double base, double trend, int origin) {
    FieldSpec f;
    f.variable_id = "tas";
    f.units = "K";
    f.standard_name = "air_temperature";
    f.long_name = "Near-Surface Air Temperature";
    f.base = base;
    f.trend = trend;
    f.amplitude = 2.0;
    f.trend_origin_year = origin;
    f.sin_lat_coefficient = 4.0;
    f.p2_coefficient = -35.0;  // warm tropics, cold poles
    f.cos_lon_coefficient = 1.5;
    return f;
}

FieldSpec rsut_field() {
    FieldSpec f;
    f.variable_id = "rsut";
    f.units = "W m-2";
    f.standard_name = "toa_outgoing_shortwave_flux";
    f.long_name = "TOA Outgoing Shortwave Radiation";
    f.base = 100.0;
    f.trend = -0.1;
    f.amplitude = 5.0;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 3.0;
    f.p2_coefficient = 40.0;
    f.cos_lon_coefficient = 0.5;
    return f;
}

FieldSpec tos_field() {
    FieldSpec f;
    f.variable_id = "tos";
    f.units = "degC";
    f.standard_name = "sea_surface_temperature";
    f.long_name = "Sea Surface Temperature";
    f.cell_methods = "area: mean where sea time: mean";
    f.base = 18.0;
    f.trend = 0.02;
    f.amplitude = 0.8;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 1.0;
    f.p2_coefficient = -15.0;
    f.cos_lon_coefficient = 0.5;
    f.land = LonBand{60.0, 120.0};
    return f;
}

FieldSpec ts_obs_field() {
    FieldSpec f;
    f.variable_id = "ts";
    f.units = "K";
    f.standard_name = "surface_temperature";
    f.long_name = "Surface Temperature";
    f.cell_methods = "time: mean";
    f.base = 291.5;
    f.trend = 0.015;
    f.amplitude = 0.6;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 1.0;
    f.cos_lon_coefficient = 0.5;  // no P2 term: its cos(lat)-weighted mean is not exact
    f.land = LonBand{60.0, 120.0};
    return f;
}

FieldSpec ts_obs4ref_field() {
    FieldSpec f;
    f.variable_id = "ts";
    f.units = "K";
    f.standard_name = "surface_temperature";
    f.long_name = "Surface Temperature";
    f.cell_methods = "area: mean time: mean";
    f.base = 288.2;
    f.trend = 0.02;
    f.amplitude = 1.5;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 3.0;
    f.cos_lon_coefficient = 1.0;  // cos(lat) weights: no P2 term
    return f;
}

FieldSpec pr_field(double base, double trend) {
    FieldSpec f;
    f.variable_id = "pr";
    f.units = "kg m-2 s-1";
    f.standard_name = "precipitation_flux";
    f.long_name = "Precipitation";
    f.base = base;
    f.trend = trend;
    f.amplitude = 0.2e-5;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 0.5e-5;
    f.cos_lon_coefficient = 0.3e-5;  // cos(lat) weights: no P2 term
    return f;
}

FieldSpec cos_lat_field(FieldSpec f) {
    f.p2_coefficient = 0.0;  // cos(lat)-weighted data has no closed form with a P2 term
    return f;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The source type ("cmip6", ...) for a project or source-type name, case-insensitively.
std::string source_type_named(const std::string& name) {
    static const std::vector<std::pair<std::string, std::string>> names = {
        {"cmip6", "cmip6"},
        {"cmip7", "cmip7"},
        {"obs4mips", "obs4mips"},
        {"obs4ref", "obs4ref"},
        {"pmpclimatology", "pmp-climatology"},
        {"pmp-climatology", "pmp-climatology"},
        {"esmvaltoolreference", "esmvaltool-reference"},
        {"esmvaltool-reference", "esmvaltool-reference"},
    };
    const std::string key = lower(name);
    for (const auto& [alias, type] : names) {
        if (alias == key) return type;
    }
    throw std::invalid_argument("no source type named '" + name + "'");
}

nlohmann::json expected_json(const GeneratedDataset& d) {
    nlohmann::json values = nlohmann::json::array();
    for (const int year : d.years()) values.push_back(expected_annual_global_mean(d.field, year));
    return {{"instance_id", d.files.front().instance_id},
            {"variable_id", d.field.variable_id},
            {"units", d.field.units},
            {"files", d.paths()},
            {"weights", d.area ? nlohmann::json(d.area->path.string()) : nlohmann::json("cos(lat)")},
            {"years", d.years()},
            {"annual_global_mean", values}};
}

}  // namespace

std::vector<std::string> GeneratedDataset::paths() const {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.path.string());
    return out;
}

std::vector<int> GeneratedDataset::years() const {
    std::vector<int> out;
    for (int y = first_year; y <= last_year; ++y) out.push_back(y);
    return out;
}

const GeneratedDataset& GeneratedTree::dataset(const std::string& name) const {
    for (const auto& d : datasets) {
        if (d.name == name) return d;
    }
    throw std::out_of_range("no generated dataset named '" + name + "'");
}

std::vector<GeneratedFile> GeneratedTree::files() const {
    std::vector<GeneratedFile> out;
    std::set<std::filesystem::path> seen;
    for (const auto& d : datasets) {
        for (const auto& f : d.files) {
            if (seen.insert(f.path).second) out.push_back(f);
        }
        if (d.area && seen.insert(d.area->path).second) out.push_back(*d.area);
    }
    return out;
}

std::vector<GeneratedFile> GeneratedTree::files_of(const std::string& project) const {
    const std::string type = source_type_named(project);
    std::vector<GeneratedFile> out;
    for (const auto& f : files()) {
        if (f.source_type() == type) out.push_back(f);
    }
    return out;
}

std::filesystem::path GeneratedTree::directory_of(const std::string& project) const {
    const std::string type = source_type_named(project);
    if (type == "cmip6") return root / "CMIP6";
    if (type == "cmip7") return root / "MIP-DRS7" / "CMIP7" / "CMIP";
    if (type == "obs4mips") return root / "obs4MIPs";
    if (type == "obs4ref") return root / "obs4REF";
    if (type == "pmp-climatology") return root / "PMP_obs4MIPsClims";
    return root / "ESMValTool";
}

GeneratedTree generate_default_tree(const std::filesystem::path& root_in) {
    GeneratedTree tree;
    tree.root = std::filesystem::absolute(root_in).lexically_normal();
    const auto& root = tree.root;
    const Grid atmos{18, 36, false};
    const Grid ocean{20, 36, true};
    const TimeSpan historical_1{2000, 2004, "noleap", "days since 1850-01-01"};
    const TimeSpan historical_2{2005, 2009, "noleap", "days since 1850-01-01"};
    const TimeSpan historical{2000, 2009, "noleap", "days since 1850-01-01"};

    Cmip6Dataset hist;
    Cmip6Dataset hist_fx = hist;
    hist_fx.table_id = "fx";
    const GeneratedFile areacella = write_cmip6_cell_area(root, hist_fx, atmos);

    GeneratedDataset tas{"tas-historical", tas_field(287.0, 0.03, 2000), {}, areacella, 2000, 2009};
    tas.files.push_back(write_cmip6_monthly(root, hist, tas.field, atmos, historical_1));
    tas.files.push_back(write_cmip6_monthly(root, hist, tas.field, atmos, historical_2));
    tree.datasets.push_back(tas);

    GeneratedDataset rsut{"rsut-historical", rsut_field(), {}, areacella, 2000, 2009};
    rsut.files.push_back(write_cmip6_monthly(root, hist, rsut.field, atmos, historical));
    tree.datasets.push_back(rsut);

    Cmip6Dataset pi = hist;
    pi.experiment_id = "piControl";
    Cmip6Dataset pi_fx = pi;
    pi_fx.table_id = "fx";
    GeneratedDataset pi_tas{"tas-picontrol", tas_field(286.0, 0.01, 101), {}, write_cmip6_cell_area(root, pi_fx, atmos), 101, 110};
    pi_tas.files.push_back(write_cmip6_monthly(root, pi, pi_tas.field, atmos, {101, 105, "noleap", "days since 0101-01-01"}));
    pi_tas.files.push_back(write_cmip6_monthly(root, pi, pi_tas.field, atmos, {101, 110, "noleap", "days since 0101-01-01"}));
    tree.datasets.push_back(pi_tas);

    Cmip6Dataset omon = hist;
    omon.table_id = "Omon";
    Cmip6Dataset ofx = hist;
    ofx.table_id = "Ofx";
    GeneratedDataset tos{"tos-historical", tos_field(), {}, write_cmip6_cell_area(root, ofx, ocean, tos_field().land), 2000, 2009};
    tos.files.push_back(write_cmip6_monthly(root, omon, tos.field, ocean, historical));
    tree.datasets.push_back(tos);

    GeneratedDataset obs{"ts-obs", ts_obs_field(), {}, std::nullopt, 2000, 2009};
    obs.files.push_back(write_obs4mips_monthly(root, Obs4MipsDataset{}, obs.field, atmos,
                                               {2000, 2009, "gregorian", "days since 1870-01-01 00:00:00"}));
    tree.datasets.push_back(obs);

    // CMIP7: the same kind of data in the MIP-DRS7 layout, with its cell areas.
    const Cmip7Dataset cmip7;
    Cmip7Dataset cmip7_fx = cmip7;
    cmip7_fx.frequency = "fx";
    cmip7_fx.branding_suffix = "ti-u-hxy-u";
    GeneratedDataset tas7{"tas-cmip7", tas_field(287.5, 0.025, 2000), {}, write_cmip7_cell_area(root, cmip7_fx, atmos),
                          2000, 2004};
    tas7.files.push_back(write_cmip7_monthly(root, cmip7, tas7.field, atmos, {2000, 2002, "noleap", "days since 1850-01-01"}));
    tas7.files.push_back(write_cmip7_monthly(root, cmip7, tas7.field, atmos, {2003, 2004, "noleap", "days since 1850-01-01"}));
    tree.datasets.push_back(tas7);

    GeneratedDataset obs4ref{"ts-obs4ref", ts_obs4ref_field(), {}, std::nullopt, 2000, 2004};
    obs4ref.files.push_back(write_obs4ref_monthly(root, Obs4RefDataset{}, obs4ref.field, atmos,
                                                  {2000, 2004, "standard", "days since 1850-01-01 00:00:00"}));
    tree.datasets.push_back(obs4ref);

    // A climatology of a trend-free field: its one "year" has the base value as annual mean.
    GeneratedDataset pmp{"pr-pmp-climatology", pr_field(3.0e-5, 0.0), {}, std::nullopt, 2000, 2000};
    pmp.files.push_back(write_pmp_climatology(root, PmpClimatologyDataset{}, pmp.field, atmos,
                                              {2000, 2004, "standard", "days since 1850-01-01 00:00:00"}));
    tree.datasets.push_back(pmp);

    const auto esmvaltool_root = root / "ESMValTool";
    const TimeSpan year_2000{2000, 2000, "standard", "days since 1850-01-01 00:00:00"};
    GeneratedDataset obs_rsut{"rsut-esmvaltool-obs", cos_lat_field(rsut_field()), {}, std::nullopt, 2000, 2001};
    const EsmvaltoolReferenceDataset ceres;  // OBS Tier2 CERES-EBAF sat Ed4.2 Amon
    obs_rsut.files.push_back(write_esmvaltool_reference(esmvaltool_root, ceres, obs_rsut.field, atmos, year_2000));
    obs_rsut.files.push_back(write_esmvaltool_reference(esmvaltool_root, ceres, obs_rsut.field, atmos,
                                                        {2001, 2001, "standard", "days since 1850-01-01 00:00:00"}));
    tree.datasets.push_back(obs_rsut);

    const auto reference = [](std::string project, int tier, std::string dataset, std::string type, std::string version,
                              std::string mip) {
        EsmvaltoolReferenceDataset d;
        d.project = std::move(project);
        d.tier = tier;
        d.dataset = std::move(dataset);
        d.type = std::move(type);
        d.version = std::move(version);
        d.mip = std::move(mip);
        return d;
    };
    GeneratedDataset obs6_tas{"tas-esmvaltool-obs6", cos_lat_field(tas_field(287.8, 0.02, 2000)), {}, std::nullopt, 2000, 2000};
    obs6_tas.files.push_back(write_esmvaltool_reference(esmvaltool_root, reference("OBS6", 3, "ERA5", "reanaly", "v1", "Amon"),
                                                        obs6_tas.field, atmos, year_2000));
    tree.datasets.push_back(obs6_tas);

    GeneratedDataset native6_tas{"tas-esmvaltool-native6", cos_lat_field(tas_field(287.9, 0.02, 2000)), {}, std::nullopt,
                                 2000, 2000};
    native6_tas.files.push_back(write_esmvaltool_reference(esmvaltool_root, reference("native6", 3, "ERA5", "", "v1", "mon"),
                                                           native6_tas.field, atmos,
                                                           {2000, 2000, "gregorian", "hours since 1900-01-01 00:00:00"}));
    tree.datasets.push_back(native6_tas);

    GeneratedDataset obs4mips_pr{"pr-esmvaltool-obs4mips", pr_field(2.9e-5, 0.01e-5), {}, std::nullopt, 2000, 2000};
    obs4mips_pr.files.push_back(write_esmvaltool_reference(esmvaltool_root, reference("obs4MIPs", 0, "GPCP-SG", "L3", "v2.3", "mon"),
                                                           obs4mips_pr.field, atmos, year_2000));
    tree.datasets.push_back(obs4mips_pr);

    const auto definition = [&](const std::string& diagnostic, const std::vector<const GeneratedDataset*>& sets,
                                const std::string& file_name) {
        std::vector<GeneratedFile> files;
        for (const auto* d : sets) {
            files.insert(files.end(), d->files.begin(), d->files.end());
            if (d->area) files.push_back(*d->area);
        }
        const auto path = root / "definitions" / file_name;
        science::cmec::write_json_atomically(path, make_execution_definition(diagnostic, definition_key(files), files));
        tree.definitions.push_back(path);
    };
    definition("example/global-mean-timeseries", {&tree.dataset("tas-historical")}, "example-global-mean-timeseries.json");
    definition("example/global-mean-timeseries", {&tree.dataset("tas-picontrol")},
               "example-global-mean-timeseries-picontrol.json");
    definition("example/global-sst-bias", {&tree.dataset("tos-historical"), &tree.dataset("ts-obs")},
               "example-global-sst-bias.json");

    nlohmann::json expected = nlohmann::json::object();
    for (const auto& d : tree.datasets) expected[d.name] = expected_json(d);
    tree.expected_values = root / "expected" / "annual-global-means.json";
    science::cmec::write_json_atomically(tree.expected_values, expected);
    return tree;
}

}  // namespace ref::datagen
