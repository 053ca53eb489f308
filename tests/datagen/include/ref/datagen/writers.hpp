#pragma once

// Writers for CMOR-style CMIP6 files and obs4MIPs-style reference files in the ESGF
// directory layout (DRS), with the global attributes that real files carry.

#include <filesystem>
#include <optional>
#include <string>

#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/grid.hpp"

namespace ref::datagen {

// What a data catalog needs to know about one written file.
struct GeneratedFile {
    std::string project;  // "CMIP6" or "obs4MIPs"
    std::filesystem::path path;
    std::string instance_id;
    std::string activity_id;
    std::string institution_id;
    std::string source_id;
    std::string experiment_id;  // empty for obs4MIPs
    std::string member_id;      // empty for obs4MIPs
    std::string variant_label;
    std::string table_id;  // empty for obs4MIPs
    std::string variable_id;
    std::string grid_label;
    std::string version;
    std::string frequency;
    std::string realm;
    std::string calendar;    // empty for fixed (fx) files
    std::string start_time;  // "YYYY-MM-DD HH:MM:SS" of the first time stamp; empty for fx
    std::string end_time;

    bool is_fixed() const { return frequency == "fx"; }
};

struct Cmip6Dataset {
    std::string activity_id = "CMIP";
    std::string institution_id = "REF-SYN";
    std::string source_id = "REFSYN-1-0";
    std::string experiment_id = "historical";
    std::string member_id = "r1i1p1f1";
    std::string table_id = "Amon";  // Amon, Omon, fx or Ofx
    std::string grid_label = "gn";
    std::string version = "v20240101";
};

struct Obs4MipsDataset {
    std::string institution_id = "REF-SYN";
    // The example provider compares against HadISST-1-1; the institution marks the data as synthetic.
    std::string source_id = "HadISST-1-1";
    std::string variant_label = "PCMDI";
    std::string grid_label = "gn";
    std::string realm = "ocean";
    std::string version = "v20240101";
};

// Whole calendar years of monthly means, stamped mid-month with month-long bounds.
struct TimeSpan {
    int first_year = 2000;
    int last_year = 2009;
    std::string calendar = "noleap";
    std::string units = "days since 1850-01-01";
};

// <root>/CMIP6/<activity>/<institution>/<source>/<experiment>/<member>/<table>/<variable>/<grid>/<version>
std::filesystem::path cmip6_directory(const std::filesystem::path& root, const Cmip6Dataset& dataset,
                                      const std::string& variable_id);

GeneratedFile write_cmip6_monthly(const std::filesystem::path& root, const Cmip6Dataset& dataset,
                                  const FieldSpec& field, const Grid& grid, const TimeSpan& span);

// areacella (table fx) or areacello (table Ofx) with exact spherical cell areas in m2;
// cells in `missing` are written as missing values, as some models do over land.
GeneratedFile write_cmip6_cell_area(const std::filesystem::path& root, const Cmip6Dataset& dataset, const Grid& grid,
                                    const std::optional<LonBand>& missing = std::nullopt);

// <root>/obs4MIPs/<institution>/<source>/mon/<variable>/<grid>/<version>/
//     <variable>_mon_<source>_<variant>_<grid>_<YYYYMM>-<YYYYMM>.nc
GeneratedFile write_obs4mips_monthly(const std::filesystem::path& root, const Obs4MipsDataset& dataset,
                                     const FieldSpec& field, const Grid& grid, const TimeSpan& span);

}  // namespace ref::datagen
