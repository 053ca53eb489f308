// Pieces shared by the native diagnostics (internal to the plugin).
#pragma once

#include "ref/esmvaltool/bundles.hpp"
#include "ref/esmvaltool/native.hpp"
#include "ref/science/cf_time.hpp"
#include "ref/science/timeseries.hpp"
#include "ref/science/weights.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::esmvaltool::native {

using plugin::json;
namespace fs = std::filesystem;

inline constexpr const char* kProviderVersion = "0.17.2";

// The model rows of the execution (CMIP6, else CMIP7) with the collection's slug.
struct ModelRows {
    std::string source_type;  // "cmip6" or "cmip7"
    std::vector<json> rows;
};
ModelRows model_rows(const plugin::ExecutionDefinition& definition);

std::vector<json> rows_where(const std::vector<json>& rows, const std::string& column, const std::string& value);
std::vector<std::string> paths_of(const std::vector<json>& rows);
std::string text_of(const json& row, const std::string& column);

// Monthly area-weighted global means of one variable of one run.
struct MonthlySeries {
    std::vector<science::DateTime> dates;
    std::vector<double> time;         // in time_units
    std::vector<double> time_bounds;  // [step][2]
    std::vector<double> values;
    std::string units;
    std::string time_units;
    std::string calendar;
    std::vector<std::string> files;
};

// Area weights for the grid of `data_file`: areacella from the execution when given, else
// spherical areas from the regular lat-lon grid's bounds (iris radius). DiagnosticError for an
// irregular grid without areacella.
science::Weights global_weights(const std::optional<std::string>& areacella_file, const std::string& data_file,
                                const std::string& variable);

// The areacella file of the execution for a run: the one of the same experiment if any, else the first.
std::optional<std::string> areacella_for(const std::vector<json>& rows, const std::string& experiment);

// Global means (weights as above) of `variable`, or of rsdt - rsut - rlut for "rtnt".
// An empty experiment takes every row. `sum` gives the area-weighted sum instead of the mean (units multiplied by m2).
MonthlySeries global_monthly(const std::vector<json>& rows, const std::string& experiment, const std::string& variable,
                             const std::optional<std::string>& areacella_file, bool sum = false);

// Calendar-year means restricted to [first, first + years - 1]; the result may be shorter when
// the data end early. DiagnosticError when the data do not contain `first`.
science::YearlySeries year_window(const MonthlySeries& monthly, int first, int years, const std::string& what);

// Months of the calendar years [first, last] only.
MonthlySeries months_between(const MonthlySeries& monthly, int first, int last);

// "1850-07-02T12:00:00" style stamps of values in `units`/`calendar`.
std::vector<std::string> iso_times(const std::vector<double>& values, const std::string& units, const std::string& calendar);

// Small CF netCDF files: one value per dataset on a `dataset` coordinate, or columns on one axis.
struct Column {
    std::string name;
    std::string units;
    std::string long_name;
    std::vector<double> values;
};
void write_dataset_values(const fs::path& path, const std::string& dataset, const Column& column);
// `axis` is the first column (the coordinate); time axes get units and calendar when given.
void write_columns(const fs::path& path, const std::vector<Column>& columns, const std::string& time_units = "",
                   const std::string& calendar = "", const json& attributes = json::object());
// A [lat][lon] field with its 1-D coordinates (degrees); NaN is written as the fill value.
void write_lat_lon_field(const fs::path& path, const std::vector<double>& lat, const std::vector<double>& lon,
                         const Column& field);

// The output bundle skeleton of a native run (provenance: backend, provider, version, model data).
json native_output_bundle(const plugin::ExecutionDefinition& definition);
void add_output_file(json& output, bool plot, const std::string& relative_path, const std::string& long_name,
                     const std::string& description, const json& dimensions);

// Metric bundle with json_structure [region, metric] (or the given one) and the input selectors prepended.
json native_metric_bundle(const std::vector<std::string>& structure, const json& results, const Selectors& selectors);

// One series entry as the tool path writes them.
json series_entry(const Selectors& selectors, const json& dimensions, const std::vector<double>& values, const json& index,
                  const json& attributes);

// Writes the three JSON files (each atomically) and returns the execution result.
plugin::ExecutionResult finish(const plugin::ExecutionDefinition& definition, const json& metrics, const json& output,
                               const json& series, const json& details = json::object());

// Dimensions of an output file from the diagnostic's file and series definitions, matched on
// the file name (placeholders formatted with the selectors); {} when none matches.
json file_dimensions(const DiagnosticSpec& spec, const std::string& file_name, const Selectors& selectors);

// Diagnostics.
plugin::ExecutionResult run_global_mean_timeseries(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_ecs(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_tcr(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_tcre(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_zec(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_sea_ice_sensitivity(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);
plugin::ExecutionResult run_gwl(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);

}  // namespace ref::esmvaltool::native
