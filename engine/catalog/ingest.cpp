#include "catalog/ingest.hpp"

#include "catalog/csv_catalog.hpp"
#include "catalog/detail.hpp"
#include "util/fd_io.hpp"

#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

namespace ref::catalog {

namespace fs = std::filesystem;
using nlohmann::json;
using store::Value;

namespace {

bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// Equal as stored: numbers compare by value whatever their C++ type.
bool same_value(const Value& a, const Value& b) {
    auto number = [](const Value& v) -> std::optional<double> {
        if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
        if (const auto* d = std::get_if<double>(&v)) return *d;
        return std::nullopt;
    };
    if (auto x = number(a), y = number(b); x && y) return *x == *y;
    return a == b;
}

// ---- parsed files across a process boundary (JSON lines) ----

json value_to_json(const Value& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return nullptr;
}

Value value_from_json(const json& j) {
    if (j.is_number_integer()) return j.get<int64_t>();
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) return j.get<std::string>();
    return std::monostate{};
}

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
std::optional<std::string> optional_from(const json& j) {
    return j.is_string() ? std::optional<std::string>(j.get<std::string>()) : std::nullopt;
}

json to_json(const FileMetadata& m) {
    json facets = json::object();
    for (const auto& [k, v] : m.facets) facets[k] = value_to_json(v);
    return {{"path", m.path},          {"start_time", optional_json(m.start_time)},
            {"end_time", optional_json(m.end_time)}, {"tracking_id", optional_json(m.tracking_id)},
            {"instance_id", m.instance_id}, {"version", m.version},
            {"finalised", m.finalised}, {"facets", facets}};
}

FileMetadata from_json(const json& j) {
    FileMetadata m;
    m.path = j.at("path").get<std::string>();
    m.start_time = optional_from(j.at("start_time"));
    m.end_time = optional_from(j.at("end_time"));
    m.tracking_id = optional_from(j.at("tracking_id"));
    m.instance_id = j.at("instance_id").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.finalised = j.at("finalised").get<bool>();
    for (const auto& [k, v] : j.at("facets").items()) m.facets[k] = value_from_json(v);
    return m;
}

void parse_one(const Adapter& adapter, const fs::path& file, Parser parser, std::vector<FileMetadata>& out,
               std::vector<Problem>& problems) {
    try {
        out.push_back(adapter.parse(file, parser));
    } catch (const std::exception& e) {
        problems.push_back({file.string(), e.what()});
    }
}

// One process per job, each parsing every jobs-th file and streaming JSON lines back.
std::vector<FileMetadata> parse_in_processes(const Adapter& adapter, const std::vector<fs::path>& files,
                                             const IngestOptions& options, std::vector<Problem>& problems) {
    const std::size_t jobs = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), files.size());
    struct Worker {
        pid_t pid;
        int fd;
        std::string buffer;
    };
    std::vector<Worker> workers;
    for (std::size_t k = 0; k < jobs; ++k) {
        int fds[2];
        if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
        const pid_t pid = ::fork();
        if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
        if (pid == 0) {
            ::close(fds[0]);
            for (const auto& w : workers) ::close(w.fd);
            for (std::size_t i = k; i < files.size(); i += jobs) {
                json line;
                try {
                    line = {{"file", to_json(adapter.parse(files[i], options.parser))}};
                } catch (const std::exception& e) {
                    line = {{"problem", {{"path", files[i].string()}, {"reason", e.what()}}}};
                }
                util::write_all(fds[1], line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
            }
            ::_exit(0);
        }
        ::close(fds[1]);
        workers.push_back({pid, fds[0], {}});
    }

    std::vector<FileMetadata> out;
    std::size_t done = 0, open = workers.size();
    char chunk[65536];
    while (open > 0) {
        std::vector<pollfd> fds;
        for (const auto& w : workers)
            if (w.fd >= 0) fds.push_back({w.fd, POLLIN, 0});
        ::poll(fds.data(), fds.size(), -1);
        for (auto& w : workers) {
            if (w.fd < 0) continue;
            auto it = std::find_if(fds.begin(), fds.end(), [&](const pollfd& p) { return p.fd == w.fd; });
            if (it == fds.end() || !(it->revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(w.fd, chunk, sizeof chunk);
            if (n <= 0) {
                ::close(w.fd);
                w.fd = -1;
                --open;
                continue;
            }
            w.buffer.append(chunk, static_cast<std::size_t>(n));
            std::size_t start = 0, end;
            while ((end = w.buffer.find('\n', start)) != std::string::npos) {
                const json line = json::parse(w.buffer.substr(start, end - start));
                if (line.contains("file")) out.push_back(from_json(line["file"]));
                else problems.push_back({line["problem"]["path"], line["problem"]["reason"]});
                start = end + 1;
                if (options.on_progress) options.on_progress(++done, files.size(), "parsing");
            }
            w.buffer.erase(0, start);
        }
    }
    for (const auto& w : workers) {
        int status = 0;
        ::waitpid(w.pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            problems.push_back({"(parser process)", "a parsing process died; the files it had not reported are missing"});
    }
    return out;
}

// ---- registration ----

struct StoredDataset {
    int64_t id = 0;
    std::string type;
    bool finalised = true;
};

std::optional<StoredDataset> find_dataset(store::Database& db, const std::string& slug) {
    const auto r = db.query("SELECT id, dataset_type, finalised FROM dataset WHERE slug = ?", {slug});
    if (r.rows.empty()) return std::nullopt;
    return StoredDataset{std::get<int64_t>(r.rows[0][0]), std::get<std::string>(r.rows[0][1]),
                         std::get<int64_t>(r.rows[0][2]) != 0};
}

void register_files(store::Database& db, int64_t dataset_id, const DatasetFiles& dataset, Registration& out) {
    std::map<std::string, store::Row> stored;
    for (auto& row : db.query("SELECT path, start_time, end_time, tracking_id FROM dataset_file WHERE dataset_id = ?",
                              {dataset_id})
                         .rows)
        stored.emplace(std::get<std::string>(row[0]), row);
    std::map<std::string, bool> seen;
    for (const FileMetadata& f : dataset.files) {
        if (!fs::path(f.path).is_absolute()) throw std::runtime_error("file path is not absolute: " + f.path);
        seen[f.path] = true;
        const std::vector<std::pair<const char*, Value>> columns{
            {"start_time", detail::text_value(f.start_time)}, {"end_time", detail::text_value(f.end_time)},
            {"tracking_id", detail::text_value(f.tracking_id)}};
        auto it = stored.find(f.path);
        if (it == stored.end()) {
            db.execute("INSERT INTO dataset_file (dataset_id, path, start_time, end_time, tracking_id) VALUES (?, ?, ?, ?, ?)",
                       {dataset_id, f.path, columns[0].second, columns[1].second, columns[2].second});
            ++out.files_added;
            continue;
        }
        std::string sets;
        std::vector<Value> params;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (is_null(columns[c].second) || same_value(columns[c].second, it->second[c + 1])) continue;
            sets += std::string(sets.empty() ? "" : ", ") + columns[c].first + " = ?";
            params.push_back(columns[c].second);
        }
        if (sets.empty()) {
            ++out.files_unchanged;
            continue;
        }
        params.push_back(dataset_id);
        params.push_back(f.path);
        db.execute("UPDATE dataset_file SET " + sets + " WHERE dataset_id = ? AND path = ?", params);
        ++out.files_updated;
    }
    for (const auto& [path, row] : stored)
        if (!seen.count(path))
            out.warnings.push_back(dataset.instance_id + ": " + path + " is recorded but was not found this time; kept");
}

}  // namespace

namespace {

// The work of register_dataset, inside a transaction or savepoint the caller holds.
Registration register_within(store::Database& db, const Adapter& adapter, const DatasetFiles& dataset) {
    if (dataset.files.empty()) throw std::runtime_error("a dataset needs at least one file");
    const FileMetadata& first = dataset.files.front();
    for (const auto& f : dataset.files)
        if (f.facets != first.facets || f.finalised != first.finalised || f.instance_id != first.instance_id)
            throw std::runtime_error("the files of " + dataset.instance_id + " disagree on dataset-level metadata");

    Registration out;
    auto existing = find_dataset(db, dataset.instance_id);
    if (existing && existing->type != adapter.dataset_type())
        throw std::runtime_error("slug " + dataset.instance_id + " is already registered as a " + existing->type + " dataset");

    if (!existing) {
        const auto r = db.query(
            "INSERT INTO dataset (slug, dataset_type, finalised, version_key) VALUES (?, ?, ?, ?) RETURNING id",
            {dataset.instance_id, adapter.dataset_type(), int64_t{first.finalised ? 1 : 0}, version_key(first.version)});
        const int64_t id = std::get<int64_t>(r.rows.at(0).at(0));
        std::string names = "id", marks = "?";
        std::vector<Value> params{id};
        for (const auto& column : adapter.columns()) {
            names += ", " + column;
            marks += ", ?";
            auto v = first.facets.find(column);
            params.push_back(v == first.facets.end() ? Value(std::monostate{}) : v->second);
        }
        db.execute("INSERT INTO " + adapter.table() + " (" + names + ") VALUES (" + marks + ")", params);
        out.dataset = Change::Created;
        register_files(db, id, dataset, out);
    } else if (!first.finalised && existing->finalised) {
        // Path-only data never overwrites what a complete parse recorded (§5.2 step 2).
        register_files(db, existing->id, dataset, out);
        out.dataset = out.files_added > 0 ? Change::Updated : Change::Unchanged;
    } else {
        std::string columns_text;
        for (const auto& column : adapter.columns()) columns_text += (columns_text.empty() ? "" : ", ") + column;
        const auto stored = db.query("SELECT " + columns_text + " FROM " + adapter.table() + " WHERE id = ?", {existing->id});
        std::string sets;
        std::vector<Value> params;
        for (std::size_t c = 0; c < adapter.columns().size(); ++c) {
            auto v = first.facets.find(adapter.columns()[c]);
            if (v == first.facets.end() || is_null(v->second)) continue;  // a re-ingest never blanks metadata
            if (!stored.rows.empty() && same_value(v->second, stored.rows[0][c])) continue;
            sets += (sets.empty() ? "" : ", ") + adapter.columns()[c] + " = ?";
            params.push_back(v->second);
        }
        if (!sets.empty()) {
            params.push_back(existing->id);
            db.execute("UPDATE " + adapter.table() + " SET " + sets + " WHERE id = ?", params);
        }
        const bool finalise = first.finalised && !existing->finalised;
        if (finalise || !sets.empty())
            db.execute("UPDATE dataset SET finalised = ?, updated_at = ? WHERE id = ?",
                       {int64_t{(first.finalised || existing->finalised) ? 1 : 0}, store::utc_now_text(), existing->id});
        register_files(db, existing->id, dataset, out);
        const bool files_changed = out.files_added + out.files_updated > 0;
        out.dataset = (!sets.empty() || finalise || files_changed) ? Change::Updated : Change::Unchanged;
    }
    return out;
}

}  // namespace

Registration register_dataset(store::Database& db, const Adapter& adapter, const DatasetFiles& dataset) {
    store::Transaction tx(db);
    Registration out = register_within(db, adapter, dataset);
    tx.commit();
    return out;
}

std::vector<FileMetadata> parse_files(const Adapter& adapter, const std::vector<fs::path>& files,
                                      const IngestOptions& options, std::vector<Problem>& problems) {
    if (options.jobs > 1 && files.size() > 1) return parse_in_processes(adapter, files, options, problems);
    std::vector<FileMetadata> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        parse_one(adapter, files[i], options.parser, out, problems);
        if (options.on_progress) options.on_progress(i + 1, files.size(), "parsing");
    }
    return out;
}

namespace {

// Groups the parsed files into datasets and registers each in its own transaction.
void register_all(store::Database& db, const Adapter& adapter, std::vector<FileMetadata> parsed,
                  const IngestOptions& options, IngestStats& stats, std::set<std::string>& created_this_run) {
    std::vector<Problem> inconsistent;
    auto datasets = group_into_datasets(std::move(parsed), adapter, inconsistent);
    stats.datasets_failed += inconsistent.size();
    stats.problems.insert(stats.problems.end(), inconsistent.begin(), inconsistent.end());
    if (!options.skip_invalid && !inconsistent.empty()) {
        stats.problems.push_back({"(input)", "inconsistent datasets found and --no-skip-invalid given: nothing registered"});
        return;
    }

    // One transaction per chunk, one savepoint per dataset: a dataset's rows still land
    // together or not at all, without paying a commit for every dataset.
    std::vector<std::pair<std::string, Registration>> done;
    try {
        store::Transaction tx(db);
        for (const auto& dataset : datasets) {
            db.execute_script("SAVEPOINT ref_dataset");
            try {
                done.emplace_back(dataset.instance_id, register_within(db, adapter, dataset));
                db.execute_script("RELEASE SAVEPOINT ref_dataset");
            } catch (const std::exception& e) {
                db.execute_script("ROLLBACK TO SAVEPOINT ref_dataset");
                db.execute_script("RELEASE SAVEPOINT ref_dataset");
                ++stats.datasets_failed;
                stats.problems.push_back({dataset.instance_id, std::string("not registered: ") + e.what()});
            }
        }
        tx.commit();
    } catch (const std::exception& e) {  // the database went away: nothing of this chunk was kept
        stats.datasets_failed += done.size();
        stats.problems.push_back({"(database)", std::to_string(done.size()) + " dataset(s) not registered: " + e.what()});
        return;
    }
    for (const auto& [instance_id, r] : done) {
        // A dataset met again in a later chunk of the same run was created by it.
        if (r.dataset == Change::Created) {
            created_this_run.insert(instance_id);
            ++stats.datasets_created;
        } else if (!created_this_run.count(instance_id)) {
            (r.dataset == Change::Updated ? stats.datasets_updated : stats.datasets_unchanged)++;
        }
        stats.files_added += r.files_added;
        stats.files_updated += r.files_updated;
        stats.files_unchanged += r.files_unchanged;
        stats.warnings.insert(stats.warnings.end(), r.warnings.begin(), r.warnings.end());
    }
}

}  // namespace

IngestStats ingest_paths(store::Database& db, const Adapter& adapter, const std::vector<fs::path>& roots,
                         const IngestOptions& options) {
    IngestStats stats;
    const auto files = discover_files(roots, stats.problems);
    stats.files_found = files.size();
    if (files.empty()) {
        stats.problems.push_back({"(input)", "no .nc files found below the given paths"});
        return stats;
    }
    // Memory stays flat: parse and register in chunks that end at a folder boundary, so the
    // files of one dataset (one version folder) are always in one chunk.
    std::set<std::string> created;
    std::size_t start = 0;
    while (start < files.size()) {
        std::size_t end = std::min(files.size(), start + options.chunk_size);
        while (end < files.size() && files[end].parent_path() == files[end - 1].parent_path()) ++end;
        const std::vector<fs::path> chunk(files.begin() + static_cast<long>(start), files.begin() + static_cast<long>(end));
        IngestOptions chunk_options = options;
        if (options.on_progress)
            chunk_options.on_progress = [&](std::size_t done, std::size_t, const std::string& stage) {
                options.on_progress(start + done, files.size(), stage);
            };
        const std::size_t before = stats.problems.size();
        auto parsed = parse_files(adapter, chunk, chunk_options, stats.problems);
        stats.files_invalid += stats.problems.size() - before;
        register_all(db, adapter, std::move(parsed), options, stats, created);
        start = end;
    }
    return stats;
}

IngestStats ingest_catalog(store::Database& db, const Adapter& adapter, const fs::path& csv,
                           const std::map<std::string, std::string>& substitutions, const IngestOptions& options) {
    IngestStats stats;
    std::set<std::string> created;
    std::size_t rows_seen = 0;
    try {
        for_each_csv_chunk(csv, adapter, substitutions, options.chunk_size, stats.problems,
                           [&](std::vector<FileMetadata> rows) {
                               rows_seen += rows.size();
                               register_all(db, adapter, std::move(rows), options, stats, created);
                               if (options.on_progress) options.on_progress(rows_seen, 0, "registering");
                           });
    } catch (const CatalogError& e) {
        stats.problems.push_back({csv.string(), e.what()});
    }
    stats.files_invalid = stats.problems.size();
    stats.files_found = rows_seen + stats.files_invalid;
    return stats;
}

}  // namespace ref::catalog
