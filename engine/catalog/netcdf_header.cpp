// Header-only reads through netCDF-C: attributes, the vertical dimension and the time range.
// netCDF-4 reads a variable's attributes and metadata the first time the variable is touched,
// so this asks only about the variables it needs (the data variable and "time") and reads two
// time values, not the whole coordinate.
#include "catalog/detail.hpp"

#include "ref/science/cf_time.hpp"

#include <netcdf.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace ref::catalog::detail {

namespace {

// netCDF-C is not thread-safe; parsers may run on several threads. Recursive: the public
// reads call one another.
std::recursive_mutex& netcdf_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

// Whole numbers print without a fraction (netCDF integer attributes come back as doubles).
std::string number_text(double value) {
    char buffer[64];
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
        return std::string(buffer, r.ptr);
    }
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, r.ptr);
}

std::string attribute_what(const std::string& variable, const std::string& name) {
    return (variable.empty() ? "global" : "variable '" + variable + "':") + " attribute '" + name + "'";
}

}  // namespace

NetcdfHeader::NetcdfHeader(const std::string& file) : path_(file) {
    const std::lock_guard lock(netcdf_mutex());
    if (const int status = nc_open(path_.c_str(), NC_NOWRITE, &ncid_); status != NC_NOERR) {
        ncid_ = -1;
        throw std::runtime_error(path_ + ": cannot open as netCDF: " + nc_strerror(status));
    }
}

NetcdfHeader::~NetcdfHeader() {
    const std::lock_guard lock(netcdf_mutex());
    nc_close(ncid_);
}

void NetcdfHeader::fail(const std::string& what, int status) const {
    throw std::runtime_error(path_ + ": " + what + ": " + nc_strerror(status));
}

int NetcdfHeader::variable_id(const char* name) const {
    int id = -1;
    return nc_inq_varid(ncid_, name, &id) == NC_NOERR ? id : -1;
}

std::optional<std::string> NetcdfHeader::global(const std::string& name) const { return attribute("", name); }

std::optional<std::string> NetcdfHeader::attribute(const std::string& variable, const std::string& name) const {
    const std::lock_guard lock(netcdf_mutex());
    int owner = NC_GLOBAL;
    if (!variable.empty() && (owner = variable_id(variable.c_str())) < 0) return std::nullopt;
    nc_type type = NC_NAT;
    std::size_t length = 0;
    const int status = nc_inq_att(ncid_, owner, name.c_str(), &type, &length);
    if (status == NC_ENOTATT) return std::nullopt;
    if (status != NC_NOERR) fail(attribute_what(variable, name), status);

    if (type == NC_CHAR) {
        std::string text(length, '\0');
        if (length > 0) {
            if (const int s = nc_get_att_text(ncid_, owner, name.c_str(), text.data()); s != NC_NOERR) {
                fail(attribute_what(variable, name), s);
            }
        }
        // Some writers include the C terminator in the stored length.
        while (!text.empty() && text.back() == '\0') text.pop_back();
        return text;
    }
    if (type == NC_STRING && length >= 1) {
        std::vector<char*> values(length, nullptr);
        if (const int s = nc_get_att_string(ncid_, owner, name.c_str(), values.data()); s != NC_NOERR) {
            fail(attribute_what(variable, name), s);
        }
        std::string text = values[0] ? values[0] : "";
        nc_free_string(length, values.data());
        return text;
    }
    // Not text: numbers are read as their text, as the REF stores them in text columns.
    std::string text;
    for (const double v : numbers(owner, attribute_what(variable, name), name.c_str())) {
        if (!text.empty()) text += ' ';
        text += number_text(v);
    }
    return text;
}

// The values of a numeric attribute (none when absent); text or user-defined types are an error.
std::vector<double> NetcdfHeader::numbers(int variable, const std::string& what, const char* name) const {
    nc_type type = NC_NAT;
    std::size_t length = 0;
    const int status = nc_inq_att(ncid_, variable, name, &type, &length);
    if (status == NC_ENOTATT) return {};
    if (status != NC_NOERR) fail(what, status);
    if (type == NC_CHAR || type == NC_STRING || type > NC_STRING) throw std::runtime_error(path_ + ": " + what + " is not numeric");
    std::vector<double> values(length);
    if (length > 0) {
        if (const int s = nc_get_att_double(ncid_, variable, name, values.data()); s != NC_NOERR) fail(what, s);
    }
    return values;
}

std::vector<std::size_t> NetcdfHeader::shape(int variable, const char* name) const {
    const std::string what = "variable '" + std::string(name) + "'";
    int count = 0;
    if (const int status = nc_inq_varndims(ncid_, variable, &count); status != NC_NOERR) fail(what, status);
    std::array<int, NC_MAX_VAR_DIMS> dimensions{};
    if (const int status = nc_inq_vardimid(ncid_, variable, dimensions.data()); status != NC_NOERR) fail(what, status);
    std::vector<std::size_t> sizes(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (const int status = nc_inq_dimlen(ncid_, dimensions[i], &sizes[i]); status != NC_NOERR) {
            fail(what + ": dimension", status);
        }
    }
    return sizes;
}

// Whether a variable of the root group uses the dimension. The coordinate variable of the
// same name answers without touching the others (each one touched loads its metadata).
bool NetcdfHeader::dimension_in_use(int dimension, const char* name) const {
    const auto uses = [&](int variable) {
        int count = 0;
        std::array<int, NC_MAX_VAR_DIMS> dimensions{};
        if (const int status = nc_inq_varndims(ncid_, variable, &count); status != NC_NOERR) fail("listing variables", status);
        if (const int status = nc_inq_vardimid(ncid_, variable, dimensions.data()); status != NC_NOERR) {
            fail("listing variables", status);
        }
        return std::find(dimensions.begin(), dimensions.begin() + count, dimension) != dimensions.begin() + count;
    };
    const int coordinate = variable_id(name);
    if (coordinate >= 0 && uses(coordinate)) return true;
    int count = 0;
    if (const int status = nc_inq_nvars(ncid_, &count); status != NC_NOERR) fail("listing variables", status);
    for (int variable = 0; variable < count; ++variable) {
        if (variable != coordinate && uses(variable)) return true;
    }
    return false;
}

int64_t NetcdfHeader::vertical_levels() const {
    const std::lock_guard lock(netcdf_mutex());
    static const std::array<const char*, 7> kNames = {"lev", "plev", "olevel", "height", "depth", "level", "altitude"};
    for (const char* name : kNames) {
        int dimension = -1;
        if (nc_inq_dimid(ncid_, name, &dimension) != NC_NOERR || !dimension_in_use(dimension, name)) continue;
        std::size_t size = 0;
        if (const int status = nc_inq_dimlen(ncid_, dimension, &size); status != NC_NOERR) fail("dimension", status);
        return static_cast<int64_t>(size);
    }
    return 1;
}

NetcdfHeader::Time NetcdfHeader::time() const {
    Time out;
    const std::lock_guard lock(netcdf_mutex());
    const int variable = variable_id("time");
    if (variable < 0) return out;
    out.units = attribute("time", "units");
    out.calendar = attribute("time", "calendar").value_or("standard");
    if (!out.units || out.units->empty()) return out;

    const auto sizes = shape(variable, "time");
    std::vector<std::size_t> first(sizes.size(), 0), last(sizes.size(), 0);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] == 0) return out;  // no values
        last[i] = sizes[i] - 1;
    }
    std::array<double, 2> values{};
    for (std::size_t k = 0; k < 2; ++k) {
        if (const int status = nc_get_var1_double(ncid_, variable, (k == 0 ? first : last).data(), &values[k]);
            status != NC_NOERR) {
            fail("variable 'time'", status);
        }
    }
    // As a full read would: fill and missing markers (compared before scaling, as CF defines
    // them on packed values) become NaN, then scale_factor and add_offset apply.
    std::vector<double> missing = numbers(variable, attribute_what("time", "_FillValue"), "_FillValue");
    for (const double v : numbers(variable, attribute_what("time", "missing_value"), "missing_value")) missing.push_back(v);
    const auto scale = numbers(variable, attribute_what("time", "scale_factor"), "scale_factor");
    const auto offset = numbers(variable, attribute_what("time", "add_offset"), "add_offset");
    for (double& v : values) {
        if (std::find(missing.begin(), missing.end(), v) != missing.end()) v = std::nan("");
        if (!std::isnan(v)) v = v * (scale.empty() ? 1.0 : scale.front()) + (offset.empty() ? 0.0 : offset.front());
    }
    if (std::isnan(values[0]) || std::isnan(values[1])) return out;
    const science::CfTime decoder(*out.units, *out.calendar);
    out.start = science::format_datetime(decoder.decode(values[0]));
    out.end = science::format_datetime(decoder.decode(values[1]));
    return out;
}

}  // namespace ref::catalog::detail
