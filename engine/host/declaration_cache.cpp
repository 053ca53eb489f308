#include "host/declaration_cache.hpp"

#include "ref/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace ref::host {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Stamp {
    std::uintmax_t size = 0;
    int64_t mtime_ns = 0;
};

std::optional<Stamp> stamp_of(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return std::nullopt;
    const auto mtime = fs::last_write_time(file, ec);
    if (ec) return std::nullopt;
    return Stamp{size, std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count()};
}

std::string key_of(const fs::path& plugin) {
    std::error_code ec;
    fs::path canonical = fs::canonical(plugin, ec);
    return (ec ? fs::absolute(plugin) : canonical).string();
}

}  // namespace

fs::path DeclarationCache::default_location() {
    if (const char* value = std::getenv("REF_PLUGIN_CACHE"); value && *value)
        return std::string(value) == "off" ? fs::path() : fs::path(value);
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "ref-engine" / "plugins.json";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "ref-engine" / "plugins.json";
    return {};
}

DeclarationCache::DeclarationCache(fs::path file) : file_(std::move(file)) {
    if (file_.empty()) return;
    std::ifstream in(file_, std::ios::binary);
    if (!in) return;
    // Parsed from memory: nlohmann's stream input reads a character at a time, several times slower.
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const json doc = json::parse(text, nullptr, false);
    if (!doc.is_object() || doc.value("engine_abi", 0u) != REF_ABI_VERSION || !doc.contains("plugins") ||
        !doc["plugins"].is_object())
        return;
    for (const auto& [path, e] : doc["plugins"].items()) {
        if (!e.is_object()) continue;
        Entry entry;
        entry.size = e.value("size", std::uintmax_t{0});
        entry.mtime_ns = e.value("mtime_ns", int64_t{0});
        entry.value.abi_version = e.value("abi_version", 0u);
        entry.value.supports_setup = e.value("supports_setup", false);
        entry.value.declaration = e.value("declaration", std::string());
        if (!entry.value.declaration.empty()) entries_.emplace(path, std::move(entry));
    }
}

std::optional<CachedDeclaration> DeclarationCache::find(const fs::path& plugin) const {
    if (file_.empty()) return std::nullopt;
    auto it = entries_.find(key_of(plugin));
    if (it == entries_.end()) return std::nullopt;
    const auto stamp = stamp_of(plugin);
    if (!stamp || stamp->size != it->second.size || stamp->mtime_ns != it->second.mtime_ns) return std::nullopt;
    return it->second.value;
}

void DeclarationCache::store(const fs::path& plugin, const CachedDeclaration& value) {
    if (file_.empty()) return;
    const auto stamp = stamp_of(plugin);
    if (!stamp) return;
    entries_[key_of(plugin)] = Entry{stamp->size, stamp->mtime_ns, value};
    dirty_ = true;
}

void DeclarationCache::save() {
    if (file_.empty() || !dirty_) return;
    json plugins = json::object();
    for (const auto& [path, e] : entries_) {
        // Plugins that no longer exist (removed build folders, old installs) leave the file.
        std::error_code missing;
        if (!fs::exists(path, missing)) continue;
        plugins[path] = {{"size", e.size},
                         {"mtime_ns", e.mtime_ns},
                         {"abi_version", e.value.abi_version},
                         {"supports_setup", e.value.supports_setup},
                         {"declaration", e.value.declaration}};
    }
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    const fs::path temporary = file_.string() + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(temporary);
        out << json{{"engine_abi", REF_ABI_VERSION}, {"plugins", plugins}}.dump();
        if (!out) {
            fs::remove(temporary, ec);
            return;
        }
    }
    fs::rename(temporary, file_, ec);
    if (ec) fs::remove(temporary, ec);
    dirty_ = false;
}

}  // namespace ref::host
