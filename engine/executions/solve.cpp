#include "executions/solve.hpp"

#include "solver/identity.hpp"
#include "util/digest.hpp"

#include <algorithm>
#include <ctime>
#include <set>
#include <unordered_map>

namespace ref::executions {

using nlohmann::json;
using store::Value;

std::string to_string(RunReason reason) {
    switch (reason) {
        case RunReason::NewGroup: return "new group";
        case RunReason::NoExecution: return "never run";
        case RunReason::NewData: return "new data";
        case RunReason::Dirty: return "dirty";
        case RunReason::RerunFailed: return "rerun failed";
        case RunReason::Stale: return "stale";
    }
    return "?";
}

namespace {


std::optional<int64_t> integer(const Value& v) { return store::integer_of(v); }
std::string text(const Value& v) { return store::text_of(v).value_or(""); }

struct LastExecution {
    std::string dataset_hash;
    std::optional<bool> successful;
    bool stale = false;
};

struct GroupState {
    int64_t id = 0;
    bool dirty = false;
    std::string selectors;  // JSON text as stored
    std::optional<LastExecution> last;
};

// The run rules (solver spec §6.3); nullopt: skip.
std::optional<RunReason> should_run(const GroupState* group, const std::string& hash, bool rerun_failed) {
    if (!group) return RunReason::NewGroup;
    if (!group->last) return RunReason::NoExecution;
    const auto& last = *group->last;
    if (last.dataset_hash != hash) return RunReason::NewData;
    if (!last.successful && !last.stale) return std::nullopt;  // in progress
    if (group->dirty) return RunReason::Dirty;
    if (rerun_failed && last.successful == false) return RunReason::RerunFailed;
    if (rerun_failed && !last.successful && last.stale) return RunReason::Stale;
    return std::nullopt;
}

std::optional<LastExecution> last_execution(store::Database& db, int64_t group_id, const std::string& cutoff) {
    const auto r = db.query(
        "SELECT dataset_hash, successful, CASE WHEN created_at < ? THEN 1 ELSE 0 END FROM execution "
        "WHERE execution_group_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        {cutoff, group_id});
    if (r.rows.empty()) return std::nullopt;
    LastExecution last;
    last.dataset_hash = text(r.rows[0][0]);
    if (const auto s = integer(r.rows[0][1])) last.successful = *s != 0;
    last.stale = integer(r.rows[0][2]).value_or(0) != 0;
    return last;
}

// Every group of one diagnostic version with its last execution, keyed by group key.
std::unordered_map<std::string, GroupState> load_groups(store::Database& db, int64_t diagnostic_id, int version,
                                                        const std::string& cutoff) {
    std::unordered_map<std::string, GroupState> out;
    const auto r = db.query(
        "SELECT g.id, g.key, g.dirty, g.selectors, e.dataset_hash, e.successful, "
        "CASE WHEN e.created_at < ? THEN 1 ELSE 0 END, e.id FROM execution_group g "
        "LEFT JOIN execution e ON e.id = (SELECT e2.id FROM execution e2 WHERE e2.execution_group_id = g.id "
        "ORDER BY e2.created_at DESC, e2.id DESC LIMIT 1) WHERE g.diagnostic_id = ? AND g.diagnostic_version = ?",
        {cutoff, diagnostic_id, int64_t{version}});
    for (const auto& row : r.rows) {
        GroupState g;
        g.id = integer(row[0]).value_or(0);
        g.dirty = integer(row[2]).value_or(0) != 0;
        g.selectors = text(row[3]);
        if (integer(row[7])) {
            LastExecution last;
            last.dataset_hash = text(row[4]);
            if (const auto s = integer(row[5])) last.successful = *s != 0;
            last.stale = integer(row[6]).value_or(0) != 0;
            g.last = last;
        }
        out.emplace(text(row[1]), std::move(g));
    }
    return out;
}

std::optional<int64_t> diagnostic_id(store::Database& db, const std::string& provider, const std::string& diagnostic) {
    const auto r = db.query(
        "SELECT d.id FROM diagnostic d JOIN provider p ON p.id = d.provider_id WHERE p.slug = ? AND d.slug = ?",
        {provider, diagnostic});
    if (r.rows.empty()) return std::nullopt;
    return integer(r.rows[0][0]);
}

// Provider and diagnostic rows, created when missing (existing rows are left as they are).
int64_t register_diagnostic(store::Database& db, const DiagnosticToSolve& d) {
    store::Transaction tx(db);
    db.execute("INSERT INTO provider (slug, name, version) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING",
               {d.provider_slug, d.provider_name, d.provider_version});
    const auto provider = db.query("SELECT id FROM provider WHERE slug = ?", {d.provider_slug});
    const int64_t provider_id = integer(provider.rows.at(0).at(0)).value_or(0);
    db.execute("INSERT INTO diagnostic (slug, name, provider_id) VALUES (?, ?, ?) ON CONFLICT (provider_id, slug) DO NOTHING",
               {d.diagnostic_slug, d.diagnostic_name, provider_id});
    const auto diagnostic =
        db.query("SELECT id FROM diagnostic WHERE provider_id = ? AND slug = ?", {provider_id, d.diagnostic_slug});
    tx.commit();
    return integer(diagnostic.rows.at(0).at(0)).value_or(0);
}

struct LimitReached {};

}  // namespace

std::size_t reap_stale_executions(store::Database& db, std::chrono::seconds stale_after) {
    const std::string cutoff = store::utc_text(std::chrono::system_clock::now() - stale_after);
    store::Transaction tx(db);
    db.execute(
        "UPDATE execution_group SET dirty = TRUE, updated_at = CURRENT_TIMESTAMP WHERE id IN (SELECT execution_group_id "
        "FROM execution WHERE successful IS NULL AND created_at < ?)",
        {cutoff});
    const auto reaped = db.execute(
        "UPDATE execution SET successful = FALSE, failure_reason = ?, updated_at = CURRENT_TIMESTAMP "
        "WHERE successful IS NULL AND created_at < ?",
        {"abandoned: still in progress " +
             (stale_after.count() % 3600 == 0 ? std::to_string(stale_after.count() / 3600) + " h"
                                              : std::to_string(stale_after.count()) + " s") +
             " after it was created (lost engine or worker); retried by this solve",
         cutoff});
    tx.commit();
    return static_cast<std::size_t>(reaped);
}

json execution_definition(const std::string& full_slug, const std::string& key, const solver::Candidate& candidate,
                          const std::filesystem::path& root, const std::filesystem::path& output_directory) {
    json datasets = json::object();
    for (const auto& collection : candidate.collections) {
        const auto& table = *collection.catalog;
        json selector = json::array();
        for (const auto& [facet, value] : collection.selector) selector.push_back({facet, value});
        json rows = json::array();
        for (const uint32_t row : collection.rows) {
            json r = json::object();
            for (size_t c = 0; c < table.column_names().size(); ++c) {
                const auto v = table.text(row, static_cast<int>(c));
                r[table.column_names()[c]] = v ? json(std::string(*v)) : json(nullptr);
            }
            r["dataset_id"] = table.label(row);
            rows.push_back(std::move(r));
        }
        datasets[std::string(solver::to_string(table.type()))] = {
            {"slug_column", "instance_id"}, {"selector", std::move(selector)}, {"rows", std::move(rows)}};
    }
    return {{"schema_version", 1},
            {"diagnostic", full_slug},
            {"key", key},
            {"root_directory", root.string()},
            {"output_directory", output_directory.string()},
            {"datasets", std::move(datasets)}};
}

namespace {

// One solve: the state that lives across diagnostics and candidates.
class SolveRun {
public:
    SolveRun(store::Database& db, solver::CatalogSource& source, const SolveOptions& options, const Submit& submit)
        : db_(db), source_(source), options_(options), submit_(submit),
          cutoff_(store::utc_text(std::chrono::system_clock::now() - options.stale_after)) {}

    SolveReport run(const std::vector<DiagnosticToSolve>& diagnostics) {
        if (options_.limit && *options_.limit <= 0) {
            report_.limit_reached = true;
            return std::move(report_);
        }
        if (!options_.dry_run) report_.stale_reaped = reap_stale_executions(db_, options_.stale_after);
        try {
            for (const auto& d : diagnostics)
                if (solver::diagnostic_selected(options_.filters, d.provider_slug, d.diagnostic_slug)) solve_one(d);
        } catch (const LimitReached&) {
            report_.limit_reached = true;
            info("reached the execution limit of " + std::to_string(*options_.limit));
        }
        return std::move(report_);
    }

private:
    void info(const std::string& message) const {
        if (options_.on_info) options_.on_info(message);
    }

    void solve_one(const DiagnosticToSolve& d) {
        diagnostic_id_ = options_.dry_run ? diagnostic_id(db_, d.provider_slug, d.diagnostic_slug)
                                          : std::optional<int64_t>(register_diagnostic(db_, d));
        groups_ = diagnostic_id_ ? load_groups(db_, *diagnostic_id_, d.version, cutoff_)
                                 : std::unordered_map<std::string, GroupState>{};
        selectors_of_key_.clear();
        for (const auto& [k, g] : groups_) selectors_of_key_.emplace(k, g.selectors);

        const std::size_t candidates_before = report_.candidates, new_before = report_.executions.size();
        const auto report_diagnostic = [&] {
            info(d.full_slug() + ": " + std::to_string(report_.candidates - candidates_before) + " candidate(s), " +
                 std::to_string(report_.executions.size() - new_before) + (options_.dry_run ? " would run" : " new"));
        };
        const auto requirements = solver::with_ignored(d.requirements, d.provider_slug, d.diagnostic_slug, options_.ignored);
        try {
            solver::solve_diagnostic(source_, d.full_slug(), requirements,
                                     [&](const solver::Candidate& candidate) { consider(d, candidate); });
        } catch (const LimitReached&) {
            report_diagnostic();
            throw;
        }
        report_diagnostic();
    }

    // Keys join raw values with '_', so distinct selectors can share one (spec Q7): the later
    // selector gets the key plus a digest of its selectors.
    std::string unique_key(const std::vector<solver::CollectionIdentity>& identities, const std::string& selectors) {
        std::string key = solver::group_key(identities);
        const auto it = selectors_of_key_.find(key);
        // Stored selectors are our own compact text; parse only when the texts differ.
        if (it != selectors_of_key_.end() && it->second != selectors &&
            json::parse(it->second, nullptr, false) != json::parse(selectors))
            key += "~" + util::sha1_hex(selectors).substr(0, 8);
        selectors_of_key_.emplace(key, selectors);
        return key;
    }

    void consider(const DiagnosticToSolve& d, const solver::Candidate& candidate) {
        ++report_.candidates;
        const auto identities = candidate.identities();
        const std::string selectors = solver::selectors_json(identities);
        const std::string key = unique_key(identities, selectors);
        const std::string hash = solver::dataset_hash(identities);

        // The groups read at the start decide first; a real solve checks again under a lock.
        const auto known = groups_.find(key);
        const auto reason = should_run(known == groups_.end() ? nullptr : &known->second, hash, options_.rerun_failed);
        if (!reason) {
            const bool in_progress = known->second.last && !known->second.last->successful;
            ++(in_progress ? report_.skipped_in_progress : report_.skipped_up_to_date);
            return;
        }

        PlannedExecution planned;
        planned.provider = d.provider_slug;
        planned.diagnostic = d.diagnostic_slug;
        planned.key = key;
        planned.dataset_hash = hash;
        planned.reason = *reason;
        if (known != groups_.end()) planned.group_id = known->second.id;
        for (const auto& identity : identities) {
            auto ids = identity.instance_ids;
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            planned.instance_ids[std::string(solver::to_string(identity.type))] = std::move(ids);
        }

        const bool held_back = (options_.one_per_provider && new_per_provider_[d.provider_slug] >= 1) ||
                               (options_.one_per_diagnostic && report_.per_diagnostic[d.full_slug()] >= 1);
        if (options_.dry_run) {
            if (held_back) {
                ++report_.skipped_one_of;
                return;
            }
        } else if (!persist(d, candidate, identities, selectors, held_back, planned)) {
            return;
        }

        ++report_.per_diagnostic[d.full_slug()];
        ++report_.per_provider[d.provider_slug];
        ++new_per_provider_[d.provider_slug];
        report_.executions.push_back(std::move(planned));
        if (!options_.dry_run && options_.execute && submit_) {
            submit_(report_.executions.back());
            report_.executions.back().definition = json();  // the executor has it; keep memory flat
        }
        if (options_.limit && static_cast<int64_t>(report_.executions.size()) >= *options_.limit) throw LimitReached{};
    }

    // One transaction: get-or-create the group, decide under its row lock, create the
    // execution, its fragment and dataset links. False when nothing was created.
    bool persist(const DiagnosticToSolve& d, const solver::Candidate& candidate,
                 const std::vector<solver::CollectionIdentity>& identities, const std::string& selectors, bool held_back,
                 PlannedExecution& planned) {
        const int64_t diagnostic = *diagnostic_id_;
        const int64_t version = d.version;
        store::Transaction tx(db_);
        const bool created =
            db_.execute("INSERT INTO execution_group (diagnostic_id, key, diagnostic_version, dirty, selectors) "
                        "VALUES (?, ?, ?, TRUE, ?) ON CONFLICT (diagnostic_id, key, diagnostic_version) DO NOTHING",
                        {diagnostic, planned.key, version, selectors}) > 0;
        // The row lock makes concurrent solves decide one after the other.
        const bool postgres = db_.dialect() == store::Dialect::Postgres;
        const auto g = db_.query(std::string("SELECT id, dirty FROM execution_group WHERE diagnostic_id = ? AND key = ? "
                                             "AND diagnostic_version = ?") +
                                     (postgres ? " FOR UPDATE" : ""),
                                 {diagnostic, planned.key, version});
        GroupState state;
        state.id = integer(g.rows.at(0).at(0)).value_or(0);
        state.dirty = integer(g.rows.at(0).at(1)).value_or(0) != 0;
        if (created)
            db_.execute("UPDATE diagnostic SET promoted_version = (SELECT MAX(diagnostic_version) FROM execution_group "
                        "WHERE diagnostic_id = ?) WHERE id = ?",
                        {diagnostic, diagnostic});
        state.last = last_execution(db_, state.id, cutoff_);
        planned.group_id = state.id;
        const auto reason = created ? std::optional<RunReason>(RunReason::NewGroup)
                                    : should_run(&state, planned.dataset_hash, options_.rerun_failed);
        groups_[planned.key] = state;
        if (!reason || held_back) {
            ++(reason ? report_.skipped_one_of : report_.skipped_in_progress);
            tx.commit();  // a new group stays, as in the REF
            return false;
        }
        planned.reason = *reason;
        const auto e = db_.query("INSERT INTO execution (execution_group_id, dataset_hash, output_fragment, "
                                 "provider_version, successful, retracted) VALUES (?, ?, '_pending', ?, NULL, FALSE) "
                                 "RETURNING id",
                                 {state.id, planned.dataset_hash, d.provider_version});
        planned.execution_id = integer(e.rows.at(0).at(0)).value_or(0);
        // The REF passes version 1 here whatever the diagnostic's version (spec Q4); the group
        // id already keeps versions apart, so paths stay as the REF lays them out.
        planned.output_fragment =
            solver::output_fragment(d.provider_slug, d.diagnostic_slug, identities, state.id, *planned.execution_id, 1);
        db_.execute("UPDATE execution SET output_fragment = ? WHERE id = ?", {planned.output_fragment, *planned.execution_id});
        std::set<int64_t> linked;
        for (const auto& c : candidate.collections)
            for (const int64_t dataset : c.dataset_ids())
                if (linked.insert(dataset).second)
                    db_.execute("INSERT INTO execution_dataset (execution_id, dataset_id) VALUES (?, ?)",
                                {*planned.execution_id, dataset});
        if (options_.execute)
            planned.definition = execution_definition(d.full_slug(), planned.key, candidate, options_.scratch_root,
                                                      options_.scratch_root / planned.output_fragment);
        if (options_.execute && options_.store_definitions)
            db_.execute("UPDATE execution SET definition = ? WHERE id = ?",
                        {planned.definition.dump(), *planned.execution_id});
        state.last = LastExecution{planned.dataset_hash, std::nullopt, false};
        groups_[planned.key] = state;
        tx.commit();
        return true;
    }

    store::Database& db_;
    solver::CatalogSource& source_;
    const SolveOptions& options_;
    const Submit& submit_;
    const std::string cutoff_;
    SolveReport report_;
    std::map<std::string, std::size_t> new_per_provider_;
    // Per diagnostic:
    std::optional<int64_t> diagnostic_id_;
    std::unordered_map<std::string, GroupState> groups_;
    std::unordered_map<std::string, std::string> selectors_of_key_;
};

}  // namespace

SolveReport solve(store::Database& db, solver::CatalogSource& source, const std::vector<DiagnosticToSolve>& diagnostics,
                  const SolveOptions& options, const Submit& submit) {
    return SolveRun(db, source, options, submit).run(diagnostics);
}

}  // namespace ref::executions
