#include "store/database.hpp"

#include "store/backends.hpp"

#include <chrono>
#include <ctime>

namespace ref::store {

const char* dialect_name(Dialect dialect) { return dialect == Dialect::Sqlite ? "sqlite" : "postgresql"; }

std::optional<int64_t> integer_of(const Value& v) {
    if (const auto* n = std::get_if<int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (*s == "t" || *s == "true") return 1;
        if (*s == "f" || *s == "false") return 0;
        try {
            return std::stoll(*s);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<double> real_of(const Value& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
    if (const auto* s = std::get_if<std::string>(&v)) {
        try {
            return std::stod(*s);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<bool> boolean_of(const Value& v) {
    const auto n = integer_of(v);
    return n ? std::optional<bool>(*n != 0) : std::nullopt;
}

std::optional<std::string> text_of(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return std::nullopt;
}

namespace {

// [scheme://][user[:password]@]rest -> the offsets of the password, if any.
std::pair<std::size_t, std::size_t> password_span(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return {std::string::npos, 0};
    const auto start = scheme + 3;
    const auto at = url.find('@', start);
    const auto slash = url.find('/', start);
    if (at == std::string::npos || (slash != std::string::npos && slash < at)) return {std::string::npos, 0};
    const auto colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return {std::string::npos, 0};
    return {colon + 1, at - colon - 1};
}

}  // namespace

std::string DatabaseUrl::password() const {
    const auto [start, length] = password_span(url);
    return start == std::string::npos ? std::string() : url.substr(start, length);
}

std::string DatabaseUrl::redacted() const {
    const auto [start, length] = password_span(url);
    std::string out = start == std::string::npos ? url : url.substr(0, start) + "***" + url.substr(start + length);
    // libpq also takes a password as a query parameter.
    const auto query = out.find("password=");
    if (query != std::string::npos) {
        const auto end = out.find('&', query);
        out = out.substr(0, query) + "password=***" + (end == std::string::npos ? "" : out.substr(end));
    }
    return out;
}

DatabaseUrl parse_database_url(const std::string& url) {
    DatabaseUrl out;
    out.url = url;
    if (url.rfind("sqlite://", 0) == 0) {
        out.dialect = Dialect::Sqlite;
        std::string rest = url.substr(9);
        if (rest.empty() || rest[0] != '/')
            throw DatabaseError("SQLite URL must look like sqlite:///path/to/file.db, got " + out.redacted());
        rest.erase(0, 1);  // sqlite:///rel.db -> rel.db; sqlite:////abs.db -> /abs.db
        if (rest.empty()) throw DatabaseError("SQLite URL names no file: " + out.redacted());
        out.sqlite_path = rest;
        return out;
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        out.dialect = Dialect::Postgres;
        return out;
    }
    throw DatabaseError("unsupported database URL '" + out.redacted() +
                        "' (expected sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB)");
}

std::string utc_now_text() { return utc_text(std::chrono::system_clock::now()); }

std::string utc_text(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

std::unique_ptr<Database> open_database(const DatabaseUrl& url) {
    return url.dialect == Dialect::Sqlite ? open_sqlite(url.sqlite_path) : open_postgres(url);
}

}  // namespace ref::store
