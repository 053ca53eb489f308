#include "catalog/ingest.hpp"

#include "catalog/csv_catalog.hpp"
#include "catalog/detail.hpp"
#include "util/fd_io.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <iterator>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <system_error>
#include <thread>

namespace ref::catalog {

namespace fs = std::filesystem;
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

// The value of the adapter's column number `c` (NULL when the record lacks the column).
// Records from the adapter's parsers share its column list, so the number is enough.
const Value& column_value(const Facets& facets, const std::vector<std::string>& columns, std::size_t c) {
    static const Value kNull;
    if (&facets.names() == &columns) return facets.values()[c];
    const Value* value = facets.find(columns[c]);
    return value ? *value : kNull;
}

// ---- parsed files across a process boundary ----
// A message is a 4-byte length, then 'F' and a file's fields with the values of the adapter's
// columns in order, or 'P' and a problem's path and reason. Numbers are in native byte order:
// both ends are the same program on the same machine.

// Appends one message to `out`; its length is filled in when the writer goes out of scope.
class MessageWriter {
public:
    explicit MessageWriter(std::string& out) : out_(out), start_(out.size()) { raw(uint32_t{0}); }
    ~MessageWriter() {
        const auto length = static_cast<uint32_t>(out_.size() - start_ - sizeof(uint32_t));
        std::memcpy(out_.data() + start_, &length, sizeof length);
    }
    MessageWriter(const MessageWriter&) = delete;
    MessageWriter& operator=(const MessageWriter&) = delete;

    template <typename T>
    void raw(T value) {
        out_.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    void text(std::string_view value) {
        raw(static_cast<uint32_t>(value.size()));
        out_.append(value);
    }
    void optional_text(const std::optional<std::string>& value) {
        raw(static_cast<uint8_t>(value.has_value()));
        if (value) text(*value);
    }
    void value(const Value& v) {
        raw(static_cast<uint8_t>(v.index()));  // 0 NULL, 1 integer, 2 real, 3 text (MessageReader::value)
        if (const auto* i = std::get_if<int64_t>(&v)) raw(*i);
        else if (const auto* d = std::get_if<double>(&v)) raw(*d);
        else if (const auto* t = std::get_if<std::string>(&v)) text(*t);
    }

private:
    std::string& out_;
    std::size_t start_;
};

class MessageReader {
public:
    explicit MessageReader(std::string_view in) : in_(in) {}
    template <typename T>
    T raw() {
        T value;
        std::memcpy(&value, take(sizeof value).data(), sizeof value);
        return value;
    }
    std::string text() { return std::string(take(raw<uint32_t>())); }
    std::optional<std::string> optional_text() {
        return raw<uint8_t>() ? std::optional<std::string>(text()) : std::nullopt;
    }
    Value value() {
        switch (raw<uint8_t>()) {
            case 0: return std::monostate{};
            case 1: return raw<int64_t>();
            case 2: return raw<double>();
            case 3: return text();
            default: throw std::runtime_error("corrupt message from a parsing process");
        }
    }

private:
    std::string_view take(std::size_t n) {
        if (n > in_.size()) throw std::runtime_error("truncated message from a parsing process");
        const auto part = in_.substr(0, n);
        in_.remove_prefix(n);
        return part;
    }
    std::string_view in_;
};

void write_file_message(std::string& out, const FileMetadata& m, const Adapter& adapter) {
    MessageWriter w(out);
    w.raw('F');
    w.text(m.path);
    w.optional_text(m.start_time);
    w.optional_text(m.end_time);
    w.optional_text(m.tracking_id);
    w.text(m.instance_id);
    w.text(m.version);
    w.raw(static_cast<uint8_t>(m.finalised));
    const auto& columns = adapter.columns();
    for (std::size_t c = 0; c < columns.size(); ++c) w.value(column_value(m.facets, columns, c));
}

void write_problem_message(std::string& out, const std::string& path, const std::string& reason) {
    MessageWriter w(out);
    w.raw('P');
    w.text(path);
    w.text(reason);
}

// Reads one message (without its length) into `files` or `problems`.
void read_message(std::string_view message, const detail::TypeInfo& type, std::vector<FileMetadata>& files,
                  std::vector<Problem>& problems) {
    MessageReader r(message);
    if (r.raw<char>() == 'P') {
        Problem problem;
        problem.path = r.text();
        problem.reason = r.text();
        problems.push_back(std::move(problem));
        return;
    }
    FileMetadata& m = files.emplace_back();
    m.path = r.text();
    m.start_time = r.optional_text();
    m.end_time = r.optional_text();
    m.tracking_id = r.optional_text();
    m.instance_id = r.text();
    m.version = r.text();
    m.finalised = r.raw<uint8_t>() != 0;
    m.facets = Facets(type.columns);
    for (std::size_t c = 0; c < m.facets.size(); ++c) m.facets.value(c) = r.value();
}

void parse_one(const Adapter& adapter, const std::string& file, Parser parser, std::vector<FileMetadata>& out,
               std::vector<Problem>& problems) {
    try {
        out.push_back(adapter.parse(file, parser));
    } catch (const std::exception& e) {
        problems.push_back({file, e.what()});
    }
}

// The number of the next file to parse, in memory shared by the parsing processes: a process
// slowed down (by the parent, by other programs) takes fewer files, and all finish together.
class SharedCounter {
public:
    SharedCounter() {
        void* memory = ::mmap(nullptr, sizeof(Counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap");
        counter_ = new (memory) Counter(0);
    }
    ~SharedCounter() { ::munmap(counter_, sizeof(Counter)); }
    SharedCounter(const SharedCounter&) = delete;
    SharedCounter& operator=(const SharedCounter&) = delete;
    std::size_t take() { return counter_->fetch_add(1, std::memory_order_relaxed); }

private:
    using Counter = std::atomic<std::size_t>;
    static_assert(Counter::is_always_lock_free, "a counter shared by processes must be lock-free");
    Counter* counter_ = nullptr;
};

// One process per job, each taking the next file to parse and streaming its records back.
std::vector<FileMetadata> parse_in_processes(const Adapter& adapter, std::span<const std::string> files,
                                             const IngestOptions& options, std::vector<Problem>& problems) {
    const std::size_t jobs = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), files.size());
    SharedCounter next_file;
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
            // A few records per write: fewer wake-ups of the parent, which shares the cores.
            constexpr std::size_t kRecordsPerWrite = 8;
            std::string batch;
            std::size_t pending = 0;
            for (std::size_t i = next_file.take(); i < files.size(); i = next_file.take()) {
                try {
                    write_file_message(batch, adapter.parse(files[i], options.parser), adapter);
                } catch (const std::exception& e) {
                    write_problem_message(batch, files[i], e.what());
                }
                if (++pending == kRecordsPerWrite) {
                    util::write_all(fds[1], batch);
                    batch.clear();
                    pending = 0;
                }
            }
            util::write_all(fds[1], batch);
            ::_exit(0);
        }
        ::close(fds[1]);
        workers.push_back({pid, fds[0], {}});
    }

    const detail::TypeInfo& type = detail::type_info(adapter.source_type());
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
            std::size_t start = 0;
            for (uint32_t length = 0; w.buffer.size() - start >= sizeof length; start += sizeof length + length) {
                std::memcpy(&length, w.buffer.data() + start, sizeof length);
                if (w.buffer.size() - start - sizeof length < length) break;  // the rest is still coming
                read_message(std::string_view(w.buffer).substr(start + sizeof length, length), type, out, problems);
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

// The SQL of one adapter's registration, built once rather than for every dataset.
struct Statements {
    explicit Statements(const Adapter& adapter) {
        std::string names, marks;
        for (const auto& column : adapter.columns()) {
            names += (names.empty() ? "" : ", ") + column;
            marks += ", ?";
        }
        insert_subtype = "INSERT INTO " + adapter.table() + " (id, " + names + ") VALUES (?" + marks + ")";
        select_subtype = "SELECT " + names + " FROM " + adapter.table() + " WHERE id = ?";
    }

    std::string insert_subtype, select_subtype;
    // One row per statement: SQLite gives a statement of several rows a statement journal
    // (because of the foreign key), which costs what the fewer statements save.
    const std::string insert_file =
        "INSERT INTO dataset_file (dataset_id, path, start_time, end_time, tracking_id) VALUES (?, ?, ?, ?, ?)";
};

struct StoredDataset {
    int64_t id = 0;
    std::string type;
    bool finalised = true;
};

using StoredDatasets = std::map<std::string, StoredDataset, std::less<>>;

// The registered datasets among `slugs`, looked up a batch at a time: one query per dataset
// costs the registration a tenth of its time at 10 files per dataset.
StoredDatasets find_datasets(store::Database& db, const std::vector<std::string_view>& slugs) {
    constexpr std::size_t kBatch = 64;  // one statement text: short batches repeat their last slug
    static const std::string sql = [] {
        std::string text = "SELECT slug, id, dataset_type, finalised FROM dataset WHERE slug IN (?";
        for (std::size_t i = 1; i < kBatch; ++i) text += ", ?";
        return text + ")";
    }();
    StoredDatasets out;
    std::vector<Value> params;
    for (std::size_t start = 0; start < slugs.size(); start += kBatch) {
        params.clear();
        for (std::size_t i = 0; i < kBatch; ++i) params.emplace_back(std::string(slugs[std::min(start + i, slugs.size() - 1)]));
        for (auto& row : db.query(sql, params).rows) {
            out.emplace(std::move(std::get<std::string>(row[0])),
                        StoredDataset{std::get<int64_t>(row[1]), std::move(std::get<std::string>(row[2])),
                                      std::get<int64_t>(row[3]) != 0});
        }
    }
    return out;
}

std::optional<StoredDataset> find_dataset(store::Database& db, const std::string& slug) {
    auto found = find_datasets(db, {slug});
    if (found.empty()) return std::nullopt;
    return std::move(found.begin()->second);
}

// Sets a parameter to the text (or NULL), reusing the parameter's buffer when it holds text.
void assign(Value& parameter, const std::string& text) {
    if (auto* held = std::get_if<std::string>(&parameter)) held->assign(text);
    else parameter = std::string(text);
}
void assign(Value& parameter, const std::optional<std::string>& text) {
    if (text) assign(parameter, *text);
    else parameter = std::monostate{};
}

// Inserts the files in path order (their ids follow it). The parameters are reused from row to
// row, which spares copying every path into a new string.
void insert_files(store::Database& db, const Statements& statements, int64_t dataset_id,
                  const std::vector<const FileMetadata*>& files) {
    std::vector<Value> params(5);
    params[0] = dataset_id;
    for (const FileMetadata* f : files) {
        assign(params[1], f->path);
        assign(params[2], f->start_time);
        assign(params[3], f->end_time);
        assign(params[4], f->tracking_id);
        db.execute(statements.insert_file, params);
    }
}

// `created`: the dataset row was inserted just now, so it has no files yet.
void register_files(store::Database& db, const Statements& statements, int64_t dataset_id, bool created,
                    const DatasetFiles& dataset, Registration& out) {
    std::map<std::string, store::Row> stored;
    if (!created) {
        for (auto& row : db.query("SELECT path, start_time, end_time, tracking_id FROM dataset_file WHERE dataset_id = ?",
                                  {dataset_id})
                             .rows)
            stored.emplace(std::get<std::string>(row[0]), row);
    }
    std::set<std::string_view> seen;
    std::vector<const FileMetadata*> added;
    for (const FileMetadata& f : dataset.files) {
        if (!f.path.starts_with('/')) throw std::runtime_error("file path is not absolute: " + f.path);
        auto it = stored.find(f.path);
        if (it == stored.end()) {
            added.push_back(&f);
            ++out.files_added;
            continue;
        }
        seen.insert(f.path);
        const std::array<std::pair<const char*, Value>, 3> columns{{{"start_time", detail::text_value(f.start_time)},
                                                                    {"end_time", detail::text_value(f.end_time)},
                                                                    {"tracking_id", detail::text_value(f.tracking_id)}}};
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
    insert_files(db, statements, dataset_id, added);
    for (const auto& [path, row] : stored)
        if (!seen.count(path))
            out.warnings.push_back(dataset.instance_id + ": " + path + " is recorded but was not found this time; kept");
}

// Why the dataset's files cannot be registered together (empty when they can): they must agree
// exactly, NULLs included, on every dataset-level column.
std::string disagreement(const DatasetFiles& dataset) {
    if (dataset.files.empty()) return "a dataset needs at least one file";
    const FileMetadata& first = dataset.files.front();
    for (const auto& f : dataset.files)
        if (f.facets != first.facets || f.finalised != first.finalised || f.instance_id != first.instance_id)
            return "the files of " + dataset.instance_id + " disagree on dataset-level metadata";
    return {};
}

// The work of register_dataset for files that agree (disagreement() is empty), inside a
// transaction or savepoint the caller holds. `existing`: the dataset's row, if registered.
Registration register_within(store::Database& db, const Adapter& adapter, const Statements& statements,
                             const DatasetFiles& dataset, const std::optional<StoredDataset>& existing) {
    const FileMetadata& first = dataset.files.front();
    const auto& columns = adapter.columns();
    Registration out;
    if (existing && existing->type != adapter.dataset_type())
        throw std::runtime_error("slug " + dataset.instance_id + " is already registered as a " + existing->type + " dataset");

    if (!existing) {
        const auto r = db.query(
            "INSERT INTO dataset (slug, dataset_type, finalised, version_key) VALUES (?, ?, ?, ?) RETURNING id",
            {dataset.instance_id, adapter.dataset_type(), int64_t{first.finalised ? 1 : 0}, version_key(first.version)});
        const int64_t id = std::get<int64_t>(r.rows.at(0).at(0));
        std::vector<Value> params{id};
        for (std::size_t c = 0; c < columns.size(); ++c) params.push_back(column_value(first.facets, columns, c));
        db.execute(statements.insert_subtype, params);
        out.dataset = Change::Created;
        register_files(db, statements, id, true, dataset, out);
    } else if (!first.finalised && existing->finalised) {
        // Path-only data never overwrites what a complete parse recorded (§5.2 step 2).
        register_files(db, statements, existing->id, false, dataset, out);
        out.dataset = out.files_added > 0 ? Change::Updated : Change::Unchanged;
    } else {
        const auto stored = db.query(statements.select_subtype, {existing->id});
        std::string sets;
        std::vector<Value> params;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const Value& v = column_value(first.facets, columns, c);
            if (is_null(v)) continue;  // a re-ingest never blanks metadata
            if (!stored.rows.empty() && same_value(v, stored.rows[0][c])) continue;
            sets += (sets.empty() ? "" : ", ") + columns[c] + " = ?";
            params.push_back(v);
        }
        if (!sets.empty()) {
            params.push_back(existing->id);
            db.execute("UPDATE " + adapter.table() + " SET " + sets + " WHERE id = ?", params);
        }
        const bool finalise = first.finalised && !existing->finalised;
        if (finalise || !sets.empty())
            db.execute("UPDATE dataset SET finalised = ?, updated_at = ? WHERE id = ?",
                       {int64_t{(first.finalised || existing->finalised) ? 1 : 0}, store::utc_now_text(), existing->id});
        register_files(db, statements, existing->id, false, dataset, out);
        const bool files_changed = out.files_added + out.files_updated > 0;
        out.dataset = (!sets.empty() || finalise || files_changed) ? Change::Updated : Change::Unchanged;
    }
    return out;
}

}  // namespace

Registration register_dataset(store::Database& db, const Adapter& adapter, const DatasetFiles& dataset) {
    if (const std::string reason = disagreement(dataset); !reason.empty()) throw std::runtime_error(reason);
    store::Transaction tx(db);
    Registration out = register_within(db, adapter, Statements(adapter), dataset, find_dataset(db, dataset.instance_id));
    tx.commit();
    return out;
}

std::vector<FileMetadata> parse_files(const Adapter& adapter, std::span<const std::string> files,
                                      const IngestOptions& options, std::vector<Problem>& problems) {
    if (options.jobs > 1 && files.size() > 1) return parse_in_processes(adapter, files, options, problems);
    std::vector<FileMetadata> out;
    out.reserve(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        parse_one(adapter, files[i], options.parser, out, problems);
        if (options.on_progress) options.on_progress(i + 1, files.size(), "parsing");
    }
    return out;
}

namespace {

using Registered = std::vector<std::pair<std::string, Registration>>;

// A chunk ready to register: its datasets, and the problems met so far, in the order they
// are reported (bad files, then inconsistent datasets).
struct PreparedChunk {
    std::vector<DatasetFiles> datasets;
    std::vector<std::string> refusals;  // per dataset: disagreement(), found while preparing
    std::vector<Problem> problems;
    std::size_t files_invalid = 0, datasets_inconsistent = 0;
};

// Registers the datasets in one transaction. With `savepoints` a dataset that fails is rolled
// back alone and reported in `failed`; without, the first failure abandons the whole attempt
// (returns false, nothing kept). Refused datasets are reported without touching the database.
// Throws when the database itself fails.
bool register_in_transaction(store::Database& db, const Adapter& adapter, const PreparedChunk& chunk, bool savepoints,
                             Registered& done, std::vector<Problem>& failed) {
    const Statements statements(adapter);
    store::Transaction tx(db);
    // Every slug of the chunk differs, so registering one dataset never changes another's lookup.
    std::vector<std::string_view> slugs;
    for (const auto& dataset : chunk.datasets) slugs.push_back(dataset.instance_id);
    const StoredDatasets stored = find_datasets(db, slugs);
    for (std::size_t i = 0; i < chunk.datasets.size(); ++i) {
        const DatasetFiles& dataset = chunk.datasets[i];
        if (!chunk.refusals[i].empty()) {
            failed.push_back({dataset.instance_id, "not registered: " + chunk.refusals[i]});
            continue;
        }
        if (savepoints) db.execute_script("SAVEPOINT ref_dataset");
        try {
            const auto found = stored.find(dataset.instance_id);
            const auto existing = found == stored.end() ? std::nullopt : std::optional<StoredDataset>(found->second);
            done.emplace_back(dataset.instance_id, register_within(db, adapter, statements, dataset, existing));
            if (savepoints) db.execute_script("RELEASE SAVEPOINT ref_dataset");
        } catch (const std::exception& e) {
            if (!savepoints) return false;
            db.execute_script("ROLLBACK TO SAVEPOINT ref_dataset");
            db.execute_script("RELEASE SAVEPOINT ref_dataset");
            failed.push_back({dataset.instance_id, std::string("not registered: ") + e.what()});
        }
    }
    tx.commit();
    return true;
}

// Groups a chunk's parsed files into datasets (§5.1) and checks that each one's files agree.
void prepare(PreparedChunk& chunk, std::vector<FileMetadata> parsed, const Adapter& adapter) {
    const std::size_t before = chunk.problems.size();
    chunk.datasets = group_into_datasets(std::move(parsed), adapter, chunk.problems);
    chunk.datasets_inconsistent = chunk.problems.size() - before;
    for (const auto& dataset : chunk.datasets) chunk.refusals.push_back(disagreement(dataset));
}

// Registers a prepared chunk, each dataset all or nothing, and adds up what happened. The
// chunk's problems move to `stats`; its datasets stay for the caller to free.
void register_chunk(store::Database& db, const Adapter& adapter, PreparedChunk& chunk, const IngestOptions& options,
                    IngestStats& stats, std::set<std::string>& created_this_run) {
    stats.files_invalid += chunk.files_invalid;
    stats.datasets_failed += chunk.datasets_inconsistent;
    stats.problems.insert(stats.problems.end(), std::make_move_iterator(chunk.problems.begin()),
                          std::make_move_iterator(chunk.problems.end()));
    if (!options.skip_invalid && chunk.datasets_inconsistent > 0) {
        stats.problems.push_back({"(input)", "inconsistent datasets found and --no-skip-invalid given: nothing registered"});
        return;
    }

    // One transaction per chunk. A savepoint per dataset would let a failing dataset be
    // rolled back alone, but SQLite then copies every page a dataset touches to a sub-journal
    // (most of the cost of a DRS ingest). So the chunk goes in without them, and only when a
    // dataset fails is it redone with them.
    const auto& datasets = chunk.datasets;
    Registered done;
    std::vector<Problem> failed;
    try {
        if (!register_in_transaction(db, adapter, chunk, false, done, failed)) {
            done.clear();
            failed.clear();
            register_in_transaction(db, adapter, chunk, true, done, failed);
        }
    } catch (const std::exception& e) {  // the database went away: nothing of this chunk was kept
        stats.datasets_failed += datasets.size();
        stats.problems.push_back({"(database)", std::to_string(datasets.size()) + " dataset(s) not registered: " + e.what()});
        return;
    }
    stats.datasets_failed += failed.size();
    stats.problems.insert(stats.problems.end(), failed.begin(), failed.end());
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

// Registers chunks in the order given. In the background (on a thread of its own) the next
// chunk is parsed while this one is registered: the database then takes about as long as
// finding and parsing the files. Until finish() returns, only the registrar touches the
// database and the statistics.
class Registrar {
public:
    Registrar(store::Database& db, const Adapter& adapter, const IngestOptions& options, IngestStats& stats,
              bool background)
        : db_(db), adapter_(adapter), options_(options), stats_(stats) {
        if (!background) return;
        try {
            thread_ = std::thread([this] { run(); });
        } catch (const std::system_error&) {  // no thread to be had: register in the caller's
        }
    }
    ~Registrar() { stop(); }
    Registrar(const Registrar&) = delete;
    Registrar& operator=(const Registrar&) = delete;

    // Waits while a chunk is already waiting (memory stays at a few chunks); rethrows a
    // failure of the registering thread.
    void add(PreparedChunk chunk) {
        if (!thread_.joinable()) return register_chunk(db_, adapter_, chunk, options_, stats_, created_);
        // Registered chunks are freed by this thread, as the registering one sets the pace.
        std::vector<PreparedChunk> spent;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return !waiting_ || error_; });
            if (error_) std::rethrow_exception(error_);
            waiting_ = std::move(chunk);
            spent.swap(spent_);
            changed_.notify_all();
        }
    }

    // Registers what is left and rethrows a failure of the registering thread.
    void finish() {
        stop();
        if (error_) std::rethrow_exception(error_);
    }

private:
    void run() {
        for (;;) {
            PreparedChunk chunk;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return waiting_ || closed_; });
                if (!waiting_) return;
                chunk = std::move(*waiting_);
                waiting_.reset();
                changed_.notify_all();
            }
            try {
                register_chunk(db_, adapter_, chunk, options_, stats_, created_);
            } catch (...) {  // not the database (register_chunk reports that), e.g. out of memory
                const std::lock_guard lock(mutex_);
                error_ = std::current_exception();
                changed_.notify_all();
                return;
            }
            const std::lock_guard lock(mutex_);
            spent_.push_back(std::move(chunk));
        }
    }

    void stop() {
        if (!thread_.joinable()) return;
        {
            const std::lock_guard lock(mutex_);
            closed_ = true;
            changed_.notify_all();
        }
        thread_.join();
    }

    store::Database& db_;
    const Adapter& adapter_;
    const IngestOptions& options_;
    IngestStats& stats_;
    std::set<std::string> created_;  // datasets created by this run

    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<PreparedChunk> waiting_;
    std::vector<PreparedChunk> spent_;  // registered, for the parsing thread to free
    bool closed_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

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
    // Parsing in processes forks, which must not happen beside another thread: registration
    // runs in the background only when this process parses.
    Registrar registrar(db, adapter, options, stats, options.jobs <= 1);
    // Memory stays flat: parse and register in chunks that end at a folder boundary, so the
    // files of one dataset (one version folder) are always in one chunk.
    std::size_t start = 0;
    while (start < files.size()) {
        std::size_t end = std::min(files.size(), start + options.chunk_size);
        while (end < files.size() && detail::directory_of(files[end]) == detail::directory_of(files[end - 1])) ++end;
        IngestOptions chunk_options = options;
        if (options.on_progress)
            chunk_options.on_progress = [&](std::size_t done, std::size_t, const std::string& stage) {
                options.on_progress(start + done, files.size(), stage);
            };
        PreparedChunk chunk;
        auto parsed = parse_files(adapter, std::span(files).subspan(start, end - start), chunk_options, chunk.problems);
        chunk.files_invalid = chunk.problems.size();
        prepare(chunk, std::move(parsed), adapter);
        registrar.add(std::move(chunk));
        start = end;
    }
    registrar.finish();
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
                               PreparedChunk chunk;
                               prepare(chunk, std::move(rows), adapter);
                               register_chunk(db, adapter, chunk, options, stats, created);
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
