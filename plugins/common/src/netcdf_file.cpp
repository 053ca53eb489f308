#include "ref/science/netcdf_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <hdf5.h>
#include <netcdf.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "hdf5_chunks.hpp"
#include "netcdf_lock.hpp"

namespace ref::science {

using detail::Hdf5Handle;
using detail::NetcdfLock;
using detail::read_chunks_directly;
using detail::netcdf_mutex;

NetcdfFile::NetcdfFile(std::string path) : path_(std::move(path)) {
    NetcdfLock lock(netcdf_mutex());
    const int status = nc_open(path_.c_str(), NC_NOWRITE, &ncid_);
    if (status != NC_NOERR) {
        ncid_ = -1;
        throw NetcdfError(path_ + ": cannot open as netCDF: " + nc_strerror(status));
    }
}

NetcdfFile::~NetcdfFile() {
    if (ncid_ >= 0) {
        NetcdfLock lock(netcdf_mutex());
        nc_close(ncid_);
    }
}

NetcdfFile::NetcdfFile(NetcdfFile&& other) noexcept
    : path_(std::move(other.path_)), ncid_(std::exchange(other.ncid_, -1)) {}

NetcdfFile& NetcdfFile::operator=(NetcdfFile&& other) noexcept {
    if (this != &other) {
        if (ncid_ >= 0) {
            NetcdfLock lock(netcdf_mutex());
            nc_close(ncid_);
        }
        path_ = std::move(other.path_);
        ncid_ = std::exchange(other.ncid_, -1);
    }
    return *this;
}

void NetcdfFile::fail(const std::string& what, int status) const {
    throw NetcdfError(path_ + ": " + what + ": " + nc_strerror(status));
}

int NetcdfFile::variable_id(const std::string& variable) const {
    int varid = -1;
    const int status = nc_inq_varid(ncid_, variable.c_str(), &varid);
    if (status != NC_NOERR) fail("variable '" + variable + "'", status);
    return varid;
}

int NetcdfFile::attribute_owner(const std::string& variable) const {
    return variable.empty() ? NC_GLOBAL : variable_id(variable);
}

bool NetcdfFile::has_variable(const std::string& variable) const {
    NetcdfLock lock(netcdf_mutex());
    int varid = -1;
    return nc_inq_varid(ncid_, variable.c_str(), &varid) == NC_NOERR;
}

std::vector<std::string> NetcdfFile::variable_names() const {
    NetcdfLock lock(netcdf_mutex());
    int count = 0;
    if (const int status = nc_inq_nvars(ncid_, &count); status != NC_NOERR) fail("listing variables", status);
    std::vector<std::string> names;
    for (int varid = 0; varid < count; ++varid) {
        char name[NC_MAX_NAME + 1] = {};
        if (const int status = nc_inq_varname(ncid_, varid, name); status != NC_NOERR) fail("listing variables", status);
        names.emplace_back(name);
    }
    return names;
}

std::vector<Dimension> NetcdfFile::dimensions(const std::string& variable) const {
    NetcdfLock lock(netcdf_mutex());
    const int varid = variable_id(variable);
    int ndims = 0;
    if (const int status = nc_inq_varndims(ncid_, varid, &ndims); status != NC_NOERR) {
        fail("variable '" + variable + "'", status);
    }
    std::vector<int> dimids(static_cast<std::size_t>(ndims));
    if (ndims > 0) {
        if (const int status = nc_inq_vardimid(ncid_, varid, dimids.data()); status != NC_NOERR) {
            fail("variable '" + variable + "'", status);
        }
    }
    std::vector<Dimension> out;
    for (const int dimid : dimids) {
        char name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        if (const int status = nc_inq_dim(ncid_, dimid, name, &length); status != NC_NOERR) {
            fail("variable '" + variable + "': dimension", status);
        }
        out.push_back(Dimension{name, length});
    }
    return out;
}

std::vector<std::string> NetcdfFile::attribute_names(const std::string& variable) const {
    NetcdfLock lock(netcdf_mutex());
    const int owner = attribute_owner(variable);
    int count = 0;
    if (const int status = nc_inq_varnatts(ncid_, owner, &count); status != NC_NOERR) {
        fail(variable.empty() ? "global attributes" : "variable '" + variable + "'", status);
    }
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
        char name[NC_MAX_NAME + 1] = {};
        if (const int status = nc_inq_attname(ncid_, owner, i, name); status != NC_NOERR) {
            fail("attribute names", status);
        }
        names.emplace_back(name);
    }
    return names;
}

std::optional<std::string> NetcdfFile::string_attribute(const std::string& variable, const std::string& name) const {
    NetcdfLock lock(netcdf_mutex());
    const int owner = attribute_owner(variable);
    const std::string what = (variable.empty() ? "global" : "variable '" + variable + "':") + " attribute '" + name + "'";
    nc_type type = NC_NAT;
    std::size_t length = 0;
    const int status = nc_inq_att(ncid_, owner, name.c_str(), &type, &length);
    if (status == NC_ENOTATT) return std::nullopt;
    if (status != NC_NOERR) fail(what, status);
    if (type == NC_CHAR) {
        std::string text(length, '\0');
        if (length > 0) {
            if (const int s = nc_get_att_text(ncid_, owner, name.c_str(), text.data()); s != NC_NOERR) fail(what, s);
        }
        // Some writers include the C terminator in the stored length.
        while (!text.empty() && text.back() == '\0') text.pop_back();
        return text;
    }
    if (type == NC_STRING && length >= 1) {
        std::vector<char*> values(length, nullptr);
        if (const int s = nc_get_att_string(ncid_, owner, name.c_str(), values.data()); s != NC_NOERR) fail(what, s);
        std::string text = values[0] ? values[0] : "";
        nc_free_string(length, values.data());
        return text;
    }
    throw NetcdfError(path_ + ": " + what + " is not text");
}

std::vector<double> NetcdfFile::numeric_attribute_values(const std::string& variable, const std::string& name) const {
    NetcdfLock lock(netcdf_mutex());
    const int owner = attribute_owner(variable);
    const std::string what = (variable.empty() ? "global" : "variable '" + variable + "':") + " attribute '" + name + "'";
    nc_type type = NC_NAT;
    std::size_t length = 0;
    const int status = nc_inq_att(ncid_, owner, name.c_str(), &type, &length);
    if (status == NC_ENOTATT) return {};
    if (status != NC_NOERR) fail(what, status);
    if (type == NC_CHAR || type == NC_STRING || type > NC_STRING) throw NetcdfError(path_ + ": " + what + " is not numeric");
    std::vector<double> values(length);
    if (length > 0) {
        if (const int s = nc_get_att_double(ncid_, owner, name.c_str(), values.data()); s != NC_NOERR) fail(what, s);
    }
    return values;
}

std::optional<double> NetcdfFile::numeric_attribute(const std::string& variable, const std::string& name) const {
    const auto values = numeric_attribute_values(variable, name);
    if (values.empty()) return std::nullopt;
    return values.front();
}

namespace {

// A netCDF-4 file is an HDF5 file whose variables are datasets of the same name. Reading one
// through HDF5 itself skips netCDF's bookkeeping for every chunk, two to three times faster
// for the one-time-step chunks CMOR writes. The file is already open in this HDF5 library, so
// opening it again shares that state. Returns false on anything unexpected (names netCDF
// mangles, groups, a different shape), and the caller reads through netCDF as before.
// `start`/`count` select a block (empty: everything); `shape` is the variable's shape in netCDF.
bool read_through_hdf5(const std::string& path, const std::string& variable, const std::vector<std::size_t>& shape,
                       const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                       std::vector<double>& values) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // failures are answered by the fallback
    const Hdf5Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    if (file.id < 0) return false;
    const Hdf5Handle dataset{H5Dopen2(file.id, variable.c_str(), H5P_DEFAULT), H5Dclose};
    if (dataset.id < 0) return false;
    const Hdf5Handle space{H5Dget_space(dataset.id), H5Sclose};
    if (space.id < 0) return false;
    const Hdf5Handle type{H5Dget_type(dataset.id), H5Tclose};
    if (type.id < 0 || (H5Tget_class(type.id) != H5T_FLOAT && H5Tget_class(type.id) != H5T_INTEGER)) return false;
    if (start.empty()) {
        if (H5Sget_simple_extent_npoints(space.id) != static_cast<hssize_t>(values.size())) return false;
        // Many small chunks: their bytes are decoded here; everything else, or any surprise, goes
        // through H5Dread, which overwrites whatever a partial attempt left behind.
        if (read_chunks_directly(dataset.id, values)) return true;
        return H5Dread(dataset.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
    }
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 1 || static_cast<std::size_t>(rank) != shape.size()) return false;
    std::vector<hsize_t> extent(shape.size()), first(start.begin(), start.end()), block(count.begin(), count.end());
    if (H5Sget_simple_extent_dims(space.id, extent.data(), nullptr) != rank) return false;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (extent[d] != shape[d]) return false;
    }
    if (H5Sselect_hyperslab(space.id, H5S_SELECT_SET, first.data(), nullptr, block.data(), nullptr) < 0) return false;
    const Hdf5Handle memory{H5Screate_simple(rank, block.data(), nullptr), H5Sclose};
    if (memory.id < 0) return false;
    return H5Dread(dataset.id, H5T_NATIVE_DOUBLE, memory.id, space.id, H5P_DEFAULT, values.data()) >= 0;
}

// Whole fields are hundreds of MB: backing them with 2 MB pages, where the system allows it on
// request, saves most of the page faults of first touching them (a large share of a read).
void advise_huge_pages([[maybe_unused]] void* data, [[maybe_unused]] std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    if (bytes < 4 * huge) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1), last = (begin + bytes) & ~(huge - 1);
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice only
#endif
}

}  // namespace

std::vector<double> NetcdfFile::read(const std::string& variable) const {
    return read(variable, {}, {});
}

std::vector<double> NetcdfFile::read(const std::string& variable, const std::vector<std::size_t>& start,
                                     const std::vector<std::size_t>& count) const {
    NetcdfLock lock(netcdf_mutex());
    const auto dims = dimensions(variable);
    std::vector<std::size_t> shape;
    for (const auto& dim : dims) shape.push_back(dim.size);
    const bool whole = start.empty() && count.empty();
    if (!whole) {
        if (start.size() != shape.size() || count.size() != shape.size()) {
            throw NetcdfError(path_ + ": variable '" + variable + "' has " + std::to_string(shape.size()) +
                              " dimensions, but a block of " + std::to_string(start.size()) + " starts and " +
                              std::to_string(count.size()) + " counts was asked for");
        }
        for (std::size_t d = 0; d < shape.size(); ++d) {
            if (start[d] > shape[d] || count[d] > shape[d] - start[d]) {
                throw NetcdfError(path_ + ": variable '" + variable + "': dimension '" + dims[d].name + "' has " +
                                  std::to_string(shape[d]) + " values, but values " + std::to_string(start[d]) +
                                  " to " + std::to_string(start[d] + count[d]) + " (exclusive) were asked for");
            }
        }
    }
    std::size_t total = 1;
    for (const std::size_t n : whole ? shape : count) total *= n;
    const int varid = variable_id(variable);
    std::vector<double> values;
    values.reserve(total);
    advise_huge_pages(values.data(), total * sizeof(double));
    values.resize(total);
    int format = 0;
    const bool hdf5 = nc_inq_format(ncid_, &format) == NC_NOERR &&
                      (format == NC_FORMAT_NETCDF4 || format == NC_FORMAT_NETCDF4_CLASSIC);
    if (total > 0 && !(hdf5 && read_through_hdf5(path_, variable, shape, start, count, values))) {
        const int status = whole ? nc_get_var_double(ncid_, varid, values.data())
                                 : nc_get_vara_double(ncid_, varid, start.data(), count.data(), values.data());
        if (status != NC_NOERR) fail("variable '" + variable + "'", status);
    }
    unpack(variable, values);
    return values;
}

std::vector<double> NetcdfFile::read_level(const std::string& variable, std::size_t dimension,
                                           std::size_t index) const {
    NetcdfLock lock(netcdf_mutex());
    const auto dims = dimensions(variable);
    if (dimension >= dims.size()) {
        throw NetcdfError(path_ + ": variable '" + variable + "' has " + std::to_string(dims.size()) +
                          " dimensions, so it has no dimension number " + std::to_string(dimension));
    }
    std::vector<std::size_t> start(dims.size(), 0), count;
    for (const auto& dim : dims) count.push_back(dim.size);
    start[dimension] = index;
    count[dimension] = 1;
    return read(variable, start, count);
}

void NetcdfFile::unpack(const std::string& variable, std::vector<double>& values) const {
    // Compare against the markers before scaling, as CF defines them on packed values.
    std::vector<double> missing = numeric_attribute_values(variable, "_FillValue");
    for (const double v : numeric_attribute_values(variable, "missing_value")) missing.push_back(v);
    const double scale = numeric_attribute(variable, "scale_factor").value_or(1.0);
    const double offset = numeric_attribute(variable, "add_offset").value_or(0.0);
    // std::nan("") parses its argument on every call: a constant keeps masked fields cheap to read.
    constexpr double missing_value = std::numeric_limits<double>::quiet_NaN();
    const bool scaled = scale != 1.0 || offset != 0.0;
    // CMOR writes the same marker as _FillValue and missing_value; a NaN marker matches nothing.
    std::erase_if(missing, [](double marker) { return std::isnan(marker); });
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    if (!scaled && missing.size() <= 1) {
        // The common case as a loop without branches, which the compiler vectorises.
        if (missing.empty()) return;
        const double marker = missing.front();
        for (double& v : values) v = v == marker ? missing_value : v;
        return;
    }
    for (double& v : values) {
        for (const double marker : missing) {
            if (v == marker) v = missing_value;
        }
        if (scaled && !std::isnan(v)) v = v * scale + offset;
    }
}

}  // namespace ref::science
