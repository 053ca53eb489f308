// Finding files (datasets.md §3.1) and grouping their records into datasets (§5.1).
#include "catalog/adapter.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <system_error>

namespace ref::catalog {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 10;  // folders below a root that are still entered

bool is_netcdf_name(const fs::path& path) {
    const std::string name = path.filename().string();
    return name.size() >= 3 && name.compare(name.size() - 3, 3, ".nc") == 0;
}

void walk(const fs::path& folder, int depth, std::set<std::string>& found, std::vector<Problem>& problems) {
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    std::vector<fs::path> subfolders;
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code ignored;  // a dangling link is not a folder; if named *.nc, parsing reports it
        if (it->is_directory(ignored)) {
            if (depth < kMaxDepth) subfolders.push_back(it->path());
        } else if (is_netcdf_name(it->path())) {
            found.insert(it->path().string());
        }
    }
    if (ec) problems.push_back({folder.string(), "cannot read the folder: " + ec.message()});
    for (const auto& sub : subfolders) walk(sub, depth + 1, found, problems);
}

std::string value_text(const store::Value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return "'" + *text + "'";
    if (const auto* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
    if (const auto* real = std::get_if<double>(&value)) {
        char buffer[64];
        return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, *real).ptr);
    }
    return "NULL";
}

// The distinct non-NULL values of one column across the files, in file order.
std::vector<store::Value> distinct_values(const std::vector<FileMetadata>& files, const std::string& column) {
    std::vector<store::Value> out;
    for (const auto& file : files) {
        const auto it = file.facets.find(column);
        if (it == file.facets.end()) {
            throw std::invalid_argument(file.path + ": the record has no column '" + column + "'");
        }
        if (!std::holds_alternative<std::monostate>(it->second) &&
            std::find(out.begin(), out.end(), it->second) == out.end()) {
            out.push_back(it->second);
        }
    }
    return out;
}

// §3.2 fix (a): CMIP6 files of one dataset that disagree on parent_variant_label all take the first file's.
void fix_parent_variant_label(std::vector<FileMetadata>& files) {
    if (distinct_values(files, "parent_variant_label").size() <= 1) return;
    const store::Value first = files.front().facets.at("parent_variant_label");
    for (auto& file : files) file.facets["parent_variant_label"] = first;
}

std::string varying_columns_reason(const std::vector<FileMetadata>& files, const Adapter& adapter) {
    std::string columns;
    const auto add = [&](const std::string& name, const std::vector<std::string>& values) {
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : ", ") + v;
        columns += (columns.empty() ? "" : "; ") + name + " (" + joined + ")";
    };
    for (const auto& column : adapter.columns()) {
        const auto values = distinct_values(files, column);
        if (values.size() <= 1) continue;
        std::vector<std::string> texts;
        for (const auto& v : values) texts.push_back(value_text(v));
        add(column, texts);
    }
    const bool any_final = std::any_of(files.begin(), files.end(), [](const auto& f) { return f.finalised; });
    const bool all_final = std::all_of(files.begin(), files.end(), [](const auto& f) { return f.finalised; });
    if (any_final && !all_final) add("finalised", {"true", "false"});
    if (columns.empty()) return {};

    std::string ranges;
    for (const auto& f : files) {
        ranges += (ranges.empty() ? "" : ", ") + f.path + " [" + f.start_time.value_or("no start") + " to " +
                  f.end_time.value_or("no end") + "]";
    }
    return "dataset-level columns differ between its files: " + columns + "; files: " + ranges;
}

}  // namespace

std::vector<fs::path> discover_files(const std::vector<fs::path>& roots, std::vector<Problem>& problems) {
    std::set<std::string> found;
    for (const auto& given : roots) {
        std::error_code ec;
        fs::path root = fs::absolute(given, ec).lexically_normal();
        if (ec) {
            problems.push_back({given.string(), "cannot resolve the path: " + ec.message()});
            continue;
        }
        if (!root.has_filename() && root.has_relative_path()) root = root.parent_path();  // "dir/" -> "dir"
        const auto status = fs::status(root, ec);
        if (ec || !fs::exists(status)) {
            problems.push_back({root.string(), ec && ec != std::errc::no_such_file_or_directory
                                                   ? "cannot access the path: " + ec.message()
                                                   : std::string("no such file or folder")});
        } else if (fs::is_directory(status)) {
            walk(root, 0, found, problems);
        } else if (is_netcdf_name(root)) {
            found.insert(root.string());
        }
    }
    // std::set orders by the path text, as the REF sorts its path strings.
    return {found.begin(), found.end()};
}

std::vector<DatasetFiles> group_into_datasets(std::vector<FileMetadata> files, const Adapter& adapter,
                                              std::vector<Problem>& problems) {
    std::map<std::string, std::vector<FileMetadata>> groups;
    for (auto& file : files) {
        if (file.instance_id.empty()) {
            problems.push_back({file.path, "the file has no instance id"});
            continue;
        }
        groups[file.instance_id].push_back(std::move(file));
    }

    std::vector<DatasetFiles> out;
    for (auto& [instance_id, group] : groups) {
        std::sort(group.begin(), group.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
        if (adapter.source_type() == solver::SourceType::Cmip6) fix_parent_variant_label(group);
        if (const std::string reason = varying_columns_reason(group, adapter); !reason.empty()) {
            problems.push_back({instance_id, reason});
            continue;
        }
        out.push_back(DatasetFiles{instance_id, std::move(group)});
    }
    return out;
}

}  // namespace ref::catalog
