// Header-only reads through ref_science: attributes, the vertical dimension and the time range.
#include "catalog/detail.hpp"

#include "ref/science/cf_time.hpp"
#include "ref/science/netcdf_file.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <map>

namespace ref::catalog::detail {

namespace {

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

}  // namespace

NetcdfHeader::NetcdfHeader(const std::filesystem::path& file)
    : file_(std::make_unique<science::NetcdfFile>(file.string())) {}

NetcdfHeader::~NetcdfHeader() = default;

std::optional<std::string> NetcdfHeader::global(const std::string& name) const { return attribute("", name); }

std::optional<std::string> NetcdfHeader::attribute(const std::string& variable, const std::string& name) const {
    if (!variable.empty() && !file_->has_variable(variable)) return std::nullopt;
    try {
        return file_->string_attribute(variable, name);
    } catch (const science::NetcdfError&) {
        // Not text: numbers are read as their text, as the REF stores them in text columns.
        std::string text;
        for (const double v : file_->numeric_attribute_values(variable, name)) text += (text.empty() ? "" : " ") + number_text(v);
        return text;
    }
}

int64_t NetcdfHeader::vertical_levels() const {
    // Dimensions are found through the variables that use them.
    std::map<std::string, std::size_t> sizes;
    for (const auto& variable : file_->variable_names()) {
        for (const auto& dimension : file_->dimensions(variable)) sizes[dimension.name] = dimension.size;
    }
    static const std::array<const char*, 7> kNames = {"lev", "plev", "olevel", "height", "depth", "level", "altitude"};
    for (const char* name : kNames) {
        if (const auto it = sizes.find(name); it != sizes.end()) return static_cast<int64_t>(it->second);
    }
    return 1;
}

NetcdfHeader::Time NetcdfHeader::time() const {
    Time out;
    if (!file_->has_variable("time")) return out;
    out.units = attribute("time", "units");
    out.calendar = attribute("time", "calendar").value_or("standard");
    if (!out.units || out.units->empty()) return out;
    const std::vector<double> values = file_->read("time");
    if (values.empty() || std::isnan(values.front()) || std::isnan(values.back())) return out;
    const science::CfTime decoder(*out.units, *out.calendar);
    out.start = science::format_datetime(decoder.decode(values.front()));
    out.end = science::format_datetime(decoder.decode(values.back()));
    return out;
}

}  // namespace ref::catalog::detail
