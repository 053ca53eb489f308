// obs4REF files and PMP climatologies: obs4MIPs-style attributes in their own layouts.

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <netcdf.h>

#include "axes.hpp"
#include "ref/datagen/writers.hpp"
#include "ref/science/cf_time.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

struct ObsFacets {
    std::string activity_id;
    std::string institution_id;
    std::string source_id;
    std::string variant_label;
    std::string grid_label;
    std::string realm;
    std::string variable_id;
    std::string frequency;
    std::string source_type;
    std::string description;  // what the synthetic product stands in for
};

// Every attribute the obs parser requires (§3.4: activity_id, frequency, grid, grid_label,
// institution_id, nominal_resolution, product, realm, source_id, source_type,
// source_version_number, variable_id, variant_label) plus the usual descriptive ones.
Attributes obs_globals(const ObsFacets& o, const Grid& grid, const std::string& name) {
    return {
        {"Conventions", std::string("CF-1.7 ODS-2.5")},
        {"activity_id", o.activity_id},
        {"contact", std::string("ref-engine developers")},
        {"creation_date", std::string(detail::creation_date)},
        {"data_specs_version", std::string("ODS2.5")},
        {"frequency", o.frequency},
        {"further_info_url", "https://furtherinfo.es-doc.org/" + o.activity_id + "." + o.institution_id + "." + o.source_id},
        {"grid", detail::grid_description(grid)},
        {"grid_label", o.grid_label},
        {"history", std::string(detail::creation_date) + " ; written by ref-gen-data (synthetic data with known answers)."},
        {"institution", std::string(detail::institution)},
        {"institution_id", o.institution_id},
        {"license", std::string(detail::license)},
        {"nominal_resolution", detail::nominal_resolution(grid)},
        {"product", std::string("observations")},
        {"realm", o.realm},
        {"references", "none: synthetic stand-in for " + o.description},
        {"region", std::string("global")},
        {"source", o.source_id + ": synthetic " + o.description + " (fictional)"},
        {"source_id", o.source_id},
        {"source_label", o.source_id.substr(0, o.source_id.find('-'))},
        {"source_type", o.source_type},
        {"source_version_number", std::string("1.0")},
        {"title", o.source_id + " synthetic reference data prepared for " + o.activity_id},
        {"tracking_id", detail::tracking_id(name)},
        {"variable_id", o.variable_id},
        {"variant_info", std::string("Synthetic reference data; values follow ref::datagen::FieldSpec.")},
        {"variant_label", o.variant_label},
    };
}

GeneratedFile obs_record(const std::string& project, const std::string& prefix, const ObsFacets& o,
                         const std::filesystem::path& path, const std::string& version, const Grid& grid) {
    GeneratedFile f;
    f.project = project;
    f.path = path;
    f.nominal_resolution = detail::nominal_resolution(grid);
    f.instance_id = detail::obs_instance_id(prefix, o.activity_id, o.institution_id, o.source_id, o.frequency,
                                            o.variable_id, f.nominal_resolution, o.grid_label, version);
    f.activity_id = o.activity_id;
    f.institution_id = o.institution_id;
    f.source_id = o.source_id;
    f.variant_label = o.variant_label;
    f.variable_id = o.variable_id;
    f.grid_label = o.grid_label;
    f.version = version;
    f.frequency = o.frequency;
    f.realm = o.realm;
    f.tracking_id = detail::tracking_id(path.filename().string());
    return f;
}

std::string with_v(const std::string& version) { return version.rfind('v', 0) == 0 ? version : "v" + version; }

std::string description_of(const FieldSpec& field) {
    return (field.long_name.empty() ? field.variable_id : field.long_name) + " data";
}

}  // namespace

GeneratedFile write_obs4ref_monthly(const std::filesystem::path& root, const Obs4RefDataset& d, const FieldSpec& field,
                                    const Grid& grid, const TimeSpan& span) {
    validate_field(field, grid, true);
    const ObsFacets o{"obs4REF", d.institution_id, d.source_id, d.variant_label, d.grid_label, d.realm,
                      field.variable_id, "mon", "reanalysis", description_of(field)};
    const std::string name = field.variable_id + "_mon_" + d.source_id + "_" + d.variant_label + "_" + d.grid_label +
                             "_" + detail::month_range(span) + ".nc";
    const auto path = root / "obs4REF" / d.institution_id / d.source_id / "mon" / field.variable_id / d.grid_label /
                      d.version / name;
    const auto axis = detail::monthly_axis(span);
    detail::write_monthly(path, obs_globals(o, grid, name), field, grid, span, axis, "");
    GeneratedFile f = obs_record("obs4REF", "obs4REF", o, path, with_v(d.version), grid);
    f.calendar = span.calendar;
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    return f;
}

GeneratedFile write_pmp_climatology(const std::filesystem::path& root, const PmpClimatologyDataset& d,
                                    const FieldSpec& field_in, const Grid& grid, const TimeSpan& span) {
    validate_field(field_in, grid, true);
    if (span.last_year < span.first_year) throw std::invalid_argument("a climatology needs at least one year");
    FieldSpec field = field_in;
    field.cell_methods = "area: mean time: mean within years time: mean over years";
    const ObsFacets o{"obs4MIPs", d.institution_id, d.source_id, d.variant_label, d.grid_label, d.realm,
                      field.variable_id, "mon", "satellite_blended", (field.long_name.empty() ? field.variable_id : field.long_name) + " climatology"};
    const std::string name = field.variable_id + "_mon_" + d.source_id + "_" + d.variant_label + "_" + d.grid_label +
                             "_" + detail::month_range(span) + "_AC_" + d.version + ".nc";
    const auto path = root / "PMP_obs4MIPsClims" / field.variable_id / d.grid_label / d.version / name;

    // One year of mid-month stamps; the bounds say which years were averaged.
    const science::CfTime time(span.units, span.calendar);
    std::vector<double> stamps;
    std::vector<double> bounds;
    for (int month = 1; month <= 12; ++month) {
        const int y = span.first_year;
        const double start = time.encode({y, month, 1, 0, 0, 0});
        const double end = time.encode(month == 12 ? science::DateTime{y + 1, 1, 1, 0, 0, 0} : science::DateTime{y, month + 1, 1, 0, 0, 0});
        stamps.push_back(0.5 * (start + end));
        bounds.push_back(start);
        bounds.push_back(time.encode(month == 12 ? science::DateTime{span.last_year + 1, 1, 1, 0, 0, 0}
                                                 : science::DateTime{span.last_year, month + 1, 1, 0, 0, 0}));
    }
    std::vector<float> values;
    values.reserve(12 * grid.cells());
    const double years = static_cast<double>(span.last_year - span.first_year + 1);
    for (int month = 1; month <= 12; ++month) {
        for (std::size_t j = 0; j < grid.nlat; ++j) {
            for (std::size_t i = 0; i < grid.nlon; ++i) {
                double sum = 0.0;
                for (int y = span.first_year; y <= span.last_year; ++y) sum += cell_value(field, grid, j, i, y, month);
                values.push_back(std::isnan(sum) ? fill_value : static_cast<float>(sum / years));
            }
        }
    }
    const auto write_time = [&](NcWriter& out, int bnds) {
        const int time_dim = out.dimension("time", 12, true);
        out.put(out.variable("time", NC_DOUBLE, {time_dim},
                             {{"climatology", std::string("climatology_bnds")},
                              {"units", span.units},
                              {"calendar", span.calendar},
                              {"axis", std::string("T")},
                              {"long_name", std::string("time")},
                              {"standard_name", std::string("time")}}),
                stamps);
        out.put(out.variable("climatology_bnds", NC_DOUBLE, {time_dim, bnds}), bounds);
        return time_dim;
    };
    Attributes globals = obs_globals(o, grid, name);
    globals.emplace_back("climatology_period", detail::month_range(span));
    detail::write_field_file(path, globals, field, grid, write_time, values, "");

    GeneratedFile f = obs_record("PMPClimatology", "obs4MIPs", o, path, with_v(d.version), grid);
    f.calendar = span.calendar;
    f.start_time = science::format_datetime(time.decode(stamps.front()));
    f.end_time = science::format_datetime(time.decode(stamps.back()));
    return f;
}

}  // namespace ref::datagen
