// Which backend computes a diagnostic: the provider's own tool in its conda environment, or
// the plugin's native C++ implementation. Chosen per provider by the setting "backend"
// ([providers.<slug>] backend = "native" | "tool" | "auto"; auto when absent).
#pragma once

#include "ref/plugin.hpp"
#include "ref/tooling/conda.hpp"

#include <string>

namespace ref::tooling {

enum class Backend { native, tool };

struct BackendChoice {
    Backend backend = Backend::tool;
    std::string reason;  // one line for the execution log, e.g. "auto: the environment ... does not exist"
};

std::string backend_name(Backend backend);

// The configured mode ("auto" when the setting is absent or empty). Throws plugin::DiagnosticError
// naming the setting for any other value than native, tool or auto.
std::string configured_backend_mode(const plugin::json& settings);

// auto picks the tool when its environment exists and otherwise the native implementation.
// `native_available` says whether the diagnostic has a native implementation: auto then
// always uses the tool, and an explicit "native" is a DiagnosticError that says what to set.
BackendChoice choose_backend(const plugin::json& settings, const CondaEnvironment& environment,
                             bool native_available, const std::string& diagnostic_slug);

}  // namespace ref::tooling
