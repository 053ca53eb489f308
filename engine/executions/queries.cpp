#include "executions/queries.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace ref::executions {

using nlohmann::json;
using store::Value;

namespace {

std::optional<int64_t> integer(const Value& v) { return store::integer_of(v); }
std::optional<bool> boolean(const Value& v) { return store::boolean_of(v); }
std::optional<double> real(const Value& v) { return store::real_of(v); }
std::optional<std::string> optional_text(const Value& v) { return store::text_of(v); }
std::string text(const Value& v) { return optional_text(v).value_or(""); }

// PostgreSQL returns timestamps with their zone (always UTC here): drop it so both back ends
// print the same form.
std::string timestamp(const Value& v) {
    std::string t = text(v);
    if (t.size() > 3 && t.compare(t.size() - 3, 3, "+00") == 0) t.resize(t.size() - 3);
    return t;
}

// JSON columns are text on SQLite and on PostgreSQL alike.
json json_column(const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return nullptr;
    return json::parse(text(v), nullptr, false);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

// Columns of metric_value that are not dimensions (docs/database.md).
const std::set<std::string>& fixed_value_columns() {
    static const std::set<std::string> columns{"id", "execution_id", "type", "value", "values", "index_id",
                                               "reference_id", "attributes", "created_at", "updated_at"};
    return columns;
}

// Group rows as find_groups and find_group read them.
const char* kGroupSelect =
    "SELECT g.id, g.key, p.slug, d.slug, g.diagnostic_version, d.promoted_version, g.dirty, g.selectors, "
    "g.created_at, g.updated_at, le.id, le.successful, le.failure_reason FROM execution_group g "
    "JOIN diagnostic d ON d.id = g.diagnostic_id JOIN provider p ON p.id = d.provider_id ";

GroupSummary group_of(const store::Row& row) {
    GroupSummary g;
    g.id = integer(row[0]).value_or(0);
    g.key = text(row[1]);
    g.provider = text(row[2]);
    g.diagnostic = text(row[3]);
    g.diagnostic_version = integer(row[4]).value_or(1);
    g.promoted_version = integer(row[5]).value_or(1);
    g.dirty = boolean(row[6]).value_or(false);
    g.selectors = json_column(row[7]);
    g.created_at = timestamp(row[8]);
    g.updated_at = timestamp(row[9]);
    g.latest_execution_id = integer(row[10]);
    if (g.latest_execution_id) {
        const auto successful = boolean(row[11]);
        g.status = !successful ? Status::Running : *successful ? Status::Succeeded : Status::Failed;
        g.failure_reason = optional_text(row[12]);
    }
    return g;
}

std::string quoted(const std::string& column) { return "m.\"" + column + "\""; }

}  // namespace

const std::vector<std::string>& cv_dimension_columns() {
    static const std::vector<std::string> columns{
        "kind",     "mip_id",   "source_id", "reference_source_id",  "experiment_id", "variable_id", "reference_variable_id",
        "grid_label", "member_id", "variant_label", "table_id", "global_warming_level", "level",       "metric",
        "region",   "season",   "mode",      "method",               "statistic"};
    return columns;
}

std::vector<std::string> dimension_columns(store::Database& db) {
    std::vector<std::string> out = cv_dimension_columns();
    const auto r = db.query("SELECT * FROM metric_value WHERE 1 = 0");
    for (const auto& c : r.columns)
        if (!fixed_value_columns().count(c) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> parse_key_values(const std::vector<std::string>& entries,
                                                                               const std::string& option) {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& entry : entries) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos) throw FilterError(option + " '" + entry + "' is not KEY=VALUE");
        const std::string key = trim(entry.substr(0, eq)), value = trim(entry.substr(eq + 1));
        if (key.empty() || value.empty()) throw FilterError(option + " '" + entry + "' needs a key and a value");
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
        if (it == out.end()) out.push_back({key, {value}});
        else it->second.push_back(value);
    }
    return out;
}

std::vector<SelectorFilter> parse_selector_filters(const std::vector<std::string>& entries) {
    std::vector<SelectorFilter> out;
    for (auto& [key, values] : parse_key_values(entries, "--filter")) {
        SelectorFilter f;
        const auto dot = key.find('.');
        if (dot != std::string::npos) {
            f.source_type = lower(key.substr(0, dot));
            f.facet = key.substr(dot + 1);
            if (f.source_type.empty() || f.facet.empty() || f.facet.find('.') != std::string::npos)
                throw FilterError("--filter key '" + key + "' must be FACET or SOURCE_TYPE.FACET");
        } else {
            f.facet = key;
        }
        f.values = std::move(values);
        out.push_back(std::move(f));
    }
    return out;
}

bool selectors_match(const json& selectors, const std::vector<SelectorFilter>& filters) {
    if (filters.empty()) return true;
    if (!selectors.is_object()) return false;
    for (const auto& f : filters) {
        bool matched = false;
        for (const auto& [type, pairs] : selectors.items()) {
            if (!f.source_type.empty() && type != f.source_type) continue;
            if (!pairs.is_array()) continue;
            for (const auto& pair : pairs) {
                if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || pair[0] != f.facet) continue;
                const std::string value = pair[1].is_string() ? pair[1].get<std::string>() : pair[1].dump();
                if (std::find(f.values.begin(), f.values.end(), value) != f.values.end()) matched = true;
            }
        }
        if (!matched) return false;
    }
    return true;
}

bool contains_ignoring_case(std::string_view text_, std::string_view part) {
    return lower(text_).find(lower(part)) != std::string::npos;
}

std::optional<std::vector<int64_t>> matching_diagnostics(store::Database& db, const DiagnosticFilter& filter) {
    if (filter.empty()) return std::nullopt;
    const auto any_of = [](const std::vector<std::string>& parts, const std::string& slug) {
        return parts.empty() ||
               std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return contains_ignoring_case(slug, p); });
    };
    std::vector<int64_t> ids;
    // Few rows: matching here keeps LIKE escaping and ILIKE differences out of the SQL.
    for (const auto& row : db.query("SELECT d.id, p.slug, d.slug FROM diagnostic d JOIN provider p ON p.id = d.provider_id").rows)
        if (any_of(filter.providers, text(row[1])) && any_of(filter.diagnostics, text(row[2])))
            ids.push_back(integer(row[0]).value_or(0));
    return ids;
}

std::string id_condition(const std::string& column, const std::vector<int64_t>& ids) {
    if (ids.empty()) return "1 = 0";
    std::string list;
    for (const auto id : ids) list += (list.empty() ? "" : ", ") + std::to_string(id);
    return column + " IN (" + list + ")";
}

std::string_view to_string(Status status) {
    switch (status) {
        case Status::NotStarted: return "not-started";
        case Status::Running: return "running";
        case Status::Succeeded: return "succeeded";
        case Status::Failed: return "failed";
    }
    return "?";
}

std::string latest_execution_sql(std::string_view condition) {
    return "(SELECT id, execution_group_id, successful, failure_reason, created_at FROM (SELECT e.id, "
           "e.execution_group_id, e.successful, e.failure_reason, e.created_at, ROW_NUMBER() OVER (PARTITION BY "
           "e.execution_group_id ORDER BY e.created_at DESC, e.id DESC) AS execution_rank FROM execution e" +
           (condition.empty() ? std::string() : " WHERE " + std::string(condition)) +
           ") ranked WHERE execution_rank = 1)";
}

std::vector<GroupSummary> find_groups(store::Database& db, const GroupFilters& filters) {
    std::string sql = std::string(kGroupSelect) + "LEFT JOIN " + latest_execution_sql() +
                      " le ON le.execution_group_id = g.id WHERE " + kPromotedVersion;
    if (const auto ids = matching_diagnostics(db, filters.diagnostics)) sql += " AND " + id_condition("d.id", *ids);
    if (filters.dirty) sql += *filters.dirty ? " AND g.dirty = TRUE" : " AND g.dirty = FALSE";
    if (filters.successful)
        sql += *filters.successful ? " AND le.successful = TRUE" : " AND (le.successful IS NULL OR le.successful = FALSE)";
    sql += " ORDER BY g.id";
    std::vector<GroupSummary> out;
    for (const auto& row : db.query(sql).rows) {
        GroupSummary g = group_of(row);
        if (selectors_match(g.selectors, filters.selectors)) out.push_back(std::move(g));
    }
    return out;
}

std::optional<GroupSummary> find_group(store::Database& db, int64_t id) {
    const auto r = db.query(std::string(kGroupSelect) + "LEFT JOIN " + latest_execution_sql("e.execution_group_id = ?") +
                                " le ON le.execution_group_id = g.id WHERE g.id = ?",
                            {id, id});
    if (r.rows.empty()) return std::nullopt;
    return group_of(r.rows[0]);
}

int64_t count_groups(store::Database& db) {
    return integer(db.query("SELECT COUNT(*) FROM execution_group").rows.at(0).at(0)).value_or(0);
}

std::optional<ExecutionDetails> find_execution(store::Database& db, int64_t id) {
    const auto r = db.query(
        "SELECT id, execution_group_id, output_fragment, dataset_hash, successful, path, provider_version, "
        "memory_source, failure_reason, retracted, wall_seconds, cpu_seconds, queue_seconds, peak_memory_bytes, "
        "memory_limit_bytes, created_at, updated_at FROM execution WHERE id = ?",
        {id});
    if (r.rows.empty()) return std::nullopt;
    const auto& row = r.rows[0];
    ExecutionDetails e;
    e.id = integer(row[0]).value_or(0);
    e.group_id = integer(row[1]).value_or(0);
    e.output_fragment = text(row[2]);
    e.dataset_hash = text(row[3]);
    e.successful = boolean(row[4]);
    e.path = optional_text(row[5]);
    e.provider_version = optional_text(row[6]);
    e.memory_source = optional_text(row[7]);
    e.failure_reason = optional_text(row[8]);
    e.retracted = boolean(row[9]).value_or(false);
    e.wall_seconds = real(row[10]);
    e.cpu_seconds = real(row[11]);
    e.queue_seconds = real(row[12]);
    e.peak_memory_bytes = integer(row[13]);
    e.memory_limit_bytes = integer(row[14]);
    e.created_at = timestamp(row[15]);
    e.updated_at = timestamp(row[16]);
    return e;
}

int64_t count_executions(store::Database& db, int64_t group_id) {
    return integer(db.query("SELECT COUNT(*) FROM execution WHERE execution_group_id = ?", {group_id}).rows.at(0).at(0))
        .value_or(0);
}

std::vector<ExecutionDataset> execution_datasets(store::Database& db, int64_t execution_id) {
    // The version lives in whichever subtype table holds the dataset.
    const auto r = db.query(
        "SELECT DISTINCT ds.id, ds.slug, ds.dataset_type, COALESCE(c6.version, c7.version, o4m.version, pmp.version, "
        "o4r.version, esm.version) FROM execution_dataset ed JOIN dataset ds ON ds.id = ed.dataset_id "
        "LEFT JOIN cmip6_dataset c6 ON c6.id = ds.id LEFT JOIN cmip7_dataset c7 ON c7.id = ds.id "
        "LEFT JOIN obs4mips_dataset o4m ON o4m.id = ds.id LEFT JOIN pmp_climatology_dataset pmp ON pmp.id = ds.id "
        "LEFT JOIN obs4ref_dataset o4r ON o4r.id = ds.id LEFT JOIN esmvaltool_reference_dataset esm ON esm.id = ds.id "
        "WHERE ed.execution_id = ? ORDER BY ds.slug",
        {execution_id});
    std::vector<ExecutionDataset> out;
    for (const auto& row : r.rows)
        out.push_back({integer(row[0]).value_or(0), text(row[1]), text(row[2]), text(row[3])});
    return out;
}

std::vector<ExecutionOutput> execution_outputs(store::Database& db, int64_t execution_id) {
    const auto r = db.query("SELECT * FROM execution_output WHERE execution_id = ? ORDER BY id", {execution_id});
    static const std::set<std::string> fixed{"id", "execution_id", "output_type", "filename", "short_name",
                                             "long_name", "description", "created_at", "updated_at"};
    std::vector<ExecutionOutput> out;
    for (const auto& row : r.rows) {
        ExecutionOutput o;
        for (std::size_t c = 0; c < r.columns.size(); ++c) {
            const std::string& name = r.columns[c];
            if (name == "id") o.id = integer(row[c]).value_or(0);
            else if (name == "output_type") o.output_type = text(row[c]);
            else if (name == "filename") o.filename = optional_text(row[c]);
            else if (name == "short_name") o.short_name = optional_text(row[c]);
            else if (name == "long_name") o.long_name = optional_text(row[c]);
            else if (name == "description") o.description = optional_text(row[c]);
            else if (!fixed.count(name))
                if (auto v = optional_text(row[c])) o.dimensions.emplace_back(name, *v);
        }
        out.push_back(std::move(o));
    }
    return out;
}

std::optional<int64_t> latest_successful_execution(store::Database& db, int64_t group_id) {
    const auto r = db.query(
        "SELECT id FROM execution WHERE execution_group_id = ? AND successful = TRUE AND retracted = FALSE "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        {group_id});
    if (r.rows.empty()) return std::nullopt;
    return integer(r.rows[0][0]);
}

std::vector<MetricValue> find_metric_values(store::Database& db, const ValueQuery& query,
                                            const std::vector<std::string>& dimension_columns) {
    for (const auto& [key, values] : query.dimensions)
        if (std::find(dimension_columns.begin(), dimension_columns.end(), key) == dimension_columns.end())
            throw FilterError("unknown dimension '" + key + "'");
    std::string sql =
        "SELECT m.id, m.execution_id, e.execution_group_id, p.slug, d.slug, m.value, m.\"values\", ia.name, "
        "ia.\"values\", m.attributes";
    for (const auto& c : dimension_columns) sql += ", " + quoted(c);
    sql += " FROM metric_value m JOIN execution e ON e.id = m.execution_id JOIN execution_group g ON g.id = "
           "e.execution_group_id JOIN diagnostic d ON d.id = g.diagnostic_id JOIN provider p ON p.id = d.provider_id "
           "LEFT JOIN index_axis ia ON ia.id = m.index_id WHERE m.type = ?";
    std::vector<Value> params{std::string(query.series ? "SERIES" : "SCALAR")};
    if (query.execution_id) {
        sql += " AND m.execution_id = ?";
        params.emplace_back(*query.execution_id);
    } else if (query.group_id) {
        const auto latest = latest_successful_execution(db, *query.group_id);
        if (!latest) return {};
        sql += " AND m.execution_id = ?";
        params.emplace_back(*latest);
    } else {
        sql += " AND m.execution_id IN (SELECT id FROM " +
               latest_execution_sql("e.successful = TRUE AND e.retracted = FALSE") + " latest) AND " + kPromotedVersion;
    }
    if (const auto ids = matching_diagnostics(db, query.diagnostics)) sql += " AND " + id_condition("d.id", *ids);
    for (const auto& [key, values] : query.dimensions) {
        std::string marks;
        for (const auto& v : values) {
            marks += marks.empty() ? "?" : ", ?";
            params.emplace_back(v);
        }
        sql += " AND " + quoted(key) + " IN (" + marks + ")";
    }
    sql += " ORDER BY m.id";
    if (query.limit) sql += " LIMIT " + std::to_string(*query.limit);

    std::vector<MetricValue> out;
    for (const auto& row : db.query(sql, params).rows) {
        MetricValue v;
        v.id = integer(row[0]).value_or(0);
        v.execution_id = integer(row[1]).value_or(0);
        v.group_id = integer(row[2]).value_or(0);
        v.provider = text(row[3]);
        v.diagnostic = text(row[4]);
        v.value = real(row[5]);
        v.values = json_column(row[6]);
        v.index_name = optional_text(row[7]);
        v.index = json_column(row[8]);
        v.attributes = json_column(row[9]);
        for (std::size_t c = 0; c < dimension_columns.size(); ++c) v.dimensions.push_back(optional_text(row[10 + c]));
        out.push_back(std::move(v));
    }
    return out;
}

std::pair<int64_t, int64_t> count_metric_values(store::Database& db, int64_t execution_id) {
    const auto r = db.query(
        "SELECT SUM(CASE WHEN type = 'SCALAR' THEN 1 ELSE 0 END), SUM(CASE WHEN type = 'SERIES' THEN 1 ELSE 0 END) "
        "FROM metric_value WHERE execution_id = ?",
        {execution_id});
    return {integer(r.rows.at(0).at(0)).value_or(0), integer(r.rows.at(0).at(1)).value_or(0)};
}

}  // namespace ref::executions
