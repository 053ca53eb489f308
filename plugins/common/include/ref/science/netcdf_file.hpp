#pragma once

// Read-only access to one netCDF file. Every error names the file, the variable
// (or attribute) involved and netCDF's own explanation.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ref::science {

class NetcdfError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Dimension {
    std::string name;
    std::size_t size = 0;
};

class NetcdfFile {
public:
    // Throws NetcdfError when the file is missing or is not a netCDF file.
    explicit NetcdfFile(std::string path);
    ~NetcdfFile();
    NetcdfFile(NetcdfFile&& other) noexcept;
    NetcdfFile& operator=(NetcdfFile&& other) noexcept;
    NetcdfFile(const NetcdfFile&) = delete;
    NetcdfFile& operator=(const NetcdfFile&) = delete;

    const std::string& path() const { return path_; }

    bool has_variable(const std::string& variable) const;
    std::vector<std::string> variable_names() const;
    std::vector<Dimension> dimensions(const std::string& variable) const;

    // Attributes of a variable; pass an empty variable name for global attributes.
    // nullopt when absent; NetcdfError when present with the wrong kind (text vs numbers).
    std::vector<std::string> attribute_names(const std::string& variable) const;
    std::optional<std::string> string_attribute(const std::string& variable, const std::string& name) const;
    std::optional<double> numeric_attribute(const std::string& variable, const std::string& name) const;
    std::vector<double> numeric_attribute_values(const std::string& variable, const std::string& name) const;

    // All values in C order, with _FillValue/missing_value mapped to NaN and
    // scale_factor/add_offset applied.
    std::vector<double> read(const std::string& variable) const;

    // The block of `count` values per dimension from `start` (C order), with the same
    // missing-value and scaling rules as read(). NetcdfError when the rank differs or the
    // block reaches past a dimension's end.
    std::vector<double> read(const std::string& variable, const std::vector<std::size_t>& start,
                             const std::vector<std::size_t>& count) const;

    // Every value at index `index` of dimension number `dimension` (that dimension dropped),
    // e.g. one depth level of (time, depth, lat, lon).
    std::vector<double> read_level(const std::string& variable, std::size_t dimension, std::size_t index) const;

private:
    int variable_id(const std::string& variable) const;
    int attribute_owner(const std::string& variable) const;
    // Fill values to NaN, then scale_factor/add_offset.
    void unpack(const std::string& variable, std::vector<double>& values) const;
    [[noreturn]] void fail(const std::string& what, int status) const;

    std::string path_;
    int ncid_ = -1;
};

}  // namespace ref::science
