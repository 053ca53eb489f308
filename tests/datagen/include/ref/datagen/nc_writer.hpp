#pragma once

// Thin RAII helper over netCDF-C for writing test files; every failure names the file and the item.
// NetCDF-4 files leave define mode by themselves, so variables can be defined and written in turn.

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace ref::datagen {

using AttributeValue = std::variant<std::string, double, int>;
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

class NcWriter {
public:
    explicit NcWriter(std::string path);  // creates a NetCDF-4 file, replacing any old one
    ~NcWriter();
    NcWriter(const NcWriter&) = delete;
    NcWriter& operator=(const NcWriter&) = delete;

    int dimension(const std::string& name, std::size_t length, bool unlimited = false);
    int variable(const std::string& name, int type, const std::vector<int>& dims, const Attributes& attributes = {});
    // A float32 variable with _FillValue and missing_value 1e20, compressed like CMOR output.
    int float_variable(const std::string& name, const std::vector<int>& dims, const Attributes& attributes);
    void attributes(int varid, const Attributes& attributes);
    // Sets _FillValue in the variable's own type (required by netCDF for that attribute).
    void fill(int varid, double value);
    void end_definitions();
    void put(int varid, const std::vector<double>& values);
    void put(int varid, const std::vector<float>& values);
    void put(int varid, const std::vector<int>& values);
    void close();

private:
    void check(int status, const std::string& what) const;
    std::vector<std::size_t> counts(int varid, std::size_t size) const;

    std::string path_;
    int ncid_ = -1;
    std::vector<std::size_t> lengths_;  // by dimension id, including unlimited ones
};

// CMOR's missing-value marker.
constexpr float fill_value = 1.0e20f;

}  // namespace ref::datagen
