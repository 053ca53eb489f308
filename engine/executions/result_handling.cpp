#include "executions/result_handling.hpp"

#include "executions/record.hpp"
#include "results/hashing.hpp"
#include "results/json_file.hpp"
#include "results/metric_bundle.hpp"
#include "results/output_bundle.hpp"
#include "results/series.hpp"

#include "util/fd_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <thread>

namespace ref::executions {

namespace fs = std::filesystem;
using nlohmann::json;
using store::Value;

namespace {

// Everything read and validated before anything is copied or written.
struct PreparedResult {
    std::string metric_bundle_name;
    std::vector<results::ScalarValue> scalars;
    std::vector<results::SeriesEntry> series;
    std::vector<results::OutputEntry> outputs;
    std::vector<std::string> files;  // relative to the output directory, in copy order, each once
    std::vector<std::string> warnings;
};

std::optional<std::string> result_file(const json& result, const char* key) {
    auto it = result.find(key);
    if (it == result.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

PreparedResult prepare(const json& result, const fs::path& scratch_dir, const ResultHandlingOptions& options) {
    const results::Vocabulary& cv = options.vocabulary ? *options.vocabulary : results::Vocabulary::bundled();
    PreparedResult out;
    std::set<std::string> listed;
    const auto add_file = [&](const std::string& name) {
        const std::string normal = fs::path(name).lexically_normal().string();
        if (listed.insert(normal).second) out.files.push_back(normal);
    };
    add_file("out.log");
    const auto metric_name = result_file(result, "metric_bundle");
    if (!metric_name) throw ResultError("the result names no metric bundle");
    out.metric_bundle_name = *metric_name;
    auto metric = results::read_metric_bundle(results::read_json_file(scratch_dir / *metric_name, "metric bundle"), cv,
                                              options.allow_extra_keys);
    out.scalars = std::move(metric.values);
    out.warnings = std::move(metric.warnings);
    add_file(*metric_name);
    if (const auto name = result_file(result, "output_bundle")) {
        auto bundle = results::read_output_bundle(results::read_json_file(scratch_dir / *name, "output bundle"),
                                                  scratch_dir, cv);
        add_file(*name);
        for (auto& entry : bundle.entries) {
            add_file(entry.filename);
            out.outputs.push_back(std::move(entry));
        }
    }
    if (const auto name = result_file(result, "series")) {
        out.series = results::read_series(results::read_json_file(scratch_dir / *name, "series file"), cv);
        add_file(*name);
    }
    return out;
}

bool inside(const fs::path& path, const fs::path& root) {
    auto p = path.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++p)
        if (p == path.end() || *p != *r) return false;
    return true;
}

// Errors that mean the results disk, not the diagnostic, failed.
bool environment_error(const std::error_code& ec) {
    return ec == std::errc::no_space_on_device || ec == std::errc::file_too_large || ec == std::errc::io_error ||
           ec == std::errc::read_only_file_system || ec == std::errc::permission_denied || ec.value() == EDQUOT;
}

// A plain read/write copy: every write is checked (a full disk or a file-size limit shows up
// here, whatever the file system would do for copy_file_range or reflinks), and the
// permission bits follow the source.
std::error_code copy_regular_file(const fs::path& from, const fs::path& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return {errno, std::generic_category()};
    struct stat info {};
    ::fstat(in, &info);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, info.st_mode & 07777);
    if (out < 0) {
        const int error = errno;
        ::close(in);
        return {error, std::generic_category()};
    }
    std::error_code ec;
    // Sized to the file (up to 1 MiB) and not zero-filled: most result files are small.
    const std::size_t size = static_cast<std::size_t>(std::clamp<off_t>(info.st_size + 1, 4096, 1 << 20));
    const std::unique_ptr<char[]> buffer(new char[size]);
    for (;;) {
        const ssize_t n = ::read(in, buffer.get(), size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ec = {errno, std::generic_category()};
            break;
        }
        if (n == 0) break;
        if (!util::write_all(out, std::string_view(buffer.get(), static_cast<std::size_t>(n)))) {
            ec = {errno ? errno : EIO, std::generic_category()};
            break;
        }
    }
    ::close(in);
    if (::close(out) != 0 && !ec) ec = {errno, std::generic_category()};  // NFS reports a full disk here
    return ec;
}

// Copies (or hard-links, with `link`) `names` from the execution's scratch folder into
// `staging`. A name that resolves (through symlinks too) outside the scratch folder is refused.
// Links are safe because an execution's scratch folder is emptied before it runs again, so
// nothing writes through the shared inode afterwards.
std::size_t stage_files(const std::vector<std::string>& names, const fs::path& scratch_dir, const fs::path& staging,
                        bool link) {
    std::error_code ec;
    const fs::path real_root = fs::canonical(scratch_dir, ec);
    if (ec) throw ResultError("the output directory " + scratch_dir.string() + " is unreadable: " + ec.message());
    std::size_t copied = 0;
    for (const auto& name : names) {
        const fs::path rel(name);
        if (rel.empty() || rel.is_absolute() || *rel.begin() == "..")
            throw ResultError("'" + name + "' is not a path inside the execution's output directory");
        const fs::path source = scratch_dir / rel;
        const fs::path real = fs::canonical(source, ec);
        if (ec) {
            if (name == "out.log") continue;  // a missing log is dealt with by the caller
            throw ResultError("'" + name + "' is listed in the results but was not written (" + ec.message() + ")");
        }
        if (!inside(real, real_root))
            throw ResultError("'" + name + "' leaves the execution's output directory through a symlink (it resolves to " +
                              real.string() + "); refusing to copy it");
        if (!fs::is_regular_file(real, ec)) throw ResultError("'" + name + "' is not a regular file");
        const fs::path target = staging / rel;
        fs::create_directories(target.parent_path(), ec);
        if (!ec && link && ::link(real.c_str(), target.c_str()) == 0) {
            ++copied;
            continue;
        }
        // Another file system (EXDEV), or links refused: the checked copy.
        if (!ec) ec = copy_regular_file(real, target);
        if (ec) {
            ResultError error("copying '" + name + "' into the results store (" + target.string() + ") failed: " +
                              ec.message());
            error.retryable = environment_error(ec);
            throw error;
        }
        ++copied;
    }
    return copied;
}

// The files of one handling in the results store: staged beside the final folder, swapped in
// just before the commit, and put back as they were if anything fails.
class StagedFolder {
public:
    explicit StagedFolder(fs::path final_dir)
        : final_(std::move(final_dir)),
          staging_(final_.parent_path() / (final_.filename().string() + ".partial-" + std::to_string(::getpid()))),
          previous_(final_.parent_path() / (final_.filename().string() + ".previous-" + std::to_string(::getpid()))) {
        std::error_code ec;
        fs::remove_all(staging_, ec);
        fs::create_directories(staging_, ec);
        if (ec) {
            ResultError error("cannot create " + staging_.string() + " in the results store: " + ec.message());
            error.retryable = true;
            throw error;
        }
    }
    ~StagedFolder() {
        std::error_code ec;
        if (swapped_ && !kept_) {
            fs::remove_all(final_, ec);
            if (had_previous_) fs::rename(previous_, final_, ec);
        }
        fs::remove_all(staging_, ec);
        if (kept_) fs::remove_all(previous_, ec);
    }
    StagedFolder(const StagedFolder&) = delete;
    StagedFolder& operator=(const StagedFolder&) = delete;

    const fs::path& path() const { return staging_; }
    void swap_in() {
        std::error_code ec;
        if (fs::exists(final_, ec)) {
            fs::remove_all(previous_, ec);
            fs::rename(final_, previous_, ec);
            if (ec) throw ResultError("cannot move the earlier results of " + final_.string() + " aside: " + ec.message());
            had_previous_ = true;
        }
        fs::rename(staging_, final_, ec);
        if (ec) {
            if (had_previous_) fs::rename(previous_, final_, ec);
            throw ResultError("cannot move the results into " + final_.string() + ": " + ec.message());
        }
        swapped_ = true;
    }
    void keep() { kept_ = true; }

private:
    fs::path final_, staging_, previous_;
    bool swapped_ = false, had_previous_ = false, kept_ = false;
};

std::string quoted_column(const std::string& name) { return "\"" + name + "\""; }

std::string attributes_text(const json& attributes) {
    return attributes.is_object() ? attributes.dump(-1, ' ', false, json::error_handler_t::replace) : "null";
}

void delete_recorded_values(store::Database& db, int64_t execution_id) {
    db.execute("DELETE FROM metric_value WHERE execution_id = ?", {execution_id});
    db.execute("DELETE FROM execution_output WHERE execution_id = ?", {execution_id});
}

// Scalars go in multi-row INSERTs, one per set of dimension columns (a bundle usually has one).
void insert_scalars(store::Database& db, int64_t execution_id, const std::vector<results::ScalarValue>& values) {
    std::map<std::vector<std::string>, std::vector<const results::ScalarValue*>> by_columns;
    for (const auto& v : values) {
        std::vector<std::string> columns;
        for (const auto& [dimension, value] : v.dimensions) columns.push_back(dimension);
        by_columns[columns].push_back(&v);
    }
    constexpr std::size_t batch = 200;
    for (const auto& [columns, rows] : by_columns) {
        std::string head = "INSERT INTO metric_value (execution_id, type, value, attributes, kind";
        for (const auto& c : columns) head += ", " + quoted_column(c);
        head += ") VALUES ";
        std::string row_marks = "(?, 'SCALAR', ?, ?, ?";
        for (std::size_t i = 0; i < columns.size(); ++i) row_marks += ", ?";
        row_marks += ")";
        for (std::size_t start = 0; start < rows.size(); start += batch) {
            const std::size_t end = std::min(rows.size(), start + batch);
            std::string sql = head;
            std::vector<Value> params;
            params.reserve((end - start) * (4 + columns.size()));
            for (std::size_t i = start; i < end; ++i) {
                const auto& v = *rows[i];
                sql += (i == start ? "" : ", ") + row_marks;
                params.emplace_back(execution_id);
                // Missing values are NULL on both back ends (the REF stores NaN on PostgreSQL).
                if (std::isfinite(v.value)) params.emplace_back(v.value);
                else params.emplace_back(std::monostate{});
                params.emplace_back(attributes_text(v.attributes));
                params.emplace_back(v.kind);
                for (const auto& c : columns) params.emplace_back(v.dimensions.at(c));
            }
            db.execute(sql, params);
        }
    }
}

json values_json(const std::vector<double>& values) {
    json out = json::array();
    for (double v : values) out.push_back(std::isfinite(v) ? json(v) : json(nullptr));
    return out;
}

void insert_series(store::Database& db, int64_t execution_id, const std::vector<results::SeriesEntry>& series) {
    std::map<std::string, int64_t> axis_ids;
    for (const auto& s : series) {
        const std::string hash = results::index_axis_hash(s.index_name, s.index);
        auto known = axis_ids.find(hash);
        if (known == axis_ids.end()) {
            db.execute("INSERT INTO index_axis (hash, name, \"values\", length) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                       {hash, s.index_name, s.index.dump(), static_cast<int64_t>(s.index.size())});
            const auto found = db.query("SELECT id FROM index_axis WHERE hash = ?", {hash});
            const auto* id = found.rows.empty() ? nullptr : std::get_if<int64_t>(&found.rows[0][0]);
            if (!id) throw store::DatabaseError("index axis " + hash + " was not stored");
            known = axis_ids.emplace(hash, *id).first;
        }
        std::optional<std::string> reference_id;
        if (s.kind == "reference") {
            auto rsid = s.dimensions.find("reference_source_id");
            reference_id = results::series_reference_id(
                s.values, s.index, rsid == s.dimensions.end() ? std::nullopt : std::optional<std::string>(rsid->second));
        }
        std::string sql = "INSERT INTO metric_value (execution_id, type, \"values\", index_id, reference_id, attributes, kind";
        std::string marks = "?, 'SERIES', ?, ?, ?, ?, ?";
        std::vector<Value> params{execution_id, values_json(s.values).dump(), known->second,
                                  reference_id ? Value(*reference_id) : Value(std::monostate{}),
                                  attributes_text(s.attributes), s.kind};
        for (const auto& [dimension, value] : s.dimensions) {
            sql += ", " + quoted_column(dimension);
            marks += ", ?";
            params.emplace_back(value);
        }
        db.execute(sql + ") VALUES (" + marks + ")", params);
    }
}

void insert_outputs(store::Database& db, int64_t execution_id, const std::vector<results::OutputEntry>& outputs) {
    for (const auto& o : outputs) {
        std::string sql = "INSERT INTO execution_output (execution_id, output_type, filename, short_name, long_name, description";
        std::string marks = "?, ?, ?, ?, ?, ?";
        std::vector<Value> params{execution_id, results::to_string(o.type), o.filename, o.short_name, o.long_name,
                                  o.description};
        for (const auto& [dimension, value] : o.dimensions) {
            sql += ", " + quoted_column(dimension);
            marks += ", ?";
            params.emplace_back(value);
        }
        db.execute(sql + ") VALUES (" + marks + ")", params);
    }
}

std::string host_name() {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

ExecutionOutcome usage_of(const execute::RunOutcome& outcome, const ResultHandlingOptions& options) {
    ExecutionOutcome o;
    o.wall_seconds = outcome.usage.wall_seconds;
    o.cpu_seconds = outcome.usage.cpu_seconds;
    if (outcome.usage.queue_seconds >= 0) o.queue_seconds = outcome.usage.queue_seconds;
    if (outcome.usage.max_rss_kib > 0) o.peak_memory_bytes = int64_t{outcome.usage.max_rss_kib} * 1024;
    o.memory_limit_bytes = options.memory_limit_bytes;
    json context = {{"host", host_name()},
                    {"cpu_count", std::thread::hardware_concurrency()},
                    {"rusage_peak_bytes", o.peak_memory_bytes ? json(*o.peak_memory_bytes) : json(nullptr)},
                    // wait4() reports the child's own peak: one execution per process.
                    {"rusage_is_process_lifetime_peak", true}};
    o.resource_context = context.dump();
    return o;
}

// A failed execution: its log (if any) goes to the results store; no values.
HandledResult record_failure(store::Database& db, int64_t execution_id, const fs::path& scratch_dir,
                             const fs::path& results_dir, ExecutionOutcome outcome, std::string reason, bool retryable,
                             bool link) {
    HandledResult handled;
    handled.results_directory = results_dir;
    std::error_code ec;
    const bool has_log = fs::is_regular_file(scratch_dir / "out.log", ec);
    if (!has_log) {
        // The run never started (or its folder vanished): worth another try.
        reason += fs::exists(scratch_dir, ec) ? "; the execution wrote no out.log" : "; the output directory does not exist";
        retryable = true;
    }
    std::optional<StagedFolder> staged;
    if (has_log) {
        try {
            staged.emplace(results_dir);
            handled.files_copied = stage_files({"out.log"}, scratch_dir, staged->path(), link);
        } catch (const ResultError& e) {
            handled.warnings.push_back("the log was not copied to the results store: " + std::string(e.what()));
            staged.reset();
        }
    }
    outcome.successful = false;
    outcome.retryable = retryable;
    outcome.failure_reason = reason;
    store::Transaction tx(db);
    delete_recorded_values(db, execution_id);
    write_outcome(db, execution_id, outcome);
    if (staged) staged->swap_in();
    tx.commit();
    if (staged) staged->keep();
    handled.successful = false;
    handled.retryable = retryable;
    handled.reason = std::move(reason);
    return handled;
}

}  // namespace

bool allow_extra_keys_from_environment() {
    const char* v = std::getenv("ALLOW_EXTRA_KEYS");
    if (!v) return true;
    std::string text(v);
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return !(text == "false" || text == "0" || text == "no" || text == "off");
}

HandledResult handle_result(store::Database& db, int64_t execution_id, const std::string& fragment,
                            const execute::RunOutcome& outcome, const ResultRoots& roots,
                            const ResultHandlingOptions& options) {
    const fs::path scratch_dir = roots.scratch / fragment;
    const fs::path results_dir = roots.results / fragment;
    ExecutionOutcome recorded = usage_of(outcome, options);

    if (!outcome.succeeded()) {
        const std::string kind = execute::to_string(outcome.kind);
        const bool prefixed = outcome.message.rfind(kind, 0) == 0;  // "timed out after ..." says it already
        return record_failure(db, execution_id, scratch_dir, results_dir, recorded,
                              prefixed ? outcome.message : kind + ": " + outcome.message, outcome.retryable(),
                              options.link_files);
    }
    if (fs::path(roots.scratch).lexically_normal() == fs::path(roots.results).lexically_normal())
        return record_failure(db, execution_id, scratch_dir, results_dir, recorded,
                              "the scratch and results folders are the same (" + roots.results.string() +
                                  "); set paths.results to a folder of its own",
                              false, options.link_files);

    HandledResult handled;
    handled.results_directory = results_dir;
    std::string failure;
    bool retryable = false;
    try {
        PreparedResult prepared = prepare(outcome.result, scratch_dir, options);
        StagedFolder staged(results_dir);
        handled.files_copied = stage_files(prepared.files, scratch_dir, staged.path(), options.link_files);
        try {
            store::Transaction tx(db);
            delete_recorded_values(db, execution_id);
            insert_outputs(db, execution_id, prepared.outputs);
            insert_series(db, execution_id, prepared.series);
            insert_scalars(db, execution_id, prepared.scalars);
            recorded.successful = true;
            recorded.metric_bundle = prepared.metric_bundle_name;
            write_outcome(db, execution_id, recorded);
            staged.swap_in();
            tx.commit();
            staged.keep();
        } catch (const store::DatabaseError& e) {
            // Rolled back: the store may be gone for a moment. A worker retries it now (and keeps
            // its task); the engine records a retryable failure for the next solve.
            if (options.rethrow_database_errors) throw;
            failure = std::string("recording the results failed: ") + e.what();
            retryable = true;
        }
        if (failure.empty()) {
            handled.successful = true;
            handled.scalars = prepared.scalars.size();
            handled.series = prepared.series.size();
            handled.outputs = prepared.outputs.size();
            handled.warnings = std::move(prepared.warnings);
            return handled;
        }
    } catch (const ResultError& e) {
        failure = e.retryable ? e.what() : "unusable result: " + std::string(e.what());
        retryable = e.retryable;
    } catch (const results::BundleError& e) {
        failure = "unusable result: " + std::string(e.what());
    }
    return record_failure(db, execution_id, scratch_dir, results_dir, recorded, failure, retryable, options.link_files);
}

}  // namespace ref::executions
