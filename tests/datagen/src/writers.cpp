#include "ref/datagen/writers.hpp"

#include <algorithm>
#include <stdexcept>

#include <netcdf.h>

#include "axes.hpp"
#include "ref/datagen/nc_writer.hpp"
#include "ref/science/atomic_file.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

using detail::creation_date;
using detail::license;

using detail::experiment_info;
using detail::ExperimentInfo;

std::string realm_of(const std::string& table_id) {
    return (table_id == "Omon" || table_id == "Ofx") ? "ocean" : "atmos";
}

std::string frequency_of(const std::string& table_id) {
    return (table_id == "fx" || table_id == "Ofx") ? "fx" : "mon";
}

Attributes cmip6_globals(const Cmip6Dataset& d, const std::string& variable_id, const Grid& grid,
                         const std::string& file_name) {
    const ExperimentInfo info = experiment_info(d.experiment_id);
    const bool has_parent = info.parent_experiment_id != "no parent";
    Attributes a = {
        {"Conventions", std::string("CF-1.7 CMIP-6.2")},
        {"activity_id", d.activity_id},
        {"branch_method", std::string(has_parent ? "standard" : "no parent")},
        {"branch_time_in_child", 0.0},
        {"branch_time_in_parent", 0.0},
        {"contact", std::string("ref-engine developers")},
        {"creation_date", std::string(creation_date)},
        {"data_specs_version", std::string("01.00.33")},
        {"experiment", info.description},
        {"experiment_id", d.experiment_id},
        {"forcing_index", 1},
        {"frequency", frequency_of(d.table_id)},
        {"further_info_url", "https://furtherinfo.es-doc.org/CMIP6." + d.institution_id + "." + d.source_id + "." +
                                 d.experiment_id + ".none." + d.member_id},
        {"grid", detail::grid_description(grid)},
        {"grid_label", d.grid_label},
        {"history", std::string(creation_date) + " ; written by ref-gen-data (synthetic data with known answers)."},
        {"initialization_index", 1},
        {"institution", std::string(detail::institution)},
        {"institution_id", d.institution_id},
        {"license", std::string(license)},
        {"member_id", d.member_id},
        {"mip_era", std::string("CMIP6")},
        {"nominal_resolution", detail::nominal_resolution(grid)},
        {"parent_activity_id", info.parent_activity_id},
        {"parent_experiment_id", info.parent_experiment_id},
        {"parent_mip_era", std::string(has_parent ? "CMIP6" : "no parent")},
        {"parent_source_id", std::string(has_parent ? d.source_id : "no parent")},
        {"parent_time_units", std::string(has_parent ? "days since 0101-01-01" : "no parent")},
        {"parent_variant_label", std::string(has_parent ? d.member_id : "no parent")},
        {"physics_index", 1},
        {"product", std::string("model-output")},
        {"realization_index", 1},
        {"realm", realm_of(d.table_id)},
        {"source", d.source_id + " (2024): synthetic fields whose global means are known in closed form"},
        {"source_id", d.source_id},
        {"source_type", std::string("AOGCM")},
        {"sub_experiment", std::string("none")},
        {"sub_experiment_id", std::string("none")},
        {"table_id", d.table_id},
        {"table_info", std::string("Creation Date:(30 April 2019) MD5:synthetic")},
        {"title", d.source_id + " output prepared for CMIP6"},
        {"tracking_id", detail::tracking_id(file_name)},
        {"variable_id", variable_id},
        {"variant_info", std::string("Synthetic test member; values follow ref::datagen::FieldSpec.")},
        {"variant_label", d.member_id},
    };
    return a;
}

std::string cmip6_instance_id(const Cmip6Dataset& d, const std::string& variable_id) {
    return "CMIP6." + d.activity_id + "." + d.institution_id + "." + d.source_id + "." + d.experiment_id + "." +
           d.member_id + "." + d.table_id + "." + variable_id + "." + d.grid_label + "." + d.version;
}

GeneratedFile cmip6_record(const Cmip6Dataset& d, const std::string& variable_id, const std::filesystem::path& path) {
    GeneratedFile f;
    f.project = "CMIP6";
    f.path = path;
    f.instance_id = cmip6_instance_id(d, variable_id);
    f.activity_id = d.activity_id;
    f.institution_id = d.institution_id;
    f.source_id = d.source_id;
    f.experiment_id = d.experiment_id;
    f.member_id = d.member_id;
    f.variant_label = d.member_id;
    f.table_id = d.table_id;
    f.variable_id = variable_id;
    f.grid_label = d.grid_label;
    f.version = d.version;
    f.frequency = frequency_of(d.table_id);
    f.realm = realm_of(d.table_id);
    return f;
}

}  // namespace

namespace detail {

Attributes cmip6_global_attributes(const Cmip6Dataset& d, const std::string& variable_id, const Grid& grid,
                                   const std::string& file_name) {
    return cmip6_globals(d, variable_id, grid, file_name);
}

ExperimentInfo experiment_info(const std::string& experiment_id) {
    if (experiment_id == "historical") return {"all-forcing simulation of the recent past", "piControl", "CMIP"};
    if (experiment_id == "piControl") return {"pre-industrial control", "piControl-spinup", "CMIP"};
    return {experiment_id, "no parent", "no parent"};
}

Attributes edited(const Attributes& globals, const GlobalEdits& edits) {
    Attributes out;
    for (const auto& attribute : globals) {
        if (std::find(edits.remove.begin(), edits.remove.end(), attribute.first) == edits.remove.end()) {
            out.push_back(attribute);
        }
    }
    for (const auto& replacement : edits.replace) {
        const auto it = std::find_if(out.begin(), out.end(), [&](const auto& a) { return a.first == replacement.first; });
        if (it == out.end()) {
            out.push_back(replacement);
        } else {
            it->second = replacement.second;
        }
    }
    return out;
}

Attributes data_attributes(const FieldSpec& field, const std::string& measure) {
    Attributes a = {{"standard_name", field.standard_name},
                    {"long_name", field.long_name},
                    {"units", field.units},
                    {"cell_methods", field.cell_methods}};
    if (!measure.empty()) a.emplace_back("cell_measures", "area: " + measure);
    a.emplace_back("comment", std::string("synthetic field with a closed-form area-weighted global mean"));
    return a;
}

void write_field_file(const std::filesystem::path& path, const Attributes& globals, const FieldSpec& field,
                      const Grid& grid, const TimeWriter& write_time, const std::vector<float>& values,
                      const std::string& measure) {
    science::write_atomically(path, [&](const std::filesystem::path& temporary) {
        NcWriter out(temporary.string());
        out.attributes(NC_GLOBAL, globals);
        const int bnds = out.dimension("bnds", 2);
        const int time_dim = write_time(out, bnds);
        const auto horizontal = write_grid(out, grid, bnds);
        Attributes attributes = data_attributes(field, measure);
        if (field.variable_id.rfind("tas", 0) == 0) {
            // Near-surface temperatures carry CMOR's scalar height coordinate.
            const int height = out.variable("height", NC_DOUBLE, {},
                                            {{"units", std::string("m")}, {"axis", std::string("Z")},
                                             {"positive", std::string("up")}, {"long_name", std::string("height")},
                                             {"standard_name", std::string("height")}});
            out.put(height, std::vector<double>{2.0});
            attributes.emplace_back("coordinates", std::string("height"));
        } else if (grid.curvilinear) {
            attributes.emplace_back("coordinates", std::string("latitude longitude"));
        }
        const int var = out.float_variable(field.variable_id, {time_dim, horizontal[0], horizontal[1]}, attributes);
        out.put(var, values);
        out.close();
    });
}

void write_monthly(const std::filesystem::path& path, const Attributes& globals, const FieldSpec& field,
                   const Grid& grid, const TimeSpan& span, const MonthlyAxis& axis, const std::string& measure) {
    write_field_file(
        path, globals, field, grid, [&](NcWriter& out, int bnds) { return write_time_axis(out, axis, span, bnds); },
        field_values(field, grid, axis), measure);
}

void write_cell_area_file(const std::filesystem::path& path, const Attributes& globals, const Grid& grid,
                          const std::string& variable_id, const std::optional<LonBand>& missing) {
    FieldSpec mask;
    mask.land = missing;
    std::vector<float> areas;
    for (std::size_t j = 0; j < grid.nlat; ++j) {
        for (std::size_t i = 0; i < grid.nlon; ++i) {
            areas.push_back(is_land(mask, grid, i) ? fill_value : static_cast<float>(grid.cell_area(j)));
        }
    }
    science::write_atomically(path, [&](const std::filesystem::path& temporary) {
        NcWriter out(temporary.string());
        out.attributes(NC_GLOBAL, globals);
        const int bnds = out.dimension("bnds", 2);
        const auto horizontal = write_grid(out, grid, bnds);
        Attributes attributes = {{"standard_name", std::string("cell_area")},
                                 {"long_name", std::string(variable_id == "areacello" ? "Grid-Cell Area for Ocean Variables"
                                                                                      : "Grid-Cell Area for Atmospheric Grid Variables")},
                                 {"units", std::string("m2")},
                                 {"cell_methods", std::string("area: sum")}};
        if (grid.curvilinear) attributes.emplace_back("coordinates", std::string("latitude longitude"));
        out.put(out.float_variable(variable_id, {horizontal[0], horizontal[1]}, attributes), areas);
        out.close();
    });
}

std::string obs_instance_id(const std::string& prefix, const std::string& activity_id, const std::string& institution_id,
                            const std::string& source_id, const std::string& frequency, const std::string& variable_id,
                            const std::string& nominal_resolution, const std::string& grid_label,
                            const std::string& version) {
    std::string resolution = nominal_resolution;
    resolution.erase(std::remove(resolution.begin(), resolution.end(), ' '), resolution.end());
    return prefix + "." + activity_id + "." + institution_id + "." + source_id + "." + frequency + "." + variable_id +
           "." + resolution + "." + grid_label + "." + version;
}

GeneratedFile write_cmip6_monthly(const std::filesystem::path& root, const Cmip6Dataset& d, const FieldSpec& field,
                                  const Grid& grid, const TimeSpan& span, const GlobalEdits& edits) {
    validate_field(field, grid, false);
    const std::string name = field.variable_id + "_" + d.table_id + "_" + d.source_id + "_" + d.experiment_id + "_" +
                             d.member_id + "_" + d.grid_label + "_" + month_range(span) + ".nc";
    const auto path = cmip6_directory(root, d, field.variable_id) / name;
    const auto axis = monthly_axis(span);
    Attributes globals = cmip6_globals(d, field.variable_id, grid, name);
    const std::string measure = realm_of(d.table_id) == "ocean" ? "areacello" : "areacella";
    globals.emplace_back("external_variables", measure);
    write_monthly(path, edited(globals, edits), field, grid, span, axis, measure);

    GeneratedFile f = cmip6_record(d, field.variable_id, path);
    f.calendar = span.calendar;
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    f.nominal_resolution = nominal_resolution(grid);
    f.tracking_id = tracking_id(name);
    return f;
}

GeneratedFile write_obs4mips_monthly(const std::filesystem::path& root, const Obs4MipsDataset& d, const FieldSpec& field,
                                     const Grid& grid, const TimeSpan& span, const GlobalEdits& edits) {
    validate_field(field, grid, true);
    const std::string name = field.variable_id + "_mon_" + d.source_id + "_" + d.variant_label + "_" + d.grid_label +
                             "_" + month_range(span) + ".nc";
    const auto path = root / "obs4MIPs" / d.institution_id / d.source_id / "mon" / field.variable_id / d.grid_label /
                      d.version / name;
    const auto axis = monthly_axis(span);
    const Attributes globals = {
        {"Conventions", std::string("CF-1.7 ODS-2.1")},
        {"activity_id", std::string("obs4MIPs")},
        {"contact", std::string("ref-engine developers")},
        {"creation_date", std::string(creation_date)},
        {"data_specs_version", std::string("ODS2.1")},
        {"frequency", std::string("mon")},
        {"further_info_url", std::string("https://furtherinfo.es-doc.org/obs4MIPs.") + d.institution_id + "." + d.source_id},
        {"grid", grid_description(grid)},
        {"grid_label", d.grid_label},
        {"history", std::string(creation_date) + " ; written by ref-gen-data (synthetic data with known answers)."},
        {"institution", std::string(institution)},
        {"institution_id", d.institution_id},
        {"license", std::string(license)},
        {"nominal_resolution", nominal_resolution(grid)},
        {"product", std::string("observations")},
        {"realm", d.realm},
        {"references", std::string("none: synthetic stand-in for a sea-surface temperature analysis")},
        {"region", std::string("global_ocean")},
        {"source", d.source_id + ": synthetic sea surface temperature analysis (fictional)"},
        {"source_id", d.source_id},
        {"source_label", d.source_id.substr(0, d.source_id.find('-'))},
        {"source_type", std::string("satellite_retrieval")},
        {"source_version_number", std::string("1.1")},
        {"title", d.source_id + " synthetic reference data prepared for obs4MIPs"},
        {"tracking_id", tracking_id(name)},
        {"variable_id", field.variable_id},
        {"variant_info", std::string("Synthetic reference data; values follow ref::datagen::FieldSpec.")},
        {"variant_label", d.variant_label},
    };
    write_monthly(path, edited(globals, edits), field, grid, span, axis, "");

    GeneratedFile f;
    f.project = "obs4MIPs";
    f.path = path;
    f.instance_id = obs_instance_id("obs4MIPs", "obs4MIPs", d.institution_id, d.source_id, "mon", field.variable_id,
                                    nominal_resolution(grid), d.grid_label, d.version);
    f.activity_id = "obs4MIPs";
    f.institution_id = d.institution_id;
    f.source_id = d.source_id;
    f.variant_label = d.variant_label;
    f.variable_id = field.variable_id;
    f.grid_label = d.grid_label;
    f.version = d.version;
    f.frequency = "mon";
    f.realm = d.realm;
    f.calendar = span.calendar;
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    f.nominal_resolution = nominal_resolution(grid);
    f.tracking_id = tracking_id(name);
    return f;
}

}  // namespace detail

std::filesystem::path cmip6_directory(const std::filesystem::path& root, const Cmip6Dataset& d,
                                      const std::string& variable_id) {
    return root / "CMIP6" / d.activity_id / d.institution_id / d.source_id / d.experiment_id / d.member_id /
           d.table_id / variable_id / d.grid_label / d.version;
}

GeneratedFile write_cmip6_monthly(const std::filesystem::path& root, const Cmip6Dataset& d, const FieldSpec& field,
                                  const Grid& grid, const TimeSpan& span) {
    return detail::write_cmip6_monthly(root, d, field, grid, span, {});
}

GeneratedFile write_cmip6_cell_area(const std::filesystem::path& root, const Cmip6Dataset& d, const Grid& grid,
                                    const std::optional<LonBand>& missing) {
    if (d.table_id != "fx" && d.table_id != "Ofx") throw std::invalid_argument("cell areas belong in table fx or Ofx");
    const std::string variable_id = d.table_id == "Ofx" ? "areacello" : "areacella";
    const std::string name = variable_id + "_" + d.table_id + "_" + d.source_id + "_" + d.experiment_id + "_" +
                             d.member_id + "_" + d.grid_label + ".nc";
    const auto path = cmip6_directory(root, d, variable_id) / name;
    detail::write_cell_area_file(path, cmip6_globals(d, variable_id, grid, name), grid, variable_id, missing);
    GeneratedFile f = cmip6_record(d, variable_id, path);
    f.nominal_resolution = detail::nominal_resolution(grid);
    f.tracking_id = detail::tracking_id(name);
    return f;
}

GeneratedFile write_obs4mips_monthly(const std::filesystem::path& root, const Obs4MipsDataset& d, const FieldSpec& field,
                                     const Grid& grid, const TimeSpan& span) {
    return detail::write_obs4mips_monthly(root, d, field, grid, span, {});
}

std::string GeneratedFile::source_type() const {
    if (project == "CMIP6") return "cmip6";
    if (project == "CMIP7") return "cmip7";
    if (project == "obs4MIPs") return "obs4mips";
    if (project == "obs4REF") return "obs4ref";
    if (project == "PMPClimatology") return "pmp-climatology";
    if (project == "ESMValToolReference") return "esmvaltool-reference";
    throw std::invalid_argument("unknown project '" + project + "'");
}

}  // namespace ref::datagen
