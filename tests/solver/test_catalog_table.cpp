// The solver's catalog table: interned values, the value index, version keys.
#include "solver/catalog_table.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace ref::solver;

TEST_CASE("the string pool gives each text one id and finds it again after growing", "[catalog-table]") {
    StringPool pool;
    CHECK(pool.size() == 1);  // NA
    const ValueId empty = pool.intern("");
    CHECK(empty != kNa);
    CHECK(pool.intern("") == empty);
    std::vector<ValueId> ids;
    for (int i = 0; i < 100000; ++i) ids.push_back(pool.intern("value-" + std::to_string(i)));
    for (int i = 0; i < 100000; i += 997) {
        const std::string text = "value-" + std::to_string(i);
        CHECK(pool.intern(text) == ids[static_cast<size_t>(i)]);
        CHECK(pool.find(text) == ids[static_cast<size_t>(i)]);
        CHECK(pool.text(ids[static_cast<size_t>(i)]) == text);
    }
    CHECK_FALSE(pool.find("value-100000"));
    CHECK(pool.size() == 100002);
    // Texts longer than a storage block are kept whole.
    const std::string long_text(200000, 'x');
    CHECK(pool.text(pool.intern(long_text)) == long_text);
}

TEST_CASE("rows_with lists a value's rows in catalog order and follows new rows", "[catalog-table]") {
    CatalogTable t(SourceType::Cmip6);
    const int c = t.add_column("variable_id");
    auto& pool = t.pool();
    for (const char* v : {"tas", "pr", "tas", "tas"}) t.add_row(1, {pool.intern(v)});
    CHECK(t.rows_with(c, *pool.find("tas")) == Rows{0, 2, 3});
    CHECK(t.rows_with(c, *pool.find("pr")) == Rows{1});
    t.add_row(2, {pool.intern("pr")});
    CHECK(t.rows_with(c, *pool.find("pr")) == Rows{1, 4});
    CHECK(t.rows_with(c, pool.intern("rsut")).empty());
    CHECK_THROWS_WITH(t.require_column("member_id", "group_by"),
                      Catch::Contains("group_by") && Catch::Contains("'member_id'") && Catch::Contains("variable_id"));
}

TEST_CASE("version keys follow the latest-version rule", "[catalog-table]") {
    CHECK(version_key("v20210316") == 20210316);
    CHECK(version_key("v10") == 10);
    CHECK(version_key("v0") == 0);
    for (const char* other : {"latest", "", "1", "v", "vX", "Ed4.2", "v1a"}) CHECK(version_key(other) == -1);
    CHECK(version_key(std::nullopt) == -1);
    CHECK(version_key("v10") > version_key("v2"));
    CHECK(version_key("v99999999999999999999") == -1);  // beyond a BIGINT
}
