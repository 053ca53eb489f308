// `executions list-groups|inspect|flag-dirty|fail-running|delete-groups`: what an operator
// needs to see and repair the state of execution groups and executions (docs/commands.md).
#include "catalog/adapter.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "executions/queries.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using executions::GroupSummary;
using nlohmann::json;

namespace {

constexpr const char* kFailRunningReason = "marked failed by an operator (fail-running)";
constexpr std::size_t kLogLines = 20;
constexpr std::size_t kInspectScalars = 20;


std::string number_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    return std::string(buffer, end);
}

std::string seconds_text(const std::optional<double>& s) {
    if (!s) return "-";
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(2);
    out << *s << " s";
    return out.str();
}

std::string bytes_text(const std::optional<int64_t>& b) {
    if (!b) return "-";
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << static_cast<double>(*b) / (1024.0 * 1024.0) << " MiB (" << *b << " bytes)";
    return out.str();
}

// The command line's name of a stored dataset_type ("CMIP6" -> "cmip6").
std::string source_type_name(const std::string& dataset_type) {
    for (const auto type : solver::all_source_types())
        if (catalog::make_adapter(type)->dataset_type() == dataset_type) return std::string(solver::to_string(type));
    return dataset_type;
}

// "cmip6.experiment_id=historical, cmip6.source_id=X"
std::string selectors_text(const json& selectors) {
    std::string out;
    if (!selectors.is_object()) return out;
    for (const auto& [type, pairs] : selectors.items())
        for (const auto& pair : pairs)
            if (pair.is_array() && pair.size() == 2)
                out += (out.empty() ? "" : ", ") + type + "." + pair[0].get<std::string>() + "=" +
                       (pair[1].is_string() ? pair[1].get<std::string>() : pair[1].dump());
    return out;
}

// ---- options shared by list-groups and delete-groups ----

void add_group_filter_options(po::options_description& desc) {
    desc.add_options()
        ("provider", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only providers whose slug contains TEXT, ignoring case (repeatable, OR-ed)")
        ("diagnostic", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only diagnostics whose slug contains TEXT, ignoring case (repeatable, OR-ed)")
        ("filter", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
         "only groups whose selectors have FACET=VALUE (any source type) or TYPE.FACET=VALUE; values of one key "
         "are OR-ed, keys AND-ed (repeatable)")
        ("successful", po::bool_switch(), "only groups whose latest execution succeeded")
        ("not-successful", po::bool_switch(), "only groups whose latest execution failed, is running or is missing")
        ("dirty", po::bool_switch(), "only groups flagged to run again")
        ("not-dirty", po::bool_switch(), "only groups not flagged to run again");
}

executions::GroupFilters group_filters(const CommandContext& ctx) {
    executions::GroupFilters f;
    f.diagnostics.providers = option_values(ctx, "provider");
    f.diagnostics.diagnostics = option_values(ctx, "diagnostic");
    try {
        f.selectors = executions::parse_selector_filters(option_values(ctx, "filter"));
    } catch (const executions::FilterError& e) {
        throw UsageError(e.what());
    }
    for (const auto& s : f.selectors)
        if (!s.source_type.empty() && !solver::parse_source_type(s.source_type))
            throw UsageError("--filter: unknown source type '" + s.source_type +
                             "' (cmip6, cmip7, obs4mips, obs4ref, pmp-climatology, esmvaltool-reference)");
    const auto pair = [&](const char* yes, const char* no) -> std::optional<bool> {
        const bool y = ctx.options[yes].as<bool>(), n = ctx.options[no].as<bool>();
        if (y && n) throw UsageError(std::string("--") + yes + " and --" + no + " exclude each other");
        if (y || n) return y;
        return std::nullopt;
    };
    f.successful = pair("successful", "not-successful");
    f.dirty = pair("dirty", "not-dirty");
    return f;
}

Table groups_table(const std::vector<GroupSummary>& groups) {
    Table table{{"id", "key", "provider", "diagnostic", "dirty", "status", "latest_execution", "created_at"}, {}};
    for (const auto& g : groups)
        table.rows.push_back({std::to_string(g.id), g.key, g.provider, g.diagnostic, g.dirty ? "true" : "false",
                              std::string(executions::to_string(g.status)),
                              g.latest_execution_id ? std::to_string(*g.latest_execution_id) : "", g.created_at});
    return table;
}

json group_json(const GroupSummary& g) {
    return {{"id", g.id},
            {"key", g.key},
            {"provider", g.provider},
            {"diagnostic", g.diagnostic},
            {"diagnostic_version", g.diagnostic_version},
            {"dirty", g.dirty},
            {"status", executions::to_string(g.status)},
            {"latest_execution_id", g.latest_execution_id ? json(*g.latest_execution_id) : json(nullptr)},
            {"created_at", g.created_at},
            {"updated_at", g.updated_at},
            {"selectors", g.selectors},
            {"failure_reason", g.failure_reason ? json(*g.failure_reason) : json(nullptr)}};
}

// The last `n` lines of a file, reading only its end (logs can be large).
std::vector<std::string> tail_lines(const fs::path& path, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff start = std::max<std::streamoff>(0, size - 64 * 1024);
    in.seekg(start);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::deque<std::string> lines;
    std::istringstream stream(text);
    std::string line;
    bool first = true;
    while (std::getline(stream, line)) {
        if (first && start > 0) {  // a partial line
            first = false;
            continue;
        }
        first = false;
        lines.push_back(line);
        if (lines.size() > n) lines.pop_front();
    }
    return {lines.begin(), lines.end()};
}

// Where an execution's folder lies under `root`, if it is safely inside it: the fragment must be
// a plain relative path, and its real location (symlinks resolved) must stay inside the root's.
// nullopt with `why` empty: nothing there.
std::optional<fs::path> contained_folder(const fs::path& root, const std::string& fragment, std::string& why) {
    why.clear();
    const fs::path relative(fragment);
    if (fragment.empty() || fragment == "_pending" || relative.is_absolute() || relative.has_root_name()) {
        why = "output fragment '" + fragment + "' is not a folder inside the root";
        return std::nullopt;
    }
    for (const auto& part : relative)
        if (part == "..") {
            why = "output fragment '" + fragment + "' leaves the root";
            return std::nullopt;
        }
    const fs::path normal = relative.lexically_normal();
    if (normal.empty() || normal == ".") {
        why = "output fragment '" + fragment + "' is the root itself";
        return std::nullopt;
    }
    const fs::path target = root / normal;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(target, ec))) return std::nullopt;
    const fs::path real_root = fs::canonical(root, ec);
    if (ec) {
        why = "cannot resolve " + root.string() + ": " + ec.message();
        return std::nullopt;
    }
    const fs::path real_target = fs::canonical(target, ec);
    if (ec) {  // e.g. a dangling symlink: where it would lead is unknown, so leave it
        why = "cannot resolve " + target.string() + ": " + ec.message();
        return std::nullopt;
    }
    const fs::path inside = real_target.lexically_relative(real_root);
    if (inside.empty() || inside == "." || *inside.begin() == "..") {
        why = target.string() + " resolves to " + real_target.string() + ", outside " + real_root.string();
        return std::nullopt;
    }
    // The folder's parent too: the entry itself is removed without being followed.
    const fs::path parent = fs::canonical(target.parent_path(), ec);
    const fs::path parent_inside = ec ? fs::path("..") : parent.lexically_relative(real_root);
    if (parent_inside.empty() || *parent_inside.begin() == "..") {
        why = target.parent_path().string() + " resolves outside " + real_root.string();
        return std::nullopt;
    }
    return target;
}

// Durations like 90s, 30m, 6h, 2d, 1w; a bare number is hours (as the REF's --older-than).
std::chrono::seconds parse_duration(const std::string& text) {
    double amount = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, amount);
    const std::string unit(ptr, end);
    static const std::map<std::string, double> seconds_per{{"", 3600}, {"s", 1}, {"m", 60}, {"h", 3600},
                                                           {"d", 86400}, {"w", 604800}};
    const auto it = seconds_per.find(unit);
    if (ec != std::errc() || ptr == begin || it == seconds_per.end() || !(amount > 0) || !std::isfinite(amount))
        throw UsageError("--older-than takes a positive duration such as 30m, 6h or 2d, not '" + text + "'");
    return std::chrono::seconds(static_cast<int64_t>(amount * it->second));
}

int64_t group_id_value(const std::string& text) {
    int64_t id = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || ptr != text.data() + text.size() || id < 1)
        throw UsageError("'" + text + "' is not an execution group id");
    return id;
}

}  // namespace

// ---- list-groups ----

po::options_description executions_list_groups_options() {
    po::options_description desc("executions list-groups options");
    add_group_filter_options(desc);
    desc.add_options()
        ("limit", po::value<int>()->default_value(100), "groups shown at most")
        ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
    return desc;
}

int executions_list_groups(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json", "csv"});
    const auto filters = group_filters(ctx);
    const int limit = ctx.options["limit"].as<int>();
    if (limit < 1) throw UsageError("--limit must be at least 1");

    auto db = open_store(load_config(ctx));
    auto groups = executions::find_groups(*db, filters);
    const bool more = groups.size() > static_cast<std::size_t>(limit);
    if (more) groups.resize(static_cast<std::size_t>(limit));

    if (format == "json") {
        json rows = json::array();
        for (const auto& g : groups) rows.push_back(group_json(g));
        std::cout << rows.dump(2) << '\n';
    } else if (format == "csv") {
        groups_table(groups).print_csv(std::cout);
    } else if (!groups.empty()) {
        groups_table(groups).print(std::cout);
    }
    if (groups.empty())
        spdlog::warn("no execution groups match (the database holds {} group(s) in all)", executions::count_groups(*db));
    if (more) spdlog::warn("more than {} groups match; showing the first {} (use --limit)", limit, limit);
    return 0;
}

// ---- inspect ----

po::options_description executions_inspect_options() {
    po::options_description desc("executions inspect options");
    desc.add_options()
        ("group-id", po::value<std::string>()->required()->value_name("GROUP_ID"), "the execution group (also positional)")
        ("format", po::value<std::string>()->default_value("text"), "text or json");
    return desc;
}

po::positional_options_description executions_inspect_positional() {
    po::positional_options_description p;
    p.add("group-id", 1);
    return p;
}

int executions_inspect(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"text", "json"});
    const int64_t id = group_id_value(ctx.options["group-id"].as<std::string>());
    const config::Config config = load_config(ctx);
    auto db = open_store(config);
    const auto group = executions::find_group(*db, id);
    if (!group) {
        spdlog::error("no execution group has id {}", id);
        return 1;
    }
    const int64_t attempts = executions::count_executions(*db, id);
    const auto execution = group->latest_execution_id ? executions::find_execution(*db, *group->latest_execution_id)
                                                      : std::nullopt;
    const fs::path results_root = fs::absolute(config.results_root), scratch_root = fs::absolute(config.scratch_root);

    std::vector<executions::ExecutionDataset> datasets;
    std::vector<executions::ExecutionOutput> outputs;
    std::pair<int64_t, int64_t> value_counts{0, 0};
    std::vector<executions::MetricValue> scalars;
    std::vector<std::string> dimensions;
    std::optional<fs::path> log;
    if (execution) {
        datasets = executions::execution_datasets(*db, execution->id);
        outputs = executions::execution_outputs(*db, execution->id);
        value_counts = executions::count_metric_values(*db, execution->id);
        dimensions = executions::dimension_columns(*db);
        executions::ValueQuery q;
        q.execution_id = execution->id;
        q.limit = kInspectScalars;
        scalars = executions::find_metric_values(*db, q, dimensions);
        for (const auto& root : {results_root, scratch_root}) {
            std::error_code ec;
            if (fs::is_regular_file(root / execution->output_fragment / "out.log", ec)) {
                log = root / execution->output_fragment / "out.log";
                break;
            }
        }
    }
    const auto non_null_dimensions = [&](const executions::MetricValue& v) {
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t c = 0; c < dimensions.size(); ++c)
            if (v.dimensions[c]) out.emplace_back(dimensions[c], *v.dimensions[c]);
        return out;
    };
    const auto output_path = [&](const executions::ExecutionOutput& o) {
        return results_root / execution->output_fragment / o.filename.value_or("");
    };
    const auto exists = [](const fs::path& p) {
        std::error_code ec;
        return fs::exists(p, ec);
    };
    const std::vector<std::string> log_lines = log ? tail_lines(*log, kLogLines) : std::vector<std::string>{};

    if (format == "json") {
        json out;
        out["group"] = group_json(*group);
        out["group"]["promoted_version"] = group->promoted_version;
        out["group"]["attempts"] = attempts;
        out["latest_execution"] = nullptr;
        if (execution) {
            const auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
            out["latest_execution"] = {
                {"id", execution->id},
                {"output_fragment", execution->output_fragment},
                {"dataset_hash", execution->dataset_hash},
                {"successful", opt(execution->successful)},
                {"retracted", execution->retracted},
                {"path", opt(execution->path)},
                {"provider_version", opt(execution->provider_version)},
                {"created_at", execution->created_at},
                {"updated_at", execution->updated_at},
                {"wall_seconds", opt(execution->wall_seconds)},
                {"cpu_seconds", opt(execution->cpu_seconds)},
                {"peak_memory_bytes", opt(execution->peak_memory_bytes)},
                {"memory_source", opt(execution->memory_source)},
                {"memory_limit_bytes", opt(execution->memory_limit_bytes)},
                {"queue_seconds", opt(execution->queue_seconds)},
                {"failure_reason", opt(execution->failure_reason)},
                {"results_directory", (results_root / execution->output_fragment).string()},
                {"scratch_directory", (scratch_root / execution->output_fragment).string()}};
            json ds = json::array();
            for (const auto& d : datasets)
                ds.push_back({{"id", d.id}, {"instance_id", d.instance_id}, {"source_type", source_type_name(d.dataset_type)},
                              {"version", d.version}});
            out["datasets"] = ds;
            json first = json::array();
            for (const auto& v : scalars) {
                json dims = json::object();
                for (const auto& [k, val] : non_null_dimensions(v)) dims[k] = val;
                first.push_back({{"id", v.id},
                                 {"value", v.value && std::isfinite(*v.value) ? json(*v.value) : json(nullptr)},
                                 {"dimensions", dims}});
            }
            out["metric_values"] = {{"scalar", value_counts.first}, {"series", value_counts.second}, {"first_scalars", first}};
            json outs = json::array();
            for (const auto& o : outputs) {
                json dims = json::object();
                for (const auto& [k, val] : o.dimensions) dims[k] = val;
                outs.push_back({{"id", o.id},
                                {"output_type", o.output_type},
                                {"short_name", opt(o.short_name)},
                                {"long_name", opt(o.long_name)},
                                {"description", opt(o.description)},
                                {"filename", opt(o.filename)},
                                {"path", output_path(o).string()},
                                {"exists", exists(output_path(o))},
                                {"dimensions", dims}});
            }
            out["outputs"] = outs;
            out["log"] = log ? json{{"path", log->string()}, {"last_lines", log_lines}} : json(nullptr);
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }

    std::ostream& out = std::cout;
    out << "Execution group " << group->id << '\n'
        << "  key:          " << group->key << '\n'
        << "  provider:     " << group->provider << '\n'
        << "  diagnostic:   " << group->diagnostic << " (version " << group->diagnostic_version << ", promoted "
        << group->promoted_version << ")\n"
        << "  dirty:        " << (group->dirty ? "yes" : "no") << '\n'
        << "  status:       " << executions::to_string(group->status) << '\n'
        << "  attempts:     " << attempts << '\n'
        << "  created:      " << group->created_at << '\n'
        << "  updated:      " << group->updated_at << '\n'
        << "  selectors:    " << selectors_text(group->selectors) << '\n';
    if (!execution) {
        out << "\nNo execution yet.\n";
        return 0;
    }
    const auto& e = *execution;
    out << "\nLatest execution " << e.id << '\n'
        << "  created:      " << e.created_at << '\n'
        << "  updated:      " << e.updated_at << '\n'
        << "  dataset hash: " << e.dataset_hash << '\n'
        << "  provider:     version " << e.provider_version.value_or("-") << '\n'
        << "  retracted:    " << (e.retracted ? "yes" : "no") << '\n'
        << "  wall time:    " << seconds_text(e.wall_seconds) << '\n'
        << "  cpu time:     " << seconds_text(e.cpu_seconds) << '\n'
        << "  peak memory:  " << bytes_text(e.peak_memory_bytes)
        << (e.memory_source ? " from " + *e.memory_source : std::string()) << '\n'
        << "  memory limit: " << bytes_text(e.memory_limit_bytes) << '\n'
        << "  queue time:   " << seconds_text(e.queue_seconds) << '\n'
        << "  failure:      " << e.failure_reason.value_or("-") << '\n'
        << "  results:      " << (results_root / e.output_fragment).string() << '\n'
        << "  scratch:      " << (scratch_root / e.output_fragment).string() << '\n';

    out << "\nDatasets (" << datasets.size() << ")\n";
    if (!datasets.empty()) {
        Table t{{"instance_id", "source_type", "version"}, {}};
        for (const auto& d : datasets) t.rows.push_back({d.instance_id, source_type_name(d.dataset_type), d.version});
        t.print(out);
    }

    out << "\nMetric values: " << value_counts.first << " scalar, " << value_counts.second << " series\n";
    if (!scalars.empty()) {
        Table t{{"id", "value", "dimensions"}, {}};
        for (const auto& v : scalars) {
            std::string dims;
            for (const auto& [k, val] : non_null_dimensions(v)) dims += (dims.empty() ? "" : ", ") + k + "=" + val;
            t.rows.push_back({std::to_string(v.id), v.value ? number_text(*v.value) : "nan", dims});
        }
        t.print(out);
        if (value_counts.first > static_cast<int64_t>(scalars.size()))
            out << "(first " << scalars.size() << "; see `metric-values list --execution-id " << e.id << "`)\n";
    }

    out << "\nOutputs (" << outputs.size() << ")\n";
    if (!outputs.empty()) {
        Table t{{"type", "short_name", "path", "exists"}, {}};
        for (const auto& o : outputs)
            t.rows.push_back({o.output_type, o.short_name.value_or(""), output_path(o).string(),
                              exists(output_path(o)) ? "yes" : "no"});
        t.print(out);
    }

    if (log) {
        out << "\nLog (last " << kLogLines << " lines of " << log->string() << ")\n";
        for (const auto& line : log_lines) out << "  " << line << '\n';
    } else {
        out << "\nLog: no log (no out.log under the results or scratch folder)\n";
    }
    return 0;
}

// ---- flag-dirty ----

po::options_description executions_flag_dirty_options() {
    po::options_description desc("executions flag-dirty options");
    desc.add_options()("group-id", po::value<std::vector<std::string>>()->required()->composing()->value_name("GROUP_ID"),
                       "execution groups to run again at the next solve (also positional)");
    return desc;
}

po::positional_options_description executions_group_ids_positional() {
    po::positional_options_description p;
    p.add("group-id", -1);
    return p;
}

int executions_flag_dirty(const CommandContext& ctx) {
    std::vector<int64_t> ids;
    for (const auto& text : ctx.options["group-id"].as<std::vector<std::string>>()) {
        const int64_t id = group_id_value(text);
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    auto db = open_store(load_config(ctx));
    // All or nothing: a mistyped id changes no group.
    std::vector<GroupSummary> groups;
    std::string unknown;
    for (const auto id : ids) {
        if (auto g = executions::find_group(*db, id)) groups.push_back(std::move(*g));
        else unknown += (unknown.empty() ? "" : ", ") + std::to_string(id);
    }
    if (!unknown.empty()) {
        spdlog::error("no execution group has id {}; nothing changed", unknown);
        return 1;
    }
    store::Transaction tx(*db);
    std::vector<bool> changed;
    for (const auto& g : groups)
        changed.push_back(db->execute("UPDATE execution_group SET dirty = TRUE, updated_at = CURRENT_TIMESTAMP "
                                      "WHERE id = ? AND dirty = FALSE",
                                      {g.id}) > 0);
    tx.commit();
    for (std::size_t i = 0; i < groups.size(); ++i)
        std::cout << "group " << groups[i].id << " (" << groups[i].provider << "/" << groups[i].diagnostic << " "
                  << groups[i].key << "): " << (changed[i] ? "dirty (was clean)" : "already dirty") << '\n';
    return 0;
}

// ---- fail-running ----

po::options_description executions_fail_running_options() {
    po::options_description desc("executions fail-running options");
    desc.add_options()
        ("older-than", po::value<std::string>()->value_name("DURATION"),
         "only executions created longer ago than this: 90s, 30m, 6h, 2d, 1w (a bare number is hours); default: all")
        ("provider", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only providers whose slug contains TEXT, ignoring case (repeatable)")
        ("diagnostic", po::value<std::vector<std::string>>()->composing()->value_name("TEXT"),
         "only diagnostics whose slug contains TEXT, ignoring case (repeatable)")
        ("dry-run", po::bool_switch(), "only list the executions that would be marked failed");
    return desc;
}

int executions_fail_running(const CommandContext& ctx) {
    std::optional<std::chrono::seconds> older_than;
    if (ctx.options.count("older-than")) older_than = parse_duration(ctx.options["older-than"].as<std::string>());
    executions::DiagnosticFilter filter{option_values(ctx, "provider"), option_values(ctx, "diagnostic")};
    const bool dry_run = ctx.options["dry-run"].as<bool>();
    auto db = open_store(load_config(ctx));

    // Every diagnostic version: a lost worker leaves executions of old versions stuck too.
    std::string sql =
        "SELECT e.id, e.execution_group_id, p.slug, d.slug, g.key, e.created_at FROM execution e JOIN execution_group g "
        "ON g.id = e.execution_group_id JOIN diagnostic d ON d.id = g.diagnostic_id JOIN provider p ON p.id = "
        "d.provider_id WHERE e.successful IS NULL";
    std::vector<store::Value> params;
    if (older_than) {
        sql += " AND e.created_at < ?";
        params.emplace_back(store::utc_text(std::chrono::system_clock::now() - *older_than));
    }
    if (const auto ids = executions::matching_diagnostics(*db, filter)) sql += " AND " + executions::id_condition("d.id", *ids);
    sql += " ORDER BY e.id";
    const auto running = db->query(sql, params);
    if (running.rows.empty()) {
        std::cout << "no execution in progress matches\n";
        return 0;
    }
    const auto id_of = [](const store::Value& v) {
        return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : std::stoll(std::get<std::string>(v));
    };
    const auto text_of = [](const store::Value& v) {
        return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string();
    };
    if (dry_run) {
        std::cout << "would mark " << running.rows.size() << " execution(s) failed:\n";
        for (const auto& row : running.rows)
            std::cout << "  execution " << id_of(row[0]) << "  group " << id_of(row[1]) << "  " << text_of(row[2]) << "/"
                      << text_of(row[3]) << "  " << text_of(row[4]) << "  created " << text_of(row[5]) << '\n';
        return 0;
    }
    store::Transaction tx(*db);
    std::vector<int64_t> failed;
    std::set<int64_t> groups;
    for (const auto& row : running.rows) {
        // An execution that finished since it was read is left alone.
        if (db->execute("UPDATE execution SET successful = FALSE, failure_reason = ?, updated_at = CURRENT_TIMESTAMP "
                        "WHERE id = ? AND successful IS NULL",
                        {std::string(kFailRunningReason), id_of(row[0])}) == 0)
            continue;
        failed.push_back(id_of(row[0]));
        groups.insert(id_of(row[1]));
    }
    for (const auto g : groups)
        db->execute("UPDATE execution_group SET dirty = TRUE, updated_at = CURRENT_TIMESTAMP WHERE id = ?", {g});
    tx.commit();
    std::string list, group_list;
    for (const auto id : failed) list += (list.empty() ? "" : ", ") + std::to_string(id);
    for (const auto id : groups) group_list += (group_list.empty() ? "" : ", ") + std::to_string(id);
    std::cout << "marked " << failed.size() << " execution(s) failed: " << list << '\n';
    if (!groups.empty()) std::cout << "flagged " << groups.size() << " group(s) dirty: " << group_list << '\n';
    return 0;
}

// ---- delete-groups ----

po::options_description executions_delete_groups_options() {
    po::options_description desc("executions delete-groups options");
    add_group_filter_options(desc);
    desc.add_options()
        ("remove-outputs", po::bool_switch(), "also remove each execution's results and scratch folders")
        ("force", po::bool_switch(), "do not ask for confirmation");
    return desc;
}

int executions_delete_groups(const CommandContext& ctx) {
    const auto filters = group_filters(ctx);
    const bool remove_outputs = ctx.options["remove-outputs"].as<bool>(), force = ctx.options["force"].as<bool>();
    if (!filters.narrows()) {
        spdlog::error("refusing to delete without a filter: give --provider, --diagnostic, --filter, "
                      "--successful/--not-successful or --dirty/--not-dirty");
        return 1;
    }
    const config::Config config = load_config(ctx);
    auto db = open_store(config);
    const auto groups = executions::find_groups(*db, filters);
    if (groups.empty()) {
        spdlog::warn("no execution groups match (the database holds {} group(s) in all); nothing deleted",
                     executions::count_groups(*db));
        return 0;
    }
    groups_table(groups).print(std::cout);
    if (!force) {
        if (::isatty(STDIN_FILENO) == 0) {
            spdlog::error("not deleting {} group(s): standard input is not a terminal to confirm on; pass --force",
                          groups.size());
            return 1;
        }
        std::cout << "Delete " << groups.size() << " groups? [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            std::cout << "nothing deleted\n";
            return 1;
        }
    }

    // One transaction, children first (database spec §6); folders go only after it commits.
    std::vector<std::string> fragments;
    int64_t values = 0, outputs = 0, links = 0, executions_deleted = 0;
    {
        store::Transaction tx(*db);
        const std::string of_group = " WHERE execution_id IN (SELECT id FROM execution WHERE execution_group_id = ?)";
        for (const auto& g : groups) {
            for (const auto& row : db->query("SELECT output_fragment FROM execution WHERE execution_group_id = ?", {g.id}).rows)
                if (const auto* s = std::get_if<std::string>(&row[0])) fragments.push_back(*s);
            values += db->execute("DELETE FROM metric_value" + of_group, {g.id});
            outputs += db->execute("DELETE FROM execution_output" + of_group, {g.id});
            links += db->execute("DELETE FROM execution_dataset" + of_group, {g.id});
            executions_deleted += db->execute("DELETE FROM execution WHERE execution_group_id = ?", {g.id});
            db->execute("DELETE FROM execution_group WHERE id = ?", {g.id});
        }
        tx.commit();
    }
    std::cout << "deleted " << groups.size() << " group(s), " << executions_deleted << " execution(s), " << values
              << " metric value(s), " << outputs << " output(s), " << links << " dataset link(s)\n";
    if (!remove_outputs) return 0;

    std::size_t removed = 0, refused = 0;
    for (const auto& root : {fs::absolute(config.results_root), fs::absolute(config.scratch_root)}) {
        for (const auto& fragment : fragments) {
            std::string why;
            const auto folder = contained_folder(root, fragment, why);
            if (!folder) {
                if (!why.empty()) {
                    spdlog::warn("not removing {}: {}", (root / fragment).string(), why);
                    ++refused;
                }
                continue;
            }
            std::error_code ec;
            fs::remove_all(*folder, ec);  // does not follow symlinks inside the folder
            if (ec) {
                spdlog::warn("could not remove {}: {}", folder->string(), ec.message());
                ++refused;
                continue;
            }
            ++removed;
            // The group and diagnostic folders above it go when nothing else is left in them.
            for (fs::path up = folder->lexically_relative(root).parent_path(); !up.empty(); up = up.parent_path()) {
                const fs::path dir = root / up;
                if (!fs::is_directory(fs::symlink_status(dir, ec)) || !fs::is_empty(dir, ec) || ec) break;
                fs::remove(dir, ec);
            }
        }
    }
    std::cout << "removed " << removed << " output folder(s)";
    if (refused) std::cout << "; " << refused << " left in place (see the warnings)";
    std::cout << '\n';
    return refused ? 1 : 0;
}

}  // namespace ref::cli
