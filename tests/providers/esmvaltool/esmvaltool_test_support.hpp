// Shared pieces of the esmvaltool provider tests: temporary directories, small netCDF writers
// and realistic execution definitions.
#pragma once

#include "ref/plugin.hpp"

#include <filesystem>
#include <map>
#include "ref/datagen/temp_dir.hpp"

#include <string>
#include <utility>
#include <vector>

namespace esmvaltool_test {

namespace fs = std::filesystem;
using nlohmann::json;

using TempDir = ref::datagen::TemporaryDirectory;

void write_text(const fs::path& path, const std::string& text);
std::string read_text(const fs::path& path);
json read_json(const fs::path& path);
void make_executable(const fs::path& path);

struct NcVariable {
    std::string name;
    std::vector<std::string> dimensions;
    std::vector<double> values;
    std::map<std::string, std::string> attributes;
};
// Writes doubles on the given dimensions (name, size).
void write_netcdf(const fs::path& path, const std::vector<std::pair<std::string, std::size_t>>& dimensions,
                  const std::vector<NcVariable>& variables);

// One CMIP6 file row, with the columns the REF's catalog provides.
json cmip6_row(const std::string& source_id, const std::string& experiment, const std::string& member,
               const std::string& table, const std::string& variable, const std::string& path,
               const std::string& start, const std::string& end);
json cmip7_row(const std::string& source_id, const std::string& experiment, const std::string& variant,
               const std::string& variable, const std::string& branding, const std::string& path,
               const std::string& start, const std::string& end);

// An execution definition with one collection per source type.
ref::plugin::ExecutionDefinition definition(const std::string& diagnostic, const fs::path& output,
                                            const std::map<std::string, std::vector<json>>& rows,
                                            const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& selectors,
                                            const json& settings = json::object());

// The rows of an ECS execution for CanESM5 (abrupt-4xCO2 and its piControl parent, four
// variables each, plus areacella); `directory` holds the file paths.
std::vector<json> ecs_rows(const fs::path& directory, const std::string& source_id = "CanESM5");

}  // namespace esmvaltool_test

namespace esmvaltool_test {

// Writes what ESMValTool leaves in a run directory of the ECS recipe (index.html, run/ logs and
// provenance, work/ netCDF results, plots/), shaped as spec §1.4 step 6. Provenance keys are
// absolute paths below `run_directory`, which is where the files must end up.
void write_ecs_run(const fs::path& staging_directory, const fs::path& run_directory, double ecs = 5.615868,
                   double lambda = -0.6587246);

}  // namespace esmvaltool_test
