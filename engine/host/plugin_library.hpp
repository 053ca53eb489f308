// One provider plugin, loaded and checked against the ABI before any use.
#pragma once

#include "host/declaration.hpp"
#include "host/declaration_cache.hpp"
#include "ref/plugin.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace ref::host {

// Why a file could not be used as a plugin; what() names the file and the reason.
class PluginLoadError : public std::runtime_error {
public:
    PluginLoadError(std::filesystem::path path, std::string reason)
        : std::runtime_error(path.string() + ": " + reason), path_(std::move(path)), reason_(std::move(reason)) {}
    const std::filesystem::path& path() const { return path_; }
    const std::string& reason() const { return reason_; }

private:
    std::filesystem::path path_;
    std::string reason_;
};

// The outcome of one call into the plugin: status, the returned document or the error text.
struct PluginCall {
    ref_status status = REF_STATUS_OK;
    std::string payload;
    std::string error;
    bool ok() const { return status == REF_STATUS_OK; }
};

std::string status_name(ref_status status);
std::string abi_version_string(uint32_t version);

class PluginLibrary {
public:
    // Opens the file, checks the ABI and reads the declaration. Throws PluginLoadError.
    // The library stays mapped for the life of the process (see docs/plugin-abi.md).
    static std::shared_ptr<const PluginLibrary> load(const std::filesystem::path& path);
    // Opens the file and checks the ABI without asking for the declaration: what an execution
    // child needs, which only calls execute (the plugin resolves the diagnostic itself).
    // declaration() is empty. Throws PluginLoadError.
    static std::shared_ptr<const PluginLibrary> open_for_execution(const std::filesystem::path& path);
    // A plugin known from the declaration cache: nothing is opened until a call needs it.
    // Throws DeclarationError when the cached text no longer parses.
    static std::shared_ptr<const PluginLibrary> from_cache(const std::filesystem::path& path,
                                                           const CachedDeclaration& cached);

    const std::filesystem::path& path() const { return path_; }
    uint32_t abi_version() const { return abi_version_; }
    const ProviderDeclaration& declaration() const { return declaration_; }
    const DiagnosticDeclaration* find_diagnostic(const std::string& slug) const;
    bool supports_setup() const { return supports_setup_; }
    CachedDeclaration cache_entry() const { return {abi_version_, supports_setup_, declaration_text_}; }

    // Calls into the plugin (opening it first if it came from the cache; PluginLoadError if that fails).
    PluginCall execute(const ref_host_api* host, const std::string& diagnostic_slug,
                       const std::string& definition_json) const;
    PluginCall setup(const ref_host_api* host, const std::string& config_json) const;

private:
    PluginLibrary() = default;
    // Steps 1-4 of loading: the file opened and its function table checked.
    static std::shared_ptr<PluginLibrary> opened(const std::filesystem::path& path);
    const ref_provider_api* api() const;
    static PluginCall finish(const ref_provider_api* api, ref_status status, char* payload, char* error);

    std::filesystem::path path_;
    uint32_t abi_version_ = 0;
    bool supports_setup_ = false;
    std::string declaration_text_;
    ProviderDeclaration declaration_;
    mutable std::mutex mutex_;
    mutable const ref_provider_api* api_ = nullptr;
};

}  // namespace ref::host
