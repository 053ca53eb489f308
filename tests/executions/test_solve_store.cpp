// Solving into the store (solver spec §6): groups, executions and their datasets, the run
// rules and the dirty flag, on SQLite and on the PostgreSQL test server.
#include "../store/scratch_database.hpp"
#include "catalog/solver_catalog.hpp"
#include "executions/record.hpp"
#include "diagnostics.hpp"
#include "executions/solve.hpp"
#include "store/migrations.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <thread>

using namespace ref;
namespace fs = std::filesystem;
using executions::RunReason;
using nlohmann::json;

namespace {

namespace rc = solver;


// One group of every model's tas, whatever the experiment.
executions::DiagnosticToSolve all_tas(const std::string& slug = "all-tas") {
    rc::DataRequirement r;
    r.source_type = rc::SourceType::Cmip6;
    r.filters = {{{"variable_id", {"tas"}}}};
    r.group_by = rc::Names{"source_id"};
    return {"example", "Example", "1.0", slug, slug, 1, {{r}}};
}

int64_t count(store::Database& db, const std::string& sql, const std::vector<store::Value>& params = {}) {
    const auto r = db.query(sql, params);
    const auto& v = r.rows.at(0).at(0);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : std::stoll(std::get<std::string>(v));
}

struct Fixture {
    test::TempDir data;
    datagen::GeneratedTree tree = datagen::generate_default_tree(data.path());

    // A migrated database holding the generated CMIP6 data.
    void prepare(store::Database& db, catalog::Parser parser = catalog::Parser::Complete) const {
        store::migrate(db);
        ingest(db, "cmip6", parser);
    }

    void ingest(store::Database& db, const std::string& type, catalog::Parser parser = catalog::Parser::Complete,
                std::optional<fs::path> folder = std::nullopt) const {
        catalog::IngestOptions options;
        options.parser = parser;
        const auto adapter = catalog::make_adapter(*rc::parse_source_type(type));
        const auto stats = catalog::ingest_paths(db, *adapter, {folder.value_or(tree.directory_of(type))}, options);
        INFO((stats.problems.empty() ? std::string() : stats.problems.front().reason));
        REQUIRE(stats.ok());
    }
};

executions::SolveReport solve(store::Database& db, const std::vector<executions::DiagnosticToSolve>& diagnostics,
                              executions::SolveOptions options = {}) {
    catalog::DatabaseCatalogSource source(db, {});
    if (options.scratch_root.empty()) options.scratch_root = "/scratch";
    return executions::solve(db, source, diagnostics, options);
}

executions::ExecutionOutcome outcome(bool successful, bool retryable = false) {
    executions::ExecutionOutcome o;
    o.successful = successful;
    o.retryable = retryable;
    if (successful) o.metric_bundle = "diagnostic.json";
    return o;
}

bool dirty(store::Database& db, int64_t group) {
    return count(db, "SELECT CASE WHEN dirty THEN 1 ELSE 0 END FROM execution_group WHERE id = ?", {group}) == 1;
}

}  // namespace

TEST_CASE("a solve writes groups and executions with their datasets and a second finds them in progress", "[solve-store]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        fx.prepare(db);
        const auto first = solve(db, {test::example_timeseries()});
        REQUIRE(first.executions.size() == 3);
        CHECK(first.executions[0].key == "cmip6_historical_REFSYN-1-0_rsut_r1i1p1f1");
        CHECK(first.executions[1].key == "cmip6_historical_REFSYN-1-0_tas_r1i1p1f1");
        CHECK(first.executions[2].key == "cmip6_piControl_REFSYN-1-0_tas_r1i1p1f1");
        for (const auto& e : first.executions) {
            CHECK(e.reason == RunReason::NewGroup);
            REQUIRE(e.execution_id);
            CHECK(std::regex_match(e.output_fragment,
                                   std::regex("example/global-mean-timeseries/[A-Za-z0-9_-]+_g[0-9]+_v1_[0-9a-f]{8}/" +
                                              std::to_string(*e.execution_id))));
            // Each execution is linked to its main dataset and its cell area.
            CHECK(count(db, "SELECT COUNT(*) FROM execution_dataset WHERE execution_id = ?", {*e.execution_id}) == 2);
            CHECK(e.definition["datasets"]["cmip6"]["rows"].size() >= 2);
            CHECK(e.definition["output_directory"] == "/scratch/" + e.output_fragment);
            CHECK(dirty(db, *e.group_id));
        }
        CHECK(count(db, "SELECT COUNT(*) FROM execution_group") == 3);
        const auto selectors = json::parse(std::get<std::string>(
            db.query("SELECT selectors FROM execution_group WHERE key = ?", {first.executions[1].key}).rows.at(0).at(0)));
        CHECK(selectors == json::parse(R"({"cmip6": [["experiment_id", "historical"], ["source_id", "REFSYN-1-0"],
                                          ["variable_id", "tas"], ["variant_label", "r1i1p1f1"]]})"));

        const auto second = solve(db, {test::example_timeseries()});
        CHECK(second.executions.empty());
        CHECK(second.skipped_in_progress == 3);
        CHECK(count(db, "SELECT COUNT(*) FROM execution") == 3);

        for (const auto& e : first.executions) executions::record_outcome(db, *e.execution_id, outcome(true));
        for (const auto& e : first.executions) CHECK_FALSE(dirty(db, *e.group_id));
        const auto third = solve(db, {test::example_timeseries()});
        CHECK(third.executions.empty());
        CHECK(third.skipped_up_to_date == 3);
    });
}

TEST_CASE("a new dataset version reruns only the group it belongs to", "[solve-store]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        fx.prepare(db);
        const auto first = solve(db, {test::example_timeseries()});
        REQUIRE(first.executions.size() == 3);
        for (const auto& e : first.executions) executions::record_outcome(db, *e.execution_id, outcome(true));

        // The historical tas files again, as a newer version.
        test::TempDir newer;
        const auto& tas = fx.tree.dataset("tas-historical");
        const fs::path old_folder = fs::path(tas.files.front().path).parent_path();
        const fs::path relative = fs::relative(old_folder.parent_path(), fx.tree.directory_of("cmip6"));
        const fs::path folder = newer.path() / "CMIP6" / relative / "v20250101";
        fs::create_directories(folder);
        for (const auto& f : tas.files) fs::copy_file(f.path, folder / fs::path(f.path).filename());
        fx.ingest(db, "cmip6", catalog::Parser::Complete, newer.path() / "CMIP6");

        const auto again = solve(db, {test::example_timeseries()});
        REQUIRE(again.executions.size() == 1);
        const auto& e = again.executions[0];
        CHECK(e.key == "cmip6_historical_REFSYN-1-0_tas_r1i1p1f1");
        CHECK(e.reason == RunReason::NewData);
        CHECK(e.group_id == first.executions[1].group_id);
        CHECK(e.instance_ids.at("cmip6").front().find("v20250101") != std::string::npos);
        // A hash change does not touch the dirty flag (spec Q12).
        CHECK_FALSE(dirty(db, *e.group_id));
        CHECK(again.skipped_up_to_date == 2);
    });
}

TEST_CASE("Example 18: the run rules and the dirty flag across solves", "[solve-store]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        fx.prepare(db);
        const std::vector<executions::DiagnosticToSolve> diagnostics = {all_tas()};
        const auto e1 = solve(db, diagnostics);
        REQUIRE(e1.executions.size() == 1);
        const int64_t group = *e1.executions[0].group_id;
        CHECK(solve(db, diagnostics).skipped_in_progress == 1);  // step 2

        executions::record_outcome(db, *e1.executions[0].execution_id, outcome(false));  // diagnostic error
        CHECK_FALSE(dirty(db, group));
        CHECK(solve(db, diagnostics).executions.empty());  // step 5
        executions::SolveOptions rerun;
        rerun.rerun_failed = true;
        const auto e2 = solve(db, diagnostics, rerun);
        REQUIRE(e2.executions.size() == 1);
        CHECK(e2.executions[0].reason == RunReason::RerunFailed);

        executions::record_outcome(db, *e2.executions[0].execution_id, outcome(false, /*retryable=*/true));
        CHECK(dirty(db, group));  // step 7
        const auto e3 = solve(db, diagnostics);
        REQUIRE(e3.executions.size() == 1);
        CHECK(e3.executions[0].reason == RunReason::Dirty);

        // Step 8: the execution never reports back and is 7 hours old.
        db.execute("UPDATE execution SET created_at = ? WHERE id = ?",
                   {std::string("2001-01-01 00:00:00"), *e3.executions[0].execution_id});
        executions::SolveOptions dry;
        dry.dry_run = true;
        const auto would = solve(db, diagnostics, dry);
        REQUIRE(would.executions.size() == 1);  // dirty and stale: would run, nothing written
        CHECK(count(db, "SELECT COUNT(*) FROM execution WHERE successful IS NULL") == 1);
        const auto e4 = solve(db, diagnostics);
        CHECK(e4.stale_reaped == 1);
        REQUIRE(e4.executions.size() == 1);
        CHECK(count(db, "SELECT COUNT(*) FROM execution WHERE successful = FALSE") == 3);

        // Step 10: a new diagnostic version is a new group, and becomes the promoted one.
        auto v2 = all_tas();
        v2.version = 2;
        const auto e5 = solve(db, {v2});
        REQUIRE(e5.executions.size() == 1);
        CHECK(*e5.executions[0].group_id != group);
        CHECK(e5.executions[0].output_fragment.find("_v1_") != std::string::npos);  // as the REF lays it out (Q4)
        CHECK(count(db, "SELECT promoted_version FROM diagnostic WHERE slug = 'all-tas'") == 2);
    });
}

TEST_CASE("Example 19: one per provider or diagnostic and the limit", "[solve-store]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        fx.prepare(db);
        const std::vector<executions::DiagnosticToSolve> two = {all_tas("first"), all_tas("second")};
        executions::SolveOptions options;
        SECTION("one per provider") {
            options.one_per_provider = true;
            const auto r = solve(db, two, options);
            CHECK(r.executions.size() == 1);
            CHECK(r.skipped_one_of == 1);
            CHECK(count(db, "SELECT COUNT(*) FROM execution_group") == 2);  // the held-back group exists
        }
        SECTION("one per diagnostic") {
            options.one_per_diagnostic = true;
            CHECK(solve(db, two, options).executions.size() == 2);
        }
        SECTION("a limit") {
            options.limit = 1;
            const auto r = solve(db, two, options);
            CHECK(r.executions.size() == 1);
            CHECK(r.limit_reached);
        }
        SECTION("a dry run with a limit writes nothing") {
            options.limit = 1;
            options.dry_run = true;
            const auto r = solve(db, two, options);
            CHECK(r.executions.size() == 1);
            CHECK(count(db, "SELECT COUNT(*) FROM execution_group") == 0);
            CHECK(count(db, "SELECT COUNT(*) FROM provider") == 0);
        }
        SECTION("a limit of 0 plans nothing") {
            options.limit = 0;
            CHECK(solve(db, two, options).executions.empty());
            CHECK(count(db, "SELECT COUNT(*) FROM execution") == 0);
        }
    });
}

TEST_CASE("a path-only ingest is finalised where a solve needs it and plans as a complete one", "[solve-store]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        fx.prepare(db, catalog::Parser::Drs);
        CHECK(count(db, "SELECT COUNT(*) FROM dataset WHERE finalised = FALSE") > 0);
        executions::SolveOptions dry;
        dry.dry_run = true;
        const auto drs = solve(db, {test::example_timeseries()}, dry);
        // tos and its cell area were not selected, so they stay path-only.
        CHECK(count(db, "SELECT COUNT(*) FROM dataset d JOIN cmip6_dataset c ON c.id = d.id WHERE d.finalised = FALSE "
                        "AND c.variable_id IN ('tas', 'rsut', 'areacella')") == 0);
        CHECK(count(db, "SELECT COUNT(*) FROM dataset d JOIN cmip6_dataset c ON c.id = d.id WHERE d.finalised = FALSE "
                        "AND c.variable_id IN ('tos', 'areacello')") == 2);

        test::ScratchDatabase complete_db(store::Dialect::Sqlite);
        fx.prepare(complete_db.db());
        const auto complete = solve(complete_db.db(), {test::example_timeseries()}, dry);
        REQUIRE(drs.executions.size() == complete.executions.size());
        for (size_t i = 0; i < drs.executions.size(); ++i) {
            CHECK(drs.executions[i].key == complete.executions[i].key);
            CHECK(drs.executions[i].dataset_hash == complete.executions[i].dataset_hash);
        }
    });
}

TEST_CASE("a group-by on a column a path-only ingest leaves empty is refused naming the diagnostic", "[solve-store]") {
    Fixture fx;
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    fx.prepare(scratch.db());
    auto d = all_tas("by-realm");
    d.requirements[0][0].group_by = rc::Names{"realm"};
    CHECK_THROWS_WITH(solve(scratch.db(), {d}), Catch::Contains("example/by-realm") && Catch::Contains("'realm'"));
}

TEST_CASE("selectors whose keys collide get groups of their own", "[solve-store]") {
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        auto& db = scratch.db();
        store::migrate(db);
        // Dataset rows for the links; the catalog itself is in memory.
        for (int id : {1, 2})
            db.execute("INSERT INTO dataset (id, slug, dataset_type) VALUES (?, ?, 'CMIP6')",
                       {int64_t{id}, "d" + std::to_string(id)});
        auto table = std::make_shared<rc::CatalogTable>(rc::SourceType::Cmip6);
        for (const char* c : {"source_id", "experiment_id", "instance_id"}) table->add_column(c);
        auto& pool = table->pool();
        table->add_row(1, {pool.intern("a_b"), pool.intern("c"), pool.intern("d1")});
        table->add_row(2, {pool.intern("a"), pool.intern("b_c"), pool.intern("d2")});
        rc::MemoryCatalogSource source;
        source.add(table);
        auto d = all_tas("collide");
        d.requirements[0][0].filters.clear();
        d.requirements[0][0].group_by = rc::Names{"source_id", "experiment_id"};
        executions::SolveOptions options;
        options.scratch_root = "/scratch";
        const auto r = executions::solve(db, source, {d}, options);
        REQUIRE(r.executions.size() == 2);
        CHECK(r.executions[0].key != r.executions[1].key);
        CHECK(r.executions[1].key.rfind("cmip6_c_a_b", 0) == 0);
        CHECK(count(db, "SELECT COUNT(*) FROM execution_group") == 2);
        // And the next solve finds both again.
        CHECK(executions::solve(db, source, {d}, options).skipped_in_progress == 2);
    });
}

TEST_CASE("two solves at the same time never duplicate groups or executions", "[solve-store][concurrency]") {
    Fixture fx;
    test::for_each_backend([&](test::ScratchDatabase& scratch) {
        fx.prepare(scratch.db());
        const std::vector<executions::DiagnosticToSolve> diagnostics = {test::example_timeseries(), all_tas()};
        std::vector<executions::SolveReport> reports(2);
        std::vector<std::string> errors(2);
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i)
            threads.emplace_back([&, i] {
                try {
                    auto db = store::open_database(scratch.url());
                    executions::SolveOptions options;
                    options.execute = false;
                    reports[static_cast<size_t>(i)] = solve(*db, diagnostics, options);
                } catch (const std::exception& e) {
                    errors[static_cast<size_t>(i)] = e.what();
                }
            });
        for (auto& t : threads) t.join();
        CHECK(errors[0].empty());
        CHECK(errors[1].empty());
        auto& db = scratch.db();
        CHECK(reports[0].executions.size() + reports[1].executions.size() == 4);
        CHECK(count(db, "SELECT COUNT(*) FROM execution_group") == 4);
        CHECK(count(db, "SELECT COUNT(*) FROM execution") == 4);
        CHECK(count(db, "SELECT COUNT(*) FROM provider") == 1);
        CHECK(count(db, "SELECT COUNT(*) FROM diagnostic") == 2);
    });
}

TEST_CASE("an unknown facet stops the solve naming the diagnostic and keeps what was committed", "[solve-store]") {
    Fixture fx;
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    fx.prepare(scratch.db());
    auto bad = all_tas("unknown-facet");
    bad.requirements[0][0].filters = {{{"nonsense", {"x"}}}};
    // The first diagnostic commits its execution before the second fails.
    CHECK_THROWS_WITH(solve(scratch.db(), {all_tas("good"), bad}),
                      Catch::Contains("example/unknown-facet") && Catch::Contains("'nonsense'"));
    CHECK(count(scratch.db(), "SELECT COUNT(*) FROM execution") == 1);
}
