// Where the REF's sample data are: REF_SAMPLE_DATA_DIR in the environment, else the folder the
// build configured (the including target defines the REF_SAMPLE_DATA_DIR macro).
#pragma once

#include "skip.hpp"

#include <cstdlib>
#include <filesystem>

namespace ref::test {

inline std::filesystem::path sample_data_dir() {
    if (const char* dir = std::getenv("REF_SAMPLE_DATA_DIR"); dir && *dir) return dir;
    return REF_SAMPLE_DATA_DIR;
}

inline const std::filesystem::path access_esm_model = "CMIP6/CMIP/CSIRO/ACCESS-ESM1-5";

// True when the ACCESS-ESM1-5 files are there; otherwise the test is skipped, saying where it looked.
inline bool access_sample_present() {
    if (std::filesystem::is_directory(sample_data_dir() / access_esm_model)) return true;
    skip_test("sample data not found at " + (sample_data_dir() / access_esm_model).string());
    return false;
}

}  // namespace ref::test
