// Diagnostics that fail in every way the engine must survive.
#include "ref/plugin.hpp"

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <filesystem>
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
        if (s == "sleeps") {  // for concurrency tests: sleep_ms from the definition, else
                              // $MISBEHAVING_SLEEP_MS, else 300; cancellable
            const char* env = std::getenv("MISBEHAVING_SLEEP_MS");
            const int fallback = env ? std::atoi(env) : 300;
            const auto until = std::chrono::steady_clock::now() +
                               std::chrono::milliseconds(definition.raw.value("sleep_ms", fallback));
            while (std::chrono::steady_clock::now() < until) {
                host.throw_if_cancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        if (s == "chatty") {  // more log than a pipe holds, so the parent must keep reading
            const int lines = definition.raw.value("log_lines", 500);
            for (int i = 0; i < lines; ++i) host.info("line " + std::to_string(i) + " " + std::string(500, 'x'));
        }
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
        // Bundles that parse but that the engine must refuse.
        const std::string dir = definition.output_directory;
        const auto bundle_with = [&](const std::string& dimension, const std::string& value, const std::string& leaf) {
            std::ofstream(dir + "/diagnostic.json")
                << R"({"DIMENSIONS": {"json_structure": [")" + dimension + R"(", "statistic"], ")" + dimension +
                       R"(": {")" + value + R"(": {}}, "statistic": {"rmse": {}}}, "RESULTS": {")" + value +
                       R"(": {"rmse": )" + leaf + "}}}";
        };
        if (s == "nan-values") {
            bundle_with("region", "global", "NaN");
            return result;
        }
        if (s == "infinite-values") {
            bundle_with("region", "global", "1e999");
            return result;
        }
        if (s == "sleeps") {  // a value, so that a result stored twice would show
            bundle_with("region", "global", "1.5");
            return result;
        }
        if (s == "unknown-dimension") {
            bundle_with("colour", "blue", "1.5");
            return result;
        }
        if (s == "escapes" || s == "escapes-by-symlink") {
            bundle_with("region", "global", "1.5");
            std::filesystem::create_directories(dir + "/plots");
            if (s == "escapes-by-symlink") std::filesystem::create_symlink("/etc/passwd", dir + "/plots/map.png");
            const std::string file = s == "escapes" ? "../../../../outside.png" : "plots/map.png";
            std::ofstream(dir + "/output.json")
                << R"({"provenance": {"environment": {}, "modeldata": [], "obsdata": [], "log": "out.log"},
                      "plots": {"map": {"filename": ")" + file + R"(", "long_name": "Map", "description": "A map"}}})";
            result.output_bundle = "output.json";
            return result;
        }
        if (s == "echo-settings") std::ofstream(dir + "/settings.json") << definition.settings.dump();
        std::ofstream(dir + "/diagnostic.json") << R"({"DIMENSIONS": {"json_structure": []}, "RESULTS": {}})";
        host.progress(1.0, "done");
        return result;
    }
};

class MisbehavingProvider : public rp::Provider {
public:
    MisbehavingProvider() : Provider("misbehaving", "Misbehaving", "1.0.0") {
        for (const char* slug : {"throws", "out-of-memory", "segfaults", "aborts", "hangs", "hangs-politely", "exits",
                                 "allocates", "bad-result", "garbage-bundle", "behaves", "sleeps", "chatty", "nan-values",
                                 "infinite-values", "unknown-dimension", "escapes", "escapes-by-symlink", "echo-settings"})
            add<Misbehaving>(slug);
    }
    // A conda environment it never creates and a one-file registry ("hello\n"), for the engine's
    // environment listing and fetch-data.
    rp::json extra_declaration() const override {
        return {{"environment", {{"kind", "conda"}, {"name", "misbehaving-0123abcd"}}},
                {"registries",
                 {{{"name", "misbehaving-greetings"},
                   {"source_type", nullptr},
                   {"files",
                    {{{"key", "greetings/hello.txt"},
                      {"checksum", "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}},
                     {{"key", "greetings/unchecked.txt"}, {"checksum", nullptr}}}}}}}};
    }
};

}  // namespace

REF_DEFINE_PROVIDER(MisbehavingProvider)
