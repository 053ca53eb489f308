// The header reads of the complete parser straight through the HDF5 C API, for netCDF-4 files.
// It mirrors what netCDF-C reports for the same file (netCDF-4 data model on HDF5: variables
// and dimensions are datasets of the group, dimensions are dimension scales, NC_CHAR attributes
// are scalar fixed-length strings, NC_STRING ones variable-length strings). Anything outside
// that throws Unsupported so that netCDF-C answers instead.
#include "catalog/header_readers.hpp"

#include <hdf5.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace ref::catalog::detail {

static_assert(std::is_same_v<hid_t, int64_t>, "identifiers are kept as int64_t outside this file");

namespace {

using Unsupported = Hdf5Reader::Unsupported;

hid_t checked_id(hid_t id) {
    if (id < 0) throw Unsupported{};
    return id;
}

void checked(herr_t status) {
    if (status < 0) throw Unsupported{};
}

bool checked_bool(htri_t answer) {
    if (answer < 0) throw Unsupported{};
    return answer > 0;
}

// Closes an HDF5 identifier when it goes out of scope.
class Handle {
public:
    Handle(hid_t id, herr_t (*close)(hid_t)) : id_(checked_id(id)), close_(close) {}
    ~Handle() { close_(id_); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    operator hid_t() const { return id_; }  // NOLINT: used as the identifier it wraps

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

// Once per process: HDF5 must not print its error stack (a failure here is answered by the
// netCDF-C path), and one file access property list serves every open.
hid_t file_access() {
    static const hid_t list = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t id = H5Pcreate(H5P_FILE_ACCESS);
        // The default close degree, so that netCDF-C can open the same file after a fallback.
        if (id >= 0) H5Pset_libver_bounds(id, H5F_LIBVER_EARLIEST, H5F_LIBVER_LATEST);
        return id;
    }();
    return list;
}

// Attributes that netCDF-C hides or computes instead of reporting what is stored.
bool reserved_by_netcdf(const std::string& name) {
    static constexpr std::array<std::string_view, 4> kHidden = {"CLASS", "DIMENSION_LIST", "NAME", "REFERENCE_LIST"};
    if (std::find(kHidden.begin(), kHidden.end(), name) != kHidden.end()) return true;
    return name.starts_with('_') && name != "_FillValue";
}

// The numeric types netCDF-C maps to its atomic types.
bool is_netcdf_number(hid_t type) {
    const H5T_class_t type_class = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    if (type_class == H5T_INTEGER) return size == 1 || size == 2 || size == 4 || size == 8;
    if (type_class == H5T_FLOAT) return size == 4 || size == 8;
    return false;
}

// The attribute as netCDF-C reports it; nullopt when absent. No check for reserved names.
std::optional<HeaderAttribute> read_attribute(hid_t object, const char* name) {
    if (!checked_bool(H5Aexists(object, name))) return std::nullopt;
    const Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    const Handle type(H5Aget_type(attribute), H5Tclose);
    const Handle space(H5Aget_space(attribute), H5Sclose);
    const H5S_class_t space_class = H5Sget_simple_extent_type(space);
    if (space_class == H5S_NO_CLASS) throw Unsupported{};
    const hssize_t points = space_class == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space);
    if (points < 0) throw Unsupported{};

    HeaderAttribute out;
    if (H5Tget_class(type) == H5T_STRING) {
        out.is_text = true;
        if (checked_bool(H5Tis_variable_str(type))) {  // NC_STRING: the first value
            if (points < 1) throw Unsupported{};
            const Handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
            checked(H5Tset_size(memory_type, H5T_VARIABLE));
            checked(H5Tset_cset(memory_type, H5Tget_cset(type)));
            std::vector<char*> values(static_cast<std::size_t>(points), nullptr);
            checked(H5Aread(attribute, memory_type, values.data()));
            out.text = values[0] ? values[0] : "";
            H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, values.data());
            return out;
        }
        // NC_CHAR is a scalar fixed-length string (empty: no dataspace); arrays of them
        // netCDF-C reads otherwise.
        if (space_class == H5S_NULL) return out;
        if (space_class != H5S_SCALAR) throw Unsupported{};
        out.text.assign(H5Tget_size(type), '\0');
        if (!out.text.empty()) checked(H5Aread(attribute, type, out.text.data()));
        // Some writers include the C terminator in the stored length.
        while (!out.text.empty() && out.text.back() == '\0') out.text.pop_back();
        return out;
    }
    if (!is_netcdf_number(type)) throw Unsupported{};
    out.numbers.resize(static_cast<std::size_t>(points));
    if (points > 0) checked(H5Aread(attribute, H5T_NATIVE_DOUBLE, out.numbers.data()));
    return out;
}

// A fixed- or variable-length text attribute, or nullopt.
std::optional<std::string> text_attribute(hid_t object, const char* name) {
    const auto value = read_attribute(object, name);
    if (!value || !value->is_text) return std::nullopt;
    return value->text;
}

bool is_dimension_scale(hid_t dataset) { return text_attribute(dataset, "CLASS") == "DIMENSION_SCALE"; }

// netCDF-4 stores a dimension without a coordinate variable as a scale with this name.
bool is_bare_dimension(hid_t dataset) {
    const auto name = text_attribute(dataset, "NAME");
    return name && name->starts_with("This is a netCDF dimension but not a netCDF variable");
}

struct Extent {
    std::vector<hsize_t> current, maximum;
};

Extent extent_of(hid_t dataset) {
    const Handle space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) throw Unsupported{};
    Extent out{std::vector<hsize_t>(static_cast<std::size_t>(rank)), std::vector<hsize_t>(static_cast<std::size_t>(rank))};
    if (rank > 0) checked(H5Sget_simple_extent_dims(space, out.current.data(), out.maximum.data()));
    return out;
}

// One entry of a dimension scale's REFERENCE_LIST: a dataset using the scale, and which of its
// dimensions does.
struct ScaleUser {
    hobj_ref_t dataset;
    int dimension;
};

}  // namespace

bool Hdf5Reader::has_signature(const std::string& path) {
    static constexpr std::array<unsigned char, 8> kSignature = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    std::array<unsigned char, 8> start{};
    const bool matches = ::pread(fd, start.data(), start.size(), 0) == static_cast<ssize_t>(start.size()) && start == kSignature;
    ::close(fd);
    return matches;
}

Hdf5Reader::Hdf5Reader(const std::string& path) {
    const hid_t access = checked_id(file_access());
    file_ = checked_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access));
    root_ = H5Gopen2(file_, "/", H5P_DEFAULT);
    if (root_ < 0) {
        H5Fclose(file_);
        throw Unsupported{};
    }
}

Hdf5Reader::~Hdf5Reader() {
    for (const auto& entry : datasets_) {
        if (entry.second >= 0) H5Dclose(entry.second);
    }
    H5Gclose(root_);
    H5Fclose(file_);
}

int64_t Hdf5Reader::dataset(const std::string& name) {
    for (const auto& [known, id] : datasets_) {
        if (known == name) return id;
    }
    // Names netCDF would refuse, or that HDF5 would read as paths.
    if (name.empty() || name == "." || name.find('/') != std::string::npos) throw Unsupported{};
    hid_t id = -1;
    if (checked_bool(H5Lexists(root_, name.c_str(), H5P_DEFAULT))) {
        id = checked_id(H5Dopen2(root_, name.c_str(), H5P_DEFAULT));  // a group or type: netCDF-C decides
    }
    datasets_.emplace_back(name, id);
    return id;
}

int64_t Hdf5Reader::variable(const std::string& name) {
    const hid_t id = dataset(name);
    // A bare dimension of that name means the variable, if any, is stored under another name.
    if (id >= 0 && is_bare_dimension(id)) throw Unsupported{};
    return id;
}

// netCDF-C gives an unlimited dimension the largest length of the variables using it.
std::size_t Hdf5Reader::dimension_length(int64_t scale) {
    const Extent extent = extent_of(scale);
    if (extent.current.empty()) throw Unsupported{};
    hsize_t length = extent.current[0];
    if (extent.maximum[0] != H5S_UNLIMITED || !checked_bool(H5Aexists(scale, "REFERENCE_LIST"))) return length;

    const Handle attribute(H5Aopen(scale, "REFERENCE_LIST", H5P_DEFAULT), H5Aclose);
    const Handle space(H5Aget_space(attribute), H5Sclose);
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 0) throw Unsupported{};
    const Handle memory_type(H5Tcreate(H5T_COMPOUND, sizeof(ScaleUser)), H5Tclose);
    checked(H5Tinsert(memory_type, "dataset", HOFFSET(ScaleUser, dataset), H5T_STD_REF_OBJ));
    checked(H5Tinsert(memory_type, "dimension", HOFFSET(ScaleUser, dimension), H5T_NATIVE_INT));
    std::vector<ScaleUser> users(static_cast<std::size_t>(count));
    if (count > 0) checked(H5Aread(attribute, memory_type, users.data()));
    for (auto& user : users) {
        const Handle other(H5Rdereference2(scale, H5P_DEFAULT, H5R_OBJECT, &user.dataset), H5Oclose);
        const Extent other_extent = extent_of(other);
        if (user.dimension < 0 || static_cast<std::size_t>(user.dimension) >= other_extent.current.size()) throw Unsupported{};
        length = std::max(length, other_extent.current[static_cast<std::size_t>(user.dimension)]);
    }
    return length;
}

bool Hdf5Reader::has_variable(const std::string& name) { return variable(name) >= 0; }

std::optional<HeaderAttribute> Hdf5Reader::attribute(const std::string& variable_name, const std::string& name) {
    if (reserved_by_netcdf(name)) throw Unsupported{};
    hid_t owner = root_;
    if (!variable_name.empty() && (owner = variable(variable_name)) < 0) return std::nullopt;
    return read_attribute(owner, name.c_str());
}

std::optional<std::size_t> Hdf5Reader::used_dimension_length(const char* name) {
    const hid_t id = dataset(name);
    if (id < 0 || !is_dimension_scale(id)) return std::nullopt;  // not a netCDF dimension
    // Whether some variable uses a bare dimension needs every variable's dimensions.
    if (is_bare_dimension(id)) throw Unsupported{};
    return dimension_length(id);  // its coordinate variable uses it
}

std::vector<std::size_t> Hdf5Reader::shape(const std::string& name) {
    const hid_t id = variable(name);
    if (id < 0) throw Unsupported{};
    const Extent extent = extent_of(id);
    std::vector<std::size_t> sizes(extent.current.begin(), extent.current.end());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (extent.maximum[i] != H5S_UNLIMITED) continue;  // a fixed dimension has the variable's length
        // Only a coordinate variable says which unlimited dimension it lies on; past the end of
        // its own values netCDF-C reads fill values, which this reader leaves to it.
        if (sizes.size() != 1 || !is_dimension_scale(id) || dimension_length(id) != sizes[0]) throw Unsupported{};
    }
    return sizes;
}

double Hdf5Reader::value(const std::string& name, const std::vector<std::size_t>& index) {
    const hid_t id = variable(name);
    if (id < 0) throw Unsupported{};
    {
        const Handle type(H5Dget_type(id), H5Tclose);
        if (!is_netcdf_number(type)) throw Unsupported{};  // netCDF-C reports text and user types
    }
    const Handle file_space(H5Dget_space(id), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(file_space);
    if (rank < 0 || static_cast<std::size_t>(rank) != index.size()) throw Unsupported{};
    if (rank > 0) {
        const std::vector<hsize_t> start(index.begin(), index.end());
        const std::vector<hsize_t> count(index.size(), 1);
        checked(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr));
    }
    const Handle memory_space(H5Screate(H5S_SCALAR), H5Sclose);
    double out = 0.0;
    checked(H5Dread(id, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, &out));
    return out;
}

}  // namespace ref::catalog::detail
