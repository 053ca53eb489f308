// Diagnostics that fail in every way the engine must survive.
#include "ref/plugin.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

namespace rp = ref::plugin;

class Misbehaving : public rp::Diagnostic {
public:
    explicit Misbehaving(const std::string& slug) : Diagnostic(slug, "Misbehaving: " + slug, 1) {}
    std::vector<std::vector<rp::DataRequirement>> data_requirements() const override {
        return {{rp::DataRequirement{"cmip6", {{{"variable_id", {"tas"}}}}, std::vector<std::string>{"source_id"}, {}}}};
    }
    std::vector<std::string> facets() const override { return {"source_id"}; }

    rp::ExecutionResult execute(const rp::ExecutionDefinition& definition, const rp::Host& host) override {
        const std::string& s = slug();
        host.info("misbehaving as '" + s + "'");
        if (s == "throws") throw std::runtime_error("deliberate failure: the input has no 'tas' variable");
        if (s == "out-of-memory") throw std::bad_alloc();
        if (s == "segfaults") {
            std::raise(SIGSEGV);
        }
        if (s == "aborts") std::abort();
        if (s == "hangs") {
            for (;;) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // ignores cancellation
        }
        if (s == "hangs-politely") {
            for (;;) {
                host.throw_if_cancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        if (s == "exits") std::_Exit(7);
        if (s == "allocates") {
            std::vector<char> block(std::size_t{4} << 30);  // 4 GiB, more than any memory limit in the tests
            block[block.size() - 1] = 1;
            host.info("allocated " + std::to_string(block.size()) + " bytes");
        }
        rp::ExecutionResult result;
        result.output_bundle.reset();
        result.series.reset();
        if (s == "bad-result") return result;  // claims success but wrote no metric bundle
        if (s == "garbage-bundle") {
            std::ofstream(definition.output_directory + "/diagnostic.json") << "{\"DIMENSIONS\": [1, 2";
            return result;
        }
        std::ofstream(definition.output_directory + "/diagnostic.json")
            << R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}})";
        host.progress(1.0, "done");
        return result;
    }
};

class MisbehavingProvider : public rp::Provider {
public:
    MisbehavingProvider() : Provider("misbehaving", "Misbehaving", "1.0.0") {
        for (const char* slug : {"throws", "out-of-memory", "segfaults", "aborts", "hangs", "hangs-politely", "exits",
                                 "allocates", "bad-result", "garbage-bundle", "behaves"})
            add<Misbehaving>(slug);
    }
};

}  // namespace

REF_DEFINE_PROVIDER(MisbehavingProvider)
