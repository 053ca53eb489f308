#include "ref/science/field.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "ref/science/netcdf_file.hpp"

namespace ref::science {
namespace {

// What one file contributes before merging.
struct FilePart {
    std::string path;
    std::vector<double> time;    // already in the first file's units
    std::vector<double> bounds;  // [step][2] in the first file's units; empty when the file has none
    std::vector<double> data;
};

struct StepRef {
    double time;
    std::size_t part;
    std::size_t step;
};

bool same_value(double a, double b) {
    return a == b || std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

std::string text_or(const NetcdfFile& file, const std::string& variable, const std::string& name,
                    const std::string& fallback) {
    return file.string_attribute(variable, name).value_or(fallback);
}

// The bounds variable named by time:bounds as [step][2], or empty when there is none.
std::vector<double> read_time_bounds(const NetcdfFile& file, std::size_t steps) {
    const auto name = file.string_attribute("time", "bounds");
    if (!name || !file.has_variable(*name)) return {};
    std::vector<double> bounds = file.read(*name);
    if (bounds.size() != 2 * steps) {
        throw std::runtime_error(file.path() + ": time bounds '" + *name + "' hold " + std::to_string(bounds.size()) +
                                 " values for " + std::to_string(steps) + " time steps");
    }
    for (const double b : bounds) {
        if (std::isnan(b)) throw std::runtime_error(file.path() + ": time bounds '" + *name + "' have missing values");
    }
    return bounds;
}

// Steps without bounds get the midpoints to their neighbours (a single step gets zero length).
void fill_missing_bounds(const std::vector<double>& time, std::vector<double>& bounds) {
    const std::size_t n = time.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isnan(bounds[2 * i])) continue;
        const double before = i > 0 ? 0.5 * (time[i] - time[i - 1]) : (n > 1 ? 0.5 * (time[1] - time[0]) : 0.0);
        const double after = i + 1 < n ? 0.5 * (time[i + 1] - time[i]) : before;
        bounds[2 * i] = time[i] - (i > 0 ? before : after);
        bounds[2 * i + 1] = time[i] + after;
    }
}

}  // namespace

std::size_t Field::cell_count() const {
    std::size_t count = 1;
    for (const auto n : spatial_shape) count *= n;
    return count;
}

std::span<const double> Field::step(std::size_t index) const {
    const std::size_t cells = cell_count();
    return std::span<const double>(data).subspan(index * cells, cells);
}

std::string shape_text(const std::vector<std::size_t>& shape) {
    if (shape.empty()) return "scalar";
    std::string out;
    for (const auto n : shape) {
        if (!out.empty()) out += 'x';
        out += std::to_string(n);
    }
    return out;
}

Field read_field(const std::vector<std::string>& files, const std::string& variable, std::optional<FixedIndex> fixed) {
    if (files.empty()) throw std::runtime_error("no files given for variable '" + variable + "'");
    Field field;
    field.variable = variable;
    field.files = files;
    std::vector<FilePart> parts;
    std::optional<CfTime> axis;
    std::string axis_calendar_file;
    std::vector<std::size_t> first_full_shape;  // with the fixed dimension, for comparing files

    for (const auto& path : files) {
        const NetcdfFile file(path);
        const auto dims = file.dimensions(variable);
        if (dims.empty() || dims.front().name != "time") {
            throw std::runtime_error(path + ": variable '" + variable + "' does not have 'time' as its first dimension");
        }
        if (fixed && (fixed->dimension == 0 || fixed->dimension >= dims.size())) {
            throw std::runtime_error(path + ": variable '" + variable + "' has no dimension number " +
                                     std::to_string(fixed->dimension) + " besides time to select a level of");
        }
        std::vector<std::string> names;
        std::vector<std::size_t> shape, full_shape;
        for (std::size_t i = 1; i < dims.size(); ++i) {
            full_shape.push_back(dims[i].size);
            if (fixed && i == fixed->dimension) continue;
            names.push_back(dims[i].name);
            shape.push_back(dims[i].size);
        }
        const auto units = file.string_attribute("time", "units");
        if (!units) throw std::runtime_error(path + ": variable 'time' has no 'units' attribute");
        const std::string calendar = text_or(file, "time", "calendar", "standard");
        const std::string variable_units = text_or(file, variable, "units", "");
        const CfTime file_time(*units, calendar);

        if (!axis) {
            axis = file_time;
            axis_calendar_file = path;
            field.time_units = *units;
            field.calendar = calendar;
            field.units = variable_units;
            field.long_name = text_or(file, variable, "long_name", "");
            field.standard_name = text_or(file, variable, "standard_name", "");
            field.spatial_dims = names;
            field.spatial_shape = shape;
            first_full_shape = full_shape;
        } else {
            if (file_time.calendar() != axis->calendar()) {
                throw std::runtime_error("files use different calendars: " + axis_calendar_file + " has '" +
                                         field.calendar + "' but " + path + " has '" + calendar + "'");
            }
            if (full_shape != first_full_shape) {
                throw std::runtime_error("variable '" + variable + "' has spatial shape " +
                                         shape_text(first_full_shape) + " in " + files.front() + " but " +
                                         shape_text(full_shape) + " in " + path);
            }
            if (variable_units != field.units) {
                throw std::runtime_error("variable '" + variable + "' has units '" + field.units + "' in " +
                                         files.front() + " but '" + variable_units + "' in " + path);
            }
        }
        FilePart part{path, file.read("time"), {},
                      fixed ? file.read_level(variable, fixed->dimension, fixed->index) : file.read(variable)};
        for (double& t : part.time) {
            if (std::isnan(t)) throw std::runtime_error(path + ": variable 'time' has missing values");
            t = axis->convert_from(t, file_time);
        }
        part.bounds = read_time_bounds(file, part.time.size());
        for (double& b : part.bounds) b = axis->convert_from(b, file_time);
        parts.push_back(std::move(part));
    }

    std::vector<StepRef> steps;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        for (std::size_t s = 0; s < parts[p].time.size(); ++s) steps.push_back({parts[p].time[s], p, s});
    }
    std::stable_sort(steps.begin(), steps.end(), [](const StepRef& a, const StepRef& b) { return a.time < b.time; });

    // Time stamps closer than one second are the same step (files may use different units).
    const double tolerance = 1.0 / seconds_per_unit(axis->units().unit);
    const std::size_t cells = field.cell_count();
    // One file with ascending, distinct steps (the common case): its arrays are the field's, not copied.
    bool one_ordered_file = parts.size() == 1;
    for (std::size_t s = 1; one_ordered_file && s < parts.front().time.size(); ++s)
        one_ordered_file = parts.front().time[s] - parts.front().time[s - 1] > tolerance;
    if (one_ordered_file) {
        FilePart& only = parts.front();
        field.time = std::move(only.time);
        field.time_bounds = only.bounds.empty() ? std::vector<double>(2 * field.time.size(), NAN) : std::move(only.bounds);
        field.data = std::move(only.data);
        steps.clear();
    }
    field.data.reserve(steps.size() * cells);
    for (std::size_t i = 0; i < steps.size();) {
        const StepRef& first = steps[i];
        const auto first_values = std::span<const double>(parts[first.part].data).subspan(first.step * cells, cells);
        const std::size_t row = field.time.size();
        field.time.push_back(first.time);
        if (!parts[first.part].bounds.empty()) {
            field.time_bounds.push_back(parts[first.part].bounds[2 * first.step]);
            field.time_bounds.push_back(parts[first.part].bounds[2 * first.step + 1]);
        } else {
            field.time_bounds.push_back(NAN);
            field.time_bounds.push_back(NAN);
        }
        field.data.insert(field.data.end(), first_values.begin(), first_values.end());
        std::size_t j = i + 1;
        for (; j < steps.size() && steps[j].time - first.time <= tolerance; ++j) {
            const auto other = std::span<const double>(parts[steps[j].part].data).subspan(steps[j].step * cells, cells);
            for (std::size_t c = 0; c < cells; ++c) {
                double& merged = field.data[row * cells + c];
                if (std::isnan(merged)) {
                    merged = other[c];
                } else if (!std::isnan(other[c]) && !same_value(merged, other[c])) {
                    throw std::runtime_error("files " + parts[first.part].path + " and " + parts[steps[j].part].path +
                                             " hold different values of '" + variable + "' for the same time step " +
                                             format_datetime(axis->decode(first.time)));
                }
            }
        }
        i = j;
    }
    fill_missing_bounds(field.time, field.time_bounds);
    field.dates.reserve(field.time.size());
    for (const double t : field.time) field.dates.push_back(axis->decode(t));
    return field;
}

}  // namespace ref::science
