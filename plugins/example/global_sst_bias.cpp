// global-sst-bias: model global-mean SST (areacello) against HadISST (cos-lat), by year.
#include "common.hpp"
#include "diagnostics.hpp"

#include "ref/science/cmec.hpp"
#include "ref/science/netcdf_output.hpp"
#include "ref/science/plot.hpp"
#include "ref/science/weights.hpp"

#include <cmath>
#include <map>

namespace ref::example {

namespace c = plugin::constraints;
namespace cmec = science::cmec;
using plugin::json;

namespace {
constexpr const char* kReferenceSource = "HadISST-1-1";
constexpr const char* kData = "global_mean_sst_bias.nc";
constexpr const char* kTimeseriesPlot = "surface_temperature_timeseries.png";
constexpr const char* kBiasPlot = "surface_temperature_bias.png";
}  // namespace

std::vector<std::vector<plugin::DataRequirement>> GlobalSstBias::data_requirements() const {
    std::vector<std::vector<plugin::DataRequirement>> alternatives;
    const plugin::DataRequirement reference{
        "obs4mips", {{{"source_id", {kReferenceSource}}, {"variable_id", {"ts"}}}},
        std::vector<std::string>{"source_id", "variable_id"}, {}};
    for (const char* source_type : {"cmip6", "cmip7"}) {
        plugin::DataRequirement model{
            source_type,
            {{{"variable_id", {"tos"}}, {"experiment_id", {"historical"}}}},
            std::vector<std::string>{"source_id", "variable_id", "experiment_id", "variant_label"},
            {c::require_contiguous_timerange({"instance_id"}),
             c::add_supplementary_dataset_from_defaults("areacello", source_type)}};
        alternatives.push_back({model, reference});
    }
    return alternatives;
}

std::vector<std::string> GlobalSstBias::facets() const {
    return {"source_id", "experiment_id", "variant_label", "reference_source_id", "region", "metric", "statistic"};
}

json GlobalSstBias::extra_declaration() const {
    return {{"description", "Annual global-mean sea surface temperature of a model against HadISST: "
                            "RMSE and mean bias over the common years, and the three series."},
            {"reference_data", {{{"source_type", "obs4mips"}, {"source_id", kReferenceSource}, {"variable_id", "ts"}}}},
            {"backends", {"native"}}};
}

plugin::ExecutionResult GlobalSstBias::execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) {
    const std::string source_type = model_source_type(definition);
    const plugin::DatasetCollection& model = definition.at(source_type);
    const plugin::DatasetCollection& reference = definition.at("obs4mips");

    const auto model_files = model.paths("variable_id", "tos");
    const auto area_files = model.paths("variable_id", "areacello");
    const auto reference_files = reference.paths("variable_id", "ts");
    if (model_files.empty()) throw plugin::DiagnosticError("no tos files in the " + source_type + " datasets");
    if (area_files.empty()) throw plugin::DiagnosticError("no areacello dataset was supplied for the model's ocean grid");
    if (reference_files.empty()) throw plugin::DiagnosticError("no HadISST ts files in the obs4mips datasets");

    host.progress(0.1, "model global means");
    science::AnnualSeries model_series = science::annual_mean_of_global_means(
        model_files, "tos", science::read_area_weights(area_files.front(), "areacello"));
    science::convert_to_celsius(model_series);
    host.throw_if_cancelled();
    host.progress(0.4, "reference global means");
    science::AnnualSeries reference_series = science::annual_mean_of_global_means(
        reference_files, "ts", science::cos_lat_weights(reference_files.front(), "ts"));
    science::convert_to_celsius(reference_series);

    std::map<int, double> reference_by_year;
    for (std::size_t i = 0; i < reference_series.years.size(); ++i)
        reference_by_year[reference_series.years[i]] = reference_series.values[i];
    std::vector<int> years;
    std::vector<double> model_values, reference_values, bias;
    for (std::size_t i = 0; i < model_series.years.size(); ++i) {
        auto it = reference_by_year.find(model_series.years[i]);
        if (it == reference_by_year.end()) continue;
        years.push_back(it->first);
        model_values.push_back(model_series.values[i]);
        reference_values.push_back(it->second);
        bias.push_back(model_series.values[i] - it->second);
    }
    if (years.empty())
        throw plugin::DiagnosticError("the model (" + period_text(model_series.years) + ") and the reference (" +
                                      period_text(reference_series.years) + ") share no year");

    double sum = 0, sum_sq = 0;
    for (double b : bias) sum += b, sum_sq += b * b;
    const double n = static_cast<double>(bias.size());
    const double mean_bias = sum / n, rmse = std::sqrt(sum_sq / n);
    host.info("common years " + period_text(years) + ": mean bias " + std::to_string(mean_bias) + " degC, rmse " +
              std::to_string(rmse) + " degC");

    host.progress(0.7, "writing results");
    const std::string out = definition.output_directory + "/";
    science::AnnualSeries bias_series = model_series;
    bias_series.variable = "tos_bias";
    bias_series.years = years;
    bias_series.values = bias;
    bias_series.long_name = "Global-mean SST bias (model - " + std::string(kReferenceSource) + ")";
    science::write_annual_series_netcdf(out + kData, bias_series, "tos_bias");
    const auto x = as_doubles(years);
    const std::string model_name = model.selector_value("source_id");
    science::write_line_plot(out + kTimeseriesPlot, {"Global-mean SST: model and reference", "year", "SST [degC]",
                                                     {{model_name, x, model_values}, {kReferenceSource, x, reference_values}}});
    science::write_line_plot(out + kBiasPlot, {"Global-mean SST bias (model - reference)", "year", "bias [degC]",
                                               {{model_name + " - " + kReferenceSource, x, bias}}, true});

    json bundle = cmec::make_metric_bundle({"region", "metric", "statistic"},
                                           {{"global", {{"tos", {{"rmse", rmse}, {"mean-bias", mean_bias}}}}}});
    const std::vector<std::pair<std::string, std::string>> selectors{
        {"source_id", model_name},
        {"experiment_id", model.selector_value("experiment_id")},
        {"variant_label", model.selector_value("variant_label")},
        {"reference_source_id", kReferenceSource}};
    bundle = cmec::prepend_dimensions(bundle, selectors);
    cmec::write_json_atomically(out + "diagnostic.json", bundle);

    json output = cmec::make_output_bundle();
    cmec::add_output_data(output, "surface_temperature_comparison", kData, "Global Mean Sea Surface Temperature bias",
                          "Annual global-mean SST bias, model minus reference, over the common years.");
    cmec::add_output_plot(output, "timeseries", kTimeseriesPlot, "Global-mean SST: model and reference", "");
    cmec::add_output_plot(output, "bias", kBiasPlot, "Global-mean SST bias (model - reference)", "");
    output["provenance"]["modeldata"] = instance_ids(model);
    output["provenance"]["obsdata"] = {{kReferenceSource, instance_ids(reference)}};
    output["provenance"]["environment"] = {{"backend", "native"}, {"provider", "example"}};
    cmec::write_json_atomically(out + "output.json", output);

    std::vector<cmec::SeriesValue> series;
    auto add_series = [&](const std::string& source, const std::string& statistic, const std::vector<double>& values) {
        cmec::SeriesValue s;
        for (const auto& [facet, value] : selectors) s.dimensions[facet] = value;
        s.dimensions["source_id"] = source;
        s.dimensions["region"] = "global";
        s.dimensions["metric"] = "tos";
        s.dimensions["statistic"] = statistic;
        s.values = values;
        s.index = x;
        s.value_units = "degC";
        series.push_back(std::move(s));
    };
    add_series(model_name, "mean", model_values);
    add_series("Reference", "mean", reference_values);
    add_series(model_name, "bias", bias);
    cmec::write_series_file(out + "series.json", series);

    host.progress(1.0, "done");
    plugin::ExecutionResult result;
    result.details = {{"backend", "native"}, {"common_years", years.size()}};
    return result;
}

}  // namespace ref::example
