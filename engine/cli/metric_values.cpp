// `metric-values list`: the scalar and series results of the latest successful executions
// (docs/commands.md).
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "executions/queries.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>

namespace ref::cli {

namespace po = boost::program_options;
using nlohmann::json;

namespace {



// Shortest text that reads back as the same double; a missing value (SQLite keeps NaN as
// NULL) is "nan" like a stored NaN.
std::string value_text(const std::optional<double>& v) {
    if (!v || std::isnan(*v)) return "nan";
    if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, *v).ptr;
    return std::string(buffer, end);
}

std::size_t length_of(const json& array) { return array.is_array() ? array.size() : 0; }

}  // namespace

po::options_description metric_values_list_options() {
    po::options_description desc("metric-values list options");
    desc.add_options()
        ("provider", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only providers whose slug contains TEXT, ignoring case (repeatable, OR-ed)")
        ("diagnostic", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only diagnostics whose slug contains TEXT, ignoring case (repeatable, OR-ed)")
        ("execution-id", po::value<int64_t>()->value_name("N"), "values of this execution (whatever its state or version)")
        ("group-id", po::value<int64_t>()->value_name("N"),
         "values of this group's latest successful execution (whatever its version)")
        ("dimension", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
         "only values with this dimension value; values of one key are OR-ed, keys AND-ed (repeatable)")
        ("kind", po::value<std::string>()->default_value("scalar"), "scalar or series")
        ("limit", po::value<int>()->default_value(100), "values shown at most")
        ("format", po::value<std::string>()->default_value("table"), "table, csv or json");
    return desc;
}

int metric_values_list(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "csv", "json"});
    const std::string kind = ctx.options["kind"].as<std::string>();
    if (kind != "scalar" && kind != "series") throw UsageError("--kind must be 'scalar' or 'series', not '" + kind + "'");
    const int limit = ctx.options["limit"].as<int>();
    if (limit < 1) throw UsageError("--limit must be at least 1");
    if (ctx.options.count("execution-id") && ctx.options.count("group-id"))
        throw UsageError("--execution-id and --group-id exclude each other");

    executions::ValueQuery query;
    query.series = kind == "series";
    query.diagnostics = {option_values(ctx, "provider"), option_values(ctx, "diagnostic")};
    query.limit = static_cast<std::size_t>(limit) + 1;
    try {
        query.dimensions = executions::parse_key_values(option_values(ctx, "dimension"), "--dimension");
    } catch (const executions::FilterError& e) {
        throw UsageError(e.what());
    }

    auto db = open_store(load_config(ctx));
    const auto dimensions = executions::dimension_columns(*db);
    for (const auto& [key, values] : query.dimensions) {
        if (std::find(dimensions.begin(), dimensions.end(), key) != dimensions.end()) continue;
        std::string valid;
        for (const auto& d : dimensions) valid += (valid.empty() ? "" : ", ") + d;
        throw UsageError("--dimension: unknown dimension '" + key + "'; dimensions are " + valid);
    }
    if (ctx.options.count("execution-id")) {
        query.execution_id = ctx.options["execution-id"].as<int64_t>();
        if (!executions::find_execution(*db, *query.execution_id)) {
            spdlog::error("no execution has id {}", *query.execution_id);
            return 1;
        }
    }
    if (ctx.options.count("group-id")) {
        query.group_id = ctx.options["group-id"].as<int64_t>();
        if (!executions::find_group(*db, *query.group_id)) {
            spdlog::error("no execution group has id {}", *query.group_id);
            return 1;
        }
        if (!executions::latest_successful_execution(*db, *query.group_id))
            spdlog::warn("execution group {} has no successful execution", *query.group_id);
    }

    auto values = executions::find_metric_values(*db, query, dimensions);
    const bool more = values.size() > static_cast<std::size_t>(limit);
    if (more) values.resize(static_cast<std::size_t>(limit));

    // Only the dimensions some shown value has: most of the vocabulary is empty for any one diagnostic.
    std::vector<std::size_t> shown;
    for (std::size_t c = 0; c < dimensions.size(); ++c)
        if (std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.dimensions[c].has_value(); }))
            shown.push_back(c);

    if (format == "json") {
        json rows = json::array();
        for (const auto& v : values) {
            json row = {{"id", v.id},
                        {"execution_id", v.execution_id},
                        {"execution_group_id", v.group_id},
                        {"provider", v.provider},
                        {"diagnostic", v.diagnostic}};
            for (const auto c : shown) row[dimensions[c]] = v.dimensions[c] ? json(*v.dimensions[c]) : json(nullptr);
            if (query.series) {
                row["index_name"] = v.index_name ? json(*v.index_name) : json(nullptr);
                row["index"] = v.index;
                row["values"] = v.values;
                row["n_points"] = length_of(v.values);
            } else {
                // JSON has no NaN or infinities: those are null.
                row["value"] = v.value && std::isfinite(*v.value) ? json(*v.value) : json(nullptr);
            }
            row["attributes"] = v.attributes;
            rows.push_back(std::move(row));
        }
        std::cout << rows.dump(2) << '\n';
    } else {
        Table table{{"id", "execution_id", "provider", "diagnostic"}, {}};
        for (const auto c : shown) table.columns.push_back(dimensions[c]);
        if (query.series) table.columns.insert(table.columns.end(), {"index", "n_points"});
        else table.columns.push_back("value");
        for (const auto& v : values) {
            std::vector<std::string> cells{std::to_string(v.id), std::to_string(v.execution_id), v.provider, v.diagnostic};
            for (const auto c : shown) cells.push_back(v.dimensions[c].value_or(""));
            if (query.series) {
                cells.push_back(v.index_name.value_or(""));
                cells.push_back(std::to_string(length_of(v.values)));
            } else {
                cells.push_back(value_text(v.value));
            }
            table.rows.push_back(std::move(cells));
        }
        if (format == "csv") {
            table.print_csv(std::cout);
        } else if (!values.empty()) {
            table.print(std::cout);
        }
    }
    if (values.empty()) spdlog::warn("no {} metric values match", kind);
    if (more) spdlog::warn("more than {} values match; showing the first {} (use --limit)", limit, limit);
    return 0;
}

}  // namespace ref::cli
