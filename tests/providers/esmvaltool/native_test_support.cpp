#include "native_test_support.hpp"

#include "ref/esmvaltool/provider.hpp"

#include <fstream>
#include <memory>

namespace native_test {

RecordingHost::RecordingHost() : host_(&api_) {
    api_.struct_size = sizeof(ref_host_api);
    api_.abi_version = REF_ABI_VERSION;
    api_.context = this;
    api_.log = &RecordingHost::log;
}

void RecordingHost::log(void* context, int32_t level, const char* message) {
    static_cast<RecordingHost*>(context)->lines_.emplace_back(level, message ? message : "");
}

std::vector<std::string> RecordingHost::messages(int level) const {
    std::vector<std::string> out;
    for (const auto& [l, text] : lines_)
        if (l == level) out.push_back(text);
    return out;
}

bool RecordingHost::logged(int level, const std::string& part) const {
    for (const auto& text : messages(level))
        if (text.find(part) != std::string::npos) return true;
    return false;
}

const ref::datagen::ClimateSensitivitySet& standard_set() {
    static const auto directory = std::make_unique<ref::datagen::TemporaryDirectory>("ref-native-esmvaltool");
    static const auto set = ref::datagen::write_climate_sensitivity_set(directory->path());
    return set;
}

ref::plugin::ExecutionDefinition definition_for(const std::string& diagnostic,
                                                const std::vector<ref::datagen::GeneratedFile>& files,
                                                const fs::path& output, const json& settings) {
    json doc = ref::datagen::climate_sensitivity_definition(diagnostic, files);
    doc["output_directory"] = output.string();
    doc["provider_settings"] = settings;
    return ref::plugin::ExecutionDefinition::from_json(doc);
}

ref::plugin::ExecutionResult run_diagnostic(const std::string& diagnostic, const ref::plugin::ExecutionDefinition& definition,
                                            const ref::plugin::Host& host) {
    ref::esmvaltool::EsmvaltoolDiagnostic runner(ref::esmvaltool::diagnostic_spec(diagnostic));
    return runner.execute(definition, host);
}

json read_json(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return json::parse(in);
}

}  // namespace native_test
