// The ILAMB/IOMB provider: diagnostics built from ilamb3 configure entries, run by ilamb3 in
// its own conda environment through a small Python driver, and the conversion of ilamb3's
// native outputs (scalar CSV files, intermediate netCDF files, plots, index.html) into CMEC
// bundles. Everything here is a pure function of its inputs so tests can call it directly.
#pragma once

#include "ref/plugin.hpp"
#include "ref/tooling/conda.hpp"
#include "ref/tooling/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ref::ilamb {

using plugin::json;

// One reference source of a configure entry: either a registry key (string form) or
// obs4MIPs facets (dict form, which also becomes the obs4MIPs data requirement).
struct SourceSpec {
    std::string name;                                            // the source key (a variable name)
    std::optional<std::string> key;                              // string form
    std::vector<std::pair<std::string, std::string>> facets;     // dict form, in configure order
    std::string obs_source;                                      // dict form: "obs4ref" or "obs4mips"
};

// One entry of configure/ilamb.yaml or configure/iomb.yaml.
struct ConfigureEntry {
    std::string name;   // the YAML key, e.g. "gpp-WECANN"
    std::string realm;  // "land" or "ocean"
    int version = 2;
    std::optional<std::string> analysis_variable;
    std::vector<SourceSpec> sources;
    std::vector<std::pair<std::string, std::string>> relationships;  // variable -> registry key
    std::vector<std::string> alternate_vars;
    std::vector<std::string> related_vars;
    std::vector<std::string> analyses;    // empty: ilamb3's defaults
    json transforms = json::array();      // ilamb3 transform list: [{"name": {kwargs}}]
    std::string variable_cmap;
    std::string test_source_id = "CanESM5";
    std::vector<std::string> cmip7_branded_variables;  // the Data Request look-up, resolved
    // Variables the model side really needs beyond the configure entry (see the README's
    // "Differences from the REF"): added to the model filters and required with "all".
    std::vector<std::string> extra_model_variables;
    std::vector<std::string> extra_model_branded_variables;
    json model_expressions = json::array();  // expressions the driver evaluates on model data
};

// The configure entries in registration order (ilamb.yaml entries, then iomb.yaml entries).
const std::vector<ConfigureEntry>& configure_entries();

std::string slug_of(const std::string& name);                // lower-case, spaces -> '-'
std::string reference_source_id_of(const std::string& name); // element 1 of name split on '-'
std::string variable_id_of(const ConfigureEntry& entry);     // analysis_variable or first source
std::vector<std::string> primary_variable_ids(const ConfigureEntry& entry);
// Variables required with "all": the relationship keys, then extra_model_variables.
std::vector<std::string> relationship_variable_ids(const ConfigureEntry& entry);
std::vector<std::string> all_variable_ids(const ConfigureEntry& entry);
// The transforms ilamb3 receives: the configured ones plus climate_ref_relationship_time when
// the entry has relationships.
json effective_transforms(const ConfigureEntry& entry);

std::vector<std::string> diagnostic_facets();
std::vector<std::vector<plugin::DataRequirement>> data_requirements(const ConfigureEntry& entry);

// ---- Registries and regions ----

struct RegistryFile {
    std::string key;
    std::optional<std::string> checksum;  // "sha1:<hex>"
};
struct Registry {
    std::string name;
    std::string description;
    std::vector<RegistryFile> files;
};
const std::vector<Registry>& registries();
json registries_declaration();

struct RegionInfo {
    std::string label;
    std::string name;
    std::string registry_key;  // the mask file in the ilamb-regions registry
};
const std::vector<RegionInfo>& land_regions();
// {LongName, Description, Generator} for a region label ("None": the reference data extents).
json region_description(const std::string& label);
std::string region_name(const std::string& label);

// Where registry files live: settings "data_root", else the REF's cache directory
// ($REF_DATASET_CACHE_DIR, else $XDG_CACHE_HOME/climate_ref, else ~/.cache/climate_ref).
std::filesystem::path data_root(const json& settings);
// <dataset_cache>/<registry>/<key> (where `datasets fetch-data` puts it) unless "data_root" is set,
// else <data_root>/<key>; throws SystemError naming the fetch command when the file is absent.
std::filesystem::path resolve_registry_file(const json& settings, const std::string& registry,
                                            const std::string& key);

// ---- Tool backend ----

tooling::CondaEnvironmentSpec environment_spec();
extern const char* const driver_script;      // ilamb_driver.py
extern const char* const environment_yaml;   // environment.yml

inline constexpr const char* driver_file_name = "ilamb_driver.py";
inline constexpr const char* config_file_name = "ilamb_config.yaml";
inline constexpr const char* log_file_name = "ilamb.log";
inline constexpr const char* run_info_file_name = "ilamb_run.json";

// The selectors of the model collection as bundle dimensions: experiment_id, source_id,
// member_id (CMIP7's variant_label renamed), grid_label, in that order.
std::vector<std::pair<std::string, std::string>> model_selectors(const plugin::ExecutionDefinition& definition);

// The reference table handed to ilamb3: obs4MIPs rows (key = instance_id + row index) and the
// registry keys the entry names as strings, resolved to paths. `sources` receives the
// instance-id patterns that replace dict-form sources.
struct ReferenceTable {
    std::vector<std::pair<std::string, std::string>> rows;  // key, path
    std::vector<std::pair<std::string, std::string>> sources;  // source name -> key or pattern
};
ReferenceTable reference_table(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition);

// The YAML configuration the driver reads; every string is yaml_quote'd.
std::string render_config(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition);

// python <driver> --config <config>, run in the output directory with the log there.
tooling::Command driver_command(const std::filesystem::path& output_directory);

// ---- Conversion of native outputs ----

struct ScalarRow {
    std::string source, region, analysis, name, type, units;
    std::string value_text;
    double value = 0;  // NaN when not numeric
};

// Reads one ilamb3 scalar CSV ("source,region,analysis,name,type,units,value"). Throws
// DiagnosticError naming the file for a missing header column or a short row.
std::vector<ScalarRow> read_scalar_csv(const std::filesystem::path& file);
// Every OUT/*.csv (sorted), concatenated, duplicates on (source, region, analysis, name) dropped.
std::vector<ScalarRow> read_scalars(const std::filesystem::path& output_directory);

// The metric bundle of section 6.3 of the spec.
json build_metric_bundle(const std::vector<ScalarRow>& scalars,
                         const std::vector<std::pair<std::string, std::string>>& selectors,
                         const std::string& reference_source_id);
// The bundle layout of the REF release that wrote the shared fixtures: region, model, metric
// (the execution group key), statistic (names with units); kept to check ilamb3 outputs
// against bundles that release produced.
json build_legacy_metric_bundle(const std::vector<ScalarRow>& scalars, const std::string& group_key);

// The CMEC output-bundle template (index "index.html", empty data/plots/html).
json output_bundle_template();
// Caption and statistic of one plot file stem ("<source>_<region>_<plot>[-option]").
struct PlotDescription {
    bool known = false;
    std::string source, region, plot, option;
    std::string caption;
    std::string statistic;
};
PlotDescription describe_plot(const std::string& stem);
json build_output_bundle(const std::filesystem::path& output_directory,
                         const std::vector<std::pair<std::string, std::string>>& selectors,
                         const std::string& reference_source_id);

// "kg / meter ** 2 / second" -> "kg m-2 s-1": CF symbols, positive exponents first, then
// negative, alphabetical within each group.
std::string normalise_units(const std::string& units);
json build_series(const std::filesystem::path& output_directory,
                  const std::vector<std::pair<std::string, std::string>>& selectors,
                  const std::string& reference_source_id);

// Converts OUT into diagnostic.json, output.json and series.json; throws DiagnosticError when
// ilamb3 left no usable scalars.
plugin::ExecutionResult write_bundles(const std::filesystem::path& output_directory,
                                      const std::vector<std::pair<std::string, std::string>>& selectors,
                                      const std::string& reference_source_id);

// ---- Provider ----

class IlambDiagnostic : public plugin::Diagnostic {
public:
    explicit IlambDiagnostic(ConfigureEntry entry);
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override;
    std::vector<std::string> facets() const override;
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override;
    json extra_declaration() const override;
    const ConfigureEntry& entry() const { return entry_; }

private:
    ConfigureEntry entry_;
};

class IlambProvider : public plugin::Provider {
public:
    IlambProvider();
    json setup(const json& settings, const plugin::Host& host) override;
    json extra_declaration() const override;
};

}  // namespace ref::ilamb
