// global-mean-timeseries (spec §3.2) and climate-at-global-warming-levels (spec §3.7).
#include "native_common.hpp"

#include "ref/science/annual_series.hpp"
#include "ref/science/field.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/regrid.hpp"
#include "ref/science/plot.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace ref::esmvaltool::native {

namespace {

using plugin::DiagnosticError;

json empty_metric_bundle() {
    return {{"DIMENSIONS", {{"json_structure", json::array()}}},
            {"RESULTS", json::object()},
            {"PROVENANCE", nullptr},
            {"DISCLAIMER", nullptr},
            {"NOTES", nullptr}};
}

std::string level_text(double level) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f", level);
    return text;
}

// One model's annual mean maps of a variable on the 1x1 degree grid, in the map units.
struct AnnualMaps {
    std::map<int, std::vector<double>> by_year;
};

// Annual means (plain means of the steps in each calendar year) 2000-2100, converted (tas:
// degrees C, pr: mm day-1) and interpolated bilinearly to `target`; only the `wanted` years
// are interpolated (each map on the target grid is half a megabyte at 1 degree).
AnnualMaps annual_maps(const std::vector<std::string>& files, const std::string& variable,
                       const science::LatLonGrid& target, const std::set<int>& wanted) {
    const science::Field field = science::read_field(files, variable);
    const science::LatLonGrid grid = science::read_lat_lon_grid(files.front(), variable);
    const std::size_t cells = field.cell_count();
    if (cells != grid.lat.size() * grid.lon.size())
        throw DiagnosticError(files.front() + ": " + variable + " is not on a regular latitude-longitude grid");
    double scale = 1.0, offset = 0.0;
    if (variable == "tas" && science::is_kelvin(field.units)) offset = -273.15;
    if (variable == "pr") scale = 86400.0;  // kg m-2 s-1 -> mm day-1
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> sums;  // year -> (sum, count)
    for (std::size_t t = 0; t < field.step_count(); ++t) {
        const int year = field.dates[t].year;
        if (year < 2000 || year > 2100 || !wanted.contains(year)) continue;
        auto& [sum, count] = sums[year];
        if (sum.empty()) sum.assign(cells, 0.0), count.assign(cells, 0.0);
        const auto step = field.step(t);
        for (std::size_t c = 0; c < cells; ++c)
            if (std::isfinite(step[c])) sum[c] += step[c], count[c] += 1.0;
    }
    AnnualMaps out;
    const science::BilinearInterpolator to_target(grid, target);
    for (auto& [year, totals] : sums) {
        auto& [sum, count] = totals;
        for (std::size_t c = 0; c < cells; ++c)
            sum[c] = count[c] > 0 ? sum[c] / count[c] * scale + offset : std::numeric_limits<double>::quiet_NaN();
        out.by_year[year] = to_target.apply(sum);
    }
    return out;
}

std::string map_units(const std::string& variable) { return variable == "tas" ? "degrees_C" : "mm day-1"; }

}  // namespace

plugin::ExecutionResult run_global_mean_timeseries(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                                   const plugin::Host& host) {
    const auto [type, rows] = model_rows(definition);
    const Selectors selectors = input_selectors(definition);
    std::map<std::string, std::vector<json>> datasets;  // instance_id -> rows
    for (const auto& row : rows)
        if (text_of(row, "variable_id") == "tas") datasets[text_of(row, "instance_id")].push_back(row);
    if (datasets.empty()) throw DiagnosticError("the execution has no tas data");
    const fs::path out = definition.output_directory;
    json output = native_output_bundle(definition);
    json series = json::array();
    const json dims = spec.series.front().dimensions;
    for (const auto& [instance, dataset_rows] : datasets) {
        const std::string experiment = text_of(dataset_rows.front(), "experiment_id");
        const auto area = areacella_for(rows, experiment);
        if (!area) host.info("no areacella: weighting by spherical cell areas from the grid bounds");
        const auto monthly = global_monthly(dataset_rows, "", "tas", area);
        auto annual = science::calendar_year_means(monthly.dates, monthly.values, monthly.time_bounds);
        std::string units = monthly.units;
        if (science::is_kelvin(units)) {
            for (double& v : annual.values) v -= 273.15;
            units = "degrees_C";
        }
        std::string name = instance;
        for (char& c : name)
            if (c == '.') c = '_';
        const std::string data_file = name + ".nc";
        const std::string plot_file = name + ".png";
        write_columns(out / data_file, {{"time", "", "time", annual.time}, {"tas", units, "Near-Surface Air Temperature", annual.values}},
                      monthly.time_units, monthly.calendar);
        std::vector<double> years(annual.years.begin(), annual.years.end());
        science::write_line_plot((out / plot_file).string(),
                                 {"Annual global mean tas: " + text_of(dataset_rows.front(), "source_id") + " " + experiment,
                                  "year", "tas [" + units + "]", {{"tas", years, annual.values}}, false});
        const std::string caption = "Annual global mean Near-Surface Air Temperature according to " +
                                    text_of(dataset_rows.front(), "source_id") + ".";
        add_output_file(output, false, data_file, caption, "", dims);
        add_output_file(output, true, plot_file, caption, "", dims);
        json index = json::array();
        for (const auto& t : iso_times(annual.time, monthly.time_units, monthly.calendar)) index.push_back(t);
        const json attributes = {{"caption", caption}, {"values_name", "tas"}, {"index_name", "time"},
                                 {"calendar", monthly.calendar}, {"value_units", units}, {"index_units", monthly.time_units}};
        series.push_back(series_entry(selectors, dims, annual.values, index, attributes));
        host.info(instance + ": " + std::to_string(annual.size()) + " annual means");
    }
    return finish(definition, empty_metric_bundle(), output, series);
}

plugin::ExecutionResult run_gwl(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host) {
    constexpr int kWindow = 21;
    const std::vector<double> levels = {1.5, 2.0, 3.0, 4.0, 5.0};
    const auto [type, rows] = model_rows(definition);
    const Selectors selectors = input_selectors(definition);
    const std::string member_column = type == "cmip6" ? "member_id" : "variant_label";
    // (project, experiments, dataset, ensemble, grid) -> tas rows, ordered as the REF's CSV.
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::vector<json>> models;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> scenario_of;
    for (const auto& row : rows) {
        if (text_of(row, "variable_id") != "tas") continue;
        const auto key = std::make_tuple(text_of(row, "source_id"), text_of(row, member_column), text_of(row, "grid_label"),
                                         text_of(row, "table_id"));
        models[key].push_back(row);
        if (text_of(row, "experiment_id") != "historical") scenario_of[key] = text_of(row, "experiment_id");
    }
    struct Record {
        std::string model, member, experiment;
        double level;
        int year;
    };
    std::vector<Record> records;
    std::vector<science::LineSeries> curves;
    const fs::path out = definition.output_directory;
    for (const auto& [key, model_rows_] : models) {
        const auto scenario = scenario_of.find(key);
        if (scenario == scenario_of.end()) continue;  // historical only
        const auto& [source, member, grid, table] = key;
        const auto area = areacella_for(rows, scenario->second);
        const auto monthly = global_monthly(model_rows_, "", "tas", area);
        const auto annual = science::calendar_year_means(monthly.dates, monthly.values, monthly.time_bounds);
        std::vector<double> reference_values, reference_bounds;
        for (std::size_t k = 0; k < annual.size(); ++k) {
            if (annual.years[k] < 1850 || annual.years[k] > 1900) continue;
            reference_values.push_back(annual.values[k]);
            reference_bounds.push_back(annual.time_bounds[2 * k]);
            reference_bounds.push_back(annual.time_bounds[2 * k + 1]);
        }
        if (reference_values.empty())
            throw DiagnosticError(source + " " + member + ": the tas data (" + monthly.files.front() +
                                  "...) do not cover the 1850-1900 reference period");
        const double reference = science::length_weighted_mean(reference_values, reference_bounds);
        std::vector<double> anomaly, years;
        for (std::size_t k = 0; k < annual.size(); ++k) {
            if (annual.years[k] < 2000 || annual.years[k] > 2100) continue;
            anomaly.push_back(annual.values[k] - reference);
            years.push_back(annual.years[k]);
        }
        if (anomaly.size() < 101)
            host.warning(source + " " + member + ": " + std::to_string(anomaly.size()) + " of the 101 years 2000-2100");
        const auto smoothed = science::centred_running_mean(anomaly, kWindow);
        curves.push_back({source + " " + member, years, smoothed, false});
        for (const double level : levels) {
            for (std::size_t k = 0; k < smoothed.size(); ++k) {
                if (std::isfinite(smoothed[k]) && smoothed[k] > level) {
                    records.push_back({source, member, scenario->second + "-historical", level, static_cast<int>(years[k])});
                    break;
                }
            }
        }
    }
    if (curves.empty()) throw DiagnosticError("the execution has no scenario tas datasets with their historical runs");

    // Metric per level: the REF keeps the last model's year (spec §5.4); every model's year is
    // kept in the level's attributes.
    json results = json::object();
    for (const auto& r : records) {
        const std::string level = level_text(r.level);
        results[level]["exceedance_year"] = r.year;
        results[level]["attributes"][r.model + " " + r.member] = r.year;  // every model's own year
    }
    const json metrics = results.empty()
                             ? json{{"DIMENSIONS", {{"json_structure", json::array()}}}, {"RESULTS", json::object()},
                                    {"PROVENANCE", nullptr}, {"DISCLAIMER", nullptr}, {"NOTES", nullptr}}
                             : native_metric_bundle({"global_warming_level", "metric"}, results, selectors);
    {
        std::string csv = "Project,Exp,Model,Ens,GWL,Exceedance_Year\n";
        for (const auto& r : records)
            csv += (type == "cmip6" ? "CMIP6," : "CMIP7,") + r.experiment + "," + r.model + "," + r.member + "," +
                   level_text(r.level) + "," + std::to_string(r.year) + "\n";
        const auto path = out / "GWL_exceedance_years.csv";
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << csv;
        if (!file.flush()) throw plugin::SystemError("cannot write " + path.string());
    }
    science::write_line_plot((out / "gwl_smoothed_anomalies.png").string(),
                             {"21-year mean tas anomaly relative to 1850-1900", "year", "anomaly [K]", curves, false});
    json output = native_output_bundle(definition);
    add_output_file(output, false, "GWL_exceedance_years.csv", "Global warming level exceedance years", "", json::object());
    add_output_file(output, true, "gwl_smoothed_anomalies.png",
                    "Centred 21-year running mean of the global mean tas anomaly relative to 1850-1900", "",
                    json::object());

    // Multi-model maps (spec 3.7): per level, the mean (and with two or more models the
    // standard deviation) of each exceeding model's 21-year mean around its exceedance year.
    std::vector<std::string> map_variables = {"tas"};
    bool has_pr = false;
    for (const auto& row : rows) has_pr = has_pr || text_of(row, "variable_id") == "pr";
    if (has_pr)
        map_variables.push_back("pr");
    else
        host.info("no pr in the execution: multi-model maps of tas only");
    const science::LatLonGrid target = science::uniform_global_grid(1.0, 1.0);
    std::map<std::string, std::set<int>> window_years;  // "source member" -> years some window averages
    for (const auto& r : records)
        for (int y = r.year - kWindow / 2; y <= r.year + kWindow / 2; ++y) window_years[r.model + " " + r.member].insert(y);
    std::vector<science::MapFigure> figures;  // drawn together at the end, several at a time
    for (const std::string& variable : map_variables) {
        std::map<std::string, AnnualMaps> per_model;  // "source member" -> annual maps
        for (const auto& [key, tas_rows] : models) {
            const auto& [source, member, grid, table] = key;
            std::vector<json> variable_rows;
            for (const auto& row : rows)
                if (text_of(row, "variable_id") == variable && text_of(row, "source_id") == source &&
                    text_of(row, member_column) == member && text_of(row, "grid_label") == grid &&
                    text_of(row, "table_id") == table)
                    variable_rows.push_back(row);
            const auto years = window_years.find(source + " " + member);
            if (variable_rows.empty() || years == window_years.end()) continue;
            per_model[source + " " + member] = annual_maps(paths_of(variable_rows), variable, target, years->second);
        }
        const std::string directory = "gwl_mean_plots_" + variable;
        fs::create_directories(out / directory);
        for (const double level : levels) {
            std::vector<std::vector<double>> windows;
            for (const auto& r : records) {
                if (r.level != level) continue;
                const auto found = per_model.find(r.model + " " + r.member);
                if (found == per_model.end()) continue;
                std::vector<double> sum(target.lat.size() * target.lon.size(), 0.0);
                int years_found = 0;
                for (int y = r.year - kWindow / 2; y <= r.year + kWindow / 2; ++y) {
                    const auto year = found->second.by_year.find(y);
                    if (year == found->second.by_year.end()) continue;
                    for (std::size_t c = 0; c < sum.size(); ++c) sum[c] += year->second[c];
                    ++years_found;
                }
                if (years_found == 0) continue;
                for (double& v : sum) v /= years_found;
                windows.push_back(std::move(sum));
            }
            if (windows.empty()) continue;
            const std::size_t cells = windows.front().size();
            std::vector<double> mean(cells, 0.0), stdev(cells, 0.0);
            for (const auto& w : windows)
                for (std::size_t c = 0; c < cells; ++c) mean[c] += w[c] / static_cast<double>(windows.size());
            const bool spread = windows.size() >= 2;
            if (spread) {
                for (const auto& w : windows)
                    for (std::size_t c = 0; c < cells; ++c) stdev[c] += (w[c] - mean[c]) * (w[c] - mean[c]);
                for (double& v : stdev) v = std::sqrt(v / static_cast<double>(windows.size() - 1));
            }
            const std::string level_name = level_text(level);
            for (const std::string statistic : {"mean", "stdev"}) {
                if (statistic == "stdev" && !spread) continue;
                const auto& values = statistic == "mean" ? mean : stdev;
                const std::string stem = directory + "/CMIP6_mm_" + statistic + "_" + level_name;
                const std::string title = "Multi-model " + statistic + " of " + variable + " at " + level_name + " K warming (" +
                                          std::to_string(windows.size()) + " models)";
                write_lat_lon_field(out / (stem + ".nc"), target.lat, target.lon,
                                    {variable, map_units(variable), title, values});
                science::MapPlot map;
                map.title = title;
                map.units = map_units(variable);
                map.lat = target.lat;
                map.lon = target.lon;
                map.values = values;
                figures.push_back({(out / (stem + ".png")).string(), {std::move(map)}});
                const json dims = {{"statistic", statistic}, {"variable_id", variable}};
                add_output_file(output, false, stem + ".nc", title, "", dims);
                add_output_file(output, true, stem + ".png", title, "", dims);
            }
            host.info(variable + " at " + level_name + " K: maps from " + std::to_string(windows.size()) + " models");
        }
    }
    science::write_map_figures(figures);
    (void)spec;
    return finish(definition, metrics, output, json::array(), {{"models", curves.size()}});
}

}  // namespace ref::esmvaltool::native
