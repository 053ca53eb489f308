// The deployed backend: PostgreSQL through libpq. Placeholders `?` become $1, $2, ...
#include "store/backends.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>

namespace ref::store {

namespace {

// Type OIDs of the pg_type catalogue that we read back as numbers.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// `?` outside quotes and comments -> `$n`.
std::string numbered_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote) {
            out += c;
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            out += sql.substr(i, end == std::string::npos ? std::string::npos : end - i);
            if (end == std::string::npos) break;
            i = end - 1;
        } else if (c == '?') {
            out += "$" + std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

class PostgresDatabase final : public Database {
public:
    explicit PostgresDatabase(const DatabaseUrl& url) : url_(url) {
        conn_ = PQconnectdb(url.url.c_str());
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
            const std::string message = conn_ ? scrub(PQerrorMessage(conn_)) : "out of memory";
            PQfinish(conn_);
            conn_ = nullptr;
            throw DatabaseError("cannot connect to PostgreSQL at " + url.redacted() + ": " + message);
        }
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
        execute_script("SET TimeZone = 'UTC'");                           // timestamps as on SQLite
    }
    ~PostgresDatabase() override { PQfinish(conn_); }

    Dialect dialect() const override { return Dialect::Postgres; }

    QueryResult query(const std::string& sql, const std::vector<Value>& params) override {
        Result result = run(sql, params);
        QueryResult out;
        const int columns = PQnfields(result.get());
        for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(result.get(), c));
        for (int r = 0; r < PQntuples(result.get()); ++r) {
            Row row;
            for (int c = 0; c < columns; ++c) row.push_back(value_at(result.get(), r, c));
            out.rows.push_back(std::move(row));
        }
        return out;
    }

    void for_each_row(const std::string& sql, const std::vector<Value>& params,
                      const std::function<void(const TextRow&)>& on_row) override {
        std::vector<std::string> texts;
        std::vector<const char*> pointers;
        bind_texts(params, texts, pointers);
        const std::string numbered = numbered_placeholders(sql);
        if (!PQsendQueryParams(conn_, numbered.c_str(), static_cast<int>(params.size()), nullptr, pointers.data(), nullptr,
                               nullptr, 0))
            check(nullptr, sql);
        // Single-row mode: libpq hands rows over one at a time instead of buffering them all.
        PQsetSingleRowMode(conn_);
        ResultRow row;
        std::string failure;
        for (;;) {
            Result result(PQgetResult(conn_));
            if (!result.get()) break;
            const auto status = PQresultStatus(result.get());
            if (status == PGRES_SINGLE_TUPLE) {
                if (!failure.empty()) continue;  // drain the rest after a callback failed
                row.result = result.get();
                try {
                    on_row(row);
                } catch (...) {
                    // Let libpq finish the query so the connection stays usable, then rethrow.
                    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
                    throw;
                }
            } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
                try {
                    check(result.get(), sql);
                } catch (const DatabaseError& e) {
                    failure = e.what();
                }
            }
        }
        if (!failure.empty()) throw DatabaseError(failure);
    }

    int64_t execute(const std::string& sql, const std::vector<Value>& params) override {
        Result result = run(sql, params);
        const char* count = PQcmdTuples(result.get());
        return count && *count ? std::stoll(count) : 0;
    }

    void execute_script(const std::string& sql) override {
        Result result(PQexec(conn_, sql.c_str()));
        check(result.get(), sql);
    }

    void begin() override { execute_script("BEGIN"); }
    void commit() override { execute_script("COMMIT"); }
    void rollback() noexcept override { PQclear(PQexec(conn_, "ROLLBACK")); }

private:
    struct Result {
        explicit Result(PGresult* r) : r_(r) {}
        ~Result() { PQclear(r_); }
        Result(Result&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
        Result(const Result&) = delete;
        Result& operator=(const Result&) = delete;
        PGresult* get() const { return r_; }
        PGresult* r_;
    };

    struct ResultRow final : TextRow {
        PGresult* result = nullptr;
        std::size_t size() const override { return static_cast<std::size_t>(PQnfields(result)); }
        std::optional<std::string_view> text(std::size_t column) const override {
            const int c = static_cast<int>(column);
            if (PQgetisnull(result, 0, c)) return std::nullopt;
            return std::string_view(PQgetvalue(result, 0, c), static_cast<std::size_t>(PQgetlength(result, 0, c)));
        }
    };

    static void bind_texts(const std::vector<Value>& params, std::vector<std::string>& texts,
                           std::vector<const char*>& pointers) {
        texts.assign(params.size(), std::string());
        pointers.assign(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (std::holds_alternative<std::monostate>(v)) continue;
            if (const auto* n = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*n);
            else if (const auto* d = std::get_if<double>(&v)) {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%.17g", *d);  // round-trips exactly
                texts[i] = buffer;
            } else texts[i] = std::get<std::string>(v);
            pointers[i] = texts[i].c_str();
        }
    }

    Result run(const std::string& sql, const std::vector<Value>& params) {
        std::vector<std::string> texts;
        std::vector<const char*> pointers;
        bind_texts(params, texts, pointers);
        const std::string numbered = numbered_placeholders(sql);
        Result result(PQexecParams(conn_, numbered.c_str(), static_cast<int>(params.size()), nullptr, pointers.data(),
                                   nullptr, nullptr, 0));
        check(result.get(), sql);
        return result;
    }

    void check(PGresult* result, const std::string& sql) const {
        const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
        std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        if (PQstatus(conn_) == CONNECTION_BAD) message = "lost the connection: " + message;
        throw DatabaseError("PostgreSQL " + url_.redacted() + ": " + scrub(message) + " (in: " + sql.substr(0, 200) + ")");
    }

    static Value value_at(PGresult* result, int row, int column) {
        if (PQgetisnull(result, row, column)) return std::monostate{};
        const std::string text = PQgetvalue(result, row, column);
        switch (PQftype(result, column)) {
            case kBool: return int64_t{text == "t" ? 1 : 0};
            case kInt2:
            case kInt4:
            case kInt8: return static_cast<int64_t>(std::stoll(text));
            case kFloat4:
            case kFloat8:
            case kNumeric: return std::stod(text);
            default: return text;
        }
    }

    // One line, and belt and braces: no message leaves with the password in it.
    std::string scrub(std::string message) const {
        for (auto& c : message)
            if (c == '\n' || c == '\t') c = ' ';
        while (!message.empty() && message.back() == ' ') message.pop_back();
        const std::string password = url_.password();
        if (password.empty()) return message;
        for (auto at = message.find(password); at != std::string::npos; at = message.find(password, at + 3))
            message.replace(at, password.size(), "***");
        return message;
    }

    DatabaseUrl url_;
    PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const DatabaseUrl& url) { return std::make_unique<PostgresDatabase>(url); }

}  // namespace ref::store
