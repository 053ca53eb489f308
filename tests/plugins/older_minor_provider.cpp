// A provider built for ABI 1.0 (before the setup slot): the engine must still load it.
#define REF_ABI_TARGET_MINOR 0
#include "ref/plugin.hpp"

#include <fstream>

namespace {

namespace rp = ref::plugin;

class Echo : public rp::Diagnostic {
public:
    Echo() : Diagnostic("echo", "Echo", 1) {}
    std::vector<std::vector<rp::DataRequirement>> data_requirements() const override {
        return {{rp::DataRequirement{"obs4mips", {}, std::nullopt, {}}}};
    }
    std::vector<std::string> facets() const override { return {"metric"}; }
    rp::ExecutionResult execute(const rp::ExecutionDefinition& definition, const rp::Host&) override {
        std::ofstream(definition.output_directory + "/diagnostic.json")
            << R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}})";
        rp::ExecutionResult result;
        result.output_bundle.reset();
        result.series.reset();
        return result;
    }
};

class Legacy : public rp::Provider {
public:
    Legacy() : Provider("legacy", "Legacy 1.0 provider", "0.9.0") { add<Echo>(); }
};

}  // namespace

REF_DEFINE_PROVIDER(Legacy)
