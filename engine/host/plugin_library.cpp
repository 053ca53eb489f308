#include "host/plugin_library.hpp"

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <cstddef>
#include <fstream>
#include <mutex>
#include <vector>

namespace ref::host {

namespace {

// Libraries are never unloaded: a plugin's code or statics may still be referenced
// (OBS and PostgreSQL do the same). Opened libraries live here until exit.
void keep_loaded(boost::dll::shared_library library) {
    static std::mutex mutex;
    static auto* libraries = new std::vector<boost::dll::shared_library>();
    std::lock_guard lock(mutex);
    libraries->push_back(std::move(library));
}

bool has_elf_header(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, sizeof magic);
    return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

constexpr std::size_t slot_end(std::size_t offset, std::size_t size) { return offset + size; }
constexpr std::size_t kTableSizeV1_0 = slot_end(offsetof(ref_provider_api, execute), sizeof(void*));

}  // namespace

std::string status_name(ref_status status) {
    switch (status) {
        case REF_STATUS_OK: return "ok";
        case REF_STATUS_INVALID_ARGUMENT: return "invalid argument";
        case REF_STATUS_UNKNOWN_DIAGNOSTIC: return "unknown diagnostic";
        case REF_STATUS_DIAGNOSTIC_FAILED: return "diagnostic failed";
        case REF_STATUS_CANCELLED: return "cancelled";
        case REF_STATUS_SYSTEM_ERROR: return "system error";
        case REF_STATUS_NOT_SUPPORTED: return "not supported";
        case REF_STATUS_INTERNAL_ERROR: return "internal error";
        default: return "unknown status " + std::to_string(status);
    }
}

std::string abi_version_string(uint32_t version) {
    return std::to_string(REF_ABI_VERSION_MAJOR(version)) + "." + std::to_string(REF_ABI_VERSION_MINOR(version));
}

namespace {

// Steps 1-4 of docs/plugin-abi.md §1.6: a checked function table, or PluginLoadError.
const ref_provider_api* open_and_check(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw PluginLoadError(path, "no such file");
    if (!has_elf_header(path)) throw PluginLoadError(path, "not a shared object (no ELF header)");

    boost::dll::shared_library library;
    library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec || !library.is_loaded()) {
        const char* detail = dlerror();
        throw PluginLoadError(path, "cannot be loaded as a shared object: " + (detail ? std::string(detail) : ec.message()));
    }
    if (!library.has(REF_PLUGIN_ENTRY_SYMBOL)) {
        keep_loaded(std::move(library));
        throw PluginLoadError(path, std::string("not a ref-engine plugin: missing entry symbol '") +
                                        REF_PLUGIN_ENTRY_SYMBOL + "'");
    }
    auto get_api = library.get<std::remove_pointer_t<ref_plugin_get_api_fn>>(REF_PLUGIN_ENTRY_SYMBOL);
    const ref_provider_api* api = get_api(REF_ABI_VERSION);
    keep_loaded(std::move(library));

    const std::string engine_abi = "this engine implements plugin ABI " + abi_version_string(REF_ABI_VERSION);
    if (!api) throw PluginLoadError(path, "the plugin refused to run under this engine (" + engine_abi + ")");
    if (REF_ABI_VERSION_MAJOR(api->abi_version) != REF_ABI_MAJOR) {
        throw PluginLoadError(path, "built for plugin ABI major version " +
                                        std::to_string(REF_ABI_VERSION_MAJOR(api->abi_version)) + " (ABI " +
                                        abi_version_string(api->abi_version) + "); " + engine_abi +
                                        " and loads major version " + std::to_string(REF_ABI_MAJOR) + " only");
    }
    if (api->struct_size < kTableSizeV1_0) {
        throw PluginLoadError(path, "function table of " + std::to_string(api->struct_size) +
                                        " bytes is smaller than ABI 1.0 requires (" + std::to_string(kTableSizeV1_0) + ")");
    }
    if (!api->free_string || !api->declare || !api->execute)
        throw PluginLoadError(path, "function table lacks free_string, declare or execute");
    return api;
}

bool has_setup_slot(const ref_provider_api* api) {
    return REF_ABI_VERSION_MINOR(api->abi_version) >= 1 &&
           offsetof(ref_provider_api, setup) + sizeof(api->setup) <= api->struct_size && api->setup != nullptr;
}

}  // namespace

std::shared_ptr<const PluginLibrary> PluginLibrary::load(const std::filesystem::path& path) {
    const std::shared_ptr<PluginLibrary> plugin = opened(path);
    const ref_provider_api* api = plugin->api_;

    char* text = nullptr;
    char* error = nullptr;
    const ref_status status = api->declare(&text, &error);
    PluginCall call = finish(api, status, text, error);
    if (!call.ok()) throw PluginLoadError(path, "declare failed (" + status_name(call.status) + "): " + call.error);
    try {
        plugin->declaration_ = parse_declaration(call.payload);
    } catch (const DeclarationError& e) {
        throw PluginLoadError(path, std::string("malformed declaration: ") + e.what());
    }
    plugin->declaration_text_ = std::move(call.payload);
    return plugin;
}

std::shared_ptr<const PluginLibrary> PluginLibrary::open_for_execution(const std::filesystem::path& path) {
    return opened(path);
}

std::shared_ptr<PluginLibrary> PluginLibrary::opened(const std::filesystem::path& path) {
    const ref_provider_api* api = open_and_check(path);
    std::shared_ptr<PluginLibrary> plugin(new PluginLibrary());
    plugin->path_ = path;
    plugin->api_ = api;
    plugin->abi_version_ = api->abi_version;
    plugin->supports_setup_ = has_setup_slot(api);
    return plugin;
}

std::shared_ptr<const PluginLibrary> PluginLibrary::from_cache(const std::filesystem::path& path,
                                                               const CachedDeclaration& cached) {
    std::shared_ptr<PluginLibrary> plugin(new PluginLibrary());
    plugin->path_ = path;
    plugin->abi_version_ = cached.abi_version;
    plugin->supports_setup_ = cached.supports_setup;
    plugin->declaration_ = parse_declaration(cached.declaration);
    plugin->declaration_text_ = cached.declaration;
    return plugin;
}

const ref_provider_api* PluginLibrary::api() const {
    std::lock_guard lock(mutex_);
    if (!api_) api_ = open_and_check(path_);
    return api_;
}

const DiagnosticDeclaration* PluginLibrary::find_diagnostic(const std::string& slug) const {
    for (const auto& d : declaration_.diagnostics)
        if (d.slug == slug) return &d;
    return nullptr;
}

PluginCall PluginLibrary::finish(const ref_provider_api* api, ref_status status, char* payload, char* error) {
    PluginCall call;
    call.status = status;
    if (payload) call.payload = payload;
    if (error) call.error = error;
    api->free_string(payload);
    api->free_string(error);
    if (!call.ok() && call.error.empty()) call.error = "(the plugin gave no message)";
    if (call.ok() && error) call.error.clear();
    return call;
}

PluginCall PluginLibrary::execute(const ref_host_api* host, const std::string& diagnostic_slug,
                                  const std::string& definition_json) const {
    const ref_provider_api* table = api();
    char* result = nullptr;
    char* error = nullptr;
    const ref_status status = table->execute(host, diagnostic_slug.c_str(), definition_json.c_str(), &result, &error);
    return finish(table, status, result, error);
}

PluginCall PluginLibrary::setup(const ref_host_api* host, const std::string& config_json) const {
    if (!supports_setup()) return {REF_STATUS_NOT_SUPPORTED, {}, "the plugin has no setup step (ABI " + abi_version_string(abi_version_) + ")"};
    const ref_provider_api* table = api();
    char* report = nullptr;
    char* error = nullptr;
    const ref_status status = table->setup(host, config_json.c_str(), &report, &error);
    return finish(table, status, report, error);
}

}  // namespace ref::host
