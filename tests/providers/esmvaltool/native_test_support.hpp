// Running the native backend on generated climate-sensitivity data, with a host that records
// the log.
#pragma once

#include "ref/datagen/experiments.hpp"
#include "ref/datagen/temp_dir.hpp"
#include "ref/plugin.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace native_test {

namespace fs = std::filesystem;
using nlohmann::json;

// Records every log line; level is REF_LOG_*.
class RecordingHost {
public:
    RecordingHost();
    const ref::plugin::Host& host() const { return host_; }
    std::vector<std::string> messages(int level) const;
    bool logged(int level, const std::string& part) const;

private:
    static void log(void* context, int32_t level, const char* message);
    std::vector<std::pair<int, std::string>> lines_;
    ref_host_api api_{};
    ref::plugin::Host host_;
};

// The set generated once per test process (about a second) under a temporary folder.
const ref::datagen::ClimateSensitivitySet& standard_set();

// Definition for `diagnostic` on these files with its output under `output`; settings select the backend.
ref::plugin::ExecutionDefinition definition_for(const std::string& diagnostic,
                                                const std::vector<ref::datagen::GeneratedFile>& files,
                                                const fs::path& output, const json& settings = {{"backend", "native"}});

// Runs the provider's diagnostic (backend chosen from the definition's settings).
ref::plugin::ExecutionResult run_diagnostic(const std::string& diagnostic, const ref::plugin::ExecutionDefinition& definition,
                                            const ref::plugin::Host& host);

json read_json(const fs::path& path);

}  // namespace native_test
