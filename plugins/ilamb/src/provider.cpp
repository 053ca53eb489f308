// The ILAMB provider: one diagnostic per configure entry, run by ilamb3 in its conda environment.
#include "ref/ilamb/ilamb.hpp"
#include "ref/ilamb/native.hpp"
#include "ref/tooling/backend.hpp"

#include <fstream>

namespace ref::ilamb {

namespace fs = std::filesystem;

namespace {

constexpr const char* kProviderVersion = "0.17.2";

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw plugin::SystemError("cannot write " + path.string());
}

}  // namespace

IlambDiagnostic::IlambDiagnostic(ConfigureEntry entry)
    : Diagnostic(slug_of(entry.name), entry.name, entry.version), entry_(std::move(entry)) {}

std::vector<std::vector<plugin::DataRequirement>> IlambDiagnostic::data_requirements() const {
    return ilamb::data_requirements(entry_);
}

std::vector<std::string> IlambDiagnostic::facets() const { return diagnostic_facets(); }

json IlambDiagnostic::extra_declaration() const {
    json sources = json::object();
    for (const auto& s : entry_.sources) {
        if (s.key) {
            sources[s.name] = *s.key;
        } else {
            json facets = json::object();
            for (const auto& [k, v] : s.facets) facets[k] = v;
            sources[s.name] = facets;
        }
    }
    return {{"realm", entry_.realm},
            {"reference_source_id", reference_source_id_of(entry_.name)},
            {"variable_id", variable_id_of(entry_)},
            {"sources", sources},
            {"backends", native::has_native_backend(entry_) ? json::array({"native", "ilamb"}) : json::array({"ilamb"})},
            {"description", "ILAMB " + std::string(entry_.realm == "land" ? "land" : "ocean (IOMB)") +
                                " benchmark of " + variable_id_of(entry_) + " against " +
                                reference_source_id_of(entry_.name)}};
}

plugin::ExecutionResult IlambDiagnostic::execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) {
    const fs::path out = definition.output_directory;
    fs::create_directories(out);
    const auto selectors = model_selectors(definition);
    const tooling::CondaEnvironment environment(environment_spec(), definition.settings);
    const tooling::BackendChoice choice =
        tooling::choose_backend(definition.settings, environment, native::has_native_backend(entry_), slug());
    host.info("backend: " + tooling::backend_name(choice.backend) + " (" + choice.reason + ")");
    if (choice.backend == tooling::Backend::native) return native::execute(entry_, definition, host, kProviderVersion);

    // Inputs first: a missing reference file or dataset fails before the tool starts.
    const std::string config = render_config(entry_, definition);
    const tooling::Command command = environment.wrap(driver_command(out));
    write_text(out / driver_file_name, driver_script);
    write_text(out / config_file_name, config);
    host.info("running ilamb3: " + tooling::display(command.argv));
    tooling::run_checked(command, "the ilamb3 driver", &host);
    host.throw_if_cancelled();

    plugin::ExecutionResult result;
    try {
        result = write_bundles(out, selectors, reference_source_id_of(entry_.name));
    } catch (const plugin::DiagnosticError& e) {
        throw plugin::DiagnosticError(std::string(e.what()) + "; last lines of " + (out / log_file_name).string() +
                                      ":\n" + tooling::tail_of_file(out / log_file_name));
    }
    result.details = {{"backend", "ilamb3"}};
    std::ifstream info(out / run_info_file_name);
    if (info) {
        const json run = json::parse(info, nullptr, false);
        if (run.is_object()) {
            if (run.contains("ilamb3_version")) result.details["version"] = run["ilamb3_version"];
            if (run.contains("python_version")) result.details["python_version"] = run["python_version"];
        }
    }
    return result;
}

IlambProvider::IlambProvider() : Provider("ilamb", "ILAMB", kProviderVersion) {
    for (const auto& entry : configure_entries()) add<IlambDiagnostic>(entry);
}

json IlambProvider::setup(const json& settings, const plugin::Host& host) {
    const tooling::CondaEnvironment environment(environment_spec(), settings);
    fs::create_directories(environment.prefix());
    const fs::path log = environment.prefix() / (environment.name() + ".log");
    host.info("creating the ilamb3 environment " + environment.path().string() + " (log: " + log.string() + ")");
    json report = environment.create(host, log);
    report["log"] = log.string();
    return report;
}

json IlambProvider::extra_declaration() const {
    const tooling::CondaEnvironment environment(environment_spec(), json::object());
    return {{"environment", environment.declaration()}, {"registries", registries_declaration()}};
}

}  // namespace ref::ilamb
