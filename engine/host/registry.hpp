// Discovers provider plugins and indexes what they declare.
#pragma once

#include "host/plugin_library.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ref::host {

// A file or folder that could not be used, and why. Other plugins still load.
struct PluginProblem {
    std::filesystem::path path;
    std::string reason;
};

struct DiagnosticRef {
    const PluginLibrary* plugin = nullptr;
    const DiagnosticDeclaration* diagnostic = nullptr;
};

class PluginRegistry {
public:
    // With a cache file, known plugins are listed from it without being opened, and newly
    // loaded ones are added to it (saved by discover()). An empty path: no cache.
    explicit PluginRegistry(const std::filesystem::path& cache_file = {});

    // Each location is a folder (every *.so in it, sorted by name) or a single .so file.
    void discover(const std::vector<std::filesystem::path>& locations);
    // Loads one file; a failure becomes a problem, never an exception.
    void load_file(const std::filesystem::path& file);

    const std::vector<std::shared_ptr<const PluginLibrary>>& plugins() const { return plugins_; }
    const std::vector<PluginProblem>& problems() const { return problems_; }

    const PluginLibrary* find_provider(const std::string& slug) const;
    // "provider/diagnostic"; both pointers null when not found.
    DiagnosticRef find_diagnostic(const std::string& full_slug) const;

private:
    std::vector<std::shared_ptr<const PluginLibrary>> plugins_;
    std::vector<PluginProblem> problems_;
    std::unique_ptr<DeclarationCache> cache_;
};

}  // namespace ref::host
