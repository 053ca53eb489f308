#include "host/registry.hpp"

#include <algorithm>

namespace ref::host {

namespace fs = std::filesystem;

PluginRegistry::PluginRegistry(const fs::path& cache_file) {
    if (!cache_file.empty()) cache_ = std::make_unique<DeclarationCache>(cache_file);
}

void PluginRegistry::discover(const std::vector<fs::path>& locations) {
    for (const auto& location : locations) {
        std::error_code ec;
        if (fs::is_directory(location, ec)) {
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator(location, ec)) {
                if (entry.path().extension() == ".so" && !entry.is_directory()) files.push_back(entry.path());
            }
            if (ec) {
                problems_.push_back({location, "cannot list plugin folder: " + ec.message()});
                continue;
            }
            std::sort(files.begin(), files.end());
            for (const auto& file : files) load_file(file);
        } else if (fs::exists(location, ec)) {
            load_file(location);
        } else {
            problems_.push_back({location, "plugin location does not exist"});
        }
    }
    if (cache_) cache_->save();
}

void PluginRegistry::load_file(const fs::path& file) {
    std::shared_ptr<const PluginLibrary> plugin;
    if (cache_) {
        if (auto cached = cache_->find(file)) {
            try {
                plugin = PluginLibrary::from_cache(file, *cached);
            } catch (const DeclarationError&) {
                plugin.reset();  // a stale entry: load the plugin for real below
            }
        }
    }
    if (!plugin) {
        try {
            plugin = PluginLibrary::load(file);
        } catch (const PluginLoadError& e) {
            problems_.push_back({e.path(), e.reason()});
            return;
        }
        if (cache_) cache_->store(file, plugin->cache_entry());
    }
    const std::string& slug = plugin->declaration().slug;
    if (const PluginLibrary* other = find_provider(slug)) {
        problems_.push_back({file, "duplicate provider slug '" + slug + "' (already provided by " +
                                       other->path().string() + "); not loaded"});
        return;
    }
    plugins_.push_back(std::move(plugin));
}

const PluginLibrary* PluginRegistry::find_provider(const std::string& slug) const {
    for (const auto& p : plugins_)
        if (p->declaration().slug == slug) return p.get();
    return nullptr;
}

DiagnosticRef PluginRegistry::find_diagnostic(const std::string& full_slug) const {
    const auto slash = full_slug.find('/');
    if (slash == std::string::npos) return {};
    const PluginLibrary* plugin = find_provider(full_slug.substr(0, slash));
    if (!plugin) return {};
    const DiagnosticDeclaration* diagnostic = plugin->find_diagnostic(full_slug.substr(slash + 1));
    if (!diagnostic) return {};
    return {plugin, diagnostic};
}

}  // namespace ref::host
