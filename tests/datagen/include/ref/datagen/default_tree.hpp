#pragma once

// The default synthetic data tree written by `ref-gen-data --output DIR`.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ref/datagen/field_spec.hpp"
#include "ref/datagen/writers.hpp"

namespace ref::datagen {

struct GeneratedDataset {
    std::string name;  // e.g. "tas-historical"
    FieldSpec field;
    std::vector<GeneratedFile> files;  // data files in the order written (they may overlap in time)
    std::optional<GeneratedFile> area;  // cell areas to weight with; none means cos(lat) weights
    int first_year = 0;
    int last_year = 0;  // every calendar year in between is covered exactly once after merging

    std::vector<std::string> paths() const;
    std::vector<int> years() const;
};

struct GeneratedTree {
    std::filesystem::path root;  // absolute
    std::vector<GeneratedDataset> datasets;
    std::vector<std::filesystem::path> definitions;  // execution definition JSON files
    std::filesystem::path expected_values;           // JSON with every dataset's known annual means

    const GeneratedDataset& dataset(const std::string& name) const;

    // Every data file of the tree (cell areas included, each file once), in the order written.
    std::vector<GeneratedFile> files() const;
    // Those of one source type, named by project ("CMIP6", "PMPClimatology", ...) or by
    // source type ("cmip6", "pmp-climatology", ...), case-insensitively. Throws
    // std::invalid_argument for a name that is neither.
    std::vector<GeneratedFile> files_of(const std::string& project) const;
    // The folder to ingest one source type from (same names as files_of): it holds exactly that
    // type's files and is shallow enough for the ingest's 10-level discovery.
    std::filesystem::path directory_of(const std::string& project) const;
};

// Writes, under root (every dataset on an 18 x 36 grid unless noted; about 2.5 MB, well under a second):
//
//   tas-historical   CMIP6 historical Amon tas 2000-2009 in two files + fx areacella
//   rsut-historical  CMIP6 historical Amon rsut 2000-2009 in one file (same areacella)
//   tas-picontrol    CMIP6 piControl Amon tas, files 0101-0105 and 0101-0110 (overlapping) + fx areacella
//   tos-historical   CMIP6 historical Omon tos (degC, j x i grid, land missing) + Ofx areacello
//   ts-obs           obs4MIPs HadISST-1-1 (synthetic, institution REF-SYN) ts (K, land missing), cos(lat) weighted
//       CMIP6/CMIP/REF-SYN/REFSYN-1-0/<experiment>/r1i1p1f1/<table>/<variable>/gn/v20240101/
//           <variable>_<table>_REFSYN-1-0_<experiment>_r1i1p1f1_gn[_<YYYYMM>-<YYYYMM>].nc
//       obs4MIPs/REF-SYN/HadISST-1-1/mon/ts/gn/v20240101/ts_mon_HadISST-1-1_PCMDI_gn_200001-200912.nc
//
//   tas-cmip7        CMIP7 historical tas (branding tavg-h2m-hxy-u, region glb, mon) 2000-2004 in two files
//                    (2000-2002, 2003-2004) + areacella (branding ti-u-hxy-u, fx) as its area
//       MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/glb/mon/tas/tavg-h2m-hxy-u/gn/v20250101/
//           tas_tavg-h2m-hxy-u_mon_glb_gn_REFSYN-1-0_historical_r1i1p1f1_200001-200212.nc (and _200301-200412)
//       MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/glb/fx/areacella/ti-u-hxy-u/gn/v20250101/
//           areacella_ti-u-hxy-u_fx_glb_gn_REFSYN-1-0_historical_r1i1p1f1.nc
//   ts-obs4ref       obs4REF ERA-5 (synthetic) ts 2000-2004, cos(lat) weighted; version folder without "v"
//       obs4REF/REF-SYN/ERA-5/mon/ts/gn/20250415/ts_mon_ERA-5_REF_gn_200001-200412.nc
//   pr-pmp-climatology  PMP climatology (obs4MIPs attributes) of GPCP-2-3 (synthetic) pr over 2000-2004:
//                    12 steps stamped in 2000 with climatology_bnds; no trend, so its mean is the base value
//       PMP_obs4MIPsClims/pr/gn/v20250101/pr_mon_GPCP-2-3_PCMDI_gn_200001-200412_AC_v20250101.nc
//   rsut-esmvaltool-obs       ESMValTool OBS Tier2 CERES-EBAF sat Ed4.2 Amon rsut, 2000 and 2001 in two files
//       ESMValTool/OBS/Tier2/CERES-EBAF/OBS_CERES-EBAF_sat_Ed4.2_Amon_rsut_200001-200012.nc (and _200101-200112)
//   tas-esmvaltool-obs6       ESMValTool OBS6 Tier3 ERA5 reanaly v1 Amon tas, 2000
//       ESMValTool/OBS/Tier3/ERA5/OBS6_ERA5_reanaly_v1_Amon_tas_200001-200012.nc
//   tas-esmvaltool-native6    ESMValTool native6 Tier3 ERA5 v1 mon tas, 2000 (time in hours since 1900)
//       ESMValTool/native6/Tier3/ERA5/v1/mon/tas/era5_monthly_tas_2000.nc
//   pr-esmvaltool-obs4mips    ESMValTool obs4MIPs GPCP-SG v2.3 pr, 2000 (no Tier folder)
//       ESMValTool/obs4MIPs/GPCP-SG/v2.3/pr_GPCP-SG_L3_v2.3_200001-200012.nc
//
// plus definitions/example-global-mean-timeseries{,-picontrol}.json, definitions/example-global-sst-bias.json and
// expected/annual-global-means.json (every dataset above, with its instance id, files, weights and known annual
// means). Ingest each source type from directory_of(type): the obs-style parsers accept obs4MIPs, obs4REF and
// PMP files alike, so ingesting the whole root as obs4MIPs would also register the obs4REF and PMP files.
// Files the ingest must reject are not part of the tree: see write_bad_files (writers.hpp).
GeneratedTree generate_default_tree(const std::filesystem::path& root);

}  // namespace ref::datagen
