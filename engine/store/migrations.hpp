// Numbered SQL migrations per dialect (migrations/<dialect>/NNNN_name.sql), compiled
// into the program, applied in order, each in its own transaction, and recorded in
// the table ref_schema_version. Running them twice changes nothing.
#pragma once

#include "store/database.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ref::store {

struct Migration {
    int version = 0;
    std::string name;
    std::string sql;
};

// Filled in by the generated migrations_data.cpp.
struct EmbeddedMigration {
    const char* dialect;  // "sqlite" or "postgres"
    int version;
    const char* name;
    const char* sql;
};
const std::vector<EmbeddedMigration>& embedded_migrations();

// The dialect's migrations in order; versions must run 1, 2, 3... without gaps.
std::vector<Migration> migrations_for(Dialect dialect);

struct SchemaStatus {
    int current = 0;  // 0: nothing applied yet
    int latest = 0;   // the newest this program knows
    std::vector<Migration> pending;
    bool up_to_date() const { return current == latest; }
    bool newer_than_known() const { return current > latest; }
};

SchemaStatus schema_status(Database& db);

// Applies what is pending; calls on_apply before each. Returns the versions applied.
// Throws DatabaseError if the database is newer than this program knows; a failed
// migration is rolled back whole and the ones before it stay applied.
std::vector<int> migrate(Database& db, const std::function<void(const Migration&)>& on_apply = {});

}  // namespace ref::store
