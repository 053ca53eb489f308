// Which diagnostics have a native implementation, and running one.
#include "native_common.hpp"

#include <map>

namespace ref::esmvaltool::native {

namespace {

using Runner = plugin::ExecutionResult (*)(const DiagnosticSpec&, const plugin::ExecutionDefinition&, const plugin::Host&);

const std::map<std::string, Runner>& runners() {
    static const std::map<std::string, Runner> table = {
        {"global-mean-timeseries", run_global_mean_timeseries},
        {"equilibrium-climate-sensitivity", run_ecs},
        {"transient-climate-response", run_tcr},
        {"transient-climate-response-emissions", run_tcre},
        {"zero-emission-commitment", run_zec},
        {"climate-at-global-warming-levels", run_gwl},
        {"sea-ice-sensitivity", run_sea_ice_sensitivity},
    };
    return table;
}

}  // namespace

bool available(const std::string& slug) { return runners().count(slug) > 0; }

plugin::ExecutionResult run(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                            const plugin::Host& host) {
    const auto it = runners().find(spec.slug);
    if (it == runners().end()) throw plugin::DiagnosticError(spec.slug + " has no native implementation");
    std::filesystem::create_directories(definition.output_directory);
    return it->second(spec, definition, host);
}

}  // namespace ref::esmvaltool::native
