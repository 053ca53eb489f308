// The `executions` operator commands end to end (list-groups, inspect, flag-dirty, fail-running,
// delete-groups): generated data solved with the example provider, on SQLite and PostgreSQL.
#include "../store/scratch_database.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path results_root(const test::ScratchDatabase& db) { return db.folder() / "results"; }
fs::path scratch_root(const test::ScratchDatabase& db) { return db.folder() / "scratch"; }

std::string engine_command(const test::ScratchDatabase& db, const std::string& args) {
    return "REF_DATABASE_URL='" + db.url().url + "' REF_CONFIGURATION='" + db.folder().string() +
           "' REF_PLUGIN_CACHE=off REF_PLUGINS='" + REF_PLUGIN_OUTPUT_DIR + "/example.so' REF_SCRATCH_ROOT='" +
           scratch_root(db).string() + "' REF_RESULTS_ROOT='" + results_root(db).string() + "' " +
           test::engine_program().string() + " " + args;
}

// `input`: a line written to the program's standard input through a pipe.
test::CommandResult ref_engine(const test::ScratchDatabase& db, const std::string& args, const std::string& input = "") {
    return test::run_command((input.empty() ? std::string() : "printf '%s\\n' '" + input + "' | ") +
                             engine_command(db, args));
}

// The same with a terminal as standard input (util-linux `script`), answering `input`.
test::CommandResult ref_engine_on_terminal(const test::ScratchDatabase& db, const std::string& args,
                                           const std::string& input) {
    const fs::path script = db.folder() / "command.sh";
    std::ofstream(script) << engine_command(db, args) << '\n';
    return test::run_command("printf '%s\\n' '" + input + "' | script -qec 'sh " + script.string() + "' /dev/null");
}

int64_t as_int(const store::Value& v) {
    if (const auto* n = std::get_if<int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return std::stoll(std::get<std::string>(v));
}

int64_t count(store::Database& db, const std::string& sql, const std::vector<store::Value>& params = {}) {
    return as_int(db.query(sql, params).rows.at(0).at(0));
}

// Ingests the generated CMIP6 and obs4MIPs data, then solves (running the executions unless told not to).
void ingest_and_solve(const test::ScratchDatabase& db, const datagen::GeneratedTree& tree, const std::string& solve_args = "") {
    for (const char* type : {"cmip6", "obs4mips"}) {
        const auto r = ref_engine(db, std::string("datasets ingest --source-type ") + type + " " + tree.directory_of(type).string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }
    const auto solved = ref_engine(db, "solve " + solve_args);
    INFO(solved.out << solved.err);
    REQUIRE(solved.exit_code == 0);
}

struct Execution {
    int64_t group_id = 0, id = 0;
    std::string fragment;
};

// The latest execution of a group of a diagnostic whose key is LIKE `key`.
Execution execution_of(store::Database& db, const std::string& diagnostic, const std::string& key = "%") {
    const auto r = db.query(
        "SELECT g.id, e.id, e.output_fragment FROM execution_group g JOIN diagnostic d ON d.id = g.diagnostic_id "
        "JOIN execution e ON e.execution_group_id = g.id WHERE d.slug = ? AND g.key LIKE ? "
        "ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
        {diagnostic, key});
    REQUIRE(r.rows.size() == 1);
    return {as_int(r.rows[0][0]), as_int(r.rows[0][1]), std::get<std::string>(r.rows[0][2])};
}

// A group of an older diagnostic version, hidden by the promoted-version gate.
int64_t insert_old_version_group(store::Database& db, const std::string& diagnostic) {
    db.execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) SELECT id, "
               "'old_version_group', 1, FALSE, '{\"cmip6\": [[\"source_id\", \"OLD\"]]}' FROM diagnostic WHERE slug = ?",
               {diagnostic});
    return count(db, "SELECT id FROM execution_group WHERE key = 'old_version_group'");
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::vector<int64_t> ids_of(const json& groups) {
    std::vector<int64_t> out;
    for (const auto& g : groups) out.push_back(g["id"].get<int64_t>());
    return out;
}

json list_groups(const test::ScratchDatabase& db, const std::string& args) {
    const auto r = ref_engine(db, "executions list-groups --format json " + args);
    INFO(args << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("executions list-groups lists groups at the promoted version with their latest execution",
          "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        // global-sst-bias is at version 2: a version-1 group of it is not shown.
        const int64_t old_group = insert_old_version_group(db.db(), "global-sst-bias");

        const json all = list_groups(db, "");
        REQUIRE(all.size() == 4);
        for (const auto& g : all) {
            CHECK(g["status"] == "succeeded");
            CHECK(g["dirty"] == false);
            CHECK(g["provider"] == "example");
            CHECK(g["latest_execution_id"].is_number_integer());
            CHECK(g["selectors"].contains("cmip6"));
            CHECK(g["failure_reason"].is_null());
            CHECK(g.contains("updated_at"));
            CHECK(g["id"] != old_group);
        }
        const auto ids = ids_of(all);
        CHECK(std::is_sorted(ids.begin(), ids.end()));

        const auto table = ref_engine(db, "executions list-groups");
        REQUIRE(table.exit_code == 0);
        CHECK_THAT(table.out, Catch::StartsWith("id"));
        for (const char* column : {"key", "provider", "diagnostic", "dirty", "status", "latest_execution", "created_at"})
            CHECK_THAT(table.out, Catch::Contains(column));
        CHECK_THAT(table.out, Catch::Contains("cmip6_historical_REFSYN-1-0_tos_r1i1p1f1__obs4mips_HadISST-1-1_ts"));
        const auto csv = ref_engine(db, "executions list-groups --format csv");
        CHECK_THAT(csv.out, Catch::StartsWith("id,key,provider,diagnostic,dirty,status,latest_execution,created_at\n"));

        // Provider and diagnostic filters: case-insensitive substrings, OR-ed.
        CHECK(list_groups(db, "--diagnostic SST").size() == 1);
        CHECK(list_groups(db, "--diagnostic sst --diagnostic timeseries").size() == 4);
        CHECK(list_groups(db, "--provider EXAMPLE").size() == 4);
        // Selector filters: one key's values OR-ed, keys AND-ed, a type prefix scopes the key.
        CHECK(list_groups(db, "--filter experiment_id=piControl").size() == 1);
        CHECK(list_groups(db, "--filter experiment_id=piControl --filter experiment_id=historical").size() == 4);
        CHECK(list_groups(db, "--filter experiment_id=historical --filter variable_id=tas").size() == 1);
        CHECK(list_groups(db, "--filter source_id=HadISST-1-1").size() == 1);
        CHECK(list_groups(db, "--filter obs4mips.source_id=HadISST-1-1").size() == 1);
        CHECK(list_groups(db, "--filter cmip6.source_id=HadISST-1-1").empty());
        CHECK(list_groups(db, "--filter cmip6.source_id=REFSYN-1-0").size() == 4);
        CHECK(list_groups(db, "--successful").size() == 4);
        CHECK(list_groups(db, "--not-dirty").size() == 4);
        CHECK(list_groups(db, "--limit 2").size() == 2);

        const auto none = ref_engine(db, "executions list-groups --dirty");
        CHECK(none.exit_code == 0);
        CHECK_THAT(none.err, Catch::Contains("no execution groups match") && Catch::Contains("5 group(s) in all"));

        // Usage errors.
        for (const char* bad : {"--filter variable_id", "--filter =tas", "--filter nosuchtype.source_id=x",
                                "--successful --not-successful", "--dirty --not-dirty", "--format xml", "--limit 0"}) {
            const auto r = ref_engine(db, std::string("executions list-groups ") + bad);
            INFO(bad << ": " << r.err);
            CHECK(r.exit_code == 2);
        }
    });
}

TEST_CASE("executions list-groups reports status from the latest execution", "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        const auto sst = execution_of(db.db(), "global-sst-bias");
        // A newer failed attempt decides the status; an empty group is not-started.
        db.db().execute("INSERT INTO execution (execution_group_id, dataset_hash, output_fragment, successful, "
                        "failure_reason, created_at) VALUES (?, 'h', 'f/1', FALSE, 'diagnostic error: boom', ?)",
                        {sst.group_id, std::string("2999-01-01 00:00:00")});
        db.db().execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) SELECT "
                        "d.id, 'never_run', 1, TRUE, '{}' FROM diagnostic d WHERE d.slug = 'global-mean-timeseries'");
        const json failed = list_groups(db, "--not-successful");
        REQUIRE(failed.size() == 2);
        CHECK(failed[0]["id"] == sst.group_id);
        CHECK(failed[0]["status"] == "failed");
        CHECK(failed[0]["failure_reason"] == "diagnostic error: boom");
        CHECK(failed[1]["key"] == "never_run");
        CHECK(failed[1]["status"] == "not-started");
        CHECK(failed[1]["latest_execution_id"].is_null());
        CHECK(list_groups(db, "--dirty").size() == 1);
        CHECK(list_groups(db, "--successful").size() == 3);
    });
}

TEST_CASE("executions inspect shows the latest execution with its datasets values outputs and log",
          "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        auto& sql = db.db();
        // A newer attempt of our own, so the counts do not depend on what solve ingested.
        auto sst = execution_of(sql, "global-sst-bias");
        const int64_t solved_id = sst.id;
        sst.fragment = "example/global-sst-bias/inspected";
        sql.execute("INSERT INTO execution (execution_group_id, dataset_hash, output_fragment, successful, "
                    "provider_version, wall_seconds, cpu_seconds, peak_memory_bytes, memory_source, queue_seconds, "
                    "memory_limit_bytes, created_at) VALUES (?, 'hash', ?, TRUE, '1.0', 2.5, 1.25, 52428800, 'rusage', "
                    "1.5, 1073741824, ?)",
                    {sst.group_id, sst.fragment, std::string("2990-01-01 00:00:00")});
        sst.id = count(sql, "SELECT id FROM execution WHERE output_fragment = ?", {sst.fragment});
        sql.execute("INSERT INTO execution_dataset (execution_id, dataset_id) SELECT ?, dataset_id FROM execution_dataset "
                    "WHERE execution_id = ?",
                    {sst.id, solved_id});
        for (int i = 0; i < 25; ++i)
            sql.execute("INSERT INTO metric_value (execution_id, type, value, kind, source_id, region, statistic) VALUES "
                        "(?, 'SCALAR', ?, 'model', 'REFSYN-1-0', ?, 'bias')",
                        {sst.id, 0.5 * i, "region" + std::to_string(i)});
        sql.execute("INSERT INTO execution_output (execution_id, output_type, filename, short_name, long_name, "
                    "description, region) VALUES (?, 'Plot', 'bias.png', 'bias_map', 'Bias map', 'SST bias', 'global')",
                    {sst.id});
        sql.execute("INSERT INTO execution_output (execution_id, output_type, filename, short_name) VALUES "
                    "(?, 'Data', 'missing.nc', 'missing_data')",
                    {sst.id});
        write_file(results_root(db) / sst.fragment / "bias.png", "png");
        write_file(scratch_root(db) / sst.fragment / "out.log", "from scratch\n");

        // Without a log in the results store, the scratch copy's is shown.
        const auto from_scratch = ref_engine(db, "executions inspect " + std::to_string(sst.group_id));
        INFO(from_scratch.out << from_scratch.err);
        REQUIRE(from_scratch.exit_code == 0);
        CHECK_THAT(from_scratch.out, Catch::Contains("Execution group " + std::to_string(sst.group_id)));
        CHECK_THAT(from_scratch.out, Catch::Contains("global-sst-bias (version 2, promoted 2)"));
        CHECK_THAT(from_scratch.out, Catch::Contains("status:       succeeded"));
        CHECK_THAT(from_scratch.out, Catch::Contains("attempts:     2"));
        CHECK_THAT(from_scratch.out, Catch::Contains("Latest execution " + std::to_string(sst.id)));
        CHECK_THAT(from_scratch.out, Catch::Contains("wall time:    2.50 s"));
        CHECK_THAT(from_scratch.out, Catch::Contains("cpu time:     1.25 s"));
        CHECK_THAT(from_scratch.out, Catch::Contains("peak memory:  50.0 MiB (52428800 bytes) from rusage"));
        CHECK_THAT(from_scratch.out, Catch::Contains("queue time:   1.50 s"));
        CHECK_THAT(from_scratch.out, Catch::Contains("memory limit: 1024.0 MiB"));
        CHECK_THAT(from_scratch.out, Catch::Contains("Datasets (3)"));
        CHECK_THAT(from_scratch.out, Catch::Contains("obs4mips"));
        CHECK_THAT(from_scratch.out, Catch::Contains("Metric values: 25 scalar, 0 series"));
        CHECK_THAT(from_scratch.out, Catch::Contains("region=region19"));
        CHECK_THAT(from_scratch.out, !Catch::Contains("region=region20"));  // the first 20 only
        CHECK_THAT(from_scratch.out, Catch::Contains((results_root(db) / sst.fragment / "bias.png").string()));
        CHECK_THAT(from_scratch.out, Catch::Contains((scratch_root(db) / sst.fragment / "out.log").string()));
        CHECK_THAT(from_scratch.out, Catch::Contains("  from scratch"));

        // The results store's log comes first; only its last 20 lines are shown.
        std::string log;
        for (int i = 1; i <= 30; ++i) log += "log line " + std::to_string(i) + "\n";
        write_file(results_root(db) / sst.fragment / "out.log", log);
        const auto r = ref_engine(db, "executions inspect --format json " + std::to_string(sst.group_id));
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(r.out);
        CHECK(j["group"]["attempts"] == 2);
        CHECK(j["group"]["status"] == "succeeded");
        CHECK(j["group"]["diagnostic_version"] == 2);
        CHECK(j["latest_execution"]["id"] == sst.id);
        CHECK(j["latest_execution"]["queue_seconds"] == 1.5);
        CHECK(j["latest_execution"]["wall_seconds"] == 2.5);
        CHECK(j["latest_execution"]["peak_memory_bytes"] == 52428800);
        CHECK(j["latest_execution"]["provider_version"] == "1.0");
        CHECK(j["latest_execution"]["failure_reason"].is_null());
        REQUIRE(j["datasets"].size() == 3);
        for (const auto& d : j["datasets"]) {
            CHECK((d["source_type"] == "cmip6" || d["source_type"] == "obs4mips"));
            CHECK(!d["version"].get<std::string>().empty());
        }
        CHECK(j["metric_values"]["scalar"] == 25);
        CHECK(j["metric_values"]["first_scalars"].size() == 20);
        CHECK(j["metric_values"]["first_scalars"][1]["dimensions"]["region"] == "region1");
        CHECK(j["metric_values"]["first_scalars"][1]["value"] == 0.5);
        REQUIRE(j["outputs"].size() == 2);
        CHECK(j["outputs"][0]["exists"] == true);
        CHECK(j["outputs"][0]["dimensions"]["region"] == "global");
        CHECK(j["outputs"][1]["exists"] == false);
        CHECK(j["log"]["path"] == (results_root(db) / sst.fragment / "out.log").string());
        REQUIRE(j["log"]["last_lines"].size() == 20);
        CHECK(j["log"]["last_lines"][0] == "log line 11");
        CHECK(j["log"]["last_lines"][19] == "log line 30");

        // A failed execution without any log, and a group that never ran.
        const auto tas = execution_of(sql, "global-mean-timeseries");
        sql.execute("UPDATE execution SET successful = FALSE, failure_reason = 'system error: killed by signal 9' "
                    "WHERE id = ?",
                    {tas.id});
        fs::remove_all(scratch_root(db) / tas.fragment);
        fs::remove_all(results_root(db) / tas.fragment);
        const auto failed = ref_engine(db, "executions inspect " + std::to_string(tas.group_id));
        CHECK(failed.exit_code == 0);
        CHECK_THAT(failed.out, Catch::Contains("status:       failed"));
        CHECK_THAT(failed.out, Catch::Contains("failure:      system error: killed by signal 9"));
        CHECK_THAT(failed.out, Catch::Contains("no log"));
        const int64_t empty = insert_old_version_group(sql, "global-sst-bias");
        const auto never = ref_engine(db, "executions inspect " + std::to_string(empty));
        CHECK(never.exit_code == 0);
        CHECK_THAT(never.out, Catch::Contains("not-started") && Catch::Contains("No execution yet"));

        const auto unknown = ref_engine(db, "executions inspect 999999");
        CHECK(unknown.exit_code == 1);
        CHECK_THAT(unknown.err, Catch::Contains("no execution group has id 999999"));
        CHECK(ref_engine(db, "executions inspect abc").exit_code == 2);
        CHECK(ref_engine(db, "executions inspect").exit_code == 2);
    });
}

TEST_CASE("executions flag-dirty makes the next solve run the group again", "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        const auto sst = execution_of(db.db(), "global-sst-bias");
        const std::string id = std::to_string(sst.group_id);

        // An unknown id among known ones changes nothing.
        const auto unknown = ref_engine(db, "executions flag-dirty " + id + " 999999");
        CHECK(unknown.exit_code == 1);
        CHECK_THAT(unknown.err, Catch::Contains("999999"));
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group WHERE dirty = TRUE") == 0);

        const auto flagged = ref_engine(db, "executions flag-dirty " + id);
        INFO(flagged.out << flagged.err);
        REQUIRE(flagged.exit_code == 0);
        CHECK_THAT(flagged.out, Catch::Contains("group " + id) && Catch::Contains("dirty (was clean)"));
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group WHERE dirty = TRUE AND id = ?", {sst.group_id}) == 1);
        CHECK_THAT(ref_engine(db, "executions flag-dirty " + id).out, Catch::Contains("already dirty"));
        CHECK(list_groups(db, "--dirty").size() == 1);

        const auto solved = ref_engine(db, "solve");
        INFO(solved.out << solved.err);
        REQUIRE(solved.exit_code == 0);
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution WHERE execution_group_id = ?", {sst.group_id}) == 2);
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution") == 5);  // the other groups were up to date
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group WHERE dirty = TRUE") == 0);

        CHECK(ref_engine(db, "executions flag-dirty").exit_code == 2);
        CHECK(ref_engine(db, "executions flag-dirty x1").exit_code == 2);
    });
}

TEST_CASE("executions fail-running marks executions in progress failed and their groups dirty",
          "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree, "--no-execute");  // four executions left in progress
        auto& sql = db.db();
        REQUIRE(count(sql, "SELECT COUNT(*) FROM execution WHERE successful IS NULL") == 4);
        CHECK(list_groups(db, "--not-successful").size() == 4);
        const auto sst = execution_of(sql, "global-sst-bias");
        sql.execute("UPDATE execution SET created_at = ? WHERE id = ?", {std::string("2020-01-01 00:00:00"), sst.id});
        sql.execute("UPDATE execution_group SET dirty = FALSE");

        const auto dry = ref_engine(db, "executions fail-running --older-than 6h --dry-run");
        INFO(dry.out << dry.err);
        REQUIRE(dry.exit_code == 0);
        CHECK_THAT(dry.out, Catch::Contains("would mark 1 execution(s) failed") &&
                                Catch::Contains("execution " + std::to_string(sst.id)));
        CHECK(count(sql, "SELECT COUNT(*) FROM execution WHERE successful IS NULL") == 4);

        const auto none = ref_engine(db, "executions fail-running --diagnostic nosuchdiagnostic");
        CHECK(none.exit_code == 0);
        CHECK_THAT(none.out, Catch::Contains("no execution in progress matches"));

        const auto old = ref_engine(db, "executions fail-running --older-than 2d --provider example");
        INFO(old.out << old.err);
        REQUIRE(old.exit_code == 0);
        CHECK_THAT(old.out, Catch::Contains("marked 1 execution(s) failed: " + std::to_string(sst.id)));
        CHECK(count(sql, "SELECT COUNT(*) FROM execution WHERE successful = FALSE AND id = ? AND failure_reason = "
                         "'marked failed by an operator (fail-running)'",
                    {sst.id}) == 1);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group WHERE dirty = TRUE") == 1);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group WHERE dirty = TRUE AND id = ?", {sst.group_id}) == 1);

        const auto rest = ref_engine(db, "executions fail-running");
        INFO(rest.out << rest.err);
        REQUIRE(rest.exit_code == 0);
        CHECK_THAT(rest.out, Catch::Contains("marked 3 execution(s) failed") && Catch::Contains("flagged 3 group(s) dirty"));
        CHECK(count(sql, "SELECT COUNT(*) FROM execution WHERE successful IS NULL") == 0);
        const json groups = list_groups(db, "--not-successful --dirty");
        REQUIRE(groups.size() == 4);
        for (const auto& g : groups) {
            CHECK(g["status"] == "failed");
            CHECK(g["failure_reason"] == "marked failed by an operator (fail-running)");
        }
        CHECK_THAT(ref_engine(db, "executions fail-running").out, Catch::Contains("no execution in progress"));

        // The dirty groups run again.
        const auto solved = ref_engine(db, "solve");
        INFO(solved.out << solved.err);
        REQUIRE(solved.exit_code == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution WHERE successful = TRUE") == 4);
        CHECK(list_groups(db, "--successful").size() == 4);

        for (const char* bad : {"--older-than 6x", "--older-than -1h", "--older-than h", "--older-than 0"}) {
            const auto r = ref_engine(db, std::string("executions fail-running ") + bad);
            INFO(bad << ": " << r.err);
            CHECK(r.exit_code == 2);
        }
    });
}

TEST_CASE("executions delete-groups refuses without a filter or confirmation", "[execution-commands]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        const auto unfiltered = ref_engine(db, "executions delete-groups --force");
        CHECK(unfiltered.exit_code == 1);
        CHECK_THAT(unfiltered.err, Catch::Contains("refusing to delete without a filter"));
        // Standard input is not a terminal: no way to confirm.
        const auto piped = ref_engine(db, "executions delete-groups --diagnostic sst < /dev/null");
        CHECK(piped.exit_code == 1);
        CHECK_THAT(piped.out, Catch::Contains("global-sst-bias"));  // the preview
        CHECK_THAT(piped.err, Catch::Contains("not a terminal") && Catch::Contains("--force"));
        // A "y" on a pipe is no confirmation either.
        CHECK(ref_engine(db, "executions delete-groups --diagnostic sst", "y").exit_code == 1);
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group") == 4);
        const auto nothing = ref_engine(db, "executions delete-groups --filter source_id=nothing --force");
        CHECK(nothing.exit_code == 0);
        CHECK_THAT(nothing.err, Catch::Contains("nothing deleted"));
        CHECK(ref_engine(db, "executions delete-groups --filter nothing --force").exit_code == 2);
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group") == 4);
    });
}

TEST_CASE("executions delete-groups asks for confirmation on a terminal", "[execution-commands]") {
    if (test::run_command("script --version > /dev/null 2>&1").exit_code != 0) {
        test::skip_test("util-linux `script` is not installed: no terminal to confirm on");
        return;
    }
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        const auto declined = ref_engine_on_terminal(db, "executions delete-groups --diagnostic sst", "n");
        INFO(declined.out << declined.err);
        CHECK(declined.exit_code == 1);
        CHECK_THAT(declined.out, Catch::Contains("Delete 1 groups? [y/N]") && Catch::Contains("nothing deleted"));
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group") == 4);
        const auto confirmed = ref_engine_on_terminal(db, "executions delete-groups --diagnostic sst", "y");
        INFO(confirmed.out << confirmed.err);
        CHECK(confirmed.exit_code == 0);
        CHECK_THAT(confirmed.out, Catch::Contains("deleted 1 group(s)"));
        CHECK(count(db.db(), "SELECT COUNT(*) FROM execution_group") == 3);
    });
}

TEST_CASE("executions delete-groups deletes rows and outputs but never outside the roots", "[execution-commands]") {
    test::TempDir data, outside;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        auto& sql = db.db();
        const auto sst = execution_of(sql, "global-sst-bias");
        // A second, older attempt of the same group, with values, outputs and links.
        sql.execute("INSERT INTO execution (execution_group_id, dataset_hash, output_fragment, successful, created_at) "
                    "VALUES (?, 'h', 'example/old-attempt', FALSE, ?)",
                    {sst.group_id, std::string("2020-01-01 00:00:00")});
        const int64_t older = count(sql, "SELECT id FROM execution WHERE output_fragment = 'example/old-attempt'");
        for (const int64_t e : {sst.id, older}) {
            sql.execute("INSERT INTO metric_value (execution_id, type, value, kind) VALUES (?, 'SCALAR', 1.0, 'model')", {e});
            sql.execute("INSERT INTO execution_output (execution_id, output_type, filename) VALUES (?, 'Plot', 'a.png')", {e});
        }
        sql.execute("INSERT INTO index_axis (hash, name, \"values\", length) VALUES ('axis-delete', 'time', '[1, 2]', 2)");
        sql.execute("INSERT INTO metric_value (execution_id, type, \"values\", index_id, kind) SELECT ?, 'SERIES', "
                    "'[1.0, 2.0]', id, 'model' FROM index_axis WHERE hash = 'axis-delete'",
                    {sst.id});
        write_file(results_root(db) / sst.fragment / "a.png", "png");
        write_file(scratch_root(db) / sst.fragment / "out.log", "log");
        write_file(results_root(db) / "example/old-attempt/out.log", "old");
        const int64_t other_values = count(sql, "SELECT COUNT(*) FROM metric_value WHERE execution_id <> ? AND execution_id <> ?",
                                           {sst.id, older});
        const std::string group_values = std::to_string(
            count(sql, "SELECT COUNT(*) FROM metric_value WHERE execution_id IN (?, ?)", {sst.id, older}));
        const std::string group_outputs = std::to_string(
            count(sql, "SELECT COUNT(*) FROM execution_output WHERE execution_id IN (?, ?)", {sst.id, older}));

        const auto r = ref_engine(db, "executions delete-groups --diagnostic global-sst --remove-outputs --force");
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("deleted 1 group(s), 2 execution(s), " + group_values + " metric value(s), " +
                                          group_outputs + " output(s), 3 dataset link(s)"));
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group WHERE id = ?", {sst.group_id}) == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution WHERE execution_group_id = ?", {sst.group_id}) == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_dataset WHERE execution_id IN (?, ?)", {sst.id, older}) == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM metric_value WHERE execution_id IN (?, ?)", {sst.id, older}) == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_output WHERE execution_id IN (?, ?)", {sst.id, older}) == 0);
        CHECK(count(sql, "SELECT COUNT(*) FROM metric_value") == other_values);
        CHECK(count(sql, "SELECT COUNT(*) FROM index_axis WHERE hash = 'axis-delete'") == 1);  // axes are kept
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group") == 3);
        CHECK(count(sql, "SELECT COUNT(*) FROM execution") == 3);
        CHECK_FALSE(fs::exists(results_root(db) / sst.fragment));
        CHECK_FALSE(fs::exists(scratch_root(db) / sst.fragment));
        CHECK_FALSE(fs::exists(results_root(db) / "example/old-attempt"));
        // Folders left empty above them go too, the roots stay.
        CHECK_FALSE(fs::exists(results_root(db) / fs::path(sst.fragment).parent_path()));
        CHECK_FALSE(fs::exists(scratch_root(db) / fs::path(sst.fragment).parent_path()));
        CHECK(fs::exists(results_root(db)));
        CHECK(fs::exists(scratch_root(db)));

        // A results folder that is a symlink out of the root is left alone, as is where it points.
        const auto tas = execution_of(sql, "global-mean-timeseries", "%piControl%");
        write_file(outside.path() / "precious" / "keep.txt", "keep");
        fs::remove_all(results_root(db) / tas.fragment);
        fs::create_directories((results_root(db) / tas.fragment).parent_path());
        fs::create_directory_symlink(outside.path() / "precious", results_root(db) / tas.fragment);
        const auto guarded = ref_engine(db, "executions delete-groups --filter experiment_id=piControl --remove-outputs --force");
        INFO(guarded.out << guarded.err);
        CHECK(guarded.exit_code == 1);
        CHECK_THAT(guarded.err, Catch::Contains("outside"));
        CHECK(fs::exists(outside.path() / "precious" / "keep.txt"));
        CHECK(fs::is_symlink(results_root(db) / tas.fragment));
        CHECK_FALSE(fs::exists(scratch_root(db) / tas.fragment));  // the scratch copy was inside its root
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group WHERE id = ?", {tas.group_id}) == 0);

        // A fragment that climbs out of the root is refused lexically.
        const auto rsut = execution_of(sql, "global-mean-timeseries");
        write_file(outside.path() / "climb" / "keep.txt", "keep");
        sql.execute("UPDATE execution SET output_fragment = ? WHERE id = ?",
                    {fs::relative(outside.path() / "climb", results_root(db)).string(), rsut.id});
        const auto climbing = ref_engine(db, "executions delete-groups --diagnostic timeseries --remove-outputs --force");
        CHECK(climbing.exit_code == 1);
        CHECK_THAT(climbing.err, Catch::Contains("leaves the root"));
        CHECK(fs::exists(outside.path() / "climb" / "keep.txt"));
        CHECK(count(sql, "SELECT COUNT(*) FROM execution_group") == 0);
        fs::remove(results_root(db) / tas.fragment);
    });
}
