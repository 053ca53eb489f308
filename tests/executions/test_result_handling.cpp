// Result handling on SQLite and PostgreSQL: what a finished execution leaves in the database
// and the results store, for good results, bad ones and a results disk that fills up.
#include "../results/cmec_examples.hpp"
#include "../store/scratch_database.hpp"
#include "executions/result_handling.hpp"
#include "results/hashing.hpp"
#include "store/migrations.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <functional>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using test::kMetricBundleExample;
using test::kOutputBundleExample;
using test::kSeriesExample;

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

int64_t count(store::Database& db, const std::string& sql, const std::vector<store::Value>& params = {}) {
    return std::get<int64_t>(db.query(sql, params).rows.at(0).at(0));
}

std::optional<std::string> text(store::Database& db, const std::string& sql, int64_t id) {
    const auto r = db.query(sql, {id});
    if (r.rows.empty() || std::holds_alternative<std::monostate>(r.rows[0][0])) return std::nullopt;
    if (auto* s = std::get_if<std::string>(&r.rows[0][0])) return *s;
    if (auto* i = std::get_if<int64_t>(&r.rows[0][0])) return std::to_string(*i);
    return std::nullopt;
}

bool truthy(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "t" || *v == "true"); }

// One provider, one diagnostic, and one group with one execution per call to add_execution.
struct Fixture {
    test::ScratchDatabase& scratch;
    store::Database& db;
    executions::ResultRoots roots;
    explicit Fixture(test::ScratchDatabase& s)
        : scratch(s), db(s.db()), roots{s.folder() / "scratch", s.folder() / "results"} {
        store::migrate(db);
        db.execute("INSERT INTO provider (slug, name, version) VALUES ('p', 'P', '1')");
        db.execute("INSERT INTO diagnostic (slug, name, provider_id) VALUES ('d', 'D', 1)");
    }
    // Returns the execution id; its fragment is p/d/<key>/<id>.
    int64_t add_execution(const std::string& key) {
        db.execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) "
                   "VALUES (1, ?, 1, TRUE, '{}')",
                   {key});
        const int64_t group = count(db, "SELECT MAX(id) FROM execution_group");
        db.execute("INSERT INTO execution (output_fragment, execution_group_id, dataset_hash) VALUES ('pending', ?, 'h')",
                   {group});
        const int64_t id = count(db, "SELECT MAX(id) FROM execution");
        db.execute("UPDATE execution SET output_fragment = ? WHERE id = ?", {fragment(key, id), id});
        write(roots.scratch / fragment(key, id) / "out.log", "2026-11-30 00:00:00Z | INFO    | started\n");
        return id;
    }
    static std::string fragment(const std::string& key, int64_t id) { return "p/d/" + key + "/" + std::to_string(id); }
    fs::path dir(const std::string& key, int64_t id) const { return roots.scratch / fragment(key, id); }

    void write_good_result(const std::string& key, int64_t id) {
        write(dir(key, id) / "diagnostic.json", kMetricBundleExample);
        write(dir(key, id) / "output.json", kOutputBundleExample);
        write(dir(key, id) / "series.json", kSeriesExample);
        write(dir(key, id) / "plots/map.png", std::string(2048, 'x'));
        write(dir(key, id) / "scratch-only.tmp", "not listed anywhere");
    }
    executions::HandledResult handle(const std::string& key, int64_t id, const json& result = good_result(),
                                     const executions::ResultHandlingOptions& options = {}) {
        execute::RunOutcome outcome;
        outcome.outcome = execute::Outcome::Succeeded;
        outcome.result = result;
        outcome.usage.wall_seconds = 1.5;
        outcome.usage.cpu_seconds = 1.25;
        outcome.usage.max_rss_kib = 2048;
        return executions::handle_result(db, id, fragment(key, id), outcome, roots, options);
    }
    static json good_result() {
        return {{"schema_version", 1},        {"successful", true},          {"metric_bundle", "diagnostic.json"},
                {"output_bundle", "output.json"}, {"series", "series.json"}};
    }
    bool group_dirty(int64_t execution_id) {
        return truthy(text(db, "SELECT g.dirty FROM execution_group g JOIN execution e ON e.execution_group_id = g.id WHERE e.id = ?",
                           execution_id));
    }
    // Nothing half-written: no staging or set-aside folders anywhere in the results store.
    bool results_store_clean() const {
        std::error_code ec;
        if (!fs::exists(roots.results, ec)) return true;
        for (const auto& entry : fs::recursive_directory_iterator(roots.results)) {
            const std::string name = entry.path().filename().string();
            if (name.find(".partial-") != std::string::npos || name.find(".previous-") != std::string::npos) return false;
        }
        return true;
    }
};

}  // namespace

TEST_CASE("a good result is validated and copied and recorded once even when handled twice", "[result-handling]") {
    test::for_each_backend([](test::ScratchDatabase& scratch) {
        Fixture f(scratch);
        const int64_t id = f.add_execution("good");
        const int64_t other = f.add_execution("other");
        f.write_good_result("good", id);
        for (int round = 0; round < 2; ++round) {
            const auto handled = f.handle("good", id);
            INFO(handled.reason);
            REQUIRE(handled.successful);
            CHECK(handled.scalars == 4);
            CHECK(handled.series == 2);
            CHECK(handled.outputs == 1);
        }
        auto& db = f.db;
        CHECK(count(db, "SELECT COUNT(*) FROM metric_value WHERE execution_id = ? AND type = 'SCALAR'", {id}) == 4);
        CHECK(count(db, "SELECT COUNT(*) FROM metric_value WHERE execution_id = ? AND type = 'SERIES'", {id}) == 2);
        CHECK(count(db, "SELECT COUNT(*) FROM execution_output WHERE execution_id = ?", {id}) == 1);
        CHECK(count(db, "SELECT COUNT(*) FROM index_axis") == 1);
        // The missing value (null) is NULL on both back ends; attributes belong to the innermost object.
        CHECK(count(db, "SELECT COUNT(*) FROM metric_value WHERE type = 'SCALAR' AND value IS NULL AND region = 'Tropics' "
                        "AND statistic = 'rmse'") == 1);
        CHECK(count(db, "SELECT COUNT(*) FROM metric_value WHERE region = 'global' AND statistic = 'bias' AND value = 0.5 "
                        "AND kind = 'model' AND source_id = 'MODEL-A'") == 1);
        CHECK(text(db, "SELECT attributes FROM metric_value WHERE statistic = 'rmse' AND region = 'global' AND execution_id = ?", id)
                  .value_or("").find("\"units\"") != std::string::npos);
        const auto reference = db.query("SELECT reference_id, kind FROM metric_value WHERE type = 'SERIES' AND reference_id IS NOT NULL");
        REQUIRE(reference.rows.size() == 1);
        CHECK(std::get<std::string>(reference.rows[0][0]) ==
              results::series_reference_id({287.0, 287.2, 287.3}, json::parse("[2000,2001,2002]"), std::string("OBS-X")));
        CHECK(std::get<std::string>(reference.rows[0][1]) == "reference");
        CHECK(text(db, "SELECT output_type FROM execution_output WHERE execution_id = ?", id) == std::string("Plot"));
        CHECK(text(db, "SELECT region FROM execution_output WHERE execution_id = ?", id) == std::string("global"));
        CHECK(truthy(text(db, "SELECT successful FROM execution WHERE id = ?", id)));
        CHECK(text(db, "SELECT path FROM execution WHERE id = ?", id) == std::string("diagnostic.json"));
        CHECK_FALSE(text(db, "SELECT failure_reason FROM execution WHERE id = ?", id));
        CHECK(text(db, "SELECT memory_source FROM execution WHERE id = ?", id) == std::string("rusage"));
        CHECK(text(db, "SELECT peak_memory_bytes FROM execution WHERE id = ?", id) == std::string("2097152"));
        CHECK_FALSE(f.group_dirty(id));
        // The curated copy: exactly what the result and the output bundle list, plus the log.
        const fs::path results = f.roots.results / Fixture::fragment("good", id);
        for (const char* name : {"out.log", "diagnostic.json", "output.json", "series.json", "plots/map.png"})
            CHECK(fs::is_regular_file(results / name));
        CHECK_FALSE(fs::exists(results / "scratch-only.tmp"));
        CHECK(fs::file_size(results / "plots/map.png") == 2048);
        CHECK(f.results_store_clean());
        // The other execution was never touched.
        CHECK_FALSE(text(db, "SELECT successful FROM execution WHERE id = ?", other));
        CHECK(f.group_dirty(other));
    });
}

TEST_CASE("each kind of bad result fails its execution with a precise reason and records nothing", "[result-handling]") {
    struct Case {
        const char* name;
        std::function<void(const fs::path&)> prepare;
        json result;
        const char* reason;
    };
    const json plain = {{"schema_version", 1}, {"successful", true}, {"metric_bundle", "diagnostic.json"},
                        {"output_bundle", nullptr}, {"series", nullptr}};
    json with_output = plain;
    with_output["output_bundle"] = "output.json";
    json with_series = plain;
    with_series["series"] = "series.json";
    const auto output_listing = [](const std::string& filename) {
        json bundle = json::parse(kOutputBundleExample);
        bundle["plots"]["map"]["filename"] = filename;
        return bundle.dump();
    };
    const std::vector<Case> cases{
        {"malformed JSON", [](const fs::path& d) { write(d / "diagnostic.json", R"({"DIMENSIONS": [1, 2)"); }, plain,
         "not valid JSON"},
        {"a bare NaN", [](const fs::path& d) {
             write(d / "diagnostic.json", std::string(kMetricBundleExample).replace(std::string(kMetricBundleExample).find("-0.25"), 5, "NaN"));
         }, plain, "NaN"},
        {"an infinite value", [](const fs::path& d) {
             write(d / "diagnostic.json", std::string(kMetricBundleExample).replace(std::string(kMetricBundleExample).find("-0.25"), 5, "1e999"));
         }, plain, "1e999"},
        {"a dimension outside the vocabulary", [](const fs::path& d) {
             std::string b = kMetricBundleExample;
             for (std::size_t at; (at = b.find("\"region\"")) != std::string::npos;) b.replace(at, 8, "\"colour\"");
             write(d / "diagnostic.json", b);
         }, plain, "colour"},
        {"a value outside a closed list", [](const fs::path& d) {
             write(d / "diagnostic.json", R"({"DIMENSIONS": {"json_structure": ["mode", "statistic"], "mode": {"XYZ": {}},
                 "statistic": {"rmse": {}}}, "RESULTS": {"XYZ": {"rmse": 1.0}}})");
         }, plain, "XYZ"},
        {"a structure that does not match json_structure", [](const fs::path& d) {
             write(d / "diagnostic.json", R"({"DIMENSIONS": {"json_structure": ["region", "statistic"], "region": {"global": {}},
                 "statistic": {"rmse": {}}}, "RESULTS": {"global": {"rmse": "high"}}})");
         }, plain, "global"},
        {"an output path with ..", [&](const fs::path& d) {
             write(d / "diagnostic.json", kMetricBundleExample);
             write(d / "output.json", output_listing("../escape.png"));
         }, with_output, "leaves"},
        {"an absolute output path elsewhere", [&](const fs::path& d) {
             write(d / "diagnostic.json", kMetricBundleExample);
             write(d / "output.json", output_listing("/etc/hostname"));
         }, with_output, "leaves"},
        {"an output that escapes through a symlink", [&](const fs::path& d) {
             write(d / "diagnostic.json", kMetricBundleExample);
             write(d / "output.json", output_listing("plots/map.png"));
             fs::create_directories(d / "plots");
             fs::create_symlink("/etc/hostname", d / "plots/map.png");
         }, with_output, "symlink"},
        {"an output that was never written", [&](const fs::path& d) {
             write(d / "diagnostic.json", kMetricBundleExample);
             write(d / "output.json", output_listing("plots/missing.png"));
         }, with_output, "plots/missing.png"},
        {"a series with mismatched lengths", [](const fs::path& d) {
             write(d / "diagnostic.json", kMetricBundleExample);
             write(d / "series.json", R"([{"dimensions": {"region": "global"}, "index": [1, 2], "index_name": "year",
                 "values": [1.0]}])");
         }, with_series, "series[0]"},
        {"a bad kind", [](const fs::path& d) {
             write(d / "diagnostic.json", R"({"DIMENSIONS": {"json_structure": ["kind", "statistic"], "kind": {"observation": {}},
                 "statistic": {"rmse": {}}}, "RESULTS": {"observation": {"rmse": 1.0}}})");
         }, plain, "observation"},
    };
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        Fixture f(scratch);
        const int64_t good = f.add_execution("good");
        f.write_good_result("good", good);
        REQUIRE(f.handle("good", good).successful);
        const int64_t values_before = count(f.db, "SELECT COUNT(*) FROM metric_value");
        for (const auto& c : cases) {
            INFO(c.name);
            const std::string key = std::string("bad-") + std::to_string(&c - cases.data());
            const int64_t id = f.add_execution(key);
            c.prepare(f.dir(key, id));
            const auto handled = f.handle(key, id, c.result);
            INFO(handled.reason);
            CHECK_FALSE(handled.successful);
            CHECK_FALSE(handled.retryable);
            CHECK(handled.reason.find(c.reason) != std::string::npos);
            CHECK(text(f.db, "SELECT failure_reason FROM execution WHERE id = ?", id) == handled.reason);
            CHECK(text(f.db, "SELECT successful FROM execution WHERE id = ?", id).has_value());
            CHECK_FALSE(truthy(text(f.db, "SELECT successful FROM execution WHERE id = ?", id)));
            CHECK(count(f.db, "SELECT COUNT(*) FROM metric_value WHERE execution_id = ?", {id}) == 0);
            CHECK(count(f.db, "SELECT COUNT(*) FROM execution_output WHERE execution_id = ?", {id}) == 0);
            CHECK_FALSE(f.group_dirty(id));  // a diagnostic's fault: not retried until something changes
            // Only the log reached the results store.
            const fs::path results = f.roots.results / Fixture::fragment(key, id);
            CHECK(fs::is_regular_file(results / "out.log"));
            CHECK_FALSE(fs::exists(results / "diagnostic.json"));
        }
        CHECK(count(f.db, "SELECT COUNT(*) FROM metric_value") == values_before);
        CHECK(truthy(text(f.db, "SELECT successful FROM execution WHERE id = ?", good)));
        CHECK(f.results_store_clean());
    });
}

TEST_CASE("undeclared innermost keys are kept with a warning unless ALLOW_EXTRA_KEYS is false", "[result-handling]") {
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    Fixture f(scratch);
    const char* bundle = R"({"DIMENSIONS": {"json_structure": ["region", "statistic"], "region": {"global": {}},
        "statistic": {"rmse": {}}}, "RESULTS": {"global": {"rmse": 1.0, "bias": 2.0}}})";
    const json plain = {{"schema_version", 1}, {"successful", true}, {"metric_bundle", "diagnostic.json"}};
    const int64_t kept = f.add_execution("kept");
    write(f.dir("kept", kept) / "diagnostic.json", bundle);
    const auto handled = f.handle("kept", kept, plain);
    REQUIRE(handled.successful);
    CHECK(handled.scalars == 2);
    REQUIRE(handled.warnings.size() == 1);
    CHECK(handled.warnings[0].find("bias") != std::string::npos);

    const int64_t strict = f.add_execution("strict");
    write(f.dir("strict", strict) / "diagnostic.json", bundle);
    execute::RunOutcome outcome;
    outcome.outcome = execute::Outcome::Succeeded;
    outcome.result = plain;
    executions::ResultHandlingOptions options;
    options.allow_extra_keys = false;
    const auto refused = executions::handle_result(f.db, strict, Fixture::fragment("strict", strict), outcome, f.roots, options);
    CHECK_FALSE(refused.successful);
    CHECK(refused.reason.find("bias") != std::string::npos);
}

TEST_CASE("a failed run keeps its log and its reason and a lost run is retried", "[result-handling]") {
    test::for_each_backend([](test::ScratchDatabase& scratch) {
        Fixture f(scratch);
        const int64_t crashed = f.add_execution("crashed");
        execute::RunOutcome outcome;
        outcome.outcome = execute::Outcome::SystemError;
        outcome.kind = execute::FailureKind::Signal;
        outcome.message = "crashed: killed by SIGSEGV (Segmentation fault)";
        const auto handled = executions::handle_result(f.db, crashed, Fixture::fragment("crashed", crashed), outcome, f.roots);
        CHECK_FALSE(handled.successful);
        CHECK(handled.retryable);
        CHECK(text(f.db, "SELECT failure_reason FROM execution WHERE id = ?", crashed) ==
              std::string("crashed: killed by SIGSEGV (Segmentation fault)"));
        CHECK(f.group_dirty(crashed));
        CHECK(fs::is_regular_file(f.roots.results / Fixture::fragment("crashed", crashed) / "out.log"));

        // A diagnostic error is recorded but not retried.
        const int64_t refused = f.add_execution("refused");
        outcome.outcome = execute::Outcome::DiagnosticError;
        outcome.kind = execute::FailureKind::PluginReported;
        outcome.message = "no tas in the input";
        const auto refusal = executions::handle_result(f.db, refused, Fixture::fragment("refused", refused), outcome, f.roots);
        CHECK_FALSE(refusal.retryable);
        CHECK(refusal.reason == "plugin reported failure: no tas in the input");
        CHECK_FALSE(f.group_dirty(refused));

        // No out.log: the run never started, so it is worth another try whatever the outcome said.
        const int64_t lost = f.add_execution("lost");
        fs::remove_all(f.dir("lost", lost));
        const auto gone = executions::handle_result(f.db, lost, Fixture::fragment("lost", lost), outcome, f.roots);
        CHECK(gone.retryable);
        CHECK(gone.reason.find("does not exist") != std::string::npos);
        CHECK(f.group_dirty(lost));
    });
}

namespace {

// A results store that fills up: a 256 KiB tmpfs (where mounting is allowed), or a file-size
// limit on this process (writes then fail with EFBIG instead of ENOSPC: the same path).
class FullDisk {
public:
    enum class Kind { Tmpfs, FileSizeLimit };
    FullDisk(const fs::path& dir, Kind kind) : dir_(dir), kind_(kind) {
        fs::create_directories(dir_);
        if (kind_ == Kind::Tmpfs) {
            ok_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=256k") == 0;
            return;
        }
        std::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &old_);
        rlimit limit = old_;
        limit.rlim_cur = 8u << 20;  // the SQLite file and its journal stay far below this
        ok_ = ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
    }
    ~FullDisk() {
        if (!ok_) return;
        if (kind_ == Kind::Tmpfs) ::umount(dir_.c_str());
        else ::setrlimit(RLIMIT_FSIZE, &old_);
    }
    bool ok() const { return ok_; }

private:
    fs::path dir_;
    Kind kind_;
    bool ok_ = false;
    rlimit old_{};
};

void check_full_disk(FullDisk::Kind kind) {
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    Fixture f(scratch);
    const int64_t id = f.add_execution("full");
    f.write_good_result("full", id);
    // Written before the limit applies: the plot is bigger than what the results store takes.
    write(f.dir("full", id) / "plots/map.png",
          std::string(kind == FullDisk::Kind::Tmpfs ? std::size_t{1} << 20 : std::size_t{16} << 20, 'x'));
    FullDisk disk(f.roots.results, kind);
    if (!disk.ok()) {
        test::skip_test("mounting a tmpfs is not allowed here (not root, or no CAP_SYS_ADMIN); the file-size limit "
                        "test covers the same path");
        return;
    }
    // The file-size limit only stops writes: this case copies even where a link would do.
    executions::ResultHandlingOptions options;
    options.link_files = kind == FullDisk::Kind::Tmpfs;
    const auto handled = f.handle("full", id, Fixture::good_result(), options);
    INFO(handled.reason);
    CHECK_FALSE(handled.successful);
    CHECK(handled.retryable);  // the environment failed, not the diagnostic
    CHECK(handled.reason.find("plots/map.png") != std::string::npos);
    CHECK(handled.reason.find("results store") != std::string::npos);
    CHECK(count(f.db, "SELECT COUNT(*) FROM metric_value") == 0);
    CHECK(f.group_dirty(id));
    CHECK(f.results_store_clean());
    CHECK_FALSE(fs::exists(f.roots.results / Fixture::fragment("full", id) / "diagnostic.json"));
}

}  // namespace

TEST_CASE("a results disk that fills up during the copy fails the execution and leaves nothing behind", "[result-handling]") {
    check_full_disk(FullDisk::Kind::Tmpfs);
}

TEST_CASE("a write refused by a file-size limit during the copy fails the execution and leaves nothing behind",
          "[result-handling]") {
    check_full_disk(FullDisk::Kind::FileSizeLimit);
}

TEST_CASE("files reach the results store as hard links on one file system and as copies otherwise",
          "[result-handling]") {
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    Fixture f(scratch);
    for (const bool link : {true, false}) {
        const std::string key = link ? "linked" : "copied";
        const int64_t id = f.add_execution(key);
        f.write_good_result(key, id);
        executions::ResultHandlingOptions options;
        options.link_files = link;
        const auto handled = f.handle(key, id, Fixture::good_result(), options);
        INFO(handled.reason);
        REQUIRE(handled.successful);
        const fs::path stored = f.roots.results / Fixture::fragment(key, id) / "plots/map.png";
        const fs::path written = f.dir(key, id) / "plots/map.png";
        struct stat stored_info {}, written_info {};
        REQUIRE(::stat(stored.c_str(), &stored_info) == 0);
        REQUIRE(::stat(written.c_str(), &written_info) == 0);
        CHECK((stored_info.st_ino == written_info.st_ino) == link);
        CHECK(stored_info.st_nlink == (link ? 2u : 1u));
        // The next run of the execution empties its scratch folder: the stored files stay whole.
        fs::remove_all(f.dir(key, id));
        CHECK(fs::file_size(stored) == 2048);
        CHECK(fs::is_regular_file(f.roots.results / Fixture::fragment(key, id) / "diagnostic.json"));
    }
}
