#include "ref/esmvaltool/config.hpp"

#include <cstdlib>
#include <set>
#include <system_error>

namespace ref::esmvaltool {

namespace {

using plugin::DiagnosticError;
using plugin::json;

json local_source(const fs::path& rootpath, const std::string& dirname_template, const std::string& filename_template) {
    return {{"type", "esmvalcore.io.local.LocalDataSource"},
            {"rootpath", rootpath.string()},
            {"dirname_template", dirname_template},
            {"filename_template", filename_template}};
}

// One directory level taken from a catalog value: it must not climb out of the tree.
std::string path_component(const std::string& value, const std::string& what) {
    if (value.empty() || value == "." || value == ".." || value.find('/') != std::string::npos ||
        value.find('\0') != std::string::npos)
        throw DiagnosticError("cannot stage a dataset whose " + what + " is '" + value + "'");
    return value;
}

std::string string_field(const json& row, const std::string& name) {
    auto it = row.find(name);
    if (it == row.end() || !it->is_string())
        throw DiagnosticError("a dataset row has no '" + name + "', needed to stage its file");
    return it->get<std::string>();
}

void link(const fs::path& target, const fs::path& link_path) {
    fs::create_directories(link_path.parent_path());
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(link_path, ec))) fs::remove(link_path);
    fs::create_symlink(target, link_path);
}

void remove_dangling_links(const fs::path& directory) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) return;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (entry.is_symlink(ec) && !fs::exists(entry.path(), ec)) fs::remove(entry.path(), ec);
    }
}

}  // namespace

ordered_json esmvaltool_config(const fs::path& output_directory, const std::optional<fs::path>& reference_root) {
    const fs::path climate_data = output_directory / "climate_data";
    json projects = json::object();
    projects["CMIP6"]["data"]["local"] =
        local_source(climate_data,
                     "{project}/{activity}/{institute}/{dataset}/{exp}/{ensemble}/{mip}/{short_name}/{grid}/{version}",
                     "{short_name}_{mip}_{dataset}_{exp}_{ensemble}_{grid}*.nc");
    projects["CMIP7"]["data"]["local"] = local_source(
        climate_data,
        "{project}/{activity}/{institute}/{dataset}/{exp}/{ensemble}/{region}/{frequency}/{short_name}/{branding_suffix}/{grid}/{version}",
        "{short_name}_{branding_suffix}_{frequency}_{region}_{grid}_{dataset}_{exp}_{ensemble}*.nc");
    projects["obs4MIPs"]["data"]["local"] = local_source(climate_data, "{project}/{dataset}/{version}", "{short_name}_*.nc");
    if (reference_root) {
        const fs::path& ref = *reference_root;
        projects["obs4MIPs"]["data"]["esmvaltool"] = local_source(ref, "{project}/{dataset}/{version}", "{short_name}_*.nc");
        const json obs = local_source(ref / "OBS", "Tier{tier}/{dataset}",
                                      "{project}_{dataset}_{type}_{version}_{mip}_{short_name}[_.]*nc");
        projects["OBS"]["data"]["local"] = obs;
        projects["OBS6"]["data"]["local"] = obs;
        projects["native6"]["data"]["local"] =
            local_source(ref / "native6", "Tier{tier}/{dataset}/{version}/{frequency}/{short_name}", "*.nc");
    }
    // json objects keep keys sorted, as the REF writes this file.
    const json config = {{"output_dir", (output_directory / "executions").string()},
                         {"projects", projects},
                         {"search_data", "quick"}};
    return ordered_json::parse(config.dump());
}

std::vector<std::string> esmvaltool_argv(const fs::path& output_directory) {
    return {"esmvaltool", "run", "--config-dir=" + (output_directory / "config").string(),
            (output_directory / "recipe.yml").string()};
}

fs::path climate_data_location(const std::string& source_type, const json& row) {
    const fs::path file = fs::path(string_field(row, "path")).filename();
    if (file.empty()) throw DiagnosticError("a dataset row has no file name in its path");
    const std::string instance_id = string_field(row, "instance_id");
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = instance_id.find('.', start);
        parts.push_back(instance_id.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    fs::path dir;
    if (source_type == "obs4mips") {
        dir = fs::path("obs4MIPs") / path_component(string_field(row, "source_id"), "source_id") /
              path_component(parts.back(), "version");
    } else {
        for (const auto& part : parts) dir /= path_component(part, "instance_id component");
    }
    return dir / file;
}

void stage_climate_data(const plugin::ExecutionDefinition& definition, const fs::path& output_directory) {
    std::set<fs::path> touched;
    for (const auto& [source_type, collection] : definition.datasets) {
        if (source_type == "esmvaltool-reference") continue;
        for (const auto& row : collection.rows) {
            const fs::path link_path = output_directory / "climate_data" / climate_data_location(source_type, row);
            // Links left by an earlier run into files that are gone would be picked up by ESMValTool.
            if (touched.insert(link_path.parent_path()).second) remove_dangling_links(link_path.parent_path());
            link(string_field(row, "path"), link_path);
        }
    }
}

std::optional<fs::path> reference_data_root(const plugin::ExecutionDefinition& definition,
                                            const fs::path& output_directory) {
    if (const auto* reference = definition.find("esmvaltool-reference")) {
        const fs::path root = output_directory / "reference_data";
        fs::remove_all(root);
        if (reference->rows.empty()) throw DiagnosticError("the execution selected no esmvaltool-reference files");
        for (const auto& row : reference->rows) {
            const fs::path path = string_field(row, "path");
            // The part of the path from its project directory onward, e.g. OBS/Tier2/OSI-450-nh/<file>.
            std::vector<fs::path> components(path.begin(), path.end());
            std::size_t anchor = components.size();
            for (std::size_t i = components.size(); i-- > 0;) {
                const auto name = components[i].string();
                if (name == "OBS" || name == "OBS6" || name == "native6" || name == "obs4MIPs") {
                    anchor = i;
                    break;
                }
            }
            if (anchor >= components.size() - 1)
                throw DiagnosticError("the reference file " + path.string() + " is not inside an OBS, native6 or obs4MIPs tree");
            fs::path relative;
            for (std::size_t i = anchor; i < components.size(); ++i) relative /= components[i];
            link(path, root / relative);
        }
        return root;
    }
    // The fetched registry: an explicit setting, else the usual cache locations.
    std::vector<fs::path> candidates;
    if (auto it = definition.settings.find("reference_data_dir"); it != definition.settings.end() && it->is_string())
        candidates.emplace_back(it->get<std::string>());
    if (auto it = definition.settings.find("dataset_cache"); it != definition.settings.end() && it->is_string()) {
        candidates.push_back(fs::path(it->get<std::string>()) / "esmvaltool-datasets" / "ESMValTool");
        candidates.push_back(fs::path(it->get<std::string>()) / "esmvaltool" / "datasets" / "ESMValTool");
    }
    if (const char* cache = std::getenv("REF_DATASET_CACHE_DIR"); cache && *cache)
        candidates.push_back(fs::path(cache) / "esmvaltool" / "datasets" / "ESMValTool");
    for (const auto& root : candidates) {
        std::error_code ec;
        if (fs::is_directory(root, ec)) return root;
    }
    return std::nullopt;
}

}  // namespace ref::esmvaltool
