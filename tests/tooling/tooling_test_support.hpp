// Temporary folders and small scripts for the tooling tests.
#pragma once

#include "ref/datagen/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ref::tooling_test {

using ScratchDir = ref::datagen::TemporaryDirectory;

inline std::filesystem::path write_script(const std::filesystem::path& file, const std::string& body) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
    return file;
}

inline std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace ref::tooling_test
