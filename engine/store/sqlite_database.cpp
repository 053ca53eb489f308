// The embedded backend: one SQLite file, foreign keys on, WAL journal, waits when busy.
// A connection belongs to one thread at a time (threads open their own), so SQLite's
// per-call mutex is left out.
#include "store/backends.hpp"

#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <unordered_map>

namespace ref::store {

namespace {

class SqliteDatabase final : public Database {
public:
    explicit SqliteDatabase(const std::string& path) : path_(path) {
        if (path != ":memory:") {
            std::error_code ec;
            const auto parent = std::filesystem::path(path).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent, ec);
            if (ec) throw DatabaseError("cannot create the folder of SQLite database " + path + ": " + ec.message());
        }
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK) {
            const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw DatabaseError("cannot open SQLite database " + path + ": " + message);
        }
        sqlite3_busy_timeout(db_, 30000);
        execute_script("PRAGMA foreign_keys = ON");
        if (path != ":memory:") query("PRAGMA journal_mode = WAL", {});
        // With WAL, NORMAL stays consistent after a crash and spares an fsync per commit.
        execute_script("PRAGMA synchronous = NORMAL");
    }
    ~SqliteDatabase() override {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    Dialect dialect() const override { return Dialect::Sqlite; }

    QueryResult query(const std::string& sql, const std::vector<Value>& params) override {
        Statement statement(*this, sql, params);
        QueryResult result;
        const int columns = sqlite3_column_count(statement.get());
        for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(statement.get(), c));
        for (;;) {
            const int rc = sqlite3_step(statement.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail(sql);
            Row row;
            for (int c = 0; c < columns; ++c) {
                switch (sqlite3_column_type(statement.get(), c)) {
                    case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
                    case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(statement.get(), c))); break;
                    case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(statement.get(), c)); break;
                    default: {
                        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), c));
                        row.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), c))));
                    }
                }
            }
            result.rows.push_back(std::move(row));
        }
        return result;
    }

    void for_each_row(const std::string& sql, const std::vector<Value>& params,
                      const std::function<void(const TextRow&)>& on_row) override {
        Statement statement(*this, sql, params);
        StatementRow row(statement.get());
        for (;;) {
            const int rc = sqlite3_step(statement.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail(sql);
            on_row(row);
        }
    }

    int64_t execute(const std::string& sql, const std::vector<Value>& params) override {
        Statement statement(*this, sql, params);
        int rc;
        while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) fail(sql);
        return sqlite3_changes64(db_);
    }

    void execute_script(const std::string& sql) override {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error ? error : sqlite3_errmsg(db_);
            sqlite3_free(error);
            throw DatabaseError("SQLite " + path_ + ": " + message);
        }
    }

    // IMMEDIATE takes the write lock up front, so two writers wait instead of deadlocking.
    void begin() override { execute_script("BEGIN IMMEDIATE"); }
    void commit() override { execute_script("COMMIT"); }
    void rollback() noexcept override { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

private:
    class StatementRow final : public TextRow {
    public:
        explicit StatementRow(sqlite3_stmt* stmt) : stmt_(stmt), columns_(static_cast<std::size_t>(sqlite3_column_count(stmt))) {}
        std::size_t size() const override { return columns_; }
        std::optional<std::string_view> text(std::size_t column) const override {
            const int c = static_cast<int>(column);
            switch (sqlite3_column_type(stmt_, c)) {
                case SQLITE_NULL: return std::nullopt;
                case SQLITE_FLOAT: {
                    // Shortest round-trip form, as PostgreSQL prints a double.
                    const auto [end, ec] = std::to_chars(buffer_, buffer_ + sizeof buffer_, sqlite3_column_double(stmt_, c));
                    return std::string_view(buffer_, ec == std::errc() ? static_cast<std::size_t>(end - buffer_) : 0);
                }
                default: {
                    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
                    return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)));
                }
            }
        }

    private:
        sqlite3_stmt* stmt_;
        std::size_t columns_;
        mutable char buffer_[64];
    };

    class Statement {
    public:
        Statement(SqliteDatabase& db, const std::string& sql, const std::vector<Value>& params) : db_(db) {
            // Statements are prepared once per connection and reused: ingest runs the same few thousands of times.
            auto cached = db.cache_.find(sql);
            if (cached != db.cache_.end()) {
                stmt_ = cached->second;
            } else {
                if (sqlite3_prepare_v2(db.db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
                    db.fail(sql);
                db.cache_.emplace(sql, stmt_);
            }
            if (sqlite3_bind_parameter_count(stmt_) != static_cast<int>(params.size()))
                throw DatabaseError("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt_)) +
                                    " parameters, got " + std::to_string(params.size()) + ": " + sql);
            for (std::size_t i = 0; i < params.size(); ++i) {
                const int index = static_cast<int>(i + 1);
                const Value& v = params[i];
                int rc = SQLITE_OK;
                if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(stmt_, index);
                else if (const auto* n = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(stmt_, index, *n);
                else if (const auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt_, index, *d);
                else {
                    const auto& s = std::get<std::string>(v);
                    rc = sqlite3_bind_text64(stmt_, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
                }
                if (rc != SQLITE_OK) db.fail(sql);
            }
        }
        ~Statement() {
            sqlite3_reset(stmt_);
            sqlite3_clear_bindings(stmt_);
        }
        Statement(const Statement&) = delete;
        Statement& operator=(const Statement&) = delete;
        sqlite3_stmt* get() const { return stmt_; }

    private:
        SqliteDatabase& db_;
        sqlite3_stmt* stmt_ = nullptr;
    };

    [[noreturn]] void fail(const std::string& sql) const {
        throw DatabaseError("SQLite " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql.substr(0, 200) + ")");
    }

    std::string path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path) { return std::make_unique<SqliteDatabase>(path); }

}  // namespace ref::store
