#include "store/migrations.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace ref::store {

namespace {

constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS ref_schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

// Serialises concurrent migrators on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
constexpr const char* kPostgresLock = "SELECT pg_advisory_xact_lock(7265660001)";

int current_version(Database& db) {
    const QueryResult r = db.query("SELECT MAX(version) FROM ref_schema_version");
    if (r.rows.empty() || std::holds_alternative<std::monostate>(r.rows[0][0])) return 0;
    return static_cast<int>(std::get<int64_t>(r.rows[0][0]));
}

const char* dialect_folder(Dialect dialect) { return dialect == Dialect::Sqlite ? "sqlite" : "postgres"; }

}  // namespace

std::vector<Migration> migrations_for(Dialect dialect) {
    std::vector<Migration> out;
    for (const auto& m : embedded_migrations())
        if (std::string(m.dialect) == dialect_folder(dialect)) out.push_back({m.version, m.name, m.sql});
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out[i].version != static_cast<int>(i + 1))
            throw DatabaseError(std::string("migrations/") + dialect_folder(dialect) + " must be numbered 1, 2, 3... without gaps; found " +
                                std::to_string(out[i].version) + " at position " + std::to_string(i + 1));
    return out;
}

SchemaStatus schema_status(Database& db) {
    db.execute_script(kVersionTable);
    SchemaStatus status;
    const auto all = migrations_for(db.dialect());
    status.latest = all.empty() ? 0 : all.back().version;
    status.current = current_version(db);
    for (const auto& m : all)
        if (m.version > status.current) status.pending.push_back(m);
    return status;
}

std::vector<int> migrate(Database& db, const std::function<void(const Migration&)>& on_apply) {
    const SchemaStatus status = schema_status(db);
    if (status.newer_than_known())
        throw DatabaseError("the database is at schema version " + std::to_string(status.current) +
                            ", newer than this ref-engine knows (" + std::to_string(status.latest) +
                            "); upgrade ref-engine instead of using an older one");
    std::vector<int> applied;
    for (const Migration& m : status.pending) {
        Transaction tx(db);
        if (db.dialect() == Dialect::Postgres) db.query(kPostgresLock);
        if (current_version(db) >= m.version) continue;  // another process got there first
        if (on_apply) on_apply(m);
        try {
            db.execute_script(m.sql);
        } catch (const DatabaseError& e) {
            throw DatabaseError("migration " + std::to_string(m.version) + " (" + m.name + ") failed and was rolled back: " + e.what());
        }
        db.execute("INSERT INTO ref_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                   {int64_t{m.version}, m.name, utc_now_text()});
        tx.commit();
        applied.push_back(m.version);
    }
    return applied;
}

}  // namespace ref::store
