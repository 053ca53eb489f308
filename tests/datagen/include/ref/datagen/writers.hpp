#pragma once

// Writers for CMOR-style CMIP6 and CMIP7 files, obs4MIPs-style reference files (obs4MIPs,
// obs4REF, PMP climatologies) in the ESGF directory layouts (DRS), with the global attributes
// that real files carry, and for ESMValTool reference data (identified by path only).
// Layouts and attributes follow the REF's dataset specification (§1-§3).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/grid.hpp"

namespace ref::datagen {

// What a data catalog needs to know about one written file.
struct GeneratedFile {
    // The stored dataset type: "CMIP6", "CMIP7", "obs4MIPs", "obs4REF", "PMPClimatology" or
    // "ESMValToolReference".
    std::string project;
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
    // Added for the other source types; the first fields keep their meaning (for obs4REF the
    // version is the one the ingest derives, "v" + the folder name).
    std::string region;              // CMIP7 only
    std::string branding_suffix;     // CMIP7 only
    std::string nominal_resolution;  // as written, e.g. "1000 km"; empty for ESMValTool data
    std::string tracking_id;         // as written; empty when the file has none
    std::string esmvaltool_project;  // ESMValTool reference: "OBS", "OBS6", "native6" or "obs4MIPs"
    std::string data_type;           // ESMValTool OBS/OBS6: the type token of the file name (e.g. "sat")
    int tier = 0;                    // ESMValTool OBS/OBS6/native6: n of the Tier<n> folder; 0 for none

    bool is_fixed() const { return frequency == "fx"; }
    // The source type as the command line and JSON spell it: "cmip6", "cmip7", "obs4mips",
    // "obs4ref", "pmp-climatology" or "esmvaltool-reference".
    std::string source_type() const;
    // CMIP7: "<variable_id>_<branding_suffix>".
    std::string branded_variable() const { return variable_id + "_" + branding_suffix; }
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

// ---- CMIP7 (MIP-DRS7) ------------------------------------------------------------------

struct Cmip7Dataset {
    std::string drs_specs = "MIP-DRS7";
    std::string activity_id = "CMIP";
    std::string institution_id = "REF-SYN";
    std::string source_id = "REFSYN-1-0";
    std::string experiment_id = "historical";
    std::string variant_label = "r1i1p1f1";
    std::string region = "glb";
    std::string frequency = "mon";  // "fx" for cell areas
    // <temporal>-<vertical>-<horizontal>-<area> labels; "ti-u-hxy-u" for cell areas.
    std::string branding_suffix = "tavg-h2m-hxy-u";
    std::string grid_label = "gn";
    std::string realm = "atmos";  // "ocean" makes the cell area areacello
    std::string version = "v20250101";
};

// <root>/<drs_specs>/CMIP7/<activity>/<institution>/<source>/<experiment>/<variant>/<region>/<frequency>/
//     <variable>/<branding_suffix>/<grid>/<version>
// Note the depth: the ingest's 10-level discovery reaches these files only from
// <root>/<drs_specs>/CMIP7/<activity> or deeper.
std::filesystem::path cmip7_directory(const std::filesystem::path& root, const Cmip7Dataset& dataset,
                                      const std::string& variable_id);

// <directory>/<variable>_<branding_suffix>_<frequency>_<region>_<grid>_<source>_<experiment>_<variant>_<YYYYMM>-<YYYYMM>.nc
// with the 16 mandatory CMIP7 global attributes (variable_id ... tracking_id, branded_variable =
// <variable>_<branding_suffix>, mip_era CMIP7, license_id) and the optional branch times and parent_*.
GeneratedFile write_cmip7_monthly(const std::filesystem::path& root, const Cmip7Dataset& dataset,
                                  const FieldSpec& field, const Grid& grid, const TimeSpan& span);

// areacella (areacello if realm is "ocean"); dataset.frequency must be "fx". The file name has
// 8 parts (no time range).
GeneratedFile write_cmip7_cell_area(const std::filesystem::path& root, const Cmip7Dataset& dataset, const Grid& grid,
                                    const std::optional<LonBand>& missing = std::nullopt);

// ---- obs4REF ---------------------------------------------------------------------------

struct Obs4RefDataset {
    std::string institution_id = "REF-SYN";
    std::string source_id = "ERA-5";
    std::string variant_label = "REF";
    std::string grid_label = "gn";
    std::string realm = "atmos";
    // The folder name; like the REF's obs4REF data it has no leading "v" (the ingest prepends one).
    std::string version = "20250415";
};

// <root>/obs4REF/<institution>/<source>/mon/<variable>/<grid>/<version>/
//     <variable>_mon_<source>_<variant>_<grid>_<YYYYMM>-<YYYYMM>.nc
// activity_id "obs4REF" and the 13 global attributes the obs parser requires. The record's
// instance id is "obs4REF.obs4REF.<institution>.<source>.mon.<variable>.<resolution without
// spaces>.<grid>.v<version>".
GeneratedFile write_obs4ref_monthly(const std::filesystem::path& root, const Obs4RefDataset& dataset,
                                    const FieldSpec& field, const Grid& grid, const TimeSpan& span);

// ---- PMP climatologies -----------------------------------------------------------------

struct PmpClimatologyDataset {
    std::string institution_id = "REF-SYN";
    std::string source_id = "GPCP-2-3";
    std::string variant_label = "PCMDI";
    std::string grid_label = "gn";
    std::string realm = "atmos";
    std::string version = "v20250101";
};

// <root>/PMP_obs4MIPsClims/<variable>/<grid>/<version>/
//     <variable>_mon_<source>_<variant>_<grid>_<YYYYMM>-<YYYYMM>_AC_<version>.nc
// obs4MIPs-style attributes (activity_id "obs4MIPs") and a CF climatology time axis: 12 steps at the
// mid-months of span.first_year, climatology_bnds covering the whole span, each step holding the
// mean of that calendar month over the span's years. With field.trend == 0 its annual mean is
// expected_annual_global_mean(field, span.first_year). Instance id as for obs4REF with prefix and
// activity "obs4MIPs".
GeneratedFile write_pmp_climatology(const std::filesystem::path& root, const PmpClimatologyDataset& dataset,
                                    const FieldSpec& field, const Grid& grid, const TimeSpan& span);

// ---- ESMValTool reference data (path only) ---------------------------------------------

struct EsmvaltoolReferenceDataset {
    std::string project = "OBS";  // "OBS", "OBS6" (both stored under OBS/), "native6" or "obs4MIPs"
    int tier = 2;                 // the Tier<n> folder (not used for obs4MIPs)
    std::string dataset = "CERES-EBAF";
    std::string type = "sat";  // OBS/OBS6: the type token; obs4MIPs: the processing-level token
    std::string version = "Ed4.2";
    std::string mip = "Amon";  // OBS/OBS6: the MIP table token; native6: the frequency (or table) folder
    std::string native6_file_prefix = "era5_monthly";  // native6 file names: <prefix>_<short_name>_<YYYY>[-<YYYY>].nc
};

// Below root (the ESMValTool data folder; the default tree uses <tree>/ESMValTool):
//   OBS, OBS6: OBS/Tier<n>/<dataset>/<project>_<dataset>_<type>_<version>_<mip>_<short_name>_<YYYYMM>-<YYYYMM>.nc
//   native6:   native6/Tier<n>/<dataset>/<version>/<mip>/<short_name>/<native6_file_prefix>_<short_name>_<YYYY>[-<YYYY>].nc
//   obs4MIPs:  obs4MIPs/<dataset>/<version>/<short_name>_<dataset>_<type>_<version>_<YYYYMM>-<YYYYMM>.nc
// The files are small CF files with the variable; their global attributes are not CMOR ones.
// The record's instance id is "esmvaltool-reference.<project>.<dataset>.<frequency>.<short_name>.<version>".
GeneratedFile write_esmvaltool_reference(const std::filesystem::path& root, const EsmvaltoolReferenceDataset& dataset,
                                         const FieldSpec& field, const Grid& grid, const TimeSpan& span);

// ---- files the ingest must reject --------------------------------------------------------

struct BadFile {
    std::string name;     // short key, e.g. "cmip6-truncated"
    std::string project;  // the dataset type whose ingest meets it: "CMIP6", "CMIP7" or "obs4MIPs"
    std::filesystem::path path;
    std::string problem;  // what is wrong with it and how the ingest is expected to react
};

// Writes, in valid DRS paths under root (members/sources that do not clash with the default tree,
// so root may be the default tree's root):
//   cmip6-truncated            CMIP6 r2i1p1f1 tas 2000, content cut to a third of its size
//   cmip6-not-netcdf           CMIP6 r3i1p1f1 tas 2000: a text file named .nc
//   cmip6-missing-attributes   CMIP6 r4i1p1f1 tas 2000 without the variable_id and source_id attributes
//   obs4mips-wrong-activity    obs4MIPs REF-SYN/SYN-BAD-1-0 ts 2000 whose activity_id is "CMIP"
//   cmip7-missing-tracking-id  CMIP7 r2i1p1f1 tas 2000 without tracking_id
std::vector<BadFile> write_bad_files(const std::filesystem::path& root);

}  // namespace ref::datagen
