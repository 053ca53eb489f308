// The ESMValTool provider: declarations, environment setup and execution through esmvaltool.
#pragma once

#include "ref/esmvaltool/declarations.hpp"
#include "ref/plugin.hpp"
#include "ref/tooling/conda.hpp"

namespace ref::esmvaltool {

// The provider's conda environment (environment.yml plus the pinned ESMValTool/ESMValCore commits).
tooling::CondaEnvironmentSpec environment_spec();

class EsmvaltoolDiagnostic : public plugin::Diagnostic {
public:
    explicit EsmvaltoolDiagnostic(const DiagnosticSpec& spec);

    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override { return spec_.requirements; }
    std::vector<std::string> facets() const override { return spec_.facets; }
    json extra_declaration() const override;
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override;

private:
    const DiagnosticSpec& spec_;
};

class EsmvaltoolProvider : public plugin::Provider {
public:
    EsmvaltoolProvider();
    json setup(const json& settings, const plugin::Host& host) override;
    json extra_declaration() const override;
};

}  // namespace ref::esmvaltool
