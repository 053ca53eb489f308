// A fresh database of one backend for one test: a SQLite file in a temporary folder,
// or a new database on the PostgreSQL server that ctest starts (dropped afterwards).
#pragma once

#include "../engine/test_support.hpp"
#include "skip.hpp"
#include "store/database.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace ref::test {

class ScratchDatabase {
public:
    explicit ScratchDatabase(store::Dialect dialect);
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    bool available() const { return db_ != nullptr; }
    store::Database& db() { return *db_; }
    const store::DatabaseUrl& url() const { return url_; }
    const std::filesystem::path& folder() const { return dir_.path(); }

private:
    TempDir dir_;
    std::string name_;
    store::DatabaseUrl url_;
    std::unique_ptr<store::Database> db_;
};

// The URL of the test server's admin database, or "" when no server runs.
std::string postgres_admin_url();

// Runs `body` once per backend; PostgreSQL is skipped with a message when no server runs.
template <class Body>
void for_each_backend(Body&& body) {
    for (auto dialect : {store::Dialect::Sqlite, store::Dialect::Postgres}) {
        DYNAMIC_SECTION(store::dialect_name(dialect)) {
            ScratchDatabase scratch(dialect);
            if (!scratch.available()) {
                skip_test(std::string("no PostgreSQL test server (") + REF_TEST_POSTGRES_URL_FILE +
                          " is missing); run the tests through ctest");
                return;
            }
            body(scratch);
        }
    }
}

}  // namespace ref::test
