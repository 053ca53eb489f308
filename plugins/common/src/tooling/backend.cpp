#include "ref/tooling/backend.hpp"

namespace ref::tooling {

std::string backend_name(Backend backend) { return backend == Backend::native ? "native" : "tool"; }

std::string configured_backend_mode(const plugin::json& settings) {
    if (!settings.is_object() || !settings.contains("backend")) return "auto";
    const plugin::json& value = settings.at("backend");
    const std::string mode = value.is_string() ? value.get<std::string>() : value.dump();
    if (mode.empty() || mode == "auto") return "auto";
    if (mode == "native" || mode == "tool") return mode;
    throw plugin::DiagnosticError("the provider setting backend is \"" + mode +
                                  "\"; it must be native, tool or auto");
}

BackendChoice choose_backend(const plugin::json& settings, const CondaEnvironment& environment,
                             bool native_available, const std::string& diagnostic_slug) {
    const std::string mode = configured_backend_mode(settings);
    if (mode == "tool") return {Backend::tool, "backend = tool"};
    if (mode == "native") {
        if (!native_available)
            throw plugin::DiagnosticError(diagnostic_slug + " has no native implementation; set backend = \"tool\" or "
                                          "\"auto\" in [providers." + environment.spec().provider + "]");
        return {Backend::native, "backend = native"};
    }
    if (!native_available) return {Backend::tool, "auto: " + diagnostic_slug + " has no native implementation"};
    if (environment.exists()) return {Backend::tool, "auto: the environment " + environment.path().string() + " exists"};
    return {Backend::native, "auto: the environment " + environment.path().string() + " does not exist"};
}

}  // namespace ref::tooling
