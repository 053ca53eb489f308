// `ref-engine solve` end to end: generated data, the example provider, SQLite and PostgreSQL.
#include "../store/scratch_database.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

test::CommandResult ref_engine(const test::ScratchDatabase& db, const std::string& args) {
    return test::run_command("REF_DATABASE_URL='" + db.url().url + "' REF_CONFIGURATION='" + db.folder().string() +
                             "' REF_PLUGIN_CACHE=off REF_PLUGINS='" + REF_PLUGIN_OUTPUT_DIR + "/example.so' REF_SCRATCH_ROOT='" +
                             (db.folder() / "scratch").string() + "' " + test::engine_program().string() + " " + args);
}

void ingest_all(const test::ScratchDatabase& db, const datagen::GeneratedTree& tree) {
    for (const char* type : {"cmip6", "obs4mips"}) {
        const auto r = ref_engine(db, std::string("datasets ingest --source-type ") + type + " " + tree.directory_of(type).string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }
}

}  // namespace

TEST_CASE("solve --dry-run --format json is stable and writes nothing", "[solve-cli]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_all(db, tree);
        const auto first = ref_engine(db, "solve --dry-run --format json");
        INFO(first.err);
        REQUIRE(first.exit_code == 0);
        const auto second = ref_engine(db, "solve --dry-run --format json");
        CHECK(first.out == second.out);
        const json plan = json::parse(first.out);
        REQUIRE(plan["executions"].size() == 4);
        const auto& sst = plan["executions"][3];
        CHECK(sst["diagnostic"] == "global-sst-bias");
        CHECK(sst["key"] == "cmip6_historical_REFSYN-1-0_tos_r1i1p1f1__obs4mips_HadISST-1-1_ts");
        CHECK(sst["datasets"]["obs4mips"].size() == 1);
        CHECK(sst["datasets"]["cmip6"].size() == 2);  // tos and its cell area
        CHECK(std::is_sorted(sst["datasets"]["cmip6"].begin(), sst["datasets"]["cmip6"].end()));
        CHECK(sst["execution_id"].is_null());
        const auto status = ref_engine(db, "solve --dry-run --format json");
        CHECK(json::parse(status.out)["summary"]["new_executions"] == 4);  // still nothing written
    });
}

TEST_CASE("solve runs the example diagnostics and a second solve has nothing to do", "[solve-cli]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase db(store::Dialect::Sqlite);
    ingest_all(db, tree);
    const auto first = ref_engine(db, "solve");
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.out, Catch::Contains("4 succeeded, 0 failed"));
    const auto rows = db.db().query("SELECT output_fragment, path FROM execution WHERE successful = TRUE");
    REQUIRE(rows.rows.size() == 4);
    for (const auto& row : rows.rows)
        CHECK(fs::exists(db.folder() / "scratch" / std::get<std::string>(row[0]) / std::get<std::string>(row[1])));
    const auto second = ref_engine(db, "solve");
    CHECK(second.exit_code == 0);
    CHECK_THAT(second.out, Catch::Contains("0 new, 4 up to date"));
}

TEST_CASE("solve options are checked before anything runs", "[solve-cli]") {
    test::ScratchDatabase db(store::Dialect::Sqlite);
    const auto bad_filter = ref_engine(db, "solve --dataset-filter variable_id");
    CHECK(bad_filter.exit_code == 2);
    CHECK_THAT(bad_filter.err, Catch::Contains("FACET=VALUE"));
    CHECK(ref_engine(db, "solve --dataset-filter '=tas'").exit_code == 2);
    CHECK(ref_engine(db, "solve --limit -1").exit_code == 2);
    const auto no_provider = ref_engine(db, "solve --provider nosuchprovider");
    CHECK(no_provider.exit_code == 1);
    CHECK_THAT(no_provider.err, Catch::Contains("available providers: example"));
}

TEST_CASE("solve --dataset-filter narrows every catalog that has the facet", "[solve-cli]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase db(store::Dialect::Sqlite);
    ingest_all(db, tree);
    const auto r = ref_engine(db, "solve --dry-run --format json --dataset-filter experiment_id=piControl");
    REQUIRE(r.exit_code == 0);
    const json plan = json::parse(r.out);
    REQUIRE(plan["executions"].size() == 1);
    CHECK(plan["executions"][0]["key"] == "cmip6_piControl_REFSYN-1-0_tas_r1i1p1f1");
    // The filter hides the historical cell area too, as the REF's does.
    CHECK(plan["executions"][0]["datasets"]["cmip6"].size() == 2);
}

TEST_CASE("a dataset filter prefixed with a source type narrows only that catalog", "[solve-cli]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase db(store::Dialect::Sqlite);
    ingest_all(db, tree);
    // obs4mips has a source_id too: unprefixed, the filter would hide HadISST and drop the SST diagnostic.
    const auto r = ref_engine(db, "solve --dry-run --format json --dataset-filter cmip6.source_id=REFSYN-1-0");
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["executions"].size() == 4);
    const auto plain = ref_engine(db, "solve --dry-run --format json --dataset-filter source_id=REFSYN-1-0");
    CHECK(json::parse(plain.out)["executions"].size() == 3);
    const auto other = ref_engine(db, "solve --dry-run --format json --dataset-filter obs4mips.source_id=nothing");
    CHECK(json::parse(other.out)["executions"].size() == 3);
}
