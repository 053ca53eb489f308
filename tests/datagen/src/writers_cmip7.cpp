// CMIP7 files in the MIP-DRS7 layout with the CMIP7 global attributes.

#include <stdexcept>

#include "axes.hpp"
#include "ref/datagen/writers.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

// The four labels of a branding suffix <temporal>-<vertical>-<horizontal>-<area>; empty when malformed.
std::vector<std::string> branding_labels(const std::string& suffix) {
    std::vector<std::string> labels;
    std::size_t start = 0;
    while (true) {
        const auto dash = suffix.find('-', start);
        labels.push_back(suffix.substr(start, dash - start));
        if (dash == std::string::npos) break;
        start = dash + 1;
    }
    if (labels.size() != 4) labels.clear();
    return labels;
}

std::string file_name(const Cmip7Dataset& d, const std::string& variable_id, const std::string& time_range) {
    std::string name = variable_id + "_" + d.branding_suffix + "_" + d.frequency + "_" + d.region + "_" + d.grid_label +
                       "_" + d.source_id + "_" + d.experiment_id + "_" + d.variant_label;
    if (!time_range.empty()) name += "_" + time_range;
    return name + ".nc";
}

Attributes cmip7_globals(const Cmip7Dataset& d, const std::string& variable_id, const Grid& grid,
                         const std::string& name, const std::string& external_variables) {
    const detail::ExperimentInfo info = detail::experiment_info(d.experiment_id);
    const bool has_parent = info.parent_experiment_id != "no parent";
    const auto labels = branding_labels(d.branding_suffix);
    if (labels.empty()) throw std::invalid_argument("CMIP7 branding suffix '" + d.branding_suffix + "' needs 4 labels");
    Attributes a = {
        {"Conventions", std::string("CF-1.12")},
        {"activity_id", d.activity_id},
        {"archive_id", std::string("WCRP")},
        {"area_label", labels[3]},
        {"branded_variable", variable_id + "_" + d.branding_suffix},
        {"branding_suffix", d.branding_suffix},
        {"contact", std::string("ref-engine developers")},
        {"creation_date", std::string(detail::creation_date)},
        {"data_specs_version", std::string("MIP-DS7.0.0.0")},
        {"drs_specs", d.drs_specs},
        {"experiment", info.description},
        {"experiment_id", d.experiment_id},
        {"forcing_index", 1},
        {"frequency", d.frequency},
        {"grid", detail::grid_description(grid)},
        {"grid_label", d.grid_label},
        {"history", std::string(detail::creation_date) + " ; written by ref-gen-data (synthetic data with known answers)."},
        {"horizontal_label", labels[2]},
        {"initialization_index", 1},
        {"institution", std::string(detail::institution)},
        {"institution_id", d.institution_id},
        {"license", std::string(detail::license)},
        {"license_id", std::string("CC-BY-4.0")},
        {"mip_era", std::string("CMIP7")},
        {"nominal_resolution", detail::nominal_resolution(grid)},
        {"physics_index", 1},
        {"product", std::string("model-output")},
        {"realization_index", 1},
        {"realm", d.realm},
        {"region", d.region},
        {"source", d.source_id + " (2025): synthetic fields whose global means are known in closed form"},
        {"source_id", d.source_id},
        {"source_type", std::string("AOGCM")},
        {"temporal_label", labels[0]},
        {"title", d.source_id + " output prepared for CMIP7"},
        {"tracking_id", detail::tracking_id(name, "hdl:21.14107/")},
        {"variable_id", variable_id},
        {"variant_info", std::string("Synthetic test member; values follow ref::datagen::FieldSpec.")},
        {"variant_label", d.variant_label},
        {"vertical_label", labels[1]},
    };
    if (has_parent) {
        a.emplace_back("branch_time_in_child", 0.0);
        a.emplace_back("branch_time_in_parent", 54750.0);
        a.emplace_back("parent_activity_id", info.parent_activity_id);
        a.emplace_back("parent_experiment_id", info.parent_experiment_id);
        a.emplace_back("parent_mip_era", std::string("CMIP7"));
        a.emplace_back("parent_source_id", d.source_id);
        a.emplace_back("parent_time_units", std::string("days since 1850-01-01"));
        a.emplace_back("parent_variant_label", d.variant_label);
    }
    if (!external_variables.empty()) a.emplace_back("external_variables", external_variables);
    return a;
}

GeneratedFile cmip7_record(const Cmip7Dataset& d, const std::string& variable_id, const std::filesystem::path& path,
                           const Grid& grid) {
    GeneratedFile f;
    f.project = "CMIP7";
    f.path = path;
    f.instance_id = "CMIP7." + d.activity_id + "." + d.institution_id + "." + d.source_id + "." + d.experiment_id + "." +
                    d.variant_label + "." + d.region + "." + d.frequency + "." + variable_id + "." + d.branding_suffix +
                    "." + d.grid_label + "." + d.version;
    f.activity_id = d.activity_id;
    f.institution_id = d.institution_id;
    f.source_id = d.source_id;
    f.experiment_id = d.experiment_id;
    f.variant_label = d.variant_label;
    f.variable_id = variable_id;
    f.grid_label = d.grid_label;
    f.version = d.version;
    f.frequency = d.frequency;
    f.realm = d.realm;
    f.region = d.region;
    f.branding_suffix = d.branding_suffix;
    f.nominal_resolution = detail::nominal_resolution(grid);
    f.tracking_id = detail::tracking_id(path.filename().string(), "hdl:21.14107/");
    return f;
}

}  // namespace

namespace detail {

GeneratedFile write_cmip7_monthly(const std::filesystem::path& root, const Cmip7Dataset& d, const FieldSpec& field,
                                  const Grid& grid, const TimeSpan& span, const GlobalEdits& edits) {
    if (d.frequency != "mon") throw std::invalid_argument("write_cmip7_monthly writes frequency mon, not " + d.frequency);
    validate_field(field, grid, false);
    const std::string name = file_name(d, field.variable_id, month_range(span));
    const auto path = cmip7_directory(root, d, field.variable_id) / name;
    const auto axis = monthly_axis(span);
    const std::string measure = d.realm == "ocean" ? "areacello" : "areacella";
    write_monthly(path, edited(cmip7_globals(d, field.variable_id, grid, name, measure), edits), field, grid, span,
                  axis, measure);
    GeneratedFile f = cmip7_record(d, field.variable_id, path, grid);
    f.calendar = span.calendar;
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    for (const auto& removed : edits.remove) {
        if (removed == "tracking_id") f.tracking_id.clear();
    }
    return f;
}

}  // namespace detail

std::filesystem::path cmip7_directory(const std::filesystem::path& root, const Cmip7Dataset& d,
                                      const std::string& variable_id) {
    return root / d.drs_specs / "CMIP7" / d.activity_id / d.institution_id / d.source_id / d.experiment_id /
           d.variant_label / d.region / d.frequency / variable_id / d.branding_suffix / d.grid_label / d.version;
}

GeneratedFile write_cmip7_monthly(const std::filesystem::path& root, const Cmip7Dataset& d, const FieldSpec& field,
                                  const Grid& grid, const TimeSpan& span) {
    return detail::write_cmip7_monthly(root, d, field, grid, span, {});
}

GeneratedFile write_cmip7_cell_area(const std::filesystem::path& root, const Cmip7Dataset& d, const Grid& grid,
                                    const std::optional<LonBand>& missing) {
    if (d.frequency != "fx") throw std::invalid_argument("CMIP7 cell areas have frequency fx");
    const std::string variable_id = d.realm == "ocean" ? "areacello" : "areacella";
    const std::string name = file_name(d, variable_id, "");
    const auto path = cmip7_directory(root, d, variable_id) / name;
    detail::write_cell_area_file(path, cmip7_globals(d, variable_id, grid, name, ""), grid, variable_id, missing);
    return cmip7_record(d, variable_id, path, grid);
}

}  // namespace ref::datagen
