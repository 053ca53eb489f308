// The PMP provider and its diagnostics: declare, run the PMP drivers in the provider's
// conda environment, convert their outputs.
#include "ref/pmp/pmp.hpp"
#include "ref/tooling/backend.hpp"
#include "ref/tooling/digest.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>

namespace ref::pmp {

namespace {

void write_text_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc | std::ios::binary);
    out << text;
    if (!out) throw plugin::SystemError("cannot write " + path.string());
}

fs::path output_directory(const plugin::ExecutionDefinition& definition) {
    fs::path out(definition.output_directory);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw plugin::SystemError("cannot create the output directory " + out.string() + ": " + ec.message());
    return out;
}

// The reference of one source type; PMP reads a single reference file, so more are worth a warning.
ReferenceSelection reference_of(const plugin::ExecutionDefinition& definition, const std::string& source_type,
                                const plugin::Host& host) {
    ReferenceSelection reference = select_reference(definition, source_type);
    if (reference.file_count > 1)
        host.warning("the reference collection holds " + std::to_string(reference.file_count) +
                     " files; PMP reads only the first: " + reference.path);
    return reference;
}

// Which backend runs this execution; the reason goes to the execution log.
tooling::Backend choose(const plugin::ExecutionDefinition& definition, const tooling::CondaEnvironment& environment,
                        bool native_available, const std::string& slug, const plugin::Host& host) {
    const tooling::BackendChoice choice = tooling::choose_backend(definition.settings, environment, native_available, slug);
    host.info("backend " + tooling::backend_name(choice.backend) + " (" + choice.reason + ")");
    return choice.backend;
}

class AnnualCycle : public plugin::Diagnostic {
public:
    AnnualCycle() : Diagnostic("annual-cycle", "Annual Cycle", 5) {}
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override {
        return annual_cycle_requirements();
    }
    std::vector<std::string> facets() const override {
        return {"kind",          "mip_id", "source_id", "member_id", "experiment_id", "variable_id",
                "reference_source_id", "level",  "region",    "statistic", "season"};
    }
    json extra_declaration() const override {
        return {{"description",
                 "Annual cycle statistics (bias, RMS, correlation, ...) of a model's 1981-2005 climatology against "
                 "the PMP reference climatologies, computed by PMP's mean climate driver or natively"},
                {"backends", {"native", "pmp"}}};
    }
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override {
        const fs::path out = output_directory(definition);
        const ModelSelection model = select_model(definition);
        const ReferenceSelection reference = reference_of(definition, "pmp-climatology", host);
        const tooling::CondaEnvironment environment(environment_spec(), definition.settings);
        const bool native = choose(definition, environment, true, slug(), host) == tooling::Backend::native;
        if (native)
            run_native_annual_cycle(model, reference, out, host);
        else
            run_plan(plan_annual_cycle(model, reference, out), environment, out, host);
        const Bundles bundles = convert_annual_cycle(
            out, {model.source_type, model.source_id, model.member_id, model.experiment_id, model.variable_id,
                  reference.source_id});
        return native ? write_native_bundles(out, bundles) : write_bundles(out, bundles);
    }
};

class Enso : public plugin::Diagnostic {
public:
    explicit Enso(const std::string& collection)
        : Diagnostic(lower(collection), collection, 2), collection_(enso_collection(collection)) {}
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override {
        return enso_requirements(collection_);
    }
    std::vector<std::string> facets() const override {
        return {"kind", "mip_id", "source_id", "member_id", "grid_label", "experiment_id", "metric", "reference_source_id"};
    }
    json extra_declaration() const override {
        return {{"description", "ENSO metrics collection " + collection_.name + " computed by EnsoMetrics " +
                                    std::string(kEnsoMetricsVersion) + " through PMP"},
                {"backends", {"pmp"}}};
    }
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override {
        const fs::path out = output_directory(definition);
        const ModelSelection model = select_model(definition);
        const tooling::CondaEnvironment environment(environment_spec(), definition.settings);
        choose(definition, environment, false, slug(), host);  // tool only; an explicit native fails here
        run_plan(plan_enso(collection_, definition, model, out), environment, out, host);
        const Bundles bundles = convert_enso(out, {collection_.name, model.source_type, model.source_id,
                                                   model.member_id, model.grid_label, model.experiment_id});
        return write_bundles(out, bundles);
    }

private:
    static std::string lower(std::string s) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    }
    EnsoCollection collection_;
};

class ModeOfVariability : public plugin::Diagnostic {
public:
    explicit ModeOfVariability(const std::string& mode)
        : Diagnostic("extratropical-modes-of-variability-" + lower(mode), "Extratropical modes of variability: " + mode, 3),
          mode_(mode_config(mode)) {}
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override {
        return mode_requirements(mode_);
    }
    std::vector<std::string> facets() const override {
        return {"kind", "mip_id", "source_id", "member_id", "experiment_id", "reference_source_id",
                "mode", "season", "method",    "statistic"};
    }
    json extra_declaration() const override {
        return {{"description", "The " + mode_.mode + " mode of variability (" + mode_.variable_id +
                                    ") of a model against " + mode_.reference_source_id +
                                    ": conventional EOF and common basis function methods of PMP"},
                {"backends", {"native", "pmp"}}};
    }
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override {
        const fs::path out = output_directory(definition);
        const ModelSelection model = select_model(definition);
        const ReferenceSelection reference = reference_of(definition, "obs4mips", host);
        const tooling::CondaEnvironment environment(environment_spec(), definition.settings);
        const bool native = choose(definition, environment, true, slug(), host) == tooling::Backend::native;
        if (native)
            run_native_mode(mode_, model, reference, out, host);
        else
            run_plan(plan_mode(mode_, model, reference, out), environment, out, host);
        const Bundles bundles = convert_mode(out, {model.source_type, model.source_id, model.member_id,
                                                   model.experiment_id, reference.source_id});
        return native ? write_native_bundles(out, bundles) : write_bundles(out, bundles);
    }

private:
    static std::string lower(std::string s) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    }
    ModeConfig mode_;
};

}  // namespace

tooling::Command make_step_command(const tooling::CondaEnvironment& environment, const std::vector<std::string>& argv,
                                   const fs::path& out) {
    tooling::Command command;
    command.argv = argv;
    command.working_directory = out;
    command.log_file = out / kLogFileName;
    // Works around an MPICH finalisation crash in the PMP environment (as the REF does).
    if (!std::getenv("FI_PROVIDER")) command.environment["FI_PROVIDER"] = "tcp";
    if (!std::getenv("HOME")) command.environment["HOME"] = environment.prefix().string();
    if (const auto manager = environment.find_manager()) command.environment["PCMDI_CONDA_EXE"] = manager->string();
    return environment.wrap(std::move(command));
}

void run_plan(const PlannedRun& plan, const tooling::CondaEnvironment& environment, const fs::path& out,
              const plugin::Host& host) {
    // Checked first, so a missing environment fails before anything is written.
    if (!environment.exists())
        throw plugin::SystemError("the PMP conda environment " + environment.path().string() +
                                  " does not exist; create it with `ref-engine providers setup --provider pmp`");
    for (const auto& [path, text] : plan.files) write_text_file(path, text);
    for (std::size_t i = 0; i < plan.commands.size(); ++i) {
        host.throw_if_cancelled();
        const auto& argv = plan.commands[i];
        const tooling::Command command = make_step_command(environment, argv, out);
        host.info("running " + tooling::display(command.argv));
        host.progress(static_cast<double>(i) / static_cast<double>(plan.commands.size()), argv.front());
        tooling::run_checked(command, "PMP step '" + fs::path(argv.front()).filename().string() + "'", &host);
    }
    host.progress(1.0, "converting PMP outputs");
}

PmpProvider::PmpProvider() : Provider("pmp", "PMP", kProviderVersion) {
    add<AnnualCycle>();
    add<Enso>("ENSO_tel");
    add<Enso>("ENSO_proc");
    for (const char* mode : {"PDO", "NPGO", "NAO", "NAM", "PNA", "NPO", "SAM"}) add<ModeOfVariability>(mode);
}

json PmpProvider::setup(const json& settings, const plugin::Host& host) {
    const tooling::CondaEnvironment environment(environment_spec(), settings);
    std::error_code ec;
    fs::create_directories(environment.prefix(), ec);
    if (ec) throw plugin::SystemError("cannot create " + environment.prefix().string() + ": " + ec.message());
    return environment.create(host, environment.prefix() / "pmp-environment.log");
}

json PmpProvider::extra_declaration() const {
    const auto spec = environment_spec();
    json environment;
    try {
        environment = tooling::CondaEnvironment(spec, json::object()).declaration();
    } catch (const std::exception&) {
        environment = {{"kind", "conda"},
                       {"name", "pmp-" + tooling::environment_hash(spec)},
                       {"definition", spec.definition_file_name},
                       {"pip_packages", json::array()}};
    }
    environment["packages"] = {{"pcmdi_metrics", kPcmdiMetricsVersion}, {"enso_metrics", kEnsoMetricsVersion}};
    return {{"environment", environment},
            {"registries", registry_declaration()},
            {"description", "PCMDI Metrics Package (pcmdi_metrics " + std::string(kPcmdiMetricsVersion) +
                                ") run in its own conda environment"}};
}

}  // namespace ref::pmp
