// global-mean-timeseries: annual means per cell, then the areacella-weighted global mean.
#include "common.hpp"
#include "diagnostics.hpp"

#include "ref/science/cmec.hpp"
#include "ref/science/netcdf_output.hpp"
#include "ref/science/plot.hpp"

#include <cmath>
#include <numeric>

namespace ref::example {

namespace c = plugin::constraints;
namespace cmec = science::cmec;
using plugin::json;

namespace {
constexpr const char* kData = "annual_mean_global_mean_timeseries.nc";
constexpr const char* kPlot = "global_mean_timeseries.png";
}  // namespace

std::vector<std::vector<plugin::DataRequirement>> GlobalMeanTimeseries::data_requirements() const {
    std::vector<std::vector<plugin::DataRequirement>> alternatives;
    for (const char* source_type : {"cmip6", "cmip7"}) {
        alternatives.push_back({plugin::DataRequirement{
            source_type,
            {{{"variable_id", {"tas", "rsut"}}}},
            std::vector<std::string>{"source_id", "variable_id", "experiment_id", "variant_label"},
            {c::require_contiguous_timerange({"instance_id"}),
             c::add_supplementary_dataset_from_defaults("areacella", source_type)}}});
    }
    return alternatives;
}

std::vector<std::string> GlobalMeanTimeseries::facets() const {
    return {"source_id", "variable_id", "experiment_id", "variant_label", "region", "metric", "statistic"};
}

json GlobalMeanTimeseries::extra_declaration() const {
    return {{"description", "Area-weighted annual mean global mean timeseries of the input variable, "
                            "with its period mean, linear trend and interannual standard deviation."},
            {"backends", {"native"}}};
}

plugin::ExecutionResult GlobalMeanTimeseries::execute(const plugin::ExecutionDefinition& definition,
                                                      const plugin::Host& host) {
    const std::string source_type = model_source_type(definition);
    const plugin::DatasetCollection& model = definition.at(source_type);
    std::string variable = model.selector_value("variable_id");
    if (variable.empty()) throw plugin::DiagnosticError("the selector has no variable_id");

    const std::vector<std::string> files = model.paths("variable_id", variable);
    if (files.empty()) throw plugin::DiagnosticError("no " + variable + " files in the " + source_type + " datasets");
    const std::vector<std::string> areas = model.paths("variable_id", "areacella");
    if (areas.empty()) host.warning("no areacella dataset was supplied: weighting by cos(latitude) instead");
    else if (areas.size() > 1) host.warning("several areacella files were supplied; using " + areas.front());

    host.progress(0.1, "reading " + std::to_string(files.size()) + " file(s) of " + variable);
    host.throw_if_cancelled();
    science::AnnualSeries series =
        science::annual_global_mean(files, variable, areas.empty() ? "" : areas.front(), "areacella");
    if (series.years.empty()) throw plugin::DiagnosticError("the " + variable + " data hold no time steps");
    host.info("annual global mean of " + variable + " for " + period_text(series.years) + " (" +
              std::to_string(series.years.size()) + " years)");

    host.progress(0.6, "writing results");
    const std::string out = definition.output_directory + "/";
    science::write_annual_series_netcdf(out + kData, series, variable);

    const std::string title_model = model.selector_value("source_id") + " " + model.selector_value("experiment_id") +
                                    " " + model.selector_value("variant_label");
    science::write_line_plot(out + kPlot, {"Annual global mean " + variable + ": " + title_model, "year",
                                           variable + " [" + series.units + "]",
                                           {{variable, as_doubles(series.years), series.values}}});

    double sum = 0, sum_sq = 0;
    std::size_t n = 0;
    for (double v : series.values) {
        if (std::isfinite(v)) sum += v, sum_sq += v * v, ++n;
    }
    const double mean = n ? sum / static_cast<double>(n) : NAN;
    const double variance = n > 1 ? (sum_sq - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1) : NAN;
    json statistics = {{"mean", mean},
                       {"trend", trend_per_year(series.years, series.values) * 10.0},
                       {"interannual-std", std::sqrt(std::max(0.0, variance))},
                       {"attributes",
                        {{"units", series.units},
                         {"trend_units", series.units + " per decade"},
                         {"period", period_text(series.years)}}}};
    json bundle = cmec::make_metric_bundle({"region", "metric", "statistic"}, {{"global", {{variable, statistics}}}});
    const std::vector<std::pair<std::string, std::string>> selectors{
        {"source_id", model.selector_value("source_id")},
        {"variable_id", variable},
        {"experiment_id", model.selector_value("experiment_id")},
        {"variant_label", model.selector_value("variant_label")}};
    bundle = cmec::prepend_dimensions(bundle, selectors);
    cmec::write_json_atomically(out + "diagnostic.json", bundle);

    json output = cmec::make_output_bundle();
    cmec::add_output_data(output, "annual_mean_timeseries", kData, "Annual Mean Global Mean Timeseries",
                          "Area-weighted annual mean global mean timeseries for the input variable.");
    cmec::add_output_plot(output, "timeseries", kPlot, "Annual global mean " + variable,
                          "Annual mean of the area-weighted global mean of " + variable + ".");
    output["provenance"]["modeldata"] = instance_ids(model);
    output["provenance"]["environment"] = {{"backend", "native"}, {"provider", "example"}};
    cmec::write_json_atomically(out + "output.json", output);

    cmec::SeriesValue values;
    for (const auto& [facet, value] : selectors) values.dimensions[facet] = value;
    values.dimensions["region"] = "global";
    values.dimensions["metric"] = variable;
    values.dimensions["statistic"] = "annual-mean";
    values.values = series.values;
    values.index = as_doubles(series.years);
    values.value_units = series.units;
    cmec::write_series_file(out + "series.json", {values});

    host.progress(1.0, "done");
    plugin::ExecutionResult result;
    result.details = {{"backend", "native"}, {"years", series.years.size()}};
    return result;
}

}  // namespace ref::example
