// A provider's conda environment: where it lives, whether it exists, creating it with
// micromamba or conda, and wrapping a command to run inside it.
//
// Layout (as the REF): <conda prefix>/<provider>-<sha1 of the definition text, then each pip
// package spec>/, where <conda prefix> is the settings' "conda_prefix", by default
// <software_root>/conda. The manager is, in order: settings "conda_exe", <conda prefix>/micromamba,
// then micromamba, mamba, conda on PATH.
#pragma once

#include "ref/plugin.hpp"
#include "ref/tooling/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::tooling {

struct CondaEnvironmentSpec {
    std::string provider;                   // slug, the environment's name prefix
    std::string definition_file_name;       // e.g. "environment.yml", written next to the environment
    std::string definition_text;            // the environment file (YAML: channels, dependencies)
    std::vector<std::string> pip_packages;  // installed with `pip install --no-deps` after the solve
};

// The hex SHA-1 of the definition text followed by each pip package spec.
std::string environment_hash(const CondaEnvironmentSpec& spec);

class CondaEnvironment {
public:
    // `settings` is the execution definition's / setup call's provider settings object:
    // "software_root", "conda_prefix", "conda_exe" (all optional strings).
    CondaEnvironment(CondaEnvironmentSpec spec, const plugin::json& settings);

    const CondaEnvironmentSpec& spec() const { return spec_; }
    std::string name() const;                    // "<provider>-<hash>"
    std::filesystem::path prefix() const { return prefix_; }
    std::filesystem::path path() const;          // prefix/name
    bool exists() const;                         // path()/conda-meta exists

    // The manager to use, or nullopt when there is none.
    std::optional<std::filesystem::path> find_manager() const;
    // As find_manager, but throws plugin::SystemError saying how to install micromamba.
    std::filesystem::path manager() const;

    // Creates the environment unless it exists (idempotent); a failed creation removes what it
    // left. Returns a report: {"environment": path, "created": bool, "manager": path}.
    plugin::json create(const plugin::Host& host, const std::filesystem::path& log_file) const;

    // The command made to run inside the environment (`<manager> run --prefix <env> argv...`).
    // Throws plugin::SystemError when the environment does not exist, naming the setup command.
    Command wrap(Command command) const;

    // {"kind": "conda", "name": ..., "definition": file name, "pip_packages": [...]}, for the declaration.
    plugin::json declaration() const;

private:
    CondaEnvironmentSpec spec_;
    std::filesystem::path prefix_;
    std::optional<std::filesystem::path> configured_manager_;
};

}  // namespace ref::tooling
