// The example provider's diagnostics.
#pragma once

#include "ref/plugin.hpp"

namespace ref::example {

// Area-weighted (areacella) annual global mean of tas or rsut, per dataset.
class GlobalMeanTimeseries : public plugin::Diagnostic {
public:
    GlobalMeanTimeseries() : Diagnostic("global-mean-timeseries", "Global Mean Timeseries", 1) {}
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override;
    std::vector<std::string> facets() const override;
    plugin::json extra_declaration() const override;
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override;
};

// Global-mean SST of a model (areacello weights) against HadISST (cos-lat weights).
class GlobalSstBias : public plugin::Diagnostic {
public:
    GlobalSstBias() : Diagnostic("global-sst-bias", "Global Mean SST Bias", 2) {}
    std::vector<std::vector<plugin::DataRequirement>> data_requirements() const override;
    std::vector<std::string> facets() const override;
    plugin::json extra_declaration() const override;
    plugin::ExecutionResult execute(const plugin::ExecutionDefinition& definition, const plugin::Host& host) override;
};

}  // namespace ref::example
