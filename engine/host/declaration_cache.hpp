// A cache of plugin declarations, so listing commands need not dlopen every plugin
// (a provider's .so may pull in dozens of libraries). Entries are keyed by the
// plugin's path, size and modification time, and the whole cache by the engine's
// ABI version: a rebuilt plugin is a miss. Like GStreamer's registry cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace ref::host {

struct CachedDeclaration {
    uint32_t abi_version = 0;
    bool supports_setup = false;
    std::string declaration;  // the JSON text the plugin returned
};

class DeclarationCache {
public:
    // $REF_PLUGIN_CACHE (a file, or "off"), else $XDG_CACHE_HOME or ~/.cache /ref-engine/plugins.json.
    // Empty when caching is off.
    static std::filesystem::path default_location();

    // Reads `file` if it exists; an unreadable or foreign cache is simply empty.
    explicit DeclarationCache(std::filesystem::path file);

    std::optional<CachedDeclaration> find(const std::filesystem::path& plugin) const;
    void store(const std::filesystem::path& plugin, const CachedDeclaration& entry);
    // Writes the cache if it changed (atomically); failures are ignored, the cache is an optimisation.
    void save();

private:
    struct Entry {
        std::uintmax_t size = 0;
        int64_t mtime_ns = 0;
        CachedDeclaration value;
    };
    std::filesystem::path file_;
    std::map<std::string, Entry> entries_;
    bool dirty_ = false;
};

}  // namespace ref::host
