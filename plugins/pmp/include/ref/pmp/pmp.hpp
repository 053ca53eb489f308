// The PMP provider (PCMDI Metrics Package, docs: plugins/pmp/README.md).
//
// Everything the plugin does is here as functions the tests can call directly: the
// declarations, the files and command lines handed to the PMP drivers, and the
// conversion of PMP's native `*_cmec.json` outputs into the REF bundles.
#pragma once

#include "ref/plugin.hpp"
#include "ref/tooling/conda.hpp"
#include "ref/tooling/process.hpp"
#include "ref/science/grid.hpp"

#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ref::pmp {

using json = plugin::json;
namespace fs = std::filesystem;

inline constexpr const char* kProviderVersion = "1.0.0";
inline constexpr const char* kPcmdiMetricsVersion = "3.9.2";
inline constexpr const char* kEnsoMetricsVersion = "1.1.5";
inline constexpr const char* kLogFileName = "pmp.log";
inline constexpr const char* kEnsoDriverFileName = "pmp_enso_driver.py";

// ---- Embedded resources (generated at build time from plugins/pmp/) ----
std::string_view environment_definition();  // environment.yml
std::string_view enso_driver_script();      // resources/enso_driver.py

// ---- Declarations ----

struct AnnualCycleVariable {
    std::string variable_id;
    std::string reference_source_id;
    std::string registry_key;
    std::string branded_variable;
    std::vector<std::string> levels;  // hPa; empty for 2-D variables
};
const std::vector<AnnualCycleVariable>& annual_cycle_variables();
const AnnualCycleVariable* find_annual_cycle_variable(const std::string& variable_id);

struct ModeConfig {
    std::string mode;  // "PDO", "NAO", ...
    std::string variable_id;
    std::string reference_source_id;
    std::string parameter_file;  // pmp_param_MoV-ts.py / pmp_param_MoV-psl.py
    std::vector<std::string> experiments;
    int eofn = 1;          // eofn_obs = eofn_mod = eofn_mod_max
    int obs_start_year = 1900;
};
const std::vector<ModeConfig>& mode_configs();
const ModeConfig& mode_config(const std::string& mode);

struct EnsoCollection {
    std::string name;  // ENSO_tel / ENSO_proc
    std::vector<std::string> model_variables;
    std::vector<std::string> obs_sources;
};
const EnsoCollection& enso_collection(const std::string& name);
std::string cmip7_branded_variable(const std::string& variable_id);  // for the ENSO/modes variables

std::vector<std::vector<plugin::DataRequirement>> annual_cycle_requirements();
std::vector<std::vector<plugin::DataRequirement>> enso_requirements(const EnsoCollection& collection);
std::vector<std::vector<plugin::DataRequirement>> mode_requirements(const ModeConfig& mode);

json registry_declaration();  // the `pmp-climatology` registry
tooling::CondaEnvironmentSpec environment_spec();

// ---- Execution inputs ----

// The model side of an execution (cmip6 or cmip7 collection).
struct ModelSelection {
    std::string source_type;  // "cmip6" / "cmip7" (also the bundle's mip_id)
    std::string source_id, experiment_id, member_id, grid_label, variable_id;
    std::vector<std::string> files;  // data files of the model variable(s), supplementary rows excluded
};
ModelSelection select_model(const plugin::ExecutionDefinition& definition);

struct ReferenceSelection {
    std::string source_id;
    std::string path;  // first file of the collection (PMP reads one reference file)
    std::size_t file_count = 0;
};
ReferenceSelection select_reference(const plugin::ExecutionDefinition& definition, const std::string& source_type);

// ---- Command lines (spec §1.3) ----

// `--key v1 v2` for several values, `--key v` for one, bare `--key` for none.
struct Option {
    std::string key;
    std::vector<std::string> values;
};
// As the REF's build_pmp_command: a scalar that is empty or "0" becomes a bare flag.
Option scalar_option(const std::string& key, const std::string& value);
std::vector<std::string> build_pmp_command(const std::string& driver, const fs::path& parameter_file,
                                           const std::vector<Option>& options);

// Annual cycle: one file as is; else <dir>/<prefix>*<suffix> or <commonpath>/**/<prefix>*<suffix>.
std::string build_glob_pattern(const std::vector<std::string>& paths);
// Modes: <common prefix>*<common suffix> of the whole paths.
std::string wildcard_pattern(const std::vector<std::string>& paths);

// A Python module assigning each (name, literal) in order; values are Python literals.
std::string python_module(const std::string& header, const std::vector<std::pair<std::string, std::string>>& assignments);
std::string python_list(const std::vector<std::string>& values);  // ['a', 'b'] with every item quoted

struct PlannedRun {
    std::vector<std::pair<fs::path, std::string>> files;  // files to write before running
    std::vector<std::vector<std::string>> commands;       // argv of each command, run in order in the env
};

// The climatology version tag used in file names (v + diagnostic version).
inline constexpr const char* kAnnualCycleClimatologyVersion = "v5";
std::vector<std::string> annual_cycle_pmp_variables(const AnnualCycleVariable& variable);
PlannedRun plan_annual_cycle(const ModelSelection& model, const ReferenceSelection& reference, const fs::path& out);
PlannedRun plan_mode(const ModeConfig& mode, const ModelSelection& model, const ReferenceSelection& reference,
                     const fs::path& out);
json enso_input(const EnsoCollection& collection, const plugin::ExecutionDefinition& definition,
                const ModelSelection& model);
PlannedRun plan_enso(const EnsoCollection& collection, const plugin::ExecutionDefinition& definition,
                     const ModelSelection& model, const fs::path& out);

// ---- Bundles (spec §1.4) ----

struct Bundles {
    json metric;  // diagnostic.json
    json output;  // output.json
};

json output_bundle_template();
json metric_bundle_template();
// PMP CMEC JSON + relative plot / data paths -> (output bundle, metric bundle).
Bundles process_json_result(json native, const std::vector<std::string>& png_files,
                            const std::vector<std::string>& data_files);
// Drops leading single-valued dimensions (each must be the first one).
json remove_dimensions(json bundle, const std::vector<std::string>& dimensions);
// Adds new outermost one-valued dimensions in the given order.
json prepend_dimensions(json bundle, const std::vector<std::pair<std::string, std::string>>& dimensions);
// Removes innermost keys that are not declared values of the last dimension.
json drop_undeclared_leaves(json bundle, std::vector<std::string>* dropped = nullptr);
// Recursively removes object members (and list items) that are null.
json remove_null_values(const json& value);

// Files in `directory` (not recursive) whose name matches a `*`/`?` pattern, sorted by name.
std::vector<fs::path> glob_directory(const fs::path& directory, const std::string& pattern);
bool wildcard_match(std::string_view pattern, std::string_view name);

struct AnnualCycleContext {
    std::string mip_id, source_id, member_id, experiment_id, variable_id, reference_source_id;
};
Bundles convert_annual_cycle(const fs::path& out, const AnnualCycleContext& context);
json transform_annual_cycle_results(json native);  // remove model/reference/rip and CalendarMonths

struct ModeContext {
    std::string mip_id, source_id, member_id, experiment_id, reference_source_id;
};
Bundles convert_mode(const fs::path& out, const ModeContext& context);

struct EnsoContext {
    std::string collection, mip_id, source_id, member_id, grid_label, experiment_id;
};
Bundles convert_enso(const fs::path& out, const EnsoContext& context);

// Writes diagnostic.json, output.json and series.json (`[]`) into `out`.
plugin::ExecutionResult write_bundles(const fs::path& out, const Bundles& bundles);

// ---- Native backend (docs: README "Native backend") ----

// PMP's number formatting before JSON: "{:.5e}" read back as a float (6 significant digits).
double round_like_pmp(double value);

// The regions annual-cycle computes for a variable (as the tool path's parameter file).
std::vector<std::string> annual_cycle_regions(const std::string& variable_id);

// A rectangular region on a regular grid: the cells whose centres lie inside (inclusive).
struct RegionBox {
    double lat_min = -90, lat_max = 90, lon_min = 0, lon_max = 360;  // longitudes compared modulo 360
};
RegionBox annual_cycle_region(const std::string& region);

struct RegionCut {
    science::LatLonGrid grid;        // the region's rows and columns, in stored order
    std::vector<std::size_t> cells;  // their indices in the full grid, [row][column]
};
RegionCut cut_region(const science::LatLonGrid& grid, const RegionBox& box);
// The `keep` cells of every step of [step][cell] data with `cells` cells a step.
std::vector<double> cells_of_each_step(std::span<const double> data, std::size_t cells,
                                       const std::vector<std::size_t>& keep);

// Statistics of one region (spec §3.3): `model`/`reference` are [12][cell] climatologies on
// `grid` (already cut to the region), `month_lengths` the model climatology's month lengths.
// Returns {statistic: {season: value, "CalendarMonths": ["%.5e" x 12]}} with PMP's rounding.
json annual_cycle_statistics(const science::LatLonGrid& grid, std::span<const double> model,
                             std::span<const double> reference, const std::array<double, 12>& month_lengths);

// Computes the annual cycle in C++ and writes what PMP would write into `out`: the
// collective `<VAR>_2.5x2.5_regrid2_metrics_basicTest_cmec.json` per level and the maps
// `<VAR>/<VAR>_<SRC>_<MEM>_interpolated_regrid2_<region>_<AC|DJF|...>_basicTest.png`.
void run_native_annual_cycle(const ModelSelection& model, const ReferenceSelection& reference, const fs::path& out,
                             const plugin::Host& host);

// Modes of variability in C++ (spec §4.3): writes the `var_mode_..._cmec.json`, the netCDF
// files and the PNG maps PMP would write into `out`.
void run_native_mode(const ModeConfig& mode, const ModelSelection& model, const ReferenceSelection& reference,
                     const fs::path& out, const plugin::Host& host);

// Native runs end with details {"backend": "native", "version": <provider version>}.
plugin::ExecutionResult write_native_bundles(const fs::path& out, Bundles bundles);

// ---- Running ----

// The command made to run one PMP step inside the environment (FI_PROVIDER, HOME, log file).
tooling::Command make_step_command(const tooling::CondaEnvironment& environment, const std::vector<std::string>& argv,
                                   const fs::path& out);
// Writes the planned files, runs each command with run_checked; throws on failure.
void run_plan(const PlannedRun& plan, const tooling::CondaEnvironment& environment, const fs::path& out,
              const plugin::Host& host);

class PmpProvider : public plugin::Provider {
public:
    PmpProvider();
    json setup(const json& settings, const plugin::Host& host) override;
    json extra_declaration() const override;
};

}  // namespace ref::pmp
