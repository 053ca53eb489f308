// Shared pieces of the ilamb provider tests: temporary folders, execution definitions with
// realistic CMIP6/obs4MIPs rows, reference data trees and small netCDF outputs.
#pragma once

#include "ref/ilamb/ilamb.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include "ref/datagen/temp_dir.hpp"

#include <string>
#include <vector>

namespace ilamb_test {

namespace fs = std::filesystem;
using nlohmann::json;

using TempDir = ref::datagen::TemporaryDirectory;

void write_file(const fs::path& path, const std::string& text, bool executable = false);
std::string read_file(const fs::path& path);
json read_json(const fs::path& path);

// Creates an empty file for every registry key the diagnostics use under `root`.
void populate_data_root(const fs::path& root);

// One CMIP6 row of a model dataset.
json cmip6_row(const std::string& variable, const std::string& path, const std::string& table = "Lmon");

// A definition document (schema 1) for `slug` with the given cmip6 rows and obs4mips rows.
json definition_document(const std::string& slug, const fs::path& output, const std::vector<json>& cmip6_rows,
                         const std::vector<json>& obs_rows, const json& settings);
ref::plugin::ExecutionDefinition definition(const json& document);

// A small netCDF file with a monthly `time` axis (days since 2007-01-01, noleap) and the
// given 1-D series variables, plus optionally a `month` axis with a cycle variable.
struct SeriesVariable {
    std::string name;
    std::string dimension;  // "time" or "month"
    std::vector<double> values;
    std::string units;
    std::string long_name;
};
void write_series_netcdf(const fs::path& path, const std::vector<double>& time_days,
                         const std::vector<SeriesVariable>& variables);

const ref::ilamb::ConfigureEntry& entry(const std::string& name);

}  // namespace ilamb_test
