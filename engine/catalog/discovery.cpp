// Finding files (datasets.md §3.1) and grouping their records into datasets (§5.1).
#include "catalog/adapter.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace ref::catalog {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 10;  // folders below a root that are still entered

bool is_netcdf_name(std::string_view name) { return name.size() >= 3 && name.ends_with(".nc"); }

struct Folder {
    std::string path;
    int depth = 0;  // below its root
};

// Reads one folder with readdir, whose entry types spare a stat per file (std::filesystem
// would also build a path object per entry: a large share of the walk at 100,000 files).
void read_folder(const Folder& folder, std::vector<std::string>& files, std::vector<Folder>& subfolders,
                 std::vector<Problem>& problems) {
    const auto cannot_read = [&] {
        problems.push_back({folder.path, "cannot read the folder: " + std::error_code(errno, std::system_category()).message()});
    };
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder.path.c_str()), ::closedir);
    if (!dir) return cannot_read();
    const std::string prefix = folder.path.ends_with('/') ? folder.path : folder.path + '/';
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir.get());
        if (!entry) {
            if (errno != 0) cannot_read();
            return;
        }
        const std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        bool is_folder = entry->d_type == DT_DIR;
        if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
            // Links are followed; a dangling one is not a folder (if named *.nc, parsing reports it).
            struct stat info {};
            is_folder = ::stat((prefix + entry->d_name).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
        }
        if (is_folder) {
            if (folder.depth < kMaxDepth) subfolders.push_back({prefix + entry->d_name, folder.depth + 1});
        } else if (is_netcdf_name(name)) {
            files.push_back(prefix + entry->d_name);
        }
    }
}

// Reads the folders below the roots on several threads, so that the waits for the file system
// (the kernel's directory reads, a network file system's round trips) overlap. Files come out
// in no particular order; problems sorted by path.
void walk(std::vector<Folder> roots, std::vector<std::string>& found, std::vector<Problem>& problems) {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<Folder> pending = std::move(roots);
    std::size_t busy = 0;  // threads reading a folder, which may add more
    std::vector<Problem> walk_problems;
    std::exception_ptr error;
    const auto work = [&] {
        std::vector<std::string> files;
        std::vector<Folder> subfolders;
        std::vector<Problem> folder_problems;
        std::unique_lock lock(mutex);
        while (true) {
            changed.wait(lock, [&] { return !pending.empty() || busy == 0; });
            if (pending.empty()) break;
            const Folder folder = std::move(pending.back());
            pending.pop_back();
            ++busy;
            lock.unlock();
            try {
                read_folder(folder, files, subfolders, folder_problems);
            } catch (...) {  // out of memory: every thread stops, the caller gets the exception
                lock.lock();
                if (!error) error = std::current_exception();
                pending.clear();
                --busy;
                changed.notify_all();
                break;
            }
            lock.lock();
            --busy;
            std::move(subfolders.begin(), subfolders.end(), std::back_inserter(pending));
            subfolders.clear();
            changed.notify_all();
        }
        found.insert(found.end(), std::make_move_iterator(files.begin()), std::make_move_iterator(files.end()));
        std::move(folder_problems.begin(), folder_problems.end(), std::back_inserter(walk_problems));
    };
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < std::clamp(std::thread::hardware_concurrency(), 1U, 8U); ++i) {
        try {
            helpers.emplace_back(work);
        } catch (const std::system_error&) {  // no more threads to be had: fewer readers
            break;
        }
    }
    work();
    for (auto& helper : helpers) helper.join();
    if (error) std::rethrow_exception(error);
    std::sort(walk_problems.begin(), walk_problems.end(), [](const Problem& a, const Problem& b) { return a.path < b.path; });
    std::move(walk_problems.begin(), walk_problems.end(), std::back_inserter(problems));
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
        const store::Value* value = file.facets.find(column);
        if (!value) throw std::invalid_argument(file.path + ": the record has no column '" + column + "'");
        if (!std::holds_alternative<std::monostate>(*value) && std::find(out.begin(), out.end(), *value) == out.end()) {
            out.push_back(*value);
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

// Whether the files agree exactly, and have every column of the adapter (the usual case,
// which spares comparing column by column).
bool all_alike(const std::vector<FileMetadata>& files, const Adapter& adapter) {
    const FileMetadata& first = files.front();
    const bool has_columns =
        &first.facets.names() == &adapter.columns() ||
        std::all_of(adapter.columns().begin(), adapter.columns().end(), [&](const auto& c) { return first.facets.count(c); });
    return has_columns && std::all_of(files.begin(), files.end(), [&](const FileMetadata& f) {
               return f.finalised == first.finalised && f.facets == first.facets;
           });
}

std::string varying_columns_reason(const std::vector<FileMetadata>& files, const Adapter& adapter) {
    if (all_alike(files, adapter)) return {};
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

std::vector<std::string> discover_files(const std::vector<fs::path>& roots, std::vector<Problem>& problems) {
    std::vector<std::string> found;
    std::vector<Folder> folders;
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
            folders.push_back({root.native(), 0});
        } else if (is_netcdf_name(root.filename().native())) {
            found.push_back(root.native());
        }
    }
    walk(std::move(folders), found, problems);
    // Ordered by the path text, as the REF sorts its path strings; overlapping roots find a file twice.
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
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
