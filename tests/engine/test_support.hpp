// Helpers shared by the engine tests: temporary folders and plugin scenarios.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ref::test {

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A built test plugin, by base name (e.g. "c99_provider").
std::filesystem::path test_plugin(const std::string& name);
// The folder of the real provider plugins (example, ...).
std::filesystem::path provider_plugin_dir();
// The ref-engine program.
std::filesystem::path engine_program();

// Copies the named test plugins into `dir` (as <name>.so) and returns dir.
std::filesystem::path plugin_folder(const std::filesystem::path& dir, const std::vector<std::string>& names);

// Runs a shell command, returning its exit code and standard output (stderr goes to `err` if given).
struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
CommandResult run_command(const std::string& command);

}  // namespace ref::test
