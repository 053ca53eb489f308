// The store against real databases: a SQLite file and a PostgreSQL server that ctest
// starts (tests/services/postgres.sh). Every behaviour is checked on both.
#include "../engine/test_support.hpp"
#include "skip.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "scratch_database.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>
#include <set>

using namespace ref;
namespace fs = std::filesystem;

namespace {

int64_t count(store::Database& db, const std::string& sql, const std::vector<store::Value>& params = {}) {
    return std::get<int64_t>(db.query(sql, params).rows.at(0).at(0));
}

// table -> column names, read from the database's own catalogue.
std::map<std::string, std::set<std::string>> schema_of(store::Database& db) {
    std::map<std::string, std::set<std::string>> out;
    if (db.dialect() == store::Dialect::Sqlite) {
        for (const auto& row : db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").rows) {
            const auto table = std::get<std::string>(row[0]);
            for (const auto& c : db.query("SELECT name FROM pragma_table_info(?)", {table}).rows)
                out[table].insert(std::get<std::string>(c[0]));
        }
    } else {
        for (const auto& row : db.query("SELECT table_name, column_name FROM information_schema.columns "
                                        "WHERE table_schema = 'public'").rows)
            out[std::get<std::string>(row[0])].insert(std::get<std::string>(row[1]));
    }
    return out;
}

}  // namespace

TEST_CASE("migrations build the whole schema from empty and a second run changes nothing", "[store]") {
    test::for_each_backend([](test::ScratchDatabase& s) {
        auto before = store::schema_status(s.db());
        CHECK(before.current == 0);
        REQUIRE(before.latest >= 1);
        CHECK(before.pending.size() == static_cast<std::size_t>(before.latest));

        const auto applied = store::migrate(s.db());
        CHECK(applied.size() == static_cast<std::size_t>(before.latest));
        const auto after = store::schema_status(s.db());
        CHECK(after.up_to_date());
        CHECK(after.pending.empty());
        CHECK(store::migrate(s.db()).empty());
        CHECK(count(s.db(), "SELECT COUNT(*) FROM ref_schema_version") == after.latest);

        const auto tables = schema_of(s.db());
        for (const char* table : {"provider", "diagnostic", "dataset", "dataset_file", "cmip6_dataset", "cmip7_dataset",
                                  "obs4mips_dataset", "obs4ref_dataset", "pmp_climatology_dataset",
                                  "esmvaltool_reference_dataset", "execution_group", "execution", "execution_dataset",
                                  "execution_output", "metric_value", "index_axis"}) {
            INFO(table);
            CHECK(tables.count(table) == 1);
        }
    });
}

TEST_CASE("SQLite and PostgreSQL get the same tables and columns", "[store]") {
    test::ScratchDatabase sqlite(store::Dialect::Sqlite);
    test::ScratchDatabase postgres(store::Dialect::Postgres);
    if (!postgres.available()) {
        test::skip_test("no PostgreSQL test server; run the tests through ctest");
        return;
    }
    store::migrate(sqlite.db());
    store::migrate(postgres.db());
    const auto a = schema_of(sqlite.db());
    const auto b = schema_of(postgres.db());
    CHECK(a.size() == b.size());
    for (const auto& [table, columns] : a) {
        INFO(table);
        REQUIRE(b.count(table) == 1);
        CHECK(columns == b.at(table));
    }
}

TEST_CASE("a database newer than this program is refused, not touched", "[store]") {
    test::for_each_backend([](test::ScratchDatabase& s) {
        store::migrate(s.db());
        const auto latest = store::schema_status(s.db()).latest;
        s.db().execute("INSERT INTO ref_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                       {int64_t{latest + 1}, std::string("from_the_future"), std::string("2030-01-01T00:00:00Z")});
        CHECK(store::schema_status(s.db()).newer_than_known());
        CHECK_THROWS_WITH(store::migrate(s.db()), Catch::Contains("newer than this ref-engine knows"));
    });
}

TEST_CASE("a transaction is all or nothing", "[store]") {
    test::for_each_backend([](test::ScratchDatabase& s) {
        store::migrate(s.db());
        {
            store::Transaction tx(s.db());
            s.db().execute("INSERT INTO provider (slug, name, version) VALUES (?, ?, ?)",
                           {std::string("pmp"), std::string("PMP"), std::string("3.9")});
            CHECK(count(s.db(), "SELECT COUNT(*) FROM provider") == 1);
        }  // not committed
        CHECK(count(s.db(), "SELECT COUNT(*) FROM provider") == 0);
        {
            store::Transaction tx(s.db());
            s.db().execute("INSERT INTO provider (slug, name, version) VALUES (?, ?, ?)",
                           {std::string("pmp"), std::string("PMP"), std::string("3.9")});
            tx.commit();
        }
        CHECK(count(s.db(), "SELECT COUNT(*) FROM provider WHERE slug = ?", {std::string("pmp")}) == 1);
        // The unique slug holds on both backends.
        CHECK_THROWS_AS(s.db().execute("INSERT INTO provider (slug, name, version) VALUES (?, ?, ?)",
                                       {std::string("pmp"), std::string("again"), std::string("1")}),
                        store::DatabaseError);
    });
}

TEST_CASE("values round-trip through both backends", "[store]") {
    test::for_each_backend([](test::ScratchDatabase& s) {
        s.db().execute_script("CREATE TABLE probe (i BIGINT, d DOUBLE PRECISION, t TEXT, n TEXT)");
        const std::string tricky = "it's a ? and a \"quote\" -- not a comment";
        s.db().execute("INSERT INTO probe (i, d, t, n) VALUES (?, ?, ?, ?)",
                       {int64_t{-9007199254740993}, 0.1 + 0.2, tricky, std::monostate{}});
        const auto r = s.db().query("SELECT i, d, t, n FROM probe WHERE t = ?", {tricky});
        REQUIRE(r.rows.size() == 1);
        CHECK(r.columns == std::vector<std::string>{"i", "d", "t", "n"});
        CHECK(std::get<int64_t>(r.rows[0][0]) == -9007199254740993);
        CHECK(std::get<double>(r.rows[0][1]) == 0.1 + 0.2);  // exact: no decimal rounding on the way
        CHECK(std::get<std::string>(r.rows[0][2]) == tricky);
        CHECK(std::holds_alternative<std::monostate>(r.rows[0][3]));
        CHECK(s.db().execute("UPDATE probe SET n = ? WHERE i < 0", {std::string("x")}) == 1);
    });
}

TEST_CASE("database URLs are parsed and never printed with their password", "[store]") {
    const auto sqlite = store::parse_database_url("sqlite:////var/lib/ref/ref.db");
    CHECK(sqlite.dialect == store::Dialect::Sqlite);
    CHECK(sqlite.sqlite_path == "/var/lib/ref/ref.db");
    CHECK(store::parse_database_url("sqlite:///relative.db").sqlite_path == "relative.db");
    const auto pg = store::parse_database_url("postgresql://ref:s3cr3t@db.example:5432/climate_ref");
    CHECK(pg.dialect == store::Dialect::Postgres);
    CHECK(pg.redacted() == "postgresql://ref:***@db.example:5432/climate_ref");
    CHECK(pg.password() == "s3cr3t");
    CHECK(store::parse_database_url("postgres://u@h/db?password=abc&sslmode=require").redacted() ==
          "postgres://u@h/db?password=***&sslmode=require");
    CHECK_THROWS_WITH(store::parse_database_url("mysql://root:hunter2@h/db"),
                      Catch::Contains("unsupported database URL") && !Catch::Contains("hunter2"));

    // A server that is not there: the error names the place, not the password.
    try {
        store::open_database(store::parse_database_url("postgresql://ref:hunter2@127.0.0.1:1/nowhere"));
        FAIL("connected to nothing");
    } catch (const store::DatabaseError& e) {
        CHECK_THAT(e.what(), Catch::Contains("127.0.0.1") && !Catch::Contains("hunter2"));
    }
}

TEST_CASE("db migrate and db status on the command line", "[store][cli]") {
    test::for_each_backend([](test::ScratchDatabase& s) {
        const std::string env = "REF_DATABASE_URL='" + s.url().url + "' ";
        const std::string engine = test::engine_program().string();
        auto status = test::run_command(env + engine + " db status");
        CHECK(status.exit_code == 0);
        CHECK_THAT(status.out, Catch::Contains("pending"));
        auto migrate = test::run_command(env + engine + " db migrate");
        CHECK(migrate.exit_code == 0);
        CHECK_THAT(migrate.out, Catch::Contains("applied"));
        auto again = test::run_command(env + engine + " db migrate");
        CHECK_THAT(again.out, Catch::Contains("already up to date"));
        auto done = test::run_command(env + engine + " db status");
        CHECK_THAT(done.out, Catch::Contains("up to date"));
    });
}
