// Shared reads over execution groups, executions and metric values (database spec §5): the
// latest execution per group, the promoted-version gate, selector filters on groups and the
// dimension columns of metric values. The operator commands build on these.
#pragma once

#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ref::executions {

// ---- dimension columns ----

// The dimension columns of the bundled controlled vocabulary, in vocabulary order.
const std::vector<std::string>& cv_dimension_columns();
// This database's dimension columns of metric_value: the vocabulary's, then any a deployment added.
std::vector<std::string> dimension_columns(store::Database& db);

// ---- filters ----

// A malformed filter given by the user.
struct FilterError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// One facet of a selector filter: `facet=value` (any source type) or `type.facet=value`.
struct SelectorFilter {
    std::string source_type;          // lower-case, as in selectors; empty: any source type
    std::string facet;
    std::vector<std::string> values;  // OR-ed
};

// Parses KEY=VALUE entries; entries of one key collect their values. Throws FilterError.
std::vector<SelectorFilter> parse_selector_filters(const std::vector<std::string>& entries);
// Whether a group's selectors ({"cmip6": [["facet", "value"], ...], ...}) pass every filter (AND).
bool selectors_match(const nlohmann::json& selectors, const std::vector<SelectorFilter>& filters);

// KEY=VALUE entries with the values of one key collected, keys in first-seen order. Throws FilterError.
std::vector<std::pair<std::string, std::vector<std::string>>> parse_key_values(const std::vector<std::string>& entries,
                                                                               const std::string& option);

bool contains_ignoring_case(std::string_view text, std::string_view part);

// Provider and diagnostic slugs as case-insensitive substrings, OR-ed within each list.
struct DiagnosticFilter {
    std::vector<std::string> providers, diagnostics;
    bool empty() const { return providers.empty() && diagnostics.empty(); }
};
// The ids of the diagnostics passing the filter; nullopt when the filter is empty (all pass).
std::optional<std::vector<int64_t>> matching_diagnostics(store::Database& db, const DiagnosticFilter& filter);
// "<column> IN (1, 2)" for the ids (a condition nothing passes when there are none).
std::string id_condition(const std::string& column, const std::vector<int64_t>& ids);

// ---- groups ----

enum class Status { NotStarted, Running, Succeeded, Failed };
std::string_view to_string(Status status);

// The SQL (a sub-query) of the latest execution of each group: the greatest (created_at, id)
// among the executions passing `condition` (on alias e; empty: all). Columns: id,
// execution_group_id, successful, failure_reason, created_at.
std::string latest_execution_sql(std::string_view condition = {});
// Groups of the version their diagnostic shows (aliases g and d).
inline constexpr const char* kPromotedVersion = "g.diagnostic_version = d.promoted_version";

struct GroupFilters {
    DiagnosticFilter diagnostics;
    std::vector<SelectorFilter> selectors;
    std::optional<bool> successful;  // true: latest succeeded; false: latest failed, running or absent
    std::optional<bool> dirty;
    bool narrows() const {
        return !diagnostics.empty() || !selectors.empty() || successful.has_value() || dirty.has_value();
    }
};

struct GroupSummary {
    int64_t id = 0;
    std::string key, provider, diagnostic;
    int64_t diagnostic_version = 1, promoted_version = 1;
    bool dirty = false;
    nlohmann::json selectors;
    std::string created_at, updated_at;
    std::optional<int64_t> latest_execution_id;
    Status status = Status::NotStarted;
    std::optional<std::string> failure_reason;  // of the latest execution
};

// Groups at the promoted version passing the filters, with their latest execution, by id.
std::vector<GroupSummary> find_groups(store::Database& db, const GroupFilters& filters);
// One group by id, whatever its version.
std::optional<GroupSummary> find_group(store::Database& db, int64_t id);
int64_t count_groups(store::Database& db);

// ---- executions ----

struct ExecutionDetails {
    int64_t id = 0, group_id = 0;
    std::string output_fragment, dataset_hash;
    std::optional<bool> successful;
    std::optional<std::string> path, provider_version, memory_source, failure_reason;
    bool retracted = false;
    std::optional<double> wall_seconds, cpu_seconds, queue_seconds;
    std::optional<int64_t> peak_memory_bytes, memory_limit_bytes;
    std::string created_at, updated_at;
};
std::optional<ExecutionDetails> find_execution(store::Database& db, int64_t id);
int64_t count_executions(store::Database& db, int64_t group_id);

struct ExecutionDataset {
    int64_t id = 0;
    std::string instance_id, dataset_type, version;  // dataset_type as stored (CMIP6, obs4MIPs, ...)
};
std::vector<ExecutionDataset> execution_datasets(store::Database& db, int64_t execution_id);

struct ExecutionOutput {
    int64_t id = 0;
    std::string output_type;
    std::optional<std::string> filename, short_name, long_name, description;
    std::vector<std::pair<std::string, std::string>> dimensions;  // the non-null ones
};
std::vector<ExecutionOutput> execution_outputs(store::Database& db, int64_t execution_id);

// ---- metric values ----

struct ValueQuery {
    DiagnosticFilter diagnostics;
    std::optional<int64_t> execution_id;  // its values, ungated
    std::optional<int64_t> group_id;      // its latest successful non-retracted execution, any version
    std::vector<std::pair<std::string, std::vector<std::string>>> dimensions;  // must be dimension columns
    bool series = false;
    std::optional<std::size_t> limit;
};

struct MetricValue {
    int64_t id = 0, execution_id = 0, group_id = 0;
    std::string provider, diagnostic;
    std::vector<std::optional<std::string>> dimensions;  // as the query's dimension columns
    std::optional<double> value;                          // scalars; NULL (a stored NaN) is nullopt
    nlohmann::json values, index;                         // series
    std::optional<std::string> index_name;
    nlohmann::json attributes;
};

// Values of the latest successful non-retracted execution of each group at the promoted
// version (or of the given execution or group), by id. `dimension_columns` lists the columns
// read into MetricValue::dimensions; filters on other keys throw FilterError.
std::vector<MetricValue> find_metric_values(store::Database& db, const ValueQuery& query,
                                            const std::vector<std::string>& dimension_columns);
// Scalar and series counts of one execution.
std::pair<int64_t, int64_t> count_metric_values(store::Database& db, int64_t execution_id);

// The latest successful non-retracted execution of a group, if any.
std::optional<int64_t> latest_successful_execution(store::Database& db, int64_t group_id);

}  // namespace ref::executions
