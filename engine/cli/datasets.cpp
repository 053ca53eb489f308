// `datasets ingest|list|list-columns|retract|unretract`: what data the REF knows.
#include "catalog/ingest.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "store/migrations.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

solver::SourceType source_type_of(const CommandContext& ctx) {
    const std::string text = ctx.options["source-type"].as<std::string>();
    auto type = solver::parse_source_type(text);
    if (!type) throw UsageError("unknown source type '" + text + "' (cmip6, cmip7, obs4mips, obs4ref, pmp-climatology, esmvaltool-reference)");
    return *type;
}

std::string text_of(const store::Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) {
        std::ostringstream out;
        out << *d;
        return out.str();
    }
    return "";
}

json json_of(const store::Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return nullptr;
}


// A progress line that rewrites itself on a terminal, and a log line every 5 s elsewhere.
class Progress {
public:
    Progress() : terminal_(::isatty(STDERR_FILENO) != 0) {}
    ~Progress() { finish(); }
    void update(std::size_t done, std::size_t total, const std::string& stage) {
        const auto now = std::chrono::steady_clock::now();
        const bool last = total > 0 && done == total;
        if (!last && now - shown_ < (terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5))) return;
        shown_ = now;
        if (total == 0) {  // no known end: just the count
            if (terminal_) std::fprintf(stderr, "\r%-11s %zu", stage.c_str(), done), open_line_ = true;
            else spdlog::info("{}: {}", stage, done);
        } else if (terminal_) {
            const int width = 30;
            const int filled = total ? static_cast<int>(width * done / total) : width;
            std::fprintf(stderr, "\r%-11s [%s%s] %zu/%zu", stage.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                         std::string(static_cast<std::size_t>(width - filled), '.').c_str(), done, total);
            open_line_ = true;
            if (last) finish();
        } else {
            spdlog::info("{}: {}/{}", stage, done, total);
        }
    }
    void finish() {
        if (open_line_) std::fputc('\n', stderr);
        open_line_ = false;
    }

private:
    bool terminal_;
    bool open_line_ = false;
    std::chrono::steady_clock::time_point shown_{};
};

// The latest non-retracted version of each dataset (versions of one identity compete).
std::string latest_filter(const catalog::Adapter& adapter) {
    // One ranking over all datasets (RANK keeps ties, NULLs partition together), not a
    // correlated sub-query per row, which grows with the square of the catalog.
    std::string partition;
    for (const auto& c : adapter.identity_columns()) partition += (partition.empty() ? "s2." : ", s2.") + c;
    return " AND d.id IN (SELECT id FROM (SELECT d2.id, RANK() OVER (PARTITION BY " + partition +
           " ORDER BY d2.version_key DESC) AS version_rank FROM dataset d2 JOIN " + adapter.table() +
           " s2 ON s2.id = d2.id WHERE d2.retracted_at IS NULL) ranked WHERE version_rank = 1)";
}

}  // namespace

po::options_description datasets_ingest_options() {
    po::options_description desc("datasets ingest options");
    desc.add_options()
        ("source-type", po::value<std::string>()->required(), "cmip6, cmip7, obs4mips, obs4ref, pmp-climatology or esmvaltool-reference")
        ("path", po::value<std::vector<std::string>>()->composing(), "files or folders to ingest (also as positional arguments)")
        ("catalog", po::value<std::string>()->value_name("FILE.csv"),
         "register the rows of an intake-esm/ESGF-style CSV catalog (one row per file, a path column) without opening files")
        ("set", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
         "replace {KEY} in the catalog's paths (repeatable), e.g. --set data_dir=/archive")
        ("parser", po::value<std::string>(),
         "complete (open each file) or drs (path only; cmip6 and cmip7); default: cmip6_parser / cmip7_parser, else complete")
        ("n-jobs", po::value<int>(), "parsing processes (-1: one per CPU; default: n_jobs, 1)")
        ("chunk-size", po::value<std::size_t>()->default_value(5000),
         "files parsed and registered at a time (bounds memory; a folder is never split)")
        ("no-skip-invalid", "fail the whole ingest when a dataset's files disagree, instead of leaving that dataset out");
    return desc;
}

po::positional_options_description datasets_ingest_positional() {
    po::positional_options_description p;
    p.add("path", -1);
    return p;
}

int datasets_ingest(const CommandContext& ctx) {
    const auto type = source_type_of(ctx);
    const bool from_catalog = ctx.options.count("catalog") > 0;
    if (!ctx.options.count("path") && !from_catalog) throw UsageError("give at least one file or folder to ingest, or --catalog FILE");
    if (ctx.options.count("path") && from_catalog) throw UsageError("give either paths or --catalog, not both");
    std::map<std::string, std::string> substitutions;
    if (ctx.options.count("set")) {
        for (const auto& item : ctx.options["set"].as<std::vector<std::string>>()) {
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0) throw UsageError("--set takes KEY=VALUE, not '" + item + "'");
            substitutions[item.substr(0, eq)] = item.substr(eq + 1);
        }
    }
    const config::Config config = load_config(ctx);
    std::string parser_text = "complete";
    if (ctx.options.count("parser")) parser_text = ctx.options["parser"].as<std::string>();
    else if (type == solver::SourceType::Cmip6) parser_text = std::string(config::to_string(config.cmip6_parser));
    else if (type == solver::SourceType::Cmip7) parser_text = std::string(config::to_string(config.cmip7_parser));
    if (parser_text != "complete" && parser_text != "drs") throw UsageError("--parser must be 'complete' or 'drs'");
    int jobs = ctx.options.count("n-jobs") ? ctx.options["n-jobs"].as<int>() : config.n_jobs;
    if (jobs != -1 && jobs < 1) throw UsageError("--n-jobs must be -1 or at least 1");
    jobs = config::effective_jobs(jobs);

    const auto adapter = catalog::make_adapter(type);
    catalog::IngestOptions options;
    options.parser = parser_text == "drs" ? catalog::Parser::Drs : catalog::Parser::Complete;
    if (options.parser == catalog::Parser::Drs && !adapter->supports_drs())
        throw UsageError("the drs parser is only for cmip6 and cmip7");
    options.jobs = jobs;
    options.chunk_size = ctx.options["chunk-size"].as<std::size_t>();
    if (options.chunk_size < 1) throw UsageError("--chunk-size must be at least 1");
    options.skip_invalid = !ctx.options.count("no-skip-invalid");
    Progress progress;
    options.on_progress = [&](std::size_t done, std::size_t total, const std::string& stage) { progress.update(done, total, stage); };

    auto db = open_store(config);
    catalog::IngestStats stats;
    if (from_catalog) {
        stats = catalog::ingest_catalog(*db, *adapter, ctx.options["catalog"].as<std::string>(), substitutions, options);
    } else {
        std::vector<fs::path> roots;
        for (const auto& p : ctx.options["path"].as<std::vector<std::string>>()) roots.push_back(fs::absolute(p));
        stats = catalog::ingest_paths(*db, *adapter, roots, options);
    }
    progress.finish();

    for (const auto& w : stats.warnings) spdlog::warn("{}", w);
    std::cout << "ingested " << solver::to_string(type) << ": " << stats.files_found << " file(s) found, "
              << stats.files_invalid << " invalid\n"
              << "datasets: " << stats.datasets_created << " created, " << stats.datasets_updated << " updated, "
              << stats.datasets_unchanged << " unchanged, " << stats.datasets_failed << " failed\n"
              << "files:    " << stats.files_added << " added, " << stats.files_updated << " updated, "
              << stats.files_unchanged << " unchanged\n";
    if (!stats.problems.empty()) {
        std::cout << "problems (" << stats.problems.size() << "):\n";
        for (const auto& p : stats.problems) std::cout << "  " << p.path << ": " << p.reason << '\n';
    }
    return stats.ok() ? 0 : 1;
}

po::options_description datasets_list_options() {
    po::options_description desc("datasets list options");
    desc.add_options()
        ("source-type", po::value<std::string>()->default_value("cmip6"), "which type of dataset")
        ("column", po::value<std::vector<std::string>>()->composing(), "show only this column (repeatable), sorted by them")
        ("include-files", "one row per file, with path, start_time and end_time")
        ("include-retracted", "also retracted datasets and superseded versions")
        ("limit", po::value<int>()->default_value(100), "rows shown at most")
        ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
    return desc;
}

int datasets_list(const CommandContext& ctx) {
    const auto adapter = catalog::make_adapter(source_type_of(ctx));
    const std::string format = output_format(ctx, {"table", "json", "csv"});
    const bool files = ctx.options.count("include-files") > 0;
    const int limit = ctx.options["limit"].as<int>();
    if (limit < 1) throw UsageError("--limit must be at least 1");

    std::vector<std::string> available = adapter->columns();
    available.insert(available.end(), {"retracted_at"});
    if (files) available.insert(available.end(), {"path", "start_time", "end_time"});
    else available.insert(available.end(), {"id", "slug", "dataset_type", "finalised", "created_at", "updated_at"});
    std::vector<std::string> shown = available;
    if (ctx.options.count("column")) {
        shown = ctx.options["column"].as<std::vector<std::string>>();
        for (const auto& c : shown)
            if (std::find(available.begin(), available.end(), c) == available.end())
                throw std::runtime_error("unknown column '" + c + "'; see `datasets list-columns`");
    }
    auto qualify = [&](const std::string& c) {
        if (c == "path" || c == "start_time" || c == "end_time") return "f." + c;
        if (c == "id" || c == "slug" || c == "dataset_type" || c == "finalised" || c == "created_at" ||
            c == "updated_at" || c == "retracted_at")
            return "d." + c;
        return "s." + c;
    };
    std::string select, order;
    for (const auto& c : shown) select += (select.empty() ? "" : ", ") + qualify(c) + " AS " + c;
    for (const auto& c : (ctx.options.count("column") ? shown : std::vector<std::string>{"slug", "id"}))
        order += (order.empty() ? "" : ", ") + qualify(c);
    if (files && !ctx.options.count("column")) order += ", f.path";
    std::string sql = "SELECT " + select + " FROM dataset d JOIN " + adapter->table() + " s ON s.id = d.id" +
                      (files ? " JOIN dataset_file f ON f.dataset_id = d.id" : "") + " WHERE d.dataset_type = ?";
    if (!ctx.options.count("include-retracted")) sql += " AND d.retracted_at IS NULL" + latest_filter(*adapter);
    sql += " ORDER BY " + order + " LIMIT " + std::to_string(limit + 1);

    auto db = open_store(load_config(ctx));
    auto result = db->query(sql, {adapter->dataset_type()});
    const bool more = result.rows.size() > static_cast<std::size_t>(limit);
    if (more) result.rows.resize(static_cast<std::size_t>(limit));

    if (format == "json") {
        json rows = json::array();
        for (const auto& row : result.rows) {
            json obj = json::object();
            for (std::size_t c = 0; c < shown.size(); ++c) obj[shown[c]] = json_of(row[c]);
            rows.push_back(obj);
        }
        std::cout << rows.dump(2) << '\n';
    } else if (format == "csv") {
        for (std::size_t c = 0; c < shown.size(); ++c) std::cout << (c ? "," : "") << csv_cell(shown[c]);
        std::cout << '\n';
        for (const auto& row : result.rows) {
            for (std::size_t c = 0; c < row.size(); ++c) std::cout << (c ? "," : "") << csv_cell(text_of(row[c]));
            std::cout << '\n';
        }
    } else {
        Table table{shown, {}};
        for (const auto& row : result.rows) {
            std::vector<std::string> cells;
            for (const auto& v : row) cells.push_back(text_of(v));
            table.rows.push_back(cells);
        }
        table.print(std::cout);
    }
    if (more) spdlog::warn("more than {} rows match; showing the first {} (use --limit)", limit, limit);
    return 0;
}

po::options_description datasets_list_columns_options() {
    po::options_description desc("datasets list-columns options");
    desc.add_options()("source-type", po::value<std::string>()->default_value("cmip6"), "which type of dataset")(
        "include-files", "also the file-level columns");
    return desc;
}

int datasets_list_columns(const CommandContext& ctx) {
    const auto adapter = catalog::make_adapter(source_type_of(ctx));
    std::set<std::string> columns(adapter->columns().begin(), adapter->columns().end());
    columns.insert("retracted_at");
    if (ctx.options.count("include-files")) columns.insert({"path", "start_time", "end_time"});
    for (const auto& c : columns) std::cout << c << '\n';
    return 0;
}

po::options_description datasets_retract_options() {
    po::options_description desc("datasets retract/unretract options");
    desc.add_options()("slug", po::value<std::string>()->required(), "the dataset's instance id (also positional)");
    return desc;
}

po::positional_options_description datasets_retract_positional() {
    po::positional_options_description p;
    p.add("slug", 1);
    return p;
}

namespace {
int set_retracted(const CommandContext& ctx, bool retract) {
    const std::string slug = ctx.options["slug"].as<std::string>();
    auto db = open_store(load_config(ctx));
    const auto found = db->query("SELECT retracted_at FROM dataset WHERE slug = ?", {slug});
    if (found.rows.empty()) {
        spdlog::error("no dataset is called '{}'", slug);
        return 1;
    }
    const bool is_retracted = !std::holds_alternative<std::monostate>(found.rows[0][0]);
    if (is_retracted == retract) {
        std::cout << slug << " is already " << (retract ? "retracted" : "in use") << '\n';
        return 0;
    }
    if (retract) {
        db->execute("UPDATE dataset SET retracted_at = ? WHERE slug = ?", {store::utc_now_text(), slug});
    } else {
        db->execute("UPDATE dataset SET retracted_at = NULL WHERE slug = ?", {slug});
    }
    std::cout << slug << (retract ? " retracted" : " is in use again") << '\n';
    return 0;
}
}  // namespace

int datasets_retract(const CommandContext& ctx) { return set_retracted(ctx, true); }
int datasets_unretract(const CommandContext& ctx) { return set_retracted(ctx, false); }

}  // namespace ref::cli
