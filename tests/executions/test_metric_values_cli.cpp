// `metric-values list` end to end on SQLite and PostgreSQL: executions from a real solve with the
// example provider, metric values inserted with SQL for exact cases.
#include "../store/scratch_database.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>
#include <set>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;
using store::Value;

namespace {

test::CommandResult ref_engine(const test::ScratchDatabase& db, const std::string& args) {
    return test::run_command("REF_DATABASE_URL='" + db.url().url + "' REF_CONFIGURATION='" + db.folder().string() +
                             "' REF_PLUGIN_CACHE=off REF_PLUGINS='" + REF_PLUGIN_OUTPUT_DIR + "/example.so' REF_SCRATCH_ROOT='" +
                             (db.folder() / "scratch").string() + "' REF_RESULTS_ROOT='" +
                             (db.folder() / "results").string() + "' " + test::engine_program().string() + " " + args);
}

int64_t as_int(const Value& v) {
    if (const auto* n = std::get_if<int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return std::stoll(std::get<std::string>(v));
}

int64_t count(store::Database& db, const std::string& sql, const std::vector<Value>& params = {}) {
    return as_int(db.query(sql, params).rows.at(0).at(0));
}

void ingest_and_solve(const test::ScratchDatabase& db, const datagen::GeneratedTree& tree) {
    for (const char* type : {"cmip6", "obs4mips"}) {
        const auto r = ref_engine(db, std::string("datasets ingest --source-type ") + type + " " + tree.directory_of(type).string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
    }
    const auto solved = ref_engine(db, "solve");
    INFO(solved.out << solved.err);
    REQUIRE(solved.exit_code == 0);
}

struct Execution {
    int64_t group_id = 0, id = 0;
};

Execution execution_of(store::Database& db, const std::string& diagnostic, const std::string& key = "%") {
    const auto r = db.query(
        "SELECT g.id, e.id FROM execution_group g JOIN diagnostic d ON d.id = g.diagnostic_id JOIN execution e ON "
        "e.execution_group_id = g.id WHERE d.slug = ? AND g.key LIKE ? ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
        {diagnostic, key});
    REQUIRE(r.rows.size() == 1);
    return {as_int(r.rows[0][0]), as_int(r.rows[0][1])};
}

// An execution of a group created at `created_at`, as solve would leave it after running.
int64_t add_execution(store::Database& db, int64_t group, const std::string& created_at, bool successful,
                      bool retracted = false) {
    const std::string fragment = "example/extra/" + std::to_string(group) + "-" + created_at.substr(0, 4);
    db.execute(std::string("INSERT INTO execution (execution_group_id, dataset_hash, output_fragment, successful, "
                           "retracted, created_at) VALUES (?, 'h', ?, ") +
                   (successful ? "TRUE" : "FALSE") + ", " + (retracted ? "TRUE" : "FALSE") + ", ?)",
               {group, fragment, created_at});
    return count(db, "SELECT id FROM execution WHERE output_fragment = ?", {fragment});
}

// A scalar; `value` nullopt is a NaN, stored the way each back end keeps one (SQLite turns a
// NaN REAL into NULL itself; PostgreSQL's check refuses NaN, so the store writes NULL).
int64_t add_scalar(store::Database& db, int64_t execution, std::optional<double> value,
                   const std::vector<std::pair<std::string, std::string>>& dimensions) {
    std::string columns, marks;
    std::vector<Value> params{execution};
    if (value) params.emplace_back(*value);
    else if (db.dialect() == store::Dialect::Sqlite) params.emplace_back(std::numeric_limits<double>::quiet_NaN());
    else params.emplace_back(std::monostate{});
    for (const auto& [k, v] : dimensions) {
        columns += ", " + k;
        marks += ", ?";
        params.emplace_back(v);
    }
    db.execute("INSERT INTO metric_value (execution_id, type, value" + columns + ") VALUES (?, 'SCALAR', ?" + marks + ")",
               params);
    return count(db, "SELECT MAX(id) FROM metric_value");
}

std::set<int64_t> ids_of(const json& rows) {
    std::set<int64_t> out;
    for (const auto& r : rows) out.insert(r["id"].get<int64_t>());
    return out;
}

json list(const test::ScratchDatabase& db, const std::string& args) {
    const auto r = ref_engine(db, "metric-values list --format json " + args);
    INFO(args << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("metric-values list shows the latest successful values of each group at the promoted version",
          "[metric-values]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        auto& sql = db.db();
        // Whatever solve ingested, the default listing is the scalars of each group's latest
        // successful execution (computed here another way).
        std::set<int64_t> expected;
        for (const auto& row : sql.query("SELECT m.id FROM metric_value m WHERE m.type = 'SCALAR' AND m.execution_id IN "
                                         "(SELECT (SELECT e.id FROM execution e WHERE e.execution_group_id = g.id AND "
                                         "e.successful = TRUE AND e.retracted = FALSE ORDER BY e.created_at DESC, e.id "
                                         "DESC LIMIT 1) FROM execution_group g JOIN diagnostic d ON d.id = "
                                         "g.diagnostic_id WHERE g.diagnostic_version = d.promoted_version)")
                                   .rows)
            expected.insert(as_int(row[0]));
        CHECK(ids_of(list(db, "--limit 100000")) == expected);
        // From here on the test controls every value.
        sql.execute("DELETE FROM metric_value");
        auto sst = execution_of(sql, "global-sst-bias");
        auto tas = execution_of(sql, "global-mean-timeseries", "%piControl%");
        sst.id = add_execution(sql, sst.group_id, "2990-01-01 00:00:00", true);
        tas.id = add_execution(sql, tas.group_id, "2990-01-01 00:00:00", true);
        const std::pair<std::string, std::string> model{"kind", "model"}, bias{"metric", "bias"};
        const int64_t global = add_scalar(sql, sst.id, 1.25, {model, bias, {"region", "global"}, {"source_id", "REFSYN-1-0"}});
        const int64_t missing = add_scalar(sql, sst.id, std::nullopt, {model, bias, {"region", "tropics"}});
        const int64_t comma = add_scalar(sql, sst.id, 2.5, {model, bias, {"region", "Nino3,4"}});
        const int64_t quote = add_scalar(sql, sst.id, -3, {model, bias, {"region", "say \"hi\""}});
        const int64_t newline = add_scalar(sql, sst.id, std::numeric_limits<double>::infinity(),
                                           {model, bias, {"region", "line1\nline2"}});
        const int64_t tas_value = add_scalar(sql, tas.id, 288.5, {model, {"variable_id", "tas"}, {"region", "global"}});

        // Hidden: an older success, a newer retracted success, a newer failure, an old diagnostic version.
        const int64_t older = add_execution(sql, sst.group_id, "2020-01-01 00:00:00", true);
        add_scalar(sql, older, 111, {model, {"region", "global"}});
        add_scalar(sql, add_execution(sql, sst.group_id, "2999-01-01 00:00:00", true, true), 222, {model});
        add_scalar(sql, add_execution(sql, sst.group_id, "2998-01-01 00:00:00", false), 444, {model});
        sql.execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) SELECT id, "
                    "'old_version', 1, FALSE, '{}' FROM diagnostic WHERE slug = 'global-sst-bias'");
        const int64_t old_group = count(sql, "SELECT id FROM execution_group WHERE key = 'old_version'");
        const int64_t old_value = add_scalar(sql, add_execution(sql, old_group, "2021-01-01 00:00:00", true), 333, {model});

        const json all = list(db, "");
        CHECK(ids_of(all) == std::set<int64_t>{global, missing, comma, quote, newline, tas_value});
        for (const auto& row : all) {
            CHECK(row["provider"] == "example");
            CHECK(row.contains("region"));
            CHECK_FALSE(row.contains("mode"));  // no shown value has it
            if (row["id"] == global) {
                CHECK(row["value"] == 1.25);
                CHECK(row["execution_id"] == sst.id);
                CHECK(row["execution_group_id"] == sst.group_id);
                CHECK(row["diagnostic"] == "global-sst-bias");
                CHECK(row["source_id"] == "REFSYN-1-0");
            }
            if (row["id"] == missing || row["id"] == newline) CHECK(row["value"].is_null());  // JSON has no NaN or inf
            if (row["id"] == tas_value) CHECK(row["source_id"].is_null());
        }

        // Table: NaN and infinities spelled out, only the dimensions some value has.
        const auto table = ref_engine(db, "metric-values list");
        INFO(table.out << table.err);
        REQUIRE(table.exit_code == 0);
        const std::string header = first_line(table.out);
        CHECK_THAT(header, Catch::StartsWith("id") && Catch::Contains("execution_id") && Catch::Contains("provider") &&
                               Catch::Contains("diagnostic") && Catch::Contains("kind") && Catch::Contains("region") &&
                               Catch::Contains("variable_id") && Catch::EndsWith("value"));
        CHECK_THAT(header, !Catch::Contains("statistic") && !Catch::Contains("mode"));
        CHECK_THAT(table.out, Catch::Contains("tropics") && Catch::Contains("nan") && Catch::Contains("inf") &&
                                  Catch::Contains("1.25") && Catch::Contains("288.5"));
        CHECK_THAT(table.out, !Catch::Contains("111") && !Catch::Contains("222") && !Catch::Contains("333") &&
                                  !Catch::Contains("444"));

        // CSV quotes commas, quotes and line breaks (RFC 4180).
        const auto csv = ref_engine(db, "metric-values list --format csv");
        REQUIRE(csv.exit_code == 0);
        CHECK(first_line(csv.out) == "id,execution_id,provider,diagnostic,kind,source_id,variable_id,metric,region,value");
        CHECK_THAT(csv.out, Catch::Contains(std::to_string(comma) + "," + std::to_string(sst.id) +
                                            ",example,global-sst-bias,model,,,bias,\"Nino3,4\",2.5\n"));
        CHECK_THAT(csv.out, Catch::Contains(",\"say \"\"hi\"\"\",-3\n"));
        CHECK_THAT(csv.out, Catch::Contains(",\"line1\nline2\",inf\n"));
        CHECK_THAT(csv.out, Catch::Contains(",bias,tropics,nan\n"));

        // Filters.
        CHECK(ids_of(list(db, "--dimension region=global")) == std::set<int64_t>{global, tas_value});
        CHECK(ids_of(list(db, "--dimension region=global --dimension region=tropics")) ==
              std::set<int64_t>{global, missing, tas_value});
        CHECK(ids_of(list(db, "--dimension region=global --dimension variable_id=tas")) == std::set<int64_t>{tas_value});
        CHECK(ids_of(list(db, "--dimension 'region=Nino3,4'")) == std::set<int64_t>{comma});
        CHECK(list(db, "--diagnostic SST").size() == 5);
        CHECK(list(db, "--provider EXAMPLE").size() == 6);
        CHECK(list(db, "--provider nosuchprovider").empty());
        CHECK(ids_of(list(db, "--group-id " + std::to_string(old_group))) == std::set<int64_t>{old_value});
        CHECK(ids_of(list(db, "--execution-id " + std::to_string(older))).size() == 1);
        CHECK(list(db, "--group-id " + std::to_string(sst.group_id)).size() == 5);
        CHECK(list(db, "--kind series").empty());

        const auto limited = ref_engine(db, "metric-values list --limit 2");
        CHECK(limited.exit_code == 0);
        CHECK_THAT(limited.err, Catch::Contains("more than 2 values match"));
        CHECK(list(db, "--limit 2").size() == 2);

        // Errors: unknown ids are handled failures, bad options usage errors.
        const auto no_execution = ref_engine(db, "metric-values list --execution-id 999999");
        CHECK(no_execution.exit_code == 1);
        CHECK_THAT(no_execution.err, Catch::Contains("no execution has id 999999"));
        const auto no_group = ref_engine(db, "metric-values list --group-id 999999");
        CHECK(no_group.exit_code == 1);
        CHECK_THAT(no_group.err, Catch::Contains("no execution group has id 999999"));
        const auto bad_dimension = ref_engine(db, "metric-values list --dimension colour=red");
        CHECK(bad_dimension.exit_code == 2);
        CHECK_THAT(bad_dimension.err, Catch::Contains("unknown dimension 'colour'") && Catch::Contains("source_id") &&
                                          Catch::Contains("statistic"));
        for (const char* bad : {"--dimension region", "--dimension =x", "--kind vector", "--format xml", "--limit 0",
                                "--execution-id 1 --group-id 1"}) {
            const auto r = ref_engine(db, std::string("metric-values list ") + bad);
            INFO(bad << ": " << r.err);
            CHECK(r.exit_code == 2);
        }
    });
}

TEST_CASE("metric-values list --kind series shows one row per series", "[metric-values]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        ingest_and_solve(db, tree);
        auto& sql = db.db();
        sql.execute("DELETE FROM metric_value");  // whatever solve ingested: the test controls every value
        auto sst = execution_of(sql, "global-sst-bias");
        sst.id = add_execution(sql, sst.group_id, "2990-01-01 00:00:00", true);
        sql.execute("INSERT INTO index_axis (hash, name, \"values\", length) VALUES ('axis-years', 'year', "
                    "'[2000, 2001, 2002]', 3)");
        const int64_t axis = count(sql, "SELECT id FROM index_axis WHERE hash = 'axis-years'");
        sql.execute("INSERT INTO metric_value (execution_id, type, \"values\", index_id, kind, source_id, metric) VALUES "
                    "(?, 'SERIES', '[1.5, null, 2.5]', ?, 'model', 'REFSYN-1-0', 'sst')",
                    {sst.id, axis});
        sql.execute("INSERT INTO metric_value (execution_id, type, \"values\", index_id, reference_id, kind, "
                    "reference_source_id, metric, attributes) VALUES (?, 'SERIES', '[0.5, 0.25, 0.125]', ?, 'abc', "
                    "'reference', 'HadISST-1-1', 'sst', '{\"units\": \"K\"}')",
                    {sst.id, axis});
        add_scalar(sql, sst.id, 7.0, {{"kind", "model"}});

        const json series = list(db, "--kind series");
        REQUIRE(series.size() == 2);
        CHECK(series[0]["index_name"] == "year");
        CHECK(series[0]["index"] == json::parse("[2000, 2001, 2002]"));
        CHECK(series[0]["values"] == json::parse("[1.5, null, 2.5]"));
        CHECK(series[0]["n_points"] == 3);
        CHECK(series[0]["kind"] == "model");
        CHECK(series[0]["reference_source_id"].is_null());
        CHECK(series[1]["reference_source_id"] == "HadISST-1-1");
        CHECK(series[1]["attributes"]["units"] == "K");
        CHECK_FALSE(series[0].contains("value"));

        const auto table = ref_engine(db, "metric-values list --kind series");
        REQUIRE(table.exit_code == 0);
        CHECK_THAT(first_line(table.out), Catch::EndsWith("index  n_points"));
        CHECK_THAT(table.out, Catch::Contains("year   3") && !Catch::Contains("2001"));
        const auto csv = ref_engine(db, "metric-values list --kind series --format csv");
        CHECK(first_line(csv.out) == "id,execution_id,provider,diagnostic,kind,source_id,reference_source_id,metric,index,n_points");
        CHECK_THAT(csv.out, Catch::Contains(",reference,,HadISST-1-1,sst,year,3\n"));
        CHECK(list(db, "--kind series --dimension kind=reference").size() == 1);

        const json scalars = list(db, "");
        REQUIRE(scalars.size() == 1);
        CHECK(scalars[0]["value"] == 7.0);
    });
}

TEST_CASE("metric-values list handles an empty result and dimension columns a deployment added", "[metric-values]") {
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto empty = ref_engine(db, "metric-values list --format json");
        INFO(empty.out << empty.err);
        REQUIRE(empty.exit_code == 0);
        CHECK(json::parse(empty.out).empty());
        CHECK_THAT(empty.err, Catch::Contains("no scalar metric values match"));
        const auto empty_csv = ref_engine(db, "metric-values list --format csv");
        CHECK(empty_csv.out == "id,execution_id,provider,diagnostic,value\n");

        // A larger vocabulary adds columns (docs/database.md); they filter and show like the rest.
        auto& sql = db.db();
        sql.execute("ALTER TABLE metric_value ADD COLUMN realm TEXT NULL");
        sql.execute("INSERT INTO provider (slug, name, version) VALUES ('p', 'P', '1')");
        sql.execute("INSERT INTO diagnostic (slug, name, provider_id) SELECT 'd', 'D', id FROM provider WHERE slug = 'p'");
        sql.execute("INSERT INTO execution_group (diagnostic_id, key, dirty, selectors) SELECT id, 'k', FALSE, '{}' "
                    "FROM diagnostic WHERE slug = 'd'");
        const int64_t group = count(sql, "SELECT id FROM execution_group WHERE key = 'k'");
        const int64_t execution = add_execution(sql, group, "2024-01-01 00:00:00", true);
        add_scalar(sql, execution, 1.0, {{"realm", "ocean"}});
        add_scalar(sql, execution, 2.0, {{"realm", "land"}});
        const json ocean = list(db, "--dimension realm=ocean");
        REQUIRE(ocean.size() == 1);
        CHECK(ocean[0]["realm"] == "ocean");
        CHECK(ocean[0]["value"] == 1.0);
        CHECK_THAT(first_line(ref_engine(db, "metric-values list").out), Catch::Contains("realm"));
        CHECK_THAT(ref_engine(db, "metric-values list --dimension colour=red").err, Catch::Contains("realm"));
    });
}
