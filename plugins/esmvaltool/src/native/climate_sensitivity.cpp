// ECS, TCR, TCRE and ZEC (spec §3.3-§3.6): a child run compared with its branch-aligned parent.
#include "native_common.hpp"

#include "ref/science/plot.hpp"
#include "ref/science/regression.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace ref::esmvaltool::native {

namespace {

using plugin::DiagnosticError;

std::string child_experiment_of(const std::vector<json>& tas_rows, const std::string& parent) {
    for (const auto& row : tas_rows)
        if (text_of(row, "experiment_id") != parent) return text_of(row, "experiment_id");
    throw DiagnosticError("the execution has no tas data of a run whose parent is " + parent);
}

std::vector<double> as_years(const science::YearlySeries& series, std::size_t count) {
    std::vector<double> out;
    for (std::size_t k = 0; k < count; ++k) out.push_back(series.years[k]);
    return out;
}

// a(k) - (s * Y_parent(k) + c), with s, c the least-squares line of the parent's first `count` years.
std::vector<double> anomaly_to_control_line(const science::YearlySeries& child, const science::YearlySeries& parent,
                                            const std::vector<double>& parent_x, std::size_t count) {
    const std::vector<double> parent_values(parent.values.begin(), parent.values.begin() + static_cast<long>(count));
    science::LinearFit fit;
    try {
        fit = science::linear_regression(parent_x, parent_values);
    } catch (const std::invalid_argument& e) {
        throw DiagnosticError(std::string("cannot fit the control run's drift: ") + e.what());
    }
    std::vector<double> out;
    for (std::size_t k = 0; k < count; ++k) out.push_back(child.values[k] - (fit.slope * parent_x[k] + fit.intercept));
    return out;
}

// Shortens to what both runs hold, warning when that is less than the diagnostic asks for.
std::size_t usable_years(std::size_t wanted, const std::vector<std::size_t>& available, const std::string& what,
                         const plugin::Host& host) {
    const std::size_t n = std::min(wanted, *std::min_element(available.begin(), available.end()));
    if (n < wanted) {
        std::string counts;
        for (auto a : available) counts += (counts.empty() ? "" : ", ") + std::to_string(a);
        host.warning(what + ": only " + std::to_string(n) + " of the " + std::to_string(wanted) +
                     " years are available in every run (" + counts + " years); using " + std::to_string(n));
    }
    return n;
}

double mean_of(const std::vector<double>& values, std::size_t first, std::size_t end) {
    double sum = 0;
    for (std::size_t k = first; k < end; ++k) sum += values[k];
    return sum / static_cast<double>(end - first);
}

std::string model_label(const Selectors& selectors) {
    std::string label;
    for (const auto& [facet, value] : selectors)
        if (facet == "source_id") label = value;
    return label.empty() ? "model" : label;
}

std::string fit_label(double lambda, double forcing, double ecs) {
    char text[128];
    std::snprintf(text, sizeof text, "N = %.3f T + %.3f (ECS %.2f K)", lambda, forcing, ecs);
    return text;
}

struct ChildParent {
    std::string child_experiment;
    YearWindows windows;
    std::optional<std::string> child_area, parent_area;
};

ChildParent align(const std::vector<json>& rows, const std::string& parent, int child_years, int offset, int parent_years,
                  const plugin::Host& host) {
    const auto tas_rows = rows_where(rows, "variable_id", "tas");
    ChildParent out;
    out.child_experiment = child_experiment_of(tas_rows, parent);
    out.windows = child_parent_windows(tas_rows, parent, child_years, offset, parent_years);
    out.child_area = areacella_for(rows, out.child_experiment);
    out.parent_area = areacella_for(rows, parent);
    if (!out.child_area) host.info("no areacella: weighting by spherical cell areas from the grid bounds");
    host.info(out.child_experiment + " years " + std::to_string(out.windows.child_first) + "-" +
              std::to_string(out.windows.child_first + child_years - 1) + " are compared with " + parent + " years " +
              std::to_string(out.windows.parent_first) + "-" + std::to_string(out.windows.parent_first + parent_years - 1));
    return out;
}

}  // namespace

plugin::ExecutionResult run_ecs(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host) {
    constexpr int kYears = 150;
    const auto [type, rows] = model_rows(definition);
    const Selectors selectors = input_selectors(definition);
    const ChildParent run = align(rows, "piControl", kYears, 0, kYears, host);
    const auto& w = run.windows;

    std::map<std::string, std::pair<science::YearlySeries, science::YearlySeries>> annual;
    std::vector<std::size_t> available;
    std::string time_units, calendar;
    for (const std::string variable : {"tas", "rtnt"}) {
        host.throw_if_cancelled();
        const auto child = global_monthly(rows, run.child_experiment, variable, run.child_area);
        if (variable == "tas") time_units = child.time_units, calendar = child.calendar;
        const auto parent = global_monthly(rows, "piControl", variable, run.parent_area);
        auto a = year_window(child, w.child_first, kYears, run.child_experiment + " run's " + variable);
        auto b = year_window(parent, w.parent_first, kYears, "piControl run's " + variable);
        available.push_back(a.size());
        available.push_back(b.size());
        annual[variable] = {std::move(a), std::move(b)};
    }
    const std::size_t n = usable_years(kYears, available, "equilibrium-climate-sensitivity", host);
    if (n < 3) throw DiagnosticError("the Gregory regression needs at least 3 common years, the runs have " + std::to_string(n));
    const auto& [tas_child, tas_parent] = annual["tas"];
    const auto& [rtnt_child, rtnt_parent] = annual["rtnt"];
    const auto parent_years = as_years(tas_parent, n);
    const auto tas_anomaly = anomaly_to_control_line(tas_child, tas_parent, parent_years, n);
    const auto rtnt_anomaly = anomaly_to_control_line(rtnt_child, rtnt_parent, as_years(rtnt_parent, n), n);
    science::LinearFit fit;
    try {
        fit = science::linear_regression(tas_anomaly, rtnt_anomaly);
    } catch (const std::invalid_argument& e) {
        throw DiagnosticError(std::string("the Gregory regression failed: ") + e.what());
    }
    const double lambda = fit.slope;
    const double forcing = fit.intercept;
    const double ecs = -forcing / (2.0 * lambda);
    host.info("ECS " + std::to_string(ecs) + " K, lambda " + std::to_string(lambda) + " W m-2 K-1, F " +
              std::to_string(forcing) + " W m-2 over " + std::to_string(n) + " years");

    const fs::path out = definition.output_directory;
    const std::string model = model_label(selectors);
    const std::string regression_file = "ecs_regression_" + model + ".nc";
    const std::string plot_file = "ecs_regression_" + model + ".png";
    write_dataset_values(out / "ecs.nc", model, {"ecs", "K", "Equilibrium Climate Sensitivity (Gregory method)", {ecs}});
    write_dataset_values(out / "lambda.nc", model, {"lambda", "W m-2 K-1", "Climate Feedback Parameter", {lambda}});
    std::vector<double> child_time(tas_child.time.begin(), tas_child.time.begin() + static_cast<long>(n));
    const json attributes = {{"r", fit.r}, {"slope", fit.slope}, {"intercept", fit.intercept}, {"lambda", lambda},
                             {"ecs", ecs}, {"years", static_cast<double>(n)}};
    write_columns(out / regression_file,
                  {{"time", "", "time", child_time},
                   {"tas_anomaly", "K", "Global annual mean near-surface air temperature anomaly", tas_anomaly},
                   {"rtnt_anomaly", "W m-2", "Global annual mean net TOA flux anomaly", rtnt_anomaly}},
                  time_units, calendar, attributes);
    const double x_zero = -forcing / lambda;
    science::write_scatter_plot((out / plot_file).string(),
                                {"Gregory regression: " + model + " " + run.child_experiment,
                                 "tas anomaly [K]", "rtnt anomaly [W m-2]", "annual means", tas_anomaly, rtnt_anomaly,
                                 fit_label(lambda, forcing, ecs), lambda, forcing,
                                 0.0, std::isfinite(x_zero) && x_zero > 0 && x_zero < 100 ? std::optional<double>(x_zero) : std::nullopt,
                                 true});

    const json results = {{"global", {{"ecs", ecs}, {"lambda", lambda}, {"attributes", {{"years", n}}}}}};
    const json metrics = native_metric_bundle({"region", "metric"}, results, selectors);
    json output = native_output_bundle(definition);
    add_output_file(output, false, "ecs.nc", "Equilibrium climate sensitivity (Gregory method)", "", file_dimensions(spec, "ecs.nc", selectors));
    add_output_file(output, false, "lambda.nc", "Climate feedback parameter", "", file_dimensions(spec, "lambda.nc", selectors));
    const std::string caption = "Global annual mean anomaly of rtnt vs tas of " + model + " (" + run.child_experiment +
                                " minus the linear fit of piControl), with the least-squares line.";
    add_output_file(output, false, regression_file, caption, "", file_dimensions(spec, regression_file, selectors));
    add_output_file(output, true, plot_file, caption, "", file_dimensions(spec, plot_file, selectors));

    json index = json::array();
    for (double t : tas_anomaly) index.push_back(t);
    const json series_attributes = {{"caption", caption},       {"values_name", "rtnt_anomaly"}, {"index_name", "tas_anomaly"},
                                    {"value_units", "W m-2"},   {"index_units", "K"},
                                    {"value_long_name", "Global annual mean net TOA flux anomaly"},
                                    {"index_long_name", "Global annual mean near-surface air temperature anomaly"}};
    const json series = json::array(
        {series_entry(selectors, spec.series.front().dimensions, rtnt_anomaly, index, series_attributes)});
    return finish(definition, metrics, output, series, {{"years", n}});
}

plugin::ExecutionResult run_tcr(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host) {
    constexpr int kYears = 140;
    const auto [type, rows] = model_rows(definition);
    const Selectors selectors = input_selectors(definition);
    const ChildParent run = align(rows, "piControl", kYears, 0, kYears, host);
    const auto child_monthly = global_monthly(rows, run.child_experiment, "tas", run.child_area);
    const auto parent_monthly = global_monthly(rows, "piControl", "tas", run.parent_area);
    const auto child = year_window(child_monthly, run.windows.child_first, kYears, run.child_experiment + " run's tas");
    const auto parent = year_window(parent_monthly, run.windows.parent_first, kYears, "piControl run's tas");
    const std::size_t n = usable_years(kYears, {child.size(), parent.size()}, "transient-climate-response", host);
    if (n < 80)
        throw DiagnosticError("TCR averages years 61-80 of the " + run.child_experiment + " run, but only " +
                              std::to_string(n) + " years are available in both it and piControl");
    const auto anomaly = anomaly_to_control_line(child, parent, as_years(parent, n), n);
    const double tcr = mean_of(anomaly, 60, 80);
    host.info("TCR " + std::to_string(tcr) + " K");

    const fs::path out = definition.output_directory;
    const std::string model = model_label(selectors);
    const std::string data_file = model + ".nc";
    const std::string plot_file = model + ".png";
    write_dataset_values(out / "tcr.nc", model, {"tcr", "K", "Transient Climate Response", {tcr}});
    const std::vector<double> time(child.time.begin(), child.time.begin() + static_cast<long>(n));
    write_columns(out / data_file,
                  {{"time", "", "time", time},
                   {"tas_anomaly", "K", "Global annual mean near-surface air temperature anomaly", anomaly}},
                  child_monthly.time_units, child_monthly.calendar, {{"tcr", tcr}, {"years", static_cast<double>(n)}});
    std::vector<double> years;
    for (std::size_t k = 0; k < n; ++k) years.push_back(child.years[k]);
    char title[256];
    std::snprintf(title, sizeof title, "%s %s: tas anomaly (TCR %.2f K)", model.c_str(), run.child_experiment.c_str(), tcr);
    science::write_line_plot((out / plot_file).string(),
                             {title,
                              "year", "tas anomaly [K]", {{"tas anomaly", years, anomaly}}, true});

    const json results = {{"global", {{"tcr", tcr}, {"attributes", {{"years", n}}}}}};
    const json metrics = native_metric_bundle({"region", "metric"}, results, selectors);
    json output = native_output_bundle(definition);
    const std::string caption = "Global annual mean near-surface air temperature anomaly of " + model + " " +
                                run.child_experiment + " relative to the linear fit of the piControl run.";
    add_output_file(output, false, "tcr.nc", "Transient climate response", "", file_dimensions(spec, "tcr.nc", selectors));
    add_output_file(output, false, data_file, caption, "", file_dimensions(spec, data_file, selectors));
    add_output_file(output, true, plot_file, caption, "", file_dimensions(spec, plot_file, selectors));
    json index = json::array();
    for (const auto& t : iso_times(time, child_monthly.time_units, child_monthly.calendar)) index.push_back(t);
    const json attributes = {{"caption", caption}, {"values_name", "tas_anomaly"}, {"index_name", "time"},
                             {"calendar", child_monthly.calendar}, {"value_units", "K"}, {"index_units", child_monthly.time_units}};
    const json series = json::array({series_entry(selectors, spec.series.front().dimensions, anomaly, index, attributes)});
    return finish(definition, metrics, output, series, {{"years", n}});
}

plugin::ExecutionResult run_tcre(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                 const plugin::Host& host) {
    const auto [type, rows] = model_rows(definition);
    const bool cmip6 = type == "cmip6";
    const int years = cmip6 ? 65 : 110;
    const std::size_t period_start = cmip6 ? 45 : 90, period_end = cmip6 ? 65 : 110;
    const std::string target = cmip6 ? "esm-1pctCO2" : "esm-flat10";
    const Selectors selectors = input_selectors(definition);
    const ChildParent run = align(rows, "esm-piControl", years, 0, years, host);
    if (run.child_experiment != target)
        throw DiagnosticError("TCRE needs the " + target + " run, the execution has " + run.child_experiment);
    const auto child_monthly = global_monthly(rows, target, "tas", run.child_area);
    const auto parent_monthly = global_monthly(rows, "esm-piControl", "tas", run.parent_area);
    const auto emissions_monthly = global_monthly(rows, target, "fco2antt", run.child_area, true);
    const auto child = year_window(child_monthly, run.windows.child_first, years, target + " run's tas");
    const auto parent = year_window(parent_monthly, run.windows.parent_first, years, "esm-piControl run's tas");
    const auto emissions = year_window(emissions_monthly, run.windows.child_first, years, target + " run's fco2antt");
    const std::size_t n =
        usable_years(years, {child.size(), parent.size(), emissions.size()}, "transient-climate-response-emissions", host);
    if (n < period_end)
        throw DiagnosticError("TCRE averages years " + std::to_string(period_start + 1) + "-" + std::to_string(period_end) +
                              " of the " + target + " run, but only " + std::to_string(n) + " years are available");
    // Control line fitted against its time points (any affine time unit gives the same fitted values).
    const std::vector<double> parent_time(parent.time.begin(), parent.time.begin() + static_cast<long>(n));
    const auto anomaly = anomaly_to_control_line(child, parent, parent_time, n);
    const double seconds_per_unit =
        science::seconds_per_unit(science::parse_time_units(emissions_monthly.time_units).unit);
    std::vector<double> lengths;
    for (std::size_t k = 0; k < n; ++k) lengths.push_back(emissions.length(k) * seconds_per_unit);
    std::vector<double> cumulative =
        science::cumulative_sum(std::span<const double>(emissions.values).first(n), lengths);
    for (double& e : cumulative) e /= 1e12;  // kg -> Pg
    const std::size_t centre = (period_start + period_end) / 2 - 1;
    const double warming = mean_of(anomaly, period_start, period_end);
    const double tcre = 1000.0 * warming / cumulative[centre];
    host.info("TCRE " + std::to_string(tcre) + " K EgC-1 (" + std::to_string(warming) + " K at " +
              std::to_string(cumulative[centre]) + " PgC)");

    const fs::path out = definition.output_directory;
    const std::string model = model_label(selectors);
    const std::string data_file = model + ".nc";
    const std::string plot_file = model + "_tcre.png";
    write_dataset_values(out / "tcre.nc", model,
                         {"tcre", "K EgC-1", "Transient Climate Response to Cumulative CO2 Emissions", {tcre}});
    write_columns(out / data_file,
                  {{"cumulative_fco2antt", "Pg", "Cumulative carbon mass emissions of CO2", cumulative},
                   {"tas", "K", "Global annual mean near-surface air temperature anomaly", anomaly}},
                  "", "", {{"tcre", tcre}, {"years", static_cast<double>(n)}});
    science::write_line_plot((out / plot_file).string(),
                             {model + " " + target + ": warming vs cumulative emissions", "E [PgC]", "ΔT [K]",
                              {{"ΔT", cumulative, anomaly}}, true});

    const json results = {{"global", {{"tcre", tcre}, {"attributes", {{"years", n}}}}}};
    const json metrics = native_metric_bundle({"region", "metric"}, results, selectors);
    json output = native_output_bundle(definition);
    const std::string caption = "Global annual mean near-surface air temperature anomaly versus cumulative CO2 emissions of " +
                                model + " " + target + ".";
    add_output_file(output, false, "tcre.nc", "TCRE", "", file_dimensions(spec, "tcre.nc", selectors));
    add_output_file(output, false, data_file, caption, "", file_dimensions(spec, data_file, selectors));
    add_output_file(output, true, plot_file, caption, "", file_dimensions(spec, plot_file, selectors));
    json index = json::array();
    for (double e : cumulative) index.push_back(e);
    const json attributes = {{"caption", caption}, {"values_name", "tas"}, {"index_name", "cumulative_fco2antt"},
                             {"value_units", "K"}, {"index_units", "Pg"}};
    const json series = json::array({series_entry(selectors, spec.series.front().dimensions, anomaly, index, attributes)});
    return finish(definition, metrics, output, series, {{"years", n}});
}

plugin::ExecutionResult run_zec(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host) {
    const auto [type, rows] = model_rows(definition);
    const std::string child_experiment = type == "cmip6" ? "esm-1pct-brch-1000PgC" : "esm-flat10-zec";
    std::string parent_experiment;
    for (const auto& row : rows_where(rows, "variable_id", "tas"))
        if (text_of(row, "experiment_id") != child_experiment) parent_experiment = text_of(row, "experiment_id");
    if (parent_experiment.empty())
        throw DiagnosticError("the execution has no tas data of the parent run of " + child_experiment);
    const Selectors selectors = input_selectors(definition);
    const ChildParent run = align(rows, parent_experiment, 100, -10, 20, host);
    const auto child_monthly = global_monthly(rows, child_experiment, "tas", run.child_area);
    const auto parent_monthly = global_monthly(rows, parent_experiment, "tas", run.parent_area);
    const auto child = year_window(child_monthly, run.windows.child_first, 100, child_experiment + " run's tas");
    const std::size_t n = usable_years(100, {child.size()}, "zero-emission-commitment", host);
    if (n < 59)
        throw DiagnosticError("ZEC_50 averages years 41-59 of the " + child_experiment + " run, which has only " +
                              std::to_string(n) + " years");
    const int base_first = run.windows.parent_first;
    const auto base_annual = year_window(parent_monthly, base_first, 20, parent_experiment + " run's tas");
    if (base_annual.size() < 20)
        host.warning("zero-emission-commitment: the " + parent_experiment + " base period has " +
                     std::to_string(base_annual.size()) + " of 20 years");
    const auto base_months = months_between(parent_monthly, base_first, base_first + 19);
    const double base = science::length_weighted_mean(base_months.values, base_months.time_bounds);
    std::vector<double> zec_series, index_years;
    for (std::size_t k = 0; k < n; ++k) {
        zec_series.push_back(child.values[k] - base);
        index_years.push_back(static_cast<double>(k));
    }
    // Years 41-59: the 19-value window the REF's script averages (spec §5.2).
    const double zec = mean_of(zec_series, 40, 59);
    host.info("ZEC_50 " + std::to_string(zec) + " K (base " + std::to_string(base) + " K)");

    const fs::path out = definition.output_directory;
    const std::string model = model_label(selectors);
    write_dataset_values(out / "zec_50.nc", model, {"zec", "K", "Zero Emissions Commitment after 50 years", {zec}});
    write_columns(out / "zec.nc",
                  {{"time", "years", "years after the branch", index_years}, {"zec", "K", "Zero Emissions Commitment", zec_series}},
                  "", "", {{"zec_50", zec}, {"base", base}, {"years", static_cast<double>(n)}});
    science::write_line_plot((out / "zec_timeseries_all_models.png").string(),
                             {"Zero emissions commitment: " + model, "years after the branch", "ZEC [K]",
                              {{model, index_years, zec_series}}, true});
    science::write_bar_chart((out / "zec_50_barplot.png").string(),
                             {"ZEC 50 years after the end of emissions", "ZEC [K]", {model}, {zec}});

    const json results = {{"global", {{"zec", zec}, {"attributes", {{"years", n}}}}}};
    const json metrics = native_metric_bundle({"region", "metric"}, results, selectors);
    json output = native_output_bundle(definition);
    const std::string caption = "Zero emissions commitment of " + model + ": " + child_experiment +
                                " annual global mean tas minus the 20-year " + parent_experiment + " mean around the branch.";
    add_output_file(output, false, "zec_50.nc", "ZEC after 50 years", "", file_dimensions(spec, "zec_50.nc", selectors));
    add_output_file(output, false, "zec.nc", caption, "", file_dimensions(spec, "zec.nc", selectors));
    add_output_file(output, true, "zec_timeseries_all_models.png", caption, "",
                    file_dimensions(spec, "zec_timeseries_all_models.png", selectors));
    add_output_file(output, true, "zec_50_barplot.png", "ZEC 50 years after the end of emissions", "",
                    file_dimensions(spec, "zec_50_barplot.png", selectors));
    json index = json::array();
    for (std::size_t k = 0; k < n; ++k) index.push_back(static_cast<long long>(k));
    const json attributes = {{"caption", caption}, {"values_name", "zec"}, {"index_name", "time"},
                             {"value_units", "K"}, {"index_units", "years"}};
    const json series = json::array({series_entry(selectors, spec.series.front().dimensions, zec_series, index, attributes)});
    return finish(definition, metrics, output, series, {{"years", n}});
}

}  // namespace ref::esmvaltool::native
