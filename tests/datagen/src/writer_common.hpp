#pragma once

// Pieces shared by the writers of every layout (internal to ref_datagen).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "axes.hpp"
#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/grid.hpp"
#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/writers.hpp"

namespace ref::datagen::detail {

inline constexpr const char* creation_date = "2024-01-01T00:00:00Z";
inline constexpr const char* license =
    "Synthetic test data for the CMIP Rapid Evaluation Framework, licensed under a Creative Commons "
    "Attribution 4.0 International License (CC BY 4.0; https://creativecommons.org/licenses/). "
    "The data are fictional and must not be used for science.";
inline constexpr const char* institution = "Rapid Evaluation Framework Synthetic Data Centre (fictional), Nowhere";

struct ExperimentInfo {
    std::string description;
    std::string parent_experiment_id;
    std::string parent_activity_id;
};

// Description and parent of the experiments the generator knows ("no parent" otherwise).
ExperimentInfo experiment_info(const std::string& experiment_id);

// The global attributes of a CMIP6 file (parent attributes from experiment_info).
Attributes cmip6_global_attributes(const Cmip6Dataset& d, const std::string& variable_id, const Grid& grid,
                                   const std::string& file_name);

// Changes to a file's global attributes, used to write deliberately broken files.
struct GlobalEdits {
    std::vector<std::string> remove;  // attributes left out
    Attributes replace;               // new values (added at the end when absent)

    bool empty() const { return remove.empty() && replace.empty(); }
};

Attributes edited(const Attributes& globals, const GlobalEdits& edits);

// standard_name, long_name, units, cell_methods, [cell_measures], comment.
Attributes data_attributes(const FieldSpec& field, const std::string& measure);

// Defines and writes the time coordinate(s); returns the time dimension.
using TimeWriter = std::function<int(NcWriter& out, int bnds_dim)>;

// One variable file: globals, bnds, time (via write_time), the grid, a scalar height for tas*,
// then the float32 variable [time][y][x] with `values`.
void write_field_file(const std::filesystem::path& path, const Attributes& globals, const FieldSpec& field,
                      const Grid& grid, const TimeWriter& write_time, const std::vector<float>& values,
                      const std::string& measure);

// Monthly means on the axis of `span`.
void write_monthly(const std::filesystem::path& path, const Attributes& globals, const FieldSpec& field,
                   const Grid& grid, const TimeSpan& span, const MonthlyAxis& axis, const std::string& measure);

// A cell-area file (areacella or areacello): globals, bnds, the grid and the areas in m2,
// with missing values over the band `missing`.
void write_cell_area_file(const std::filesystem::path& path, const Attributes& globals, const Grid& grid,
                          const std::string& variable_id, const std::optional<LonBand>& missing);

GeneratedFile write_cmip6_monthly(const std::filesystem::path& root, const Cmip6Dataset& dataset,
                                  const FieldSpec& field, const Grid& grid, const TimeSpan& span,
                                  const GlobalEdits& edits);
GeneratedFile write_cmip7_monthly(const std::filesystem::path& root, const Cmip7Dataset& dataset,
                                  const FieldSpec& field, const Grid& grid, const TimeSpan& span,
                                  const GlobalEdits& edits);
GeneratedFile write_obs4mips_monthly(const std::filesystem::path& root, const Obs4MipsDataset& dataset,
                                     const FieldSpec& field, const Grid& grid, const TimeSpan& span,
                                     const GlobalEdits& edits);

// "obs4MIPs.<activity>.<institution>.<source>.<frequency>.<variable>.<resolution without spaces>.<grid>.<version>"
std::string obs_instance_id(const std::string& prefix, const std::string& activity_id, const std::string& institution_id,
                            const std::string& source_id, const std::string& frequency, const std::string& variable_id,
                            const std::string& nominal_resolution, const std::string& grid_label,
                            const std::string& version);

}  // namespace ref::datagen::detail
