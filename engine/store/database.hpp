// One database interface, two backends: SQLite (embedded default) and PostgreSQL (libpq).
// SQL is written once with `?` placeholders; each backend binds them its own way.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ref::store {

// NULL, integer, real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

struct QueryResult {
    std::vector<std::string> columns;
    std::vector<Row> rows;
};

// What went wrong, never with a password in it.
struct DatabaseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Dialect { Sqlite, Postgres };
const char* dialect_name(Dialect dialect);

struct DatabaseUrl {
    Dialect dialect = Dialect::Sqlite;
    std::string url;          // as given
    std::string sqlite_path;  // for SQLite: the file, or ":memory:"
    // The URL with any password replaced by "***": the only form that is ever printed.
    std::string redacted() const;
    std::string password() const;
};

// sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory:,
// postgresql://user:pass@host:port/db (also postgres://, and libpq's ?host=/socket form).
DatabaseUrl parse_database_url(const std::string& url);

// One row of a streamed query, every value in its text form (numbers too); nullopt is NULL.
// Views are valid only during the callback.
class TextRow {
public:
    virtual ~TextRow() = default;
    virtual std::size_t size() const = 0;
    virtual std::optional<std::string_view> text(std::size_t column) const = 0;
};

class Database {
public:
    virtual ~Database() = default;
    virtual Dialect dialect() const = 0;
    // Runs one statement with `?` placeholders; returns its rows (none for statements without).
    virtual QueryResult query(const std::string& sql, const std::vector<Value>& params = {}) = 0;
    // Runs one query and hands each row to `on_row` as it arrives, without holding the
    // whole result: for reading catalogs of millions of rows.
    virtual void for_each_row(const std::string& sql, const std::vector<Value>& params,
                              const std::function<void(const TextRow&)>& on_row) = 0;
    // Runs one statement; returns the number of rows it changed.
    virtual int64_t execute(const std::string& sql, const std::vector<Value>& params = {}) = 0;
    // Runs several statements separated by `;` with no parameters.
    virtual void execute_script(const std::string& sql) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
};

// Reading a value whatever form the backend returned it in: SQLite gives numbers, PostgreSQL
// gives text ("t"/"f" for booleans). nullopt for NULL and for text that is not the type.
std::optional<int64_t> integer_of(const Value& v);
std::optional<double> real_of(const Value& v);
std::optional<bool> boolean_of(const Value& v);
std::optional<std::string> text_of(const Value& v);  // numbers in their text form

// Now in UTC as "YYYY-MM-DD HH:MM:SS", the text form timestamps take in the database.
std::string utc_now_text();
// The same form for any moment.
std::string utc_text(std::chrono::system_clock::time_point when);

// Opens (and for SQLite creates, with its folder) the database. Throws DatabaseError.
std::unique_ptr<Database> open_database(const DatabaseUrl& url);

// Commits on commit(), rolls back if destroyed before: a unit of work is all or nothing.
class Transaction {
public:
    explicit Transaction(Database& db) : db_(db) { db_.begin(); }
    ~Transaction() {
        if (!done_) db_.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        db_.commit();
        done_ = true;
    }

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace ref::store
