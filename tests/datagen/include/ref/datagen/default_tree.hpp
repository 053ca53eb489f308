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
};

// Writes, under root:
//   tas-historical   CMIP6 historical Amon tas 2000-2009 in two files + fx areacella
//   rsut-historical  CMIP6 historical Amon rsut 2000-2009 in one file (same areacella)
//   tas-picontrol    CMIP6 piControl Amon tas, files 0101-0105 and 0101-0110 (overlapping) + fx areacella
//   tos-historical   CMIP6 historical Omon tos (degC, j x i grid, land missing) + Ofx areacello
//   ts-obs           obs4MIPs HadISST-1-1 (synthetic, institution REF-SYN) ts (K, land missing), cos(lat) weighted
// plus definitions/example-global-mean-timeseries{,-picontrol}.json, definitions/example-global-sst-bias.json and
// expected/annual-global-means.json.
GeneratedTree generate_default_tree(const std::filesystem::path& root);

}  // namespace ref::datagen
