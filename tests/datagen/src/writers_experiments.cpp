#include "ref/datagen/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numbers>
#include <stdexcept>

#include <netcdf.h>

#include "axes.hpp"
#include "ref/datagen/definition.hpp"
#include "ref/datagen/nc_writer.hpp"
#include "ref/science/atomic_file.hpp"
#include "ref/science/cf_time.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

using json = nlohmann::json;

const Grid kGrid{6, 12, false};
constexpr double kDaysPerYear = 365.0;  // noleap

struct Variable {
    std::string name, units, standard_name, long_name;
    double amplitude;   // seasonal cycle
    double lat_slope;   // antisymmetric pattern
    double lon_cosine;  // cos(longitude) pattern
};

const Variable kTas{"tas", "K", "air_temperature", "Near-Surface Air Temperature", 5.0, 10.0, 2.0};
const Variable kRsdt{"rsdt", "W m-2", "toa_incoming_shortwave_flux", "TOA Incident Shortwave Radiation", 20.0, 5.0, 1.0};
const Variable kRsut{"rsut", "W m-2", "toa_outgoing_shortwave_flux", "TOA Outgoing Shortwave Radiation", 10.0, 4.0, 1.0};
const Variable kRlut{"rlut", "W m-2", "toa_outgoing_longwave_flux", "TOA Outgoing Longwave Radiation", 8.0, 3.0, 0.5};
const Variable kPr{"pr", "kg m-2 s-1", "precipitation_flux", "Precipitation", 1e-6, 1e-6, 2e-7};
const Variable kFco2antt{"fco2antt", "kg m-2 s-1",
                         "tendency_of_atmosphere_mass_content_of_carbon_dioxide_expressed_as_carbon_due_to_anthropogenic_emission",
                         "Carbon Mass Flux into Atmosphere Due to All Anthropogenic Emissions of CO2", 0.0, 1e-10, 0.0};

double seasonal(int month) { return std::cos(2.0 * std::numbers::pi * (month - 1) / 12.0); }

double pattern(const Variable& v, std::size_t j, std::size_t i) {
    const double n = static_cast<double>(kGrid.nlat - 1);
    return v.lat_slope * (2.0 * static_cast<double>(j) - n) / n + v.lon_cosine * std::cos(radians(kGrid.lon_center(i)));
}

struct Run {
    std::string experiment_id;
    std::string parent_experiment_id;  // "no parent" for none
    std::string units;                 // time units of the files
    std::string parent_time_units;
    double branch_time_in_parent = 0;
    double branch_time_in_child = 0;
    int first_year = 0;
    int last_year = 0;
};

std::string activity_of(const std::string& experiment) {
    if (experiment.rfind("ssp", 0) == 0) return "ScenarioMIP";
    if (experiment.rfind("esm-", 0) == 0 && experiment != "esm-piControl") return "C4MIP";
    return "CMIP";
}

// One file of monthly doubles whose annual global mean is annual(year).
// Monthly doubles whose global mean is monthly(year, month) + the zero-mean pattern; `per_cell`
// (when given) replaces the cell value entirely.
using CellValue = std::function<double(int year, int month, std::size_t j, std::size_t i)>;

GeneratedFile write_run_variable(const std::filesystem::path& root, const std::string& source_id, const Run& run,
                                 const Variable& v, const std::function<double(int)>& annual,
                                 const std::string& table_id = "Amon", const CellValue& per_cell = {}) {
    Cmip6Dataset d;
    d.table_id = table_id;
    d.source_id = source_id;
    d.experiment_id = run.experiment_id;
    d.activity_id = activity_of(run.experiment_id);
    const TimeSpan span{run.first_year, run.last_year, "noleap", run.units};
    const std::string name = v.name + "_" + table_id + "_" + source_id + "_" + run.experiment_id + "_" + d.member_id + "_gn_" +
                             detail::month_range(span) + ".nc";
    const auto path = cmip6_directory(root, d, v.name) / name;
    std::filesystem::create_directories(path.parent_path());
    const auto axis = detail::monthly_axis(span);
    const bool has_parent = run.parent_experiment_id != "no parent";
    detail::GlobalEdits edits;
    edits.replace = {{"parent_experiment_id", run.parent_experiment_id},
                     {"parent_activity_id", std::string(has_parent ? activity_of(run.parent_experiment_id) : "no parent")},
                     {"parent_time_units", std::string(has_parent ? run.parent_time_units : "no parent")},
                     {"parent_source_id", std::string(has_parent ? source_id : "no parent")},
                     {"parent_variant_label", std::string(has_parent ? d.member_id : "no parent")},
                     {"parent_mip_era", std::string(has_parent ? "CMIP6" : "no parent")},
                     {"branch_method", std::string(has_parent ? "standard" : "no parent")},
                     {"branch_time_in_parent", run.branch_time_in_parent},
                     {"branch_time_in_child", run.branch_time_in_child},
                     {"experiment", run.experiment_id},
                     {"external_variables", std::string("areacella")}};
    const Attributes globals = detail::edited(detail::cmip6_global_attributes(d, v.name, kGrid, name), edits);

    std::vector<double> values;
    values.reserve(axis.time.size() * kGrid.cells());
    for (std::size_t t = 0; t < axis.time.size(); ++t) {
        const double mean = per_cell ? 0.0 : annual(axis.years[t]) + v.amplitude * seasonal(axis.months[t]);
        for (std::size_t j = 0; j < kGrid.nlat; ++j)
            for (std::size_t i = 0; i < kGrid.nlon; ++i)
                values.push_back(per_cell ? per_cell(axis.years[t], axis.months[t], j, i) : mean + pattern(v, j, i));
    }
    science::write_atomically(path, [&](const std::filesystem::path& temporary) {
        NcWriter out(temporary.string());
        out.attributes(NC_GLOBAL, globals);
        const int bnds = out.dimension("bnds", 2);
        const int time_dim = detail::write_time_axis(out, axis, span, bnds);
        const auto horizontal = detail::write_grid(out, kGrid, bnds);
        Attributes attributes = {{"standard_name", v.standard_name}, {"long_name", v.long_name}, {"units", v.units},
                                 {"cell_methods", std::string("area: time: mean")},
                                 {"cell_measures", std::string(table_id == "SImon" ? "area: areacello" : "area: areacella")}};
        if (v.name == "tas") {
            const int height = out.variable("height", NC_DOUBLE, {},
                                            {{"units", std::string("m")}, {"axis", std::string("Z")},
                                             {"positive", std::string("up")}, {"standard_name", std::string("height")}});
            out.put(height, std::vector<double>{2.0});
            attributes.emplace_back("coordinates", std::string("height"));
        }
        const int var = out.variable(v.name, NC_DOUBLE, {time_dim, horizontal[0], horizontal[1]}, attributes);
        out.fill(var, fill_value);
        out.attributes(var, {{"missing_value", static_cast<double>(fill_value)}});
        out.put(var, values);
        out.close();
    });

    GeneratedFile f;
    f.project = "CMIP6";
    f.path = path;
    f.instance_id = "CMIP6." + d.activity_id + "." + d.institution_id + "." + source_id + "." + run.experiment_id + "." +
                    d.member_id + "." + table_id + "." + v.name + ".gn." + d.version;
    f.activity_id = d.activity_id;
    f.institution_id = d.institution_id;
    f.source_id = source_id;
    f.experiment_id = run.experiment_id;
    f.member_id = d.member_id;
    f.variant_label = d.member_id;
    f.table_id = table_id;
    f.variable_id = v.name;
    f.grid_label = "gn";
    f.version = d.version;
    f.frequency = "mon";
    f.realm = table_id == "SImon" ? "seaIce" : "atmos";
    f.calendar = "noleap";
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    f.nominal_resolution = detail::nominal_resolution(kGrid);
    f.tracking_id = detail::tracking_id(name);
    return f;
}

GeneratedFile write_areacella(const std::filesystem::path& root, const std::string& source_id,
                              const std::string& experiment) {
    Cmip6Dataset d;
    d.source_id = source_id;
    d.experiment_id = experiment;
    d.activity_id = activity_of(experiment);
    d.table_id = "fx";
    return write_cmip6_cell_area(root, d, kGrid);
}

// Sum of the areacella values as stored (float32), which the emissions are scaled by.
double stored_total_area() {
    double total = 0;
    for (std::size_t j = 0; j < kGrid.nlat; ++j)
        total += static_cast<double>(kGrid.nlon) * static_cast<double>(static_cast<float>(kGrid.cell_area(j)));
    return total;
}

double mean_of(const std::vector<double>& values, std::size_t first, std::size_t end) {
    double sum = 0;
    for (std::size_t k = first; k < end; ++k) sum += values[k];
    return sum / static_cast<double>(end - first);
}

std::string level_text(double level) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f", level);
    return text;
}

const Variable kSiconc{"siconc", "%", "sea_ice_area_fraction", "Sea-Ice Area Percentage (Ocean Grid)", 0, 0, 0};

double stored_area_of_band(bool north) {
    double total = 0;
    for (std::size_t j = 0; j < kGrid.nlat; ++j)
        if ((kGrid.lat_center(j) > 0) == north)
            total += static_cast<double>(kGrid.nlon) * static_cast<double>(static_cast<float>(kGrid.cell_area(j)));
    return total;
}

}  // namespace

SeaIceSet write_sea_ice_set(const std::filesystem::path& root) {
    SeaIceSet set;
    set.root = std::filesystem::absolute(root);
    const double north_area = stored_area_of_band(true), south_area = stored_area_of_band(false);
    const std::vector<std::string> models = {"REFSYN-1-0", "REFSYN-2-0"};
    for (std::size_t m = 0; m < models.size(); ++m) {
        SeaIceExpected e;
        e.sensitivity_arctic = m == 0 ? -2.0 : -3.5;
        e.tas_trend = m == 0 ? 0.03 : 0.02;
        const double sensitivity = e.sensitivity_arctic;
        const double trend = e.tas_trend;
        auto gmst = [trend](int year) { return 287.0 + trend * (year - 1979); };
        // Antarctic extent wobbles so its regression statistics are not trivial.
        auto antarctic = [m](int year) { return 12.0 + 0.4 * std::sin(1.3 * year + static_cast<double>(m)) - 0.01 * (year - 1979); };
        auto arctic = [&, sensitivity](int year) { return 6.0 + sensitivity * (gmst(year) - 287.0); };
        for (int year = 1979; year <= 2014; ++year) {
            e.years.push_back(year);
            e.gmst.push_back(gmst(year));
            e.arctic_sia.push_back(arctic(year));
            e.antarctic_sia.push_back(antarctic(year));
        }
        const Run historical{"historical", "piControl", "days since 1850-01-01", "days since 0001-01-01", 0, 0, 1979, 2014};
        set.files.push_back(write_run_variable(set.root, models[m], historical, kTas, gmst));
        // siconc in % of each hemisphere's (stored) cell area: September carries the Arctic value,
        // the Antarctic annual mean comes from a seasonal cycle around its value.
        set.files.push_back(write_run_variable(
            set.root, models[m], historical, kSiconc, {}, "SImon",
            [&](int year, int month, std::size_t j, std::size_t) {
                if (kGrid.lat_center(j) > 0) {
                    const double sia = month == 9 ? arctic(year) : arctic(year) + 4.0;
                    return 100.0 * sia * 1e12 / north_area;
                }
                return 100.0 * (antarctic(year) + 3.0 * seasonal(month)) * 1e12 / south_area;
            }));
        Cmip6Dataset fx;
        fx.source_id = models[m];
        fx.table_id = "fx";
        set.files.push_back(write_cmip6_cell_area(set.root, fx, kGrid));
        fx.table_id = "Ofx";
        set.files.push_back(write_cmip6_cell_area(set.root, fx, kGrid));
        set.expected[models[m]] = e;
    }
    return set;
}

std::vector<GeneratedFile> ClimateSensitivitySet::files_for(const std::string& diagnostic) const {
    std::vector<std::string> experiments;
    std::vector<std::string> variables = {"tas"};
    std::string only_source = "REFCS-1-0";
    if (diagnostic == "equilibrium-climate-sensitivity") {
        experiments = {"abrupt-4xCO2", "piControl"};
        variables = {"tas", "rsdt", "rsut", "rlut"};
    } else if (diagnostic == "transient-climate-response") {
        experiments = {"1pctCO2", "piControl"};
    } else if (diagnostic == "transient-climate-response-emissions") {
        experiments = {"esm-1pctCO2", "esm-piControl"};
        variables = {"tas", "fco2antt"};
    } else if (diagnostic == "zero-emission-commitment") {
        experiments = {"esm-1pct-brch-1000PgC", "esm-1pctCO2"};
    } else if (diagnostic == "climate-at-global-warming-levels") {
        experiments = {"ssp245", "historical"};
        variables = {"tas", "pr"};
        only_source.clear();
    } else if (diagnostic == "global-mean-timeseries") {
        experiments = {"historical"};
    } else {
        throw std::invalid_argument("no climate-sensitivity files for '" + diagnostic + "'");
    }
    std::vector<GeneratedFile> data, areas;
    for (const auto& experiment : experiments) {
        for (const auto& f : files) {
            if (f.experiment_id != experiment || (!only_source.empty() && f.source_id != only_source)) continue;
            if (f.variable_id == "areacella") {
                areas.push_back(f);
            } else if (std::find(variables.begin(), variables.end(), f.variable_id) != variables.end()) {
                // fco2antt belongs to the target run only
                if (f.variable_id == "fco2antt" && experiment != "esm-1pctCO2") continue;
                data.push_back(f);
            }
        }
    }
    data.insert(data.end(), areas.begin(), areas.end());
    return data;
}

json climate_sensitivity_definition(const std::string& diagnostic, const std::vector<GeneratedFile>& files) {
    json definition = make_execution_definition("esmvaltool/" + diagnostic, definition_key(files), files);
    const GeneratedFile& first = files.front();
    json selector;
    if (diagnostic == "climate-at-global-warming-levels") {
        selector = json::array({json::array({"experiment_id", first.experiment_id})});
    } else if (diagnostic == "global-mean-timeseries") {
        selector = json::array({json::array({"experiment_id", first.experiment_id}),
                                json::array({"grid_label", first.grid_label}), json::array({"member_id", first.member_id}),
                                json::array({"source_id", first.source_id}), json::array({"table_id", first.table_id}),
                                json::array({"variable_id", first.variable_id})});
    } else {
        selector = json::array({json::array({"grid_label", first.grid_label}), json::array({"member_id", first.member_id}),
                                json::array({"source_id", first.source_id})});
    }
    definition["datasets"]["cmip6"]["selector"] = selector;
    return definition;
}

ClimateSensitivitySet write_climate_sensitivity_set(const std::filesystem::path& root,
                                                    const ClimateSensitivitySpec& spec) {
    ClimateSensitivitySet set;
    set.root = std::filesystem::absolute(root);
    auto& e = set.expected;
    auto& files = set.files;
    const std::string& model = spec.source_id;
    if (spec.feedback >= 0) throw std::invalid_argument("the feedback parameter must be negative");

    // piControl and its children abrupt-4xCO2 and 1pctCO2 (branched at parent year 0121).
    const double t0 = 286.0, n0 = 0.4;
    auto control_tas = [&](int year) { return t0 + spec.picontrol_tas_drift * (year - 101); };
    auto control_rtnt = [&](int year) { return n0 + spec.picontrol_rtnt_drift * (year - 101); };
    const double rsdt = 340.0;
    auto rlut_of = [&](double tas) { return 239.0 + 2.0 * (tas - t0); };
    const Run picontrol{"piControl", "piControl-spinup", "days since 0001-01-01", "days since 0001-01-01", 0, 0,
                        spec.picontrol_first_year, spec.picontrol_last_year};
    files.push_back(write_run_variable(set.root, model, picontrol, kTas, control_tas));
    files.push_back(write_run_variable(set.root, model, picontrol, kRsdt, [&](int) { return rsdt; }));
    files.push_back(write_run_variable(set.root, model, picontrol, kRlut, [&](int y) { return rlut_of(control_tas(y)); }));
    files.push_back(write_run_variable(set.root, model, picontrol, kRsut, [&](int y) {
        return rsdt - rlut_of(control_tas(y)) - control_rtnt(y);
    }));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "piControl"));

    const int branch_year = 121;
    const double branch_days = (branch_year - 1) * kDaysPerYear;  // 0121-01-01 in days since 0001-01-01
    e.forcing = spec.forcing;
    e.lambda = spec.feedback;
    e.ecs = -spec.forcing / (2.0 * spec.feedback);
    const double equilibrium = -spec.forcing / spec.feedback;
    auto abrupt_dt = [&](int k) {
        const double t = k + 0.5;
        return equilibrium * (1.0 - 0.55 * std::exp(-t / 4.0) - 0.45 * std::exp(-t / 200.0));
    };
    for (int k = 0; k < spec.abrupt_years; ++k) {
        e.abrupt_tas_anomaly.push_back(abrupt_dt(k));
        e.abrupt_rtnt_anomaly.push_back(spec.forcing + spec.feedback * abrupt_dt(k));
    }
    const Run abrupt{"abrupt-4xCO2", "piControl", "days since 1850-01-01", "days since 0001-01-01", branch_days, 0,
                     1850, 1850 + spec.abrupt_years - 1};
    auto abrupt_tas = [&](int y) { return control_tas(branch_year + y - 1850) + abrupt_dt(y - 1850); };
    auto abrupt_rtnt = [&](int y) {
        return control_rtnt(branch_year + y - 1850) + spec.forcing + spec.feedback * abrupt_dt(y - 1850);
    };
    files.push_back(write_run_variable(set.root, model, abrupt, kTas, abrupt_tas));
    files.push_back(write_run_variable(set.root, model, abrupt, kRsdt, [&](int) { return rsdt; }));
    files.push_back(write_run_variable(set.root, model, abrupt, kRlut, [&](int y) { return rlut_of(abrupt_tas(y)); }));
    files.push_back(write_run_variable(set.root, model, abrupt, kRsut, [&](int y) {
        return rsdt - rlut_of(abrupt_tas(y)) - abrupt_rtnt(y);
    }));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "abrupt-4xCO2"));

    auto one_percent_dt = [](int k) {
        const double t = k + 0.5;
        return 0.02 * t + 1.0e-4 * t * t;
    };
    for (int k = 0; k < spec.one_percent_years; ++k) e.tcr_anomaly.push_back(one_percent_dt(k));
    if (spec.one_percent_years >= 80) e.tcr = mean_of(e.tcr_anomaly, 60, 80);
    const Run one_percent{"1pctCO2", "piControl", "days since 1850-01-01", "days since 0001-01-01", branch_days, 0,
                          1850, 1850 + spec.one_percent_years - 1};
    files.push_back(write_run_variable(set.root, model, one_percent, kTas, [&](int y) {
        return control_tas(branch_year + y - 1850) + one_percent_dt(y - 1850);
    }));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "1pctCO2"));

    // esm-piControl and esm-1pctCO2 (branched at parent year 0031) with emissions, for TCRE.
    auto esm_control_tas = [](int year) { return 285.5 + 0.0015 * (year - 1); };
    const Run esm_control{"esm-piControl", "esm-piControl-spinup", "days since 0001-01-01", "days since 0001-01-01",
                          0, 0, 1, 120};
    files.push_back(write_run_variable(set.root, model, esm_control, kTas, esm_control_tas));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "esm-piControl"));
    const int esm_branch_year = 31;
    auto esm_dt = [](int k) {
        const double t = k + 0.5;
        return 0.025 * t + 2.0e-4 * t * t;
    };
    auto emissions_pg = [](int k) { return 12.0 + 0.2 * k; };  // PgC per year
    const Run esm_target{"esm-1pctCO2", "esm-piControl", "days since 1850-01-01", "days since 0001-01-01",
                         (esm_branch_year - 1) * kDaysPerYear, 0, 1850, 1914};
    auto esm_tas = [&](int y) { return esm_control_tas(esm_branch_year + y - 1850) + esm_dt(y - 1850); };
    files.push_back(write_run_variable(set.root, model, esm_target, kTas, esm_tas));
    const double total_area = stored_total_area();
    files.push_back(write_run_variable(set.root, model, esm_target, kFco2antt, [&](int y) {
        return emissions_pg(y - 1850) * 1e12 / (kDaysPerYear * 86400.0) / total_area;
    }));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "esm-1pctCO2"));
    double cumulative = 0;
    for (int k = 0; k < 65; ++k) {
        e.tcre_anomaly.push_back(esm_dt(k));
        cumulative += emissions_pg(k);
        e.cumulative_emissions_pg.push_back(cumulative);
    }
    e.tcre = 1000.0 * mean_of(e.tcre_anomaly, 45, 65) / e.cumulative_emissions_pg[54];

    // esm-1pct-brch-1000PgC from esm-1pctCO2 year 1905 (its own axis starts in year 0001).
    std::vector<double> parent_means;
    for (int y = 1895; y <= 1914; ++y) parent_means.push_back(esm_tas(y));
    double seasonal_weighted = 0;
    for (int month = 1; month <= 12; ++month)
        seasonal_weighted += science::days_in_month(science::Calendar::noleap, 1900, month) * seasonal(month);
    const double base = mean_of(parent_means, 0, parent_means.size()) + kTas.amplitude * seasonal_weighted / kDaysPerYear;
    auto zec_tas = [&](int year) {
        const int k = year - 1;
        return esm_tas(1904) + 0.3 * std::exp(-k / 15.0) - 0.002 * k;
    };
    const Run zec{"esm-1pct-brch-1000PgC", "esm-1pctCO2", "days since 0001-01-01", "days since 1850-01-01",
                  55 * kDaysPerYear, 0, 1, 100};
    files.push_back(write_run_variable(set.root, model, zec, kTas, zec_tas));
    if (spec.with_areacella) files.push_back(write_areacella(set.root, model, "esm-1pct-brch-1000PgC"));
    for (int k = 0; k < 100; ++k) e.zec_series.push_back(zec_tas(k + 1) - base);
    e.zec = mean_of(e.zec_series, 40, 59);

    // historical + ssp245 for global warming levels: flat until 1950, then linear warming.
    for (std::size_t m = 0; m < spec.gwl_warming_rates.size(); ++m) {
        const std::string gwl_model = m == 0 ? model : "REFCS-" + std::to_string(m + 1) + "-0";
        const double rate = spec.gwl_warming_rates[m];
        auto tas = [rate](int year) { return 287.0 + (year > 1950 ? rate * (year - 1950) : 0.0); };
        const Run historical{"historical", "piControl", "days since 1850-01-01", "days since 0001-01-01", 0, 0, 1850, 2014};
        const Run ssp{"ssp245", "historical", "days since 1850-01-01", "days since 1850-01-01", 60225, 60225, 2015, 2100};
        for (const Run* run : {&historical, &ssp}) {
            files.push_back(write_run_variable(set.root, gwl_model, *run, kTas, tas));
            files.push_back(write_run_variable(set.root, gwl_model, *run, kPr, [](int) { return 3.0e-5; }));
            if (spec.with_areacella) files.push_back(write_areacella(set.root, gwl_model, run->experiment_id));
        }
        for (const double level : e.gwl_levels) {
            // Reference 1850-1900 is 287 K; the centred 21-year mean of a linear series is its centre value.
            for (int year = 2010; year <= 2090; ++year) {
                if (rate * (year - 1950) > level) {
                    e.gwl_exceedance_years[gwl_model][level_text(level)] = year;
                    break;
                }
            }
        }
        if (m == 0)
            for (int year = 1850; year <= 2014; ++year) e.historical_tas_celsius.push_back(tas(year) - 273.15);
    }

    std::filesystem::create_directories(set.root / "definitions");
    for (const std::string diagnostic :
         {"global-mean-timeseries", "equilibrium-climate-sensitivity", "transient-climate-response",
          "transient-climate-response-emissions", "zero-emission-commitment", "climate-at-global-warming-levels"}) {
        const auto path = set.root / "definitions" / ("esmvaltool-" + diagnostic + ".json");
        json definition = climate_sensitivity_definition(diagnostic, set.files_for(diagnostic));
        definition["root_directory"] = set.root.string();
        science::write_atomically(path, [&](const std::filesystem::path& temporary) {
            std::ofstream out(temporary);
            out << definition.dump(2) << "\n";
            if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
        });
        set.definitions[diagnostic] = path;
    }
    return set;
}

}  // namespace ref::datagen
