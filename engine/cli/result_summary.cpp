#include "cli/result_summary.hpp"

#include "results/metric_bundle.hpp"

#include <fstream>
#include <map>

namespace ref::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The files one section ("plots", "data") of an output bundle lists, for the summary.
std::vector<std::string> bundle_files(const json& output_bundle, const char* section) {
    std::vector<std::string> files;
    if (!output_bundle.is_object() || !output_bundle.contains(section) || !output_bundle[section].is_object()) return files;
    for (const auto& [name, entry] : output_bundle[section].items())
        if (entry.is_object() && entry.contains("filename") && entry["filename"].is_string())
            files.push_back(entry["filename"].get<std::string>());
    return files;
}

// The bundle's values, one line each, without the dimensions every value shares.
void print_metric_values(std::ostream& out, const fs::path& bundle_path) {
    std::ifstream in(bundle_path);
    const json bundle = json::parse(in, nullptr, false);
    std::vector<results::ScalarValue> values;
    try {
        values = results::flatten_metric_bundle(bundle);
    } catch (const results::BundleError& e) {
        out << "  the metric bundle cannot be flattened: " << e.what() << '\n';
        return;
    }
    if (values.empty()) return;
    std::map<std::string, std::string> shared = values.front().dimensions;
    for (const auto& v : values)
        for (auto it = shared.begin(); it != shared.end();)
            it = (v.dimensions.count(it->first) && v.dimensions.at(it->first) == it->second) ? std::next(it) : shared.erase(it);
    std::string common;
    for (const auto& [k, v] : shared) common += (common.empty() ? "" : ", ") + k + "=" + v;
    out << "  metric values (" << values.size() << ")" << (common.empty() ? "" : " for " + common) << ":\n";
    for (const auto& v : values) {
        std::string key;
        for (const auto& [k, val] : v.dimensions)
            if (!shared.count(k)) key += (key.empty() ? "" : ", ") + k + "=" + val;
        out << "    " << (key.empty() ? "value" : key) << ": " << v.value << '\n';
    }
}

}  // namespace

void print_result_summary(std::ostream& out, const fs::path& output_dir, const json& result) {
    out << "  output directory: " << output_dir.string() << '\n';
    if (result.contains("metric_bundle") && result["metric_bundle"].is_string())
        out << "  metric bundle:    " << (output_dir / result["metric_bundle"].get<std::string>()).string() << '\n';
    if (result.contains("output_bundle") && result["output_bundle"].is_string()) {
        const fs::path bundle = output_dir / result["output_bundle"].get<std::string>();
        out << "  output bundle:    " << bundle.string() << '\n';
        std::ifstream in(bundle);
        const json doc = json::parse(in, nullptr, false);
        for (const auto& f : bundle_files(doc, "plots")) out << "  plot:             " << (output_dir / f).string() << '\n';
        for (const auto& f : bundle_files(doc, "data")) out << "  data:             " << (output_dir / f).string() << '\n';
    }
    if (result.contains("series") && result["series"].is_string())
        out << "  series:           " << (output_dir / result["series"].get<std::string>()).string() << '\n';
    out << "  log:              " << (output_dir / "out.log").string() << '\n';
    if (result.contains("metric_bundle") && result["metric_bundle"].is_string())
        print_metric_values(out, output_dir / result["metric_bundle"].get<std::string>());
}

}  // namespace ref::cli
