// A solve against the store (solver spec §6): plan every selected diagnostic, and for each
// candidate get-or-create its execution group, apply the run rules, create the execution and
// its dataset links in one transaction, then hand it to the executor.
#pragma once

#include "solver/plan.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ref::executions {

// What the solve needs to know about one declared diagnostic.
struct DiagnosticToSolve {
    std::string provider_slug, provider_name, provider_version;
    std::string diagnostic_slug, diagnostic_name;
    int version = 1;
    solver::RequirementAlternatives requirements;
    std::string full_slug() const { return provider_slug + "/" + diagnostic_slug; }
};

struct SolveOptions {
    bool dry_run = false;
    bool execute = true;  // false: create the executions but submit nothing
    bool store_definitions = false;  // keep each definition in execution.definition (queued executions)
    bool rerun_failed = false;
    bool one_per_provider = false;
    bool one_per_diagnostic = false;
    std::optional<int64_t> limit;  // new executions; 0 plans nothing
    solver::SolveFilters filters;
    std::vector<solver::IgnoreEntry> ignored;  // the grey list
    std::filesystem::path scratch_root;        // absolute
    std::chrono::seconds stale_after = std::chrono::hours(6);
    std::function<void(const std::string&)> on_info;
};

// Why a candidate runs (solver spec §6.3).
enum class RunReason { NewGroup, NoExecution, NewData, Dirty, RerunFailed, Stale };
std::string to_string(RunReason reason);

struct PlannedExecution {
    std::string provider, diagnostic;  // slugs
    std::string key;
    std::string dataset_hash;
    RunReason reason = RunReason::NewGroup;
    std::optional<int64_t> group_id, execution_id;  // none in a dry run for new groups
    std::string output_fragment;                    // empty in a dry run
    std::map<std::string, std::vector<std::string>> instance_ids;  // per source type, sorted, once each
    nlohmann::json definition;                      // execution definition (real solves only)
};

struct SolveReport {
    std::vector<PlannedExecution> executions;  // created (or, in a dry run, that would be)
    std::size_t candidates = 0;                // considered
    std::size_t skipped_up_to_date = 0, skipped_in_progress = 0, skipped_one_of = 0;
    std::size_t stale_reaped = 0;
    std::size_t datasets_finalised = 0;
    bool limit_reached = false;
    std::map<std::string, std::size_t> per_diagnostic, per_provider;
};

// Called after each execution's transaction commits (real solves with execute = true).
using Submit = std::function<void(const PlannedExecution&)>;

// Throws solver::SolveError for declaration/catalog errors and store::DatabaseError; what was
// committed before stays committed.
SolveReport solve(store::Database& db, solver::CatalogSource& source, const std::vector<DiagnosticToSolve>& diagnostics,
                  const SolveOptions& options, const Submit& submit = {});

// The execution definition handed to a provider (docs/plugin-abi.md §2.2).
nlohmann::json execution_definition(const std::string& full_slug, const std::string& key,
                                    const solver::Candidate& candidate, const std::filesystem::path& root,
                                    const std::filesystem::path& output_directory);

// Marks executions in progress for longer than `stale_after` failed and their groups dirty.
std::size_t reap_stale_executions(store::Database& db, std::chrono::seconds stale_after);

}  // namespace ref::executions
