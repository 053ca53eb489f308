// Solving over the REF's CMIP6 sample data (when present): the example provider's
// requirements and an ECS-style composite, with complete and with path-only ingest.
#include "../store/scratch_database.hpp"
#include "catalog/solver_catalog.hpp"
#include "diagnostics.hpp"
#include "executions/solve.hpp"
#include "store/migrations.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace ref;
namespace fs = std::filesystem;
namespace rc = ref::solver;

namespace {

fs::path sample_cmip6() {
    const char* env = std::getenv("REF_SAMPLE_DATA_DIR");
    const fs::path root = env && *env ? fs::path(env) : fs::path(REF_SAMPLE_DATA_DIR);
    return root / "CMIP6";
}

void ingest_sample(store::Database& db, catalog::Parser parser) {
    store::migrate(db);
    catalog::IngestOptions options;
    options.parser = parser;
    const auto stats = catalog::ingest_paths(db, *catalog::make_adapter(rc::SourceType::Cmip6), {sample_cmip6()}, options);
    REQUIRE(stats.ok());
}


// Example 17's requirement (ESMValTool's equilibrium climate sensitivity, CMIP6 alternative).
executions::DiagnosticToSolve ecs() {
    rc::DataRequirement r;
    r.source_type = rc::SourceType::Cmip6;
    r.filters = {{{"variable_id", {"rlut", "rsdt", "rsut", "tas"}}, {"experiment_id", {"abrupt-4xCO2"}}, {"table_id", {"Amon"}}}};
    r.group_by = rc::Names{"source_id", "member_id", "grid_label"};
    r.constraints = {rc::RequireOverlappingTimerange{{"instance_id"}},
                     rc::AddParentDataset{{{"source_id", "parent_source_id"},
                                           {"experiment_id", "parent_experiment_id"},
                                           {"variant_label", "parent_variant_label"},
                                           {"table_id", "table_id"},
                                           {"variable_id", "variable_id"},
                                           {"grid_label", "grid_label"}}},
                     rc::RequireContiguousTimerange{{"instance_id"}},
                     rc::RequireFacets{"variable_id", {"rlut", "rsdt", "rsut", "tas"}, rc::RequireFacets::Operator::All,
                                       {"source_id", "member_id", "grid_label", "experiment_id"}},
                     rc::AddSupplementaryDataset{{{"variable_id", {"areacella"}}},
                                                 {"source_id", "grid_label"},
                                                 {"table_id", "experiment_id", "member_id", "version"}}};
    return {"esmvaltool", "ESMValTool", "1.0", "equilibrium-climate-sensitivity", "ECS", 1, {{r}}};
}

executions::SolveReport dry_solve(store::Database& db) {
    catalog::DatabaseCatalogSource source(db, {});
    executions::SolveOptions options;
    options.dry_run = true;
    return executions::solve(db, source, {test::example_timeseries(), ecs()}, options);
}

}  // namespace

TEST_CASE("the sample data plans the example timeseries per experiment with that experiment's cell area", "[solve-sample]") {
    if (!fs::is_directory(sample_cmip6())) {
        test::skip_test("no sample data at " + sample_cmip6().string() + " (set REF_SAMPLE_DATA_DIR)");
        return;
    }
    test::ScratchDatabase scratch(store::Dialect::Sqlite);
    ingest_sample(scratch.db(), catalog::Parser::Complete);
    const auto report = dry_solve(scratch.db());
    std::vector<std::string> keys;
    for (const auto& e : report.executions)
        if (e.diagnostic == "global-mean-timeseries") keys.push_back(e.key);
    // Groups come in order of (source_id, variable_id, experiment_id, variant_label).
    CHECK(keys == std::vector<std::string>{
                      "cmip6_abrupt-4xCO2_ACCESS-ESM1-5_rsut_r1i1p1f1", "cmip6_historical_ACCESS-ESM1-5_rsut_r1i1p1f1",
                      "cmip6_piControl_ACCESS-ESM1-5_rsut_r1i1p1f1", "cmip6_ssp126_ACCESS-ESM1-5_rsut_r1i1p1f1",
                      "cmip6_1pctCO2_ACCESS-ESM1-5_tas_r1i1p1f1", "cmip6_abrupt-4xCO2_ACCESS-ESM1-5_tas_r1i1p1f1",
                      "cmip6_historical_ACCESS-ESM1-5_tas_r1i1p1f1", "cmip6_piControl_ACCESS-ESM1-5_tas_r1i1p1f1",
                      "cmip6_ssp126_ACCESS-ESM1-5_tas_r1i1p1f1"});
    for (const auto& e : report.executions) {
        if (e.diagnostic != "global-mean-timeseries") continue;
        INFO(e.key);
        const auto& ids = e.instance_ids.at("cmip6");
        REQUIRE(ids.size() == 2);
        const std::string experiment = e.key.substr(6, e.key.find("_ACCESS") - 6);
        const auto area = std::find_if(ids.begin(), ids.end(), [](const std::string& id) { return id.find(".areacella.") != std::string::npos; });
        REQUIRE(area != ids.end());
        CHECK(area->find("." + experiment + ".r1i1p1f1.fx.areacella.") != std::string::npos);
    }

    // ECS: the four abrupt-4xCO2 variables, their piControl parents, and for each of the two
    // experiments its own cell area (the best match per main facet combination).
    std::vector<const executions::PlannedExecution*> ecs_runs;
    for (const auto& e : report.executions)
        if (e.diagnostic == "equilibrium-climate-sensitivity") ecs_runs.push_back(&e);
    REQUIRE(ecs_runs.size() == 1);
    CHECK(ecs_runs[0]->key == "cmip6_gn_r1i1p1f1_ACCESS-ESM1-5");
    const auto& ids = ecs_runs[0]->instance_ids.at("cmip6");
    for (const auto& id : ids) UNSCOPED_INFO(id);
    CHECK(ids.size() == 10);
    const auto with = [&](const char* part) {
        return std::count_if(ids.begin(), ids.end(), [&](const std::string& id) { return id.find(part) != std::string::npos; });
    };
    CHECK(with(".piControl.r1i1p1f1.Amon.") == 4);
    CHECK(with(".abrupt-4xCO2.r1i1p1f1.Amon.") == 4);
    CHECK(with(".fx.areacella.") == 2);
}

TEST_CASE("path-only and complete ingest of the sample data plan the same executions", "[solve-sample]") {
    if (!fs::is_directory(sample_cmip6())) {
        test::skip_test("no sample data at " + sample_cmip6().string() + " (set REF_SAMPLE_DATA_DIR)");
        return;
    }
    test::ScratchDatabase complete(store::Dialect::Sqlite), drs(store::Dialect::Sqlite);
    ingest_sample(complete.db(), catalog::Parser::Complete);
    ingest_sample(drs.db(), catalog::Parser::Drs);
    const auto a = dry_solve(complete.db());
    const auto b = dry_solve(drs.db());
    REQUIRE(a.executions.size() == b.executions.size());
    for (size_t i = 0; i < a.executions.size(); ++i) {
        CHECK(a.executions[i].key == b.executions[i].key);
        CHECK(a.executions[i].dataset_hash == b.executions[i].dataset_hash);
    }
}
