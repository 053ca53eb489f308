// What a successful execution left behind, for people: bundles, plots, data, log and values.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <ostream>

namespace ref::cli {

// `result` is the plugin's result document (docs/plugin-abi.md §2.3).
void print_result_summary(std::ostream& out, const std::filesystem::path& output_dir, const nlohmann::json& result);

}  // namespace ref::cli
