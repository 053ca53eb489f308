// Header-only reads: attributes, the vertical dimension and the time range. netCDF-4 files are
// read through the HDF5 C API (Hdf5Reader) and everything else, or whatever that reader does
// not handle, through netCDF-C (NetcdfReader). Either way only the variables asked about (the
// data variable and "time") are touched, and only two time values are read.
#include "catalog/detail.hpp"
#include "catalog/header_readers.hpp"

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

// netCDF-C and HDF5 are not thread-safe; parsers may run on several threads. Recursive: the
// public reads call one another.
std::recursive_mutex& library_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

// Whole numbers print without a fraction (integer attributes come back as doubles).
std::string number_text(double value) {
    char buffer[64];
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
        return std::string(buffer, r.ptr);
    }
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, r.ptr);
}

// Numbers are read as their text, as the REF stores them in text columns.
std::optional<std::string> text_of(const std::optional<HeaderAttribute>& value) {
    if (!value) return std::nullopt;
    if (value->is_text) return value->text;
    std::string text;
    for (const double v : value->numbers) {
        if (!text.empty()) text += ' ';
        text += number_text(v);
    }
    return text;
}

constexpr std::array<const char*, 7> kVerticalNames = {"lev", "plev", "olevel", "height", "depth", "level", "altitude"};

std::string attribute_what(const std::string& variable, const std::string& name) {
    return (variable.empty() ? "global" : "variable '" + variable + "':") + " attribute '" + name + "'";
}

}  // namespace

// ---- NetcdfReader ----

NetcdfReader::NetcdfReader(const std::string& path) : path_(path) {
    if (const int status = nc_open(path_.c_str(), NC_NOWRITE, &ncid_); status != NC_NOERR) {
        ncid_ = -1;
        throw std::runtime_error(path_ + ": cannot open as netCDF: " + nc_strerror(status));
    }
}

NetcdfReader::~NetcdfReader() { nc_close(ncid_); }

void NetcdfReader::fail(const std::string& what, int status) const {
    throw std::runtime_error(path_ + ": " + what + ": " + nc_strerror(status));
}

int NetcdfReader::variable_id(const std::string& name) const {
    int id = -1;
    return nc_inq_varid(ncid_, name.c_str(), &id) == NC_NOERR ? id : -1;
}

bool NetcdfReader::has_variable(const std::string& name) { return variable_id(name) >= 0; }

std::optional<HeaderAttribute> NetcdfReader::attribute(const std::string& variable, const std::string& name) {
    int owner = NC_GLOBAL;
    if (!variable.empty() && (owner = variable_id(variable)) < 0) return std::nullopt;
    const std::string what = attribute_what(variable, name);
    nc_type type = NC_NAT;
    std::size_t length = 0;
    const int status = nc_inq_att(ncid_, owner, name.c_str(), &type, &length);
    if (status == NC_ENOTATT) return std::nullopt;
    if (status != NC_NOERR) fail(what, status);

    HeaderAttribute out;
    if (type == NC_CHAR) {
        out.is_text = true;
        out.text.assign(length, '\0');
        if (length > 0) {
            if (const int s = nc_get_att_text(ncid_, owner, name.c_str(), out.text.data()); s != NC_NOERR) fail(what, s);
        }
        // Some writers include the C terminator in the stored length.
        while (!out.text.empty() && out.text.back() == '\0') out.text.pop_back();
        return out;
    }
    if (type == NC_STRING && length >= 1) {
        std::vector<char*> values(length, nullptr);
        if (const int s = nc_get_att_string(ncid_, owner, name.c_str(), values.data()); s != NC_NOERR) fail(what, s);
        out.is_text = true;
        out.text = values[0] ? values[0] : "";
        nc_free_string(length, values.data());
        return out;
    }
    if (type == NC_STRING || type > NC_STRING) throw std::runtime_error(path_ + ": " + what + " is not numeric");
    out.numbers.resize(length);
    if (length > 0) {
        if (const int s = nc_get_att_double(ncid_, owner, name.c_str(), out.numbers.data()); s != NC_NOERR) fail(what, s);
    }
    return out;
}

// Whether a variable of the root group uses the dimension. The coordinate variable of the
// same name answers without touching the others (each one touched loads its metadata).
bool NetcdfReader::dimension_in_use(int dimension, const char* name) const {
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

std::optional<std::size_t> NetcdfReader::used_dimension_length(const char* name) {
    int dimension = -1;
    if (nc_inq_dimid(ncid_, name, &dimension) != NC_NOERR || !dimension_in_use(dimension, name)) return std::nullopt;
    std::size_t size = 0;
    if (const int status = nc_inq_dimlen(ncid_, dimension, &size); status != NC_NOERR) fail("dimension", status);
    return size;
}

std::vector<std::size_t> NetcdfReader::shape(const std::string& name) {
    const std::string what = "variable '" + name + "'";
    const int variable = variable_id(name);
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

double NetcdfReader::value(const std::string& name, const std::vector<std::size_t>& index) {
    double out = 0.0;
    if (const int status = nc_get_var1_double(ncid_, variable_id(name), index.data(), &out); status != NC_NOERR) {
        fail("variable '" + name + "'", status);
    }
    return out;
}

// ---- NetcdfHeader ----

NetcdfHeader::NetcdfHeader(const std::string& file, Reader reader) : path_(file) {
    const std::lock_guard lock(library_mutex());
    if (reader == Reader::fastest && Hdf5Reader::has_signature(path_)) {
        try {
            hdf5_ = std::make_unique<Hdf5Reader>(path_);
            return;
        } catch (const Hdf5Reader::Unsupported&) {
            // netCDF-C opens it or says why it cannot.
        }
    }
    netcdf_ = std::make_unique<NetcdfReader>(path_);
}

NetcdfHeader::~NetcdfHeader() {
    const std::lock_guard lock(library_mutex());
    hdf5_.reset();
    netcdf_.reset();
}

bool NetcdfHeader::reads_through_hdf5() const {
    const std::lock_guard lock(library_mutex());
    return hdf5_ != nullptr;
}

// Runs a read on the HDF5 reader while it handles the file; when it meets something it does
// not, the file is closed there and the read (and every later one) runs on netCDF-C, which
// also gives the error for a bad file.
template <typename Read>
auto NetcdfHeader::read(Read&& read_with) const {
    const std::lock_guard lock(library_mutex());
    if (hdf5_) {
        try {
            return read_with(*hdf5_);
        } catch (const Hdf5Reader::Unsupported&) {
            hdf5_.reset();
        }
    }
    if (!netcdf_) netcdf_ = std::make_unique<NetcdfReader>(path_);  // throws again for a bad file
    return read_with(*netcdf_);
}

std::optional<std::string> NetcdfHeader::global(const std::string& name) const { return attribute("", name); }

std::optional<std::string> NetcdfHeader::attribute(const std::string& variable, const std::string& name) const {
    return text_of(read([&](auto& reader) { return reader.attribute(variable, name); }));
}

int64_t NetcdfHeader::vertical_levels() const {
    return read([](auto& reader) -> int64_t {
        for (const char* name : kVerticalNames) {
            if (const auto length = reader.used_dimension_length(name)) return static_cast<int64_t>(*length);
        }
        return 1;
    });
}

namespace {

struct RawTime {
    bool has_variable = false;
    std::optional<HeaderAttribute> units, calendar;
    std::optional<std::array<double, 2>> values;  // first and last, unless there are none
    std::optional<HeaderAttribute> fill, missing, scale, offset;
};

// The values of a numeric attribute (none when absent); text is an error.
std::vector<double> numbers_of(const std::optional<HeaderAttribute>& value, const std::string& file, const char* name) {
    if (!value) return {};
    if (value->is_text) throw std::runtime_error(file + ": " + attribute_what("time", name) + " is not numeric");
    return value->numbers;
}

}  // namespace

NetcdfHeader::Time NetcdfHeader::time() const {
    const RawTime raw = read([&](auto& reader) {
        RawTime out;
        if (!(out.has_variable = reader.has_variable("time"))) return out;
        out.units = reader.attribute("time", "units");
        out.calendar = reader.attribute("time", "calendar");
        const auto units_text = text_of(out.units);
        if (!units_text || units_text->empty()) return out;
        const auto sizes = reader.shape("time");
        std::vector<std::size_t> first(sizes.size(), 0), last(sizes.size(), 0);
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            if (sizes[i] == 0) return out;  // no values
            last[i] = sizes[i] - 1;
        }
        out.values = std::array<double, 2>{reader.value("time", first), reader.value("time", last)};
        out.fill = reader.attribute("time", "_FillValue");
        out.missing = reader.attribute("time", "missing_value");
        out.scale = reader.attribute("time", "scale_factor");
        out.offset = reader.attribute("time", "add_offset");
        return out;
    });

    Time out;
    if (!raw.has_variable) return out;
    out.units = text_of(raw.units);
    out.calendar = text_of(raw.calendar).value_or("standard");
    if (!raw.values) return out;
    // As a full read would: fill and missing markers (compared before scaling, as CF defines
    // them on packed values) become NaN, then scale_factor and add_offset apply.
    std::vector<double> markers = numbers_of(raw.fill, path_, "_FillValue");
    for (const double v : numbers_of(raw.missing, path_, "missing_value")) markers.push_back(v);
    const auto scale = numbers_of(raw.scale, path_, "scale_factor");
    const auto offset = numbers_of(raw.offset, path_, "add_offset");
    std::array<double, 2> values = *raw.values;
    for (double& v : values) {
        if (std::find(markers.begin(), markers.end(), v) != markers.end()) v = std::nan("");
        if (!std::isnan(v)) v = v * (scale.empty() ? 1.0 : scale.front()) + (offset.empty() ? 0.0 : offset.front());
    }
    if (std::isnan(values[0]) || std::isnan(values[1])) return out;
    const science::CfTime decoder(*out.units, *out.calendar);
    out.start = science::format_datetime(decoder.decode(values[0]));
    out.end = science::format_datetime(decoder.decode(values[1]));
    return out;
}

}  // namespace ref::catalog::detail
