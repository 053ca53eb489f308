// The execute benchmark's provider: one diagnostic that does no science. It writes a
// one-value metric bundle and returns, so a run measures only what the engine adds
// around an execution (spawn, plugin load, validation, copy, database writes).
#include "ref/plugin.hpp"

#include <fstream>

namespace {

namespace rp = ref::plugin;

class NoOp : public rp::Diagnostic {
public:
    NoOp() : Diagnostic("no-op", "Does nothing, quickly", 1) {}
    std::vector<std::vector<rp::DataRequirement>> data_requirements() const override {
        return {{rp::DataRequirement{"cmip6", {{{"variable_id", {"tas"}}}}, std::vector<std::string>{"source_id"}, {}}}};
    }
    std::vector<std::string> facets() const override { return {"source_id", "region", "statistic"}; }
    rp::ExecutionResult execute(const rp::ExecutionDefinition& def, const rp::Host&) override {
        std::ofstream(def.output_directory + "/diagnostic.json") << rp::json{
            {"DIMENSIONS", {{"json_structure", {"region", "statistic"}}, {"region", {{"global", rp::json::object()}}},
                            {"statistic", {{"bias", rp::json::object()}}}}},
            {"RESULTS", {{"global", {{"bias", 0.0}}}}}};
        rp::ExecutionResult result;
        result.output_bundle.reset();
        result.series.reset();
        return result;
    }
};

class NoOpProvider : public rp::Provider {
public:
    NoOpProvider() : Provider("bench-noop", "Execute benchmark", "1.0.0") { add<NoOp>(); }
};

}  // namespace

REF_DEFINE_PROVIDER(NoOpProvider)
