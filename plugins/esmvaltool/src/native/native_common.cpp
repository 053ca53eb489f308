#include "native_common.hpp"

#include "ref/esmvaltool/recipe.hpp"
#include "ref/science/atomic_file.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/field.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/means.hpp"
#include "ref/science/netcdf_file.hpp"

#include <fnmatch.h>
#include <netcdf.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace ref::esmvaltool::native {

namespace cmec = science::cmec;
using plugin::DiagnosticError;

namespace {

bool missing(const json& row, const std::string& column) {
    auto it = row.find(column);
    return it == row.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty());
}

void check_nc(int status, const fs::path& path, const std::string& what) {
    if (status != NC_NOERR)
        throw plugin::SystemError("cannot write " + path.string() + " (" + what + "): " + nc_strerror(status));
}

void put_text(int ncid, int varid, const std::string& name, const std::string& value, const fs::path& path) {
    check_nc(nc_put_att_text(ncid, varid, name.c_str(), value.size(), value.c_str()), path, name);
}

void put_attributes(int ncid, int varid, const json& attributes, const fs::path& path) {
    for (const auto& [name, value] : attributes.items()) {
        if (value.is_string()) {
            put_text(ncid, varid, name, value.get<std::string>(), path);
        } else if (value.is_number()) {
            const double number = value.get<double>();
            check_nc(nc_put_att_double(ncid, varid, name.c_str(), NC_DOUBLE, 1, &number), path, name);
        }
    }
}

}  // namespace

json complete_row(const json& row) {
    static const std::vector<std::string> needed = {"time_units", "calendar", "branch_time_in_parent",
                                                    "branch_time_in_child", "start_time", "parent_experiment_id",
                                                    "parent_time_units", "institution_id"};
    bool complete = true;
    for (const auto& column : needed) complete = complete && !missing(row, column);
    if (complete || missing(row, "path")) return row;
    json out = row;
    const std::string path = row["path"].get<std::string>();
    try {
        const science::NetcdfFile nc(path);
        for (const std::string name : {"branch_time_in_parent", "branch_time_in_child"})
            if (missing(out, name))
                if (auto value = nc.numeric_attribute("", name)) out[name] = *value;
        for (const std::string name : {"parent_experiment_id", "parent_time_units", "institution_id"})
            if (missing(out, name))
                if (auto value = nc.string_attribute("", name)) out[name] = *value;
        if (nc.has_variable("time")) {
            const std::string units = nc.string_attribute("time", "units").value_or("");
            const std::string calendar = nc.string_attribute("time", "calendar").value_or("standard");
            if (missing(out, "time_units") && !units.empty()) out["time_units"] = units;
            if (missing(out, "calendar")) out["calendar"] = calendar;
            if (missing(out, "start_time") && !units.empty()) {
                const auto times = nc.read("time");
                if (!times.empty() && std::isfinite(times.front()))
                    out["start_time"] = science::format_datetime(science::CfTime(units, calendar).decode(times.front()));
            }
        }
    } catch (const science::NetcdfError& e) {
        throw DiagnosticError(std::string("cannot read the metadata of ") + path + ": " + e.what());
    } catch (const science::CfTimeError& e) {
        throw DiagnosticError("cannot decode the time axis of " + path + ": " + e.what());
    }
    return out;
}

YearWindows child_parent_windows(const std::vector<json>& rows, const std::string& parent_experiment,
                                 int child_duration, int parent_offset, int parent_duration) {
    std::vector<json> completed;
    for (const auto& row : rows) completed.push_back(complete_row(row));
    const auto pair = child_and_parent_datasets(completed, parent_experiment, child_duration, parent_offset, parent_duration);
    auto first_year = [](const ordered_json& facets) {
        const std::string range = facets.at("timerange").get<std::string>();
        return std::stoi(range.substr(0, range.find('/')));
    };
    return {first_year(pair.child), child_duration, first_year(pair.parent), parent_duration};
}

ModelRows model_rows(const plugin::ExecutionDefinition& definition) {
    for (const std::string type : {"cmip6", "cmip7"}) {
        if (const auto* collection = definition.find(type); collection && !collection->rows.empty())
            return {type, collection->rows};
    }
    throw DiagnosticError("the execution has no CMIP6 or CMIP7 datasets");
}

std::vector<json> rows_where(const std::vector<json>& rows, const std::string& column, const std::string& value) {
    std::vector<json> out;
    for (const auto& row : rows)
        if (auto it = row.find(column); it != row.end() && it->is_string() && it->get<std::string>() == value)
            out.push_back(row);
    return out;
}

std::vector<std::string> paths_of(const std::vector<json>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows)
        if (auto it = row.find("path"); it != row.end() && it->is_string()) out.push_back(it->get<std::string>());
    return out;
}

std::string text_of(const json& row, const std::string& column) {
    auto it = row.find(column);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> areacella_for(const std::vector<json>& rows, const std::string& experiment) {
    const auto areas = rows_where(rows, "variable_id", "areacella");
    for (const auto& row : areas)
        if (text_of(row, "experiment_id") == experiment && !text_of(row, "path").empty()) return text_of(row, "path");
    for (const auto& row : areas)
        if (!text_of(row, "path").empty()) return text_of(row, "path");
    return std::nullopt;
}

science::Weights global_weights(const std::optional<std::string>& areacella_file, const std::string& data_file,
                                const std::string& variable) {
    try {
        if (areacella_file) return science::read_area_weights(*areacella_file, "areacella");
    } catch (const std::runtime_error& e) {
        throw DiagnosticError("cannot read the cell areas: " + std::string(e.what()));
    }
    science::LatLonGrid grid;
    try {
        grid = science::read_lat_lon_grid(data_file, variable);
    } catch (const std::runtime_error& e) {
        throw DiagnosticError(data_file + ": the execution has no areacella and " + variable +
                              " is not on a regular latitude-longitude grid, so its global mean cannot be weighted (" +
                              e.what() + ")");
    }
    return science::spherical_cell_areas(grid, science::kIrisEarthRadius);
}

MonthlySeries global_monthly(const std::vector<json>& rows, const std::string& experiment, const std::string& variable,
                             const std::optional<std::string>& areacella_file, bool sum) {
    const bool derived = variable == "rtnt";
    const std::vector<std::string> components =
        derived ? std::vector<std::string>{"rsdt", "rsut", "rlut"} : std::vector<std::string>{variable};
    std::vector<science::Field> fields;
    for (const auto& component : components) {
        const auto run_rows = experiment.empty() ? rows : rows_where(rows, "experiment_id", experiment);
        const auto files = paths_of(rows_where(run_rows, "variable_id", component));
        if (files.empty())
            throw DiagnosticError("the execution has no " + component + " data of the " + experiment + " run" +
                                  (derived ? " (needed for rtnt = rsdt - rsut - rlut)" : ""));
        try {
            fields.push_back(science::read_field(files, component));
        } catch (const DiagnosticError&) {
            throw;
        } catch (const std::runtime_error& e) {
            throw DiagnosticError("cannot read " + component + " of the " + experiment + " run: " + e.what());
        }
    }
    science::Field& field = fields.front();
    for (std::size_t c = 1; c < fields.size(); ++c) {
        const science::Field& other = fields[c];
        if (other.time != field.time || other.data.size() != field.data.size())
            throw DiagnosticError("the " + components[c] + " files of the " + experiment + " run (" + other.files.front() +
                                  ") do not have the time steps and grid of its " + components[0] + " files (" +
                                  field.files.front() + "), so rtnt cannot be derived");
        for (std::size_t i = 0; i < field.data.size(); ++i) field.data[i] -= other.data[i];
    }
    const science::Weights weights = global_weights(areacella_file, field.files.front(), components.front());
    try {
        science::require_matching_shape(weights, field);
    } catch (const std::runtime_error& e) {
        throw DiagnosticError(e.what());
    }
    MonthlySeries out;
    out.dates = field.dates;
    out.time = field.time;
    out.time_bounds = field.time_bounds;
    out.units = derived ? "W m-2" : field.units;
    out.time_units = field.time_units;
    out.calendar = field.calendar;
    out.files = field.files;
    if (!sum) {
        out.values = science::spatial_means(field, weights);
    } else {
        for (std::size_t t = 0; t < field.step_count(); ++t) {
            const auto step = field.step(t);
            double total = 0;
            bool any = false;
            for (std::size_t i = 0; i < step.size(); ++i)
                if (std::isfinite(step[i])) total += weights.values[i] * step[i], any = true;
            out.values.push_back(any ? total : std::numeric_limits<double>::quiet_NaN());
        }
        out.units = field.units + " m2";
    }
    return out;
}

MonthlySeries months_between(const MonthlySeries& monthly, int first, int last) {
    MonthlySeries out = monthly;
    out.dates.clear(), out.time.clear(), out.time_bounds.clear(), out.values.clear();
    for (std::size_t i = 0; i < monthly.dates.size(); ++i) {
        if (monthly.dates[i].year < first || monthly.dates[i].year > last) continue;
        out.dates.push_back(monthly.dates[i]);
        out.time.push_back(monthly.time[i]);
        out.time_bounds.push_back(monthly.time_bounds[2 * i]);
        out.time_bounds.push_back(monthly.time_bounds[2 * i + 1]);
        out.values.push_back(monthly.values[i]);
    }
    return out;
}

science::YearlySeries year_window(const MonthlySeries& monthly, int first, int years, const std::string& what) {
    const MonthlySeries window = months_between(monthly, first, first + years - 1);
    const auto annual = science::calendar_year_means(window.dates, window.values, window.time_bounds);
    const int data_first = monthly.dates.empty() ? 0 : monthly.dates.front().year;
    const int data_last = monthly.dates.empty() ? 0 : monthly.dates.back().year;
    if (annual.years.empty() || annual.years.front() != first)
        throw DiagnosticError("the " + what + " has no data for year " + std::to_string(first) + " (its files " +
                              (monthly.files.empty() ? std::string("?") : monthly.files.front()) + "... cover " +
                              std::to_string(data_first) + "-" + std::to_string(data_last) + ")");
    for (std::size_t k = 1; k < annual.years.size(); ++k)
        if (annual.years[k] != annual.years[k - 1] + 1)
            throw DiagnosticError("the " + what + " has no data for year " + std::to_string(annual.years[k - 1] + 1));
    return annual;
}

std::vector<std::string> iso_times(const std::vector<double>& values, const std::string& units, const std::string& calendar) {
    const science::CfTime time(units, calendar);
    std::vector<std::string> out;
    for (double v : values) {
        const auto t = time.decode(v);
        char text[48];
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
        out.push_back(text);
    }
    return out;
}

void write_dataset_values(const fs::path& path, const std::string& dataset, const Column& column) {
    science::write_atomically(path, [&](const fs::path& temporary) {
        int ncid = -1;
        check_nc(nc_create(temporary.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid), path, "create");
        int dim = -1, names = -1, values = -1;
        check_nc(nc_def_dim(ncid, "dataset", 1, &dim), path, "dataset");
        check_nc(nc_def_var(ncid, "dataset", NC_STRING, 1, &dim, &names), path, "dataset");
        check_nc(nc_def_var(ncid, column.name.c_str(), NC_DOUBLE, 1, &dim, &values), path, column.name);
        put_text(ncid, values, "units", column.units, path);
        put_text(ncid, values, "long_name", column.long_name, path);
        put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8", path);
        check_nc(nc_enddef(ncid), path, "enddef");
        const char* name = dataset.c_str();
        check_nc(nc_put_var_string(ncid, names, &name), path, "dataset");
        check_nc(nc_put_var_double(ncid, values, column.values.data()), path, column.name);
        check_nc(nc_close(ncid), path, "close");
    });
}

void write_lat_lon_field(const fs::path& path, const std::vector<double>& lat, const std::vector<double>& lon,
                         const Column& field) {
    if (field.values.size() != lat.size() * lon.size())
        throw std::invalid_argument(path.string() + ": the field does not match its grid");
    science::write_atomically(path, [&](const fs::path& temporary) {
        int ncid = -1;
        check_nc(nc_create(temporary.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid), path, "create");
        int dims[2] = {-1, -1}, lat_id = -1, lon_id = -1, id = -1;
        check_nc(nc_def_dim(ncid, "lat", lat.size(), &dims[0]), path, "lat");
        check_nc(nc_def_dim(ncid, "lon", lon.size(), &dims[1]), path, "lon");
        check_nc(nc_def_var(ncid, "lat", NC_DOUBLE, 1, &dims[0], &lat_id), path, "lat");
        check_nc(nc_def_var(ncid, "lon", NC_DOUBLE, 1, &dims[1], &lon_id), path, "lon");
        check_nc(nc_def_var(ncid, field.name.c_str(), NC_DOUBLE, 2, dims, &id), path, field.name);
        const double fill = 1e20;
        check_nc(nc_def_var_fill(ncid, id, 0, &fill), path, "fill");
        put_text(ncid, lat_id, "units", "degrees_north", path);
        put_text(ncid, lat_id, "standard_name", "latitude", path);
        put_text(ncid, lon_id, "units", "degrees_east", path);
        put_text(ncid, lon_id, "standard_name", "longitude", path);
        put_text(ncid, id, "units", field.units, path);
        put_text(ncid, id, "long_name", field.long_name, path);
        put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8", path);
        check_nc(nc_enddef(ncid), path, "enddef");
        std::vector<double> values = field.values;
        for (double& v : values)
            if (!std::isfinite(v)) v = fill;
        check_nc(nc_put_var_double(ncid, lat_id, lat.data()), path, "lat");
        check_nc(nc_put_var_double(ncid, lon_id, lon.data()), path, "lon");
        check_nc(nc_put_var_double(ncid, id, values.data()), path, field.name);
        check_nc(nc_close(ncid), path, "close");
    });
}

void write_columns(const fs::path& path, const std::vector<Column>& columns, const std::string& time_units,
                   const std::string& calendar, const json& attributes) {
    science::write_atomically(path, [&](const fs::path& temporary) {
        int ncid = -1;
        check_nc(nc_create(temporary.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid), path, "create");
        int dim = -1;
        check_nc(nc_def_dim(ncid, columns.front().name.c_str(), columns.front().values.size(), &dim), path, "axis");
        std::vector<int> ids;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            int id = -1;
            check_nc(nc_def_var(ncid, columns[c].name.c_str(), NC_DOUBLE, 1, &dim, &id), path, columns[c].name);
            const double fill = 1e20;
            // The coordinate (first column) has no missing values, so no fill value.
            if (c > 0) check_nc(nc_def_var_fill(ncid, id, 0, &fill), path, "fill");
            const bool time_axis = c == 0 && !time_units.empty();
            put_text(ncid, id, "units", time_axis ? time_units : columns[c].units, path);
            if (time_axis) put_text(ncid, id, "calendar", calendar, path);
            put_text(ncid, id, "long_name", columns[c].long_name, path);
            ids.push_back(id);
        }
        put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8", path);
        put_attributes(ncid, NC_GLOBAL, attributes, path);
        check_nc(nc_enddef(ncid), path, "enddef");
        for (std::size_t c = 0; c < columns.size(); ++c) {
            std::vector<double> values = columns[c].values;
            for (double& v : values)
                if (!std::isfinite(v)) v = 1e20;
            check_nc(nc_put_var_double(ncid, ids[c], values.data()), path, columns[c].name);
        }
        check_nc(nc_close(ncid), path, "close");
    });
}

json file_dimensions(const DiagnosticSpec& spec, const std::string& file_name, const Selectors& selectors) {
    const bool plot = fs::path(file_name).extension() == ".png";
    auto matches = [&](const std::string& pattern) {
        const std::string formatted = format_pattern(pattern, selectors);
        const bool plot_pattern = formatted.rfind("plots/", 0) == 0;
        const std::string base = fs::path(formatted).filename().string();
        return plot_pattern == plot && ::fnmatch(base.c_str(), file_name.c_str(), 0) == 0;
    };
    for (const auto& definition : spec.files)
        if (matches(definition.file_pattern)) return definition.dimensions;
    for (const auto& definition : spec.series)
        if (matches(definition.file_pattern)) return definition.dimensions;
    return json::object();
}

json native_output_bundle(const plugin::ExecutionDefinition& definition) {
    json output = cmec::make_output_bundle();
    output["provenance"]["environment"] = {{"backend", "native"}, {"provider", "esmvaltool"}, {"version", kProviderVersion}};
    json ids = json::array();
    std::set<std::string> seen;
    for (const auto& [type, collection] : definition.datasets) {
        for (const auto& row : collection.rows) {
            const std::string id = text_of(row, collection.slug_column);
            if (!id.empty() && seen.insert(id).second) ids.push_back(id);
        }
    }
    output["provenance"]["modeldata"] = ids;
    return output;
}

void add_output_file(json& output, bool plot, const std::string& relative_path, const std::string& long_name,
                     const std::string& description, const json& dimensions) {
    output[plot ? "plots" : "data"][relative_path] = {
        {"filename", relative_path}, {"long_name", long_name}, {"description", description}, {"dimensions", dimensions}};
}

json native_metric_bundle(const std::vector<std::string>& structure, const json& results, const Selectors& selectors) {
    return cmec::prepend_dimensions(cmec::make_metric_bundle(structure, results), selectors);
}

json series_entry(const Selectors& selectors, const json& dimensions, const std::vector<double>& values, const json& index,
                  const json& attributes) {
    json dims = json::object();
    for (const auto& [facet, value] : selectors) dims[facet] = value;
    for (const auto& [facet, value] : dimensions.items()) dims[facet] = value;
    json values_json = json::array();
    for (double v : values) values_json.push_back(std::isfinite(v) ? json(v) : json(nullptr));
    return {{"dimensions", dims},
            {"values", values_json},
            {"index", index},
            {"index_name", attributes.value("index_name", "")},
            {"attributes", attributes}};
}

plugin::ExecutionResult finish(const plugin::ExecutionDefinition& definition, const json& metrics, const json& output,
                               const json& series, const json& details) {
    const fs::path out = definition.output_directory;
    cmec::write_json_atomically(out / "series.json", series);
    cmec::write_json_atomically(out / "output.json", output);
    // The metric bundle last: its presence marks a complete native run.
    cmec::write_json_atomically(out / "diagnostic.json", metrics);
    plugin::ExecutionResult result;
    result.details = {{"backend", "native"}, {"version", kProviderVersion}};
    for (const auto& [key, value] : details.items()) result.details[key] = value;
    return result;
}

}  // namespace ref::esmvaltool::native
