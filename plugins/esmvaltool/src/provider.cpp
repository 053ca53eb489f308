#include "ref/esmvaltool/provider.hpp"

#include "ref/esmvaltool/bundles.hpp"
#include "ref/esmvaltool/config.hpp"
#include "ref/esmvaltool/native.hpp"
#include "ref/esmvaltool/recipe.hpp"
#include "ref/esmvaltool/resources.hpp"
#include "ref/tooling/backend.hpp"
#include "ref/tooling/process.hpp"

#include <cstdlib>
#include <fstream>

namespace ref::esmvaltool {

namespace {

using plugin::DiagnosticError;

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw plugin::SystemError("cannot write " + path.string());
}

void write_json(const fs::path& path, const json& value) { write_file(path, value.dump(2) + "\n"); }

}  // namespace

tooling::CondaEnvironmentSpec environment_spec() {
    return {"esmvaltool",
            "environment.yml",
            environment_definition(),
            {std::string("git+https://github.com/ESMValGroup/ESMValTool.git@") + kEsmvaltoolCommit,
             std::string("git+https://github.com/ESMValGroup/ESMValCore.git@") + kEsmvalcoreCommit}};
}

EsmvaltoolDiagnostic::EsmvaltoolDiagnostic(const DiagnosticSpec& spec)
    : Diagnostic(spec.slug, spec.name, spec.version), spec_(spec) {}

json EsmvaltoolDiagnostic::extra_declaration() const {
    json backends = json::array();
    if (native::available(spec_.slug)) backends.push_back("native");
    if (spec_.backend_wired) backends.push_back("esmvaltool");
    return {{"base_recipe", spec_.base_recipe},
            {"backend", spec_.backend_wired ? json("esmvaltool") : json(nullptr)},
            {"backends", backends}};
}

plugin::ExecutionResult EsmvaltoolDiagnostic::execute(const plugin::ExecutionDefinition& definition,
                                                      const plugin::Host& host) {
    const fs::path out = definition.output_directory;
    const tooling::CondaEnvironment environment(environment_spec(), definition.settings);
    const tooling::BackendChoice choice =
        tooling::choose_backend(definition.settings, environment, native::available(spec_.slug), spec_.slug);
    host.info(choice.reason);
    if (choice.backend == tooling::Backend::native) return native::run(spec_, definition, host);

    // Diagnostics without a recipe template fail here, before anything is written.
    const ordered_json recipe = build_recipe(spec_, definition);

    tooling::Command command;
    command.argv = esmvaltool_argv(out);
    command.working_directory = out;
    command.log_file = out / "esmvaltool.log";
    if (const char* home = std::getenv("HOME"); !home || !*home) command.environment["HOME"] = environment.prefix().string();
    const tooling::Command wrapped = environment.wrap(command);  // SystemError when the environment is missing

    write_file(out / "recipe.yml", json_to_yaml(recipe));
    stage_climate_data(definition, out);
    const auto reference_root = reference_data_root(definition, out);
    if (!reference_root)
        host.warning("no ESMValTool reference data found; fetch the esmvaltool-datasets registry and set "
                     "reference_data_dir for recipes that use observations");
    write_file(out / "config" / "config.yml", json_to_yaml(esmvaltool_config(out, reference_root)));

    host.info("running " + tooling::display(wrapped.argv));
    tooling::run_checked(wrapped, "esmvaltool", &host);

    Bundles bundles;
    try {
        bundles = build_bundles(spec_, input_selectors(definition), out);
    } catch (const DiagnosticError& e) {
        const std::string tail = tooling::tail_of_file(command.log_file);
        throw DiagnosticError(std::string(e.what()) + (tail.empty() ? "" : "; last lines of " + command.log_file.string() + ":\n" + tail));
    }
    write_json(out / "output.json", bundles.output);
    write_json(out / "diagnostic.json", bundles.metrics);
    write_json(out / "series.json", bundles.series);

    plugin::ExecutionResult result;
    result.details = {{"backend", "esmvaltool"}, {"version", kEsmvaltoolVersion}};
    return result;
}

EsmvaltoolProvider::EsmvaltoolProvider() : Provider("esmvaltool", "ESMValTool", "0.17.2") {
    for (const auto& spec : diagnostic_specs()) add<EsmvaltoolDiagnostic>(spec);
}

json EsmvaltoolProvider::setup(const json& settings, const plugin::Host& host) {
    const tooling::CondaEnvironment environment(environment_spec(), settings);
    const fs::path log = environment.prefix() / (environment.name() + "-setup.log");
    fs::create_directories(environment.prefix());
    return environment.create(host, log);
}

json EsmvaltoolProvider::extra_declaration() const {
    const tooling::CondaEnvironment environment(environment_spec(), json::object());
    return {{"environment", environment.declaration()}, {"registries", registries_declaration()}};
}

}  // namespace ref::esmvaltool
