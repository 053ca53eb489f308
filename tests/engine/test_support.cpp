#include "test_support.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace ref::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ref-engine-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

fs::path test_plugin(const std::string& name) { return fs::path(REF_TEST_PLUGIN_DIR) / (name + ".so"); }
fs::path provider_plugin_dir() { return REF_PLUGIN_OUTPUT_DIR; }
fs::path engine_program() { return REF_ENGINE_PROGRAM; }

fs::path plugin_folder(const fs::path& dir, const std::vector<std::string>& names) {
    fs::create_directories(dir);
    for (const auto& name : names) fs::copy_file(test_plugin(name), dir / (name + ".so"), fs::copy_options::overwrite_existing);
    return dir;
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    TempDir tmp;
    const fs::path err_file = tmp.path() / "stderr";
    FILE* pipe = ::popen((command + " 2>" + err_file.string()).c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    result.err = ss.str();
    return result;
}

}  // namespace ref::test
