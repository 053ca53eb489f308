// Private to engine/catalog: the two ways NetcdfHeader (netcdf_header.cpp) reads a file. Both
// answer the same questions by name; NetcdfHeader builds its results from the answers, so the
// two cannot differ in how values are formatted or decoded. Callers hold the library lock
// (netCDF-C and HDF5 are not thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ref::catalog::detail {

// An attribute's value: text (NC_CHAR, or the first NC_STRING) or numbers.
struct HeaderAttribute {
    bool is_text = false;
    std::string text;
    std::vector<double> numbers;
};

// Through netCDF-C: handles every netCDF format. Errors throw std::runtime_error "<file>: ...".
class NetcdfReader {
public:
    explicit NetcdfReader(const std::string& path);
    ~NetcdfReader();
    NetcdfReader(const NetcdfReader&) = delete;
    NetcdfReader& operator=(const NetcdfReader&) = delete;

    bool has_variable(const std::string& name);
    // "" is the global attributes; nullopt when the variable or the attribute is absent.
    std::optional<HeaderAttribute> attribute(const std::string& variable, const std::string& name);
    // The length of the root group's dimension `name` when some variable uses it.
    std::optional<std::size_t> used_dimension_length(const char* name);
    std::vector<std::size_t> shape(const std::string& variable);  // dimension lengths
    double value(const std::string& variable, const std::vector<std::size_t>& index);

private:
    int variable_id(const std::string& name) const;  // -1 when absent
    bool dimension_in_use(int dimension, const char* name) const;
    [[noreturn]] void fail(const std::string& what, int status) const;

    std::string path_;
    int ncid_ = -1;
};

// Through the HDF5 C API, for netCDF-4 files: it reads only the objects asked about, where
// nc_open builds netCDF's whole metadata model and touching a variable loads its chunking,
// filters and dimension scales. It handles what CMIP-style files contain; whatever else it
// meets (any HDF5 error, types netCDF maps specially, dimensions without a coordinate
// variable, ...) throws Unsupported, and NetcdfHeader reads the file through netCDF-C.
class Hdf5Reader {
public:
    struct Unsupported {};

    // Whether the file starts with the HDF5 signature (netCDF-4 files do; netCDF-3 ones do not).
    static bool has_signature(const std::string& path);

    explicit Hdf5Reader(const std::string& path);
    ~Hdf5Reader();
    Hdf5Reader(const Hdf5Reader&) = delete;
    Hdf5Reader& operator=(const Hdf5Reader&) = delete;

    bool has_variable(const std::string& name);
    std::optional<HeaderAttribute> attribute(const std::string& variable, const std::string& name);
    std::optional<std::size_t> used_dimension_length(const char* name);
    std::vector<std::size_t> shape(const std::string& variable);
    double value(const std::string& variable, const std::vector<std::size_t>& index);

private:
    int64_t dataset(const std::string& name);   // -1 when there is no such link; cached
    int64_t variable(const std::string& name);  // -1 when absent; a netCDF variable, not a bare dimension
    std::size_t dimension_length(int64_t scale);

    int64_t file_ = -1;
    int64_t root_ = -1;
    std::vector<std::pair<std::string, int64_t>> datasets_;  // opened datasets by name
};

}  // namespace ref::catalog::detail
